"""What the in-process profilers (`bench.profile_public`, `bench.profile_queue`,
`bench.profile_api`) share: Django on a benchmark database, the best-of-batches CPU time of a
call (steadier than a mean on a shared machine), and a cProfile of it."""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
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


def backend_cpu_ms(call: Callable[[], Any], *, requests: int, batches: int = 10) -> float | None:
    """PostgreSQL CPU milliseconds per call of this process's own backend (its pid from
    `pg_backend_pid()`, utime + stime from /proc): the cheapest of `batches` batches, as
    `cpu_ms`. The kernel counts in ticks (10 ms): give each batch at least 50 calls. None when
    the backend cannot be read (not PostgreSQL, not on this machine, not Linux)."""
    from django.db import connection

    from bench.cpu_cost import _stat

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = str(cursor.fetchone()[0])
    size = max(1, requests // batches)
    best = float("inf")
    for _ in range(batches):
        before = _stat(pid)
        for _ in range(size):
            call()
        after = _stat(pid)
        if before is None or after is None:
            return None  # another backend now (the connection was closed): unknown
        best = min(best, (after[2] - before[2]) / size)
    return best * 1000


def setup_django_on(database: str, parser: argparse.ArgumentParser, *, why: str) -> None:
    """Django with the benchmark settings on `database`, refused (through `parser`, with `why`)
    unless its name says it is a benchmark's or a test's: the profilers write to it."""
    if "bench" not in database and not database.startswith("test_"):
        parser.error(f"{why}: use a database whose name contains 'bench'")
    os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{database}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civicdesk.settings.bench")
    import django

    django.setup()


def sql_of(call: Callable[[], Any], *, warm_up: int = 10) -> list[dict[str, str]]:
    """The SQL one `call` runs (Django's captured queries), then `warm_up` more calls so the
    measurement that follows starts from warm caches."""
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    reset_queries()  # each request resets the log: start the capture from an empty one
    with CaptureQueriesContext(connection) as queries:
        call()
    captured = list(queries.captured_queries)  # the next request empties the log
    for _ in range(warm_up):
        call()
    return captured


def print_profile(call: Callable[[], Any], *, requests: int, sort: str = "cumulative", lines: int = 40) -> None:
    """A cProfile of `requests` calls of `call`, timed in CPU time, its top `lines` by `sort`;
    then the machine's load average, which says how far to trust the figures."""
    profile = cProfile.Profile(time.process_time)
    profile.enable()
    for _ in range(requests):
        call()
    profile.disable()
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats(sort).print_stats(lines)
    print(out.getvalue())


def print_load() -> None:
    load = os.getloadavg()
    print(f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
