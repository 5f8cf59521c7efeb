"""The outbox: every side effect that leaves the machine (e-mail, SMS, later webhooks and the
public-service portal) is a row written in the transaction of the change it announces, and is
delivered only after that transaction commits. One path, the same in tests, `make run` and
production:

    enqueue(rows)  → the rows are inserted, in the caller's transaction
    on commit      → `handover.submit(label, ids)`
    handover       → `outbox_deliver_task.apply_async((label, ids))`: Celery runs it on a worker,
                     or in the caller when Celery is eager (no broker: `make run`, the tests)
    the task       → `deliver(label, ids)`: each row sent once (compare-and-set on `sent_at`)
    every 15 s     → `sweep()`: rows never handed over (broker down, process killed) or whose
                     send failed are sent again, with a growing wait between attempts

With a broker, the handover batches the ids noted by a web process over `WINDOW_S` into one
broker message per outbox (a surge of filings costs a few messages, not one each); without one
it hands them over at once, in the caller. A broker that refuses a handover is logged, never
raised: the rows wait in the table for the sweeper.

Delivery runs in transactions of its own (`durable=True`): it must never run inside the
transaction of a change, or a message would leave before that change is committed.

Each app registers its outbox table (a subclass of `civicdesk.db.OutboxBase`) and the
function that sends one row, from its `AppConfig.ready()`.
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from django.db import models, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.module_loading import import_string

from civicdesk.db import OutboxBase

from .prepared import insert_prepared

logger = logging.getLogger(__name__)

WINDOW_S = 0.1  # at 60 filings/s per worker, about six filings per broker message
MAX_IDS = 100  # ids per broker message: one worker task sends them in turn
DELIVER_TASK = "core.tasks.outbox_deliver_task"
MAX_ATTEMPTS = 10


class Undeliverable(Exception):  # a verdict, not a malfunction
    """Raised by a sender when the message itself was refused for good (a gateway's 4xx): the
    row is given up at once (its attempts set to the outbox's maximum, the answer kept in
    `last_error`) instead of being refused again at every sweep."""


def backoff(attempts: int) -> timedelta:
    """The wait before attempt `attempts + 1`: 30 s, 1 min, 2 min … at most 1 hour."""
    return timedelta(seconds=min(3600, 30 * 2 ** max(0, attempts - 1)))


@dataclass(frozen=True)
class Outbox:
    """One outbox table and how to send one of its rows (raise to try again later)."""

    model: type[OutboxBase]
    send: Callable[[OutboxBase], None]
    related: Sequence[str] = ()
    max_attempts: int = MAX_ATTEMPTS

    @property
    def label(self) -> str:
        return self.model._meta.label_lower


_outboxes: dict[str, Outbox] = {}


def register(outbox: Outbox) -> None:
    _outboxes[outbox.label] = outbox


def registered() -> list[Outbox]:
    return list(_outboxes.values())


def outbox_of(label: str) -> Outbox:
    try:
        return _outboxes[label]
    except KeyError:
        raise LookupError(f"no outbox registered for {label!r}") from None


# --- writing -------------------------------------------------------------------------------


def enqueue(rows: Sequence[OutboxBase]) -> list[int]:
    """Write new outbox `rows` (of one table) in the caller's transaction and hand their ids
    over after it commits. A row whose `dedupe_key` is already used is not written again (a
    reminder sent once per deadline). Returns the ids written."""
    if not rows:
        return []
    model = type(rows[0])
    plain = [r for r in rows if not r.dedupe_key]
    if plain:  # one prepared INSERT for all of them
        insert_prepared(*plain)
    written = [r.pk for r in plain]
    for row in rows:
        if row.dedupe_key and not model._default_manager.filter(dedupe_key=row.dedupe_key).exists():
            row.save(force_insert=True)
            written.append(row.pk)
    if written:
        transaction.on_commit(partial(handover.submit, model._meta.label_lower, written))
    return written


def written(rows: Sequence[OutboxBase]) -> None:
    """Hand over, after the caller's transaction commits, new rows it wrote itself in the
    statement of the change they announce (core.prepared.insert_prepared_with). Rows with a
    `dedupe_key` go through `enqueue`, which checks the key."""
    if not rows:
        return
    if any(row.dedupe_key or row.pk is None for row in rows):
        raise ValueError("outbox.written takes saved rows without a dedupe_key")
    transaction.on_commit(partial(handover.submit, rows[0]._meta.label_lower, [row.pk for row in rows]))


def run_task_after_commit(name: str, **kwargs: object) -> None:
    """Queue the Celery task `name` (its dotted path) with `kwargs` once the caller's
    transaction commits: how a service starts background work without importing its app's
    tasks (which import the services). A broker outage is logged, never raised: the work
    waits for the app's own sweep (a compile job stays queued, say)."""
    transaction.on_commit(partial(_apply_async, name, kwargs))


def _apply_async(name: str, kwargs: dict[str, object]) -> None:
    try:
        import_string(name).apply_async(kwargs=kwargs, retry=False)
    except Exception:  # broker down
        logger.warning("Could not queue %s(%s); its sweep will", name, kwargs, exc_info=True)


# --- delivering ------------------------------------------------------------------------------


def _deliver_locked(outbox: Outbox, row: OutboxBase) -> bool:
    """Send a row the caller holds locked, once: compare-and-set on `sent_at`. A failed send is
    rolled back to unsent, counted, and waits `backoff(attempts)` before the sweeper tries again."""
    manager = outbox.model._default_manager
    try:
        with transaction.atomic():
            won = manager.filter(pk=row.pk, sent_at__isnull=True).update(sent_at=timezone.now())
            if won != 1:
                return False
            outbox.send(row)
    except Undeliverable as exc:
        logger.warning("Outbox %s #%s refused for good: %s", outbox.label, row.pk, type(exc).__name__)
        manager.filter(pk=row.pk).update(attempts=outbox.max_attempts, last_error=str(exc)[:1000], next_attempt_at=None)
        return False
    except Exception as exc:  # any other sender failure: try again later
        # The log names the message by its id, never its body or recipient (a mail server's
        # refusal quotes the address): the error's kind only. The row keeps the detail.
        logger.warning("Outbox %s #%s failed: %s", outbox.label, row.pk, type(exc).__name__)
        attempts = row.attempts + 1
        manager.filter(pk=row.pk).update(
            attempts=F("attempts") + 1,
            last_error=str(exc)[:1000],
            next_attempt_at=timezone.now() + backoff(attempts),
        )
        return False
    logger.info("Outbox %s #%s sent", outbox.label, row.pk)
    return True


def deliver(label: str, ids: Sequence[int]) -> int:
    """Send the rows `ids` of outbox `label` that nobody has sent. Idempotent; returns how many
    this call sent. Rows another worker holds are skipped (it is sending them)."""
    outbox = outbox_of(label)
    sent = 0
    for pk in ids:
        with transaction.atomic(durable=True):
            row = (
                outbox.model._default_manager.select_for_update(skip_locked=True, of=("self",))
                .select_related(*outbox.related)
                .filter(pk=pk, sent_at__isnull=True)
                .first()
            )
            if row is not None:
                sent += _deliver_locked(outbox, row)
    return sent


def due(outbox: Outbox, *, now: datetime | None = None) -> models.QuerySet[OutboxBase]:
    """Rows waiting to be sent: unsent, not given up on, and past their wait."""
    now = now or timezone.now()
    return outbox.model._default_manager.filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now),
        sent_at__isnull=True,
        attempts__lt=outbox.max_attempts,
    )


def sweep(*, limit: int = 200) -> int:
    """Send waiting rows of every outbox, oldest first, at most `limit` of each; rows another
    sweeper holds are skipped. Returns how many were sent."""
    sent = 0
    for outbox in registered():
        with transaction.atomic(durable=True):
            batch = list(
                due(outbox)
                .select_for_update(skip_locked=True, of=("self",))
                .select_related(*outbox.related)
                .order_by("created_at", "pk")[:limit]
            )
            for row in batch:
                sent += _deliver_locked(outbox, row)
    return sent


# --- the handover to Celery -----------------------------------------------------------------


def _hand_over(label: str, ids: list[int]) -> None:
    task = import_string(DELIVER_TASK)  # by name: the task module imports this one
    task.apply_async(args=(label, ids), retry=False)


def _eager() -> bool:
    from civicdesk.celery import app

    return bool(app.conf.task_always_eager)


class Handover:
    """Ids noted by any thread of this process, handed to Celery in batches.

    With a broker, one daemon thread per process (started on the first `submit`; gunicorn
    forks its workers after import, and a forked child starts afresh) sends what was noted in
    the last `window_s`; what is still noted at exit goes in `flush`. Without one (Celery
    eager), `submit` hands over at once, in the caller."""

    def __init__(
        self,
        send: Callable[[str, list[int]], None] = _hand_over,
        *,
        window_s: float = WINDOW_S,
        eager: Callable[[], bool] = _eager,
    ) -> None:
        self._send = send
        self._window_s = window_s
        self._eager = eager
        self._forget()

    def _forget(self) -> None:
        """A new process (a forked worker) starts with nothing noted and no thread."""
        self._lock = threading.Lock()
        self._noted: dict[str, list[int]] = {}
        self._wake = threading.Event()
        self._started = False

    def submit(self, label: str, ids: Sequence[int]) -> None:
        eager = self._eager()
        with self._lock:
            self._noted.setdefault(label, []).extend(ids)
            if not eager and not self._started:
                self._started = True
                threading.Thread(target=self._run, name="outbox-handover", daemon=True).start()
            self._wake.set()
        if eager:
            self.flush()

    def flush(self) -> None:
        """Hand over what is noted now, in the caller."""
        with self._lock:
            noted, self._noted = self._noted, {}
            self._wake.clear()
        for label, ids in noted.items():
            for start in range(0, len(ids), MAX_IDS):
                chunk = ids[start : start + MAX_IDS]
                try:
                    self._send(label, chunk)
                except Exception:  # broker down: the rows wait for the sweeper
                    logger.warning("Could not hand over %s %s; the sweeper will send them", label, chunk, exc_info=True)

    def _run(self) -> None:
        wake = self._wake
        while True:
            wake.wait()
            time.sleep(self._window_s)  # let the changes of the next moments join this message
            self.flush()


handover = Handover()
atexit.register(handover.flush)
os.register_at_fork(after_in_child=handover._forget)
