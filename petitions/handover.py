"""The handover of committed outbox rows to Celery, off the request's path.

A filing commits its notifications to the outbox (the `Notification` table) and returns
at once. `Handover.submit` only notes their ids; a thread of the web process hands the ids
noted over the last `WINDOW_S` to the broker in one message, so a surge of filings costs a
few broker messages, not one each. The outbox stays the guarantee: ids the thread could
not hand over (broker down, process killed) are sent by the sweeper (`notification_sweep`,
every 15 s), and delivery is compare-and-set, so nothing goes twice.

With Celery eager (no broker: `make run`, the tests) the ids are handed over at once, in
the caller, as before.
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
import time
from collections.abc import Callable, Sequence

logger = logging.getLogger(__name__)

WINDOW_S = 0.025  # at 250 filings/s, about six filings per broker message
MAX_IDS = 100  # ids per message: one worker task sends them in turn
SEND_TASK = "petitions.tasks.notifications_send_task"


def _send(ids: list[int]) -> None:
    from civicdesk.celery import app

    # send_task never runs the task in this thread, whatever the eager setting says.
    app.send_task(SEND_TASK, args=(ids,), retry=False)


class Handover:
    """Ids noted by any thread of this process, handed to `send` in batches by one thread.

    The thread starts on the first `submit` of each process (gunicorn forks its workers
    after import: a forked child starts afresh) and is a daemon; what is still noted at
    exit is handed over by `flush`."""

    def __init__(self, send: Callable[[list[int]], None] = _send, *, window_s: float = WINDOW_S) -> None:
        self._send = send
        self._window_s = window_s
        self._forget()

    def _forget(self) -> None:
        """A new process (a forked worker) starts with nothing noted and no thread."""
        self._lock = threading.Lock()
        self._noted: list[int] = []
        self._wake = threading.Event()
        self._started = False

    def submit(self, ids: Sequence[int]) -> None:
        with self._lock:
            if not self._started:
                self._started = True
                threading.Thread(target=self._run, name="outbox-handover", daemon=True).start()
            self._noted.extend(ids)
            self._wake.set()

    def flush(self) -> None:
        """Hand over what is noted now, in the caller."""
        with self._lock:
            noted, self._noted = self._noted, []
            self._wake.clear()
        for start in range(0, len(noted), MAX_IDS):
            chunk = noted[start : start + MAX_IDS]
            try:
                self._send(chunk)
            except Exception:  # broker down: the outbox rows wait for the sweeper
                logger.warning("Could not queue notifications %s; the sweeper will send them", chunk, exc_info=True)

    def _run(self) -> None:
        wake = self._wake
        while True:
            wake.wait()
            time.sleep(self._window_s)  # let the filings of the next moments join this message
            self.flush()


handover = Handover()
atexit.register(handover.flush)
os.register_at_fork(after_in_child=handover._forget)
