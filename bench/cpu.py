"""Best-of-batches CPU time of a call: steadier than a mean on a shared machine."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any


def cpu_ms(call: Callable[[], Any], *, requests: int, batches: int = 10) -> float:
    """CPU milliseconds per call: `requests` calls split into `batches`, the cheapest batch's
    mean. Other processes slow a batch down (shared caches, a sibling hyper-thread), never
    speed it up, so the minimum is the closest to the call's own cost."""
    size = max(1, requests // batches)
    best = float("inf")
    for _ in range(batches):
        started = time.process_time()
        for _ in range(size):
            call()
        best = min(best, (time.process_time() - started) / size)
    return best * 1000
