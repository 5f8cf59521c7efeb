"""`python -m bench.profile_queue`: the CPU and SQL of a commune official's queue page (P5), in-process.

P5 through wrk says how many requests a second the server answers; on a shared machine that
moves with the neighbours' load. This measures what one request costs instead: it logs in the
harness's official (`bench.run.ensure_users`: officer and handler of the one commune with the
most petitions) with Django's test client, GETs `petitions:queue` (the benchmark settings,
PostgreSQL and Redis), prints the SQL of one request with the EXPLAIN (ANALYZE, BUFFERS)
execution time of each statement, and the request's CPU time (`time.process_time`, this
process only: PostgreSQL's time is not in it) per request, the median and the lowest of five
batches of `--requests` / 5 requests, beside `/healthz/`. `--profile` adds a cProfile of the
queue request, sorted by cumulative CPU time.

Uses the benchmark database (`--database`, default `civicdesk_bench`) and the Redis database
of REDIS_URL (default 6, the benchmark's). It reads only, apart from the official's user and
memberships (as the harness writes them) and their session.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any


def explain_ms(sql: str, params: Any) -> str:
    """PostgreSQL's own time for one statement: planning + execution of EXPLAIN ANALYZE."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0][0]
    return f"{plan['Planning Time'] + plan['Execution Time']:.2f} ms"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.profile_queue", description=__doc__.split("\n")[0])
    p.add_argument("--database", default="civicdesk_bench")
    p.add_argument("--requests", type=int, default=200, help="requests averaged per figure")
    p.add_argument("--page", default="", help="the queue's page number (default: the first)")
    p.add_argument("--profile", action="store_true", help="cProfile the queue request")
    p.add_argument("--lines", type=int, default=40, help="lines of the profile")
    args = p.parse_args(argv)
    from bench.cpu import print_load, print_profile, setup_django_on, sql_of

    setup_django_on(args.database, p, why="it writes the benchmark's official")
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from bench.run import ensure_users

    users = ensure_users()
    print(f"official: {users['bench.official'].username}, commune {users['commune'].code}")
    browser = Client()
    browser.force_login(users["bench.official"])
    url = reverse("petitions:queue")
    query = {"page": args.page} if args.page else {}
    first = browser.get(url, query)
    if first.status_code != 200:
        print(f"the queue answered {first.status_code}", file=sys.stderr)
        return 1

    figures: list[tuple[str, Callable[[], Any]]] = [
        ("GET /healthz/ (baseline)", lambda: browser.get("/healthz/")),
        ("GET petitions:queue", lambda: browser.get(url, query)),
    ]
    for name, request in figures:
        captured = sql_of(request)
        # Five batches: on a machine shared with other builds one batch can be slowed by the
        # neighbours (caches, frequency); the lowest and the median batch say more than the mean.
        batches = []
        for _ in range(5):
            started = time.process_time()
            for _ in range(max(1, args.requests // 5)):
                request()
            batches.append((time.process_time() - started) / max(1, args.requests // 5) * 1000)
        best, median = min(batches), statistics.median(batches)
        print(f"{name}: {median:.2f} ms CPU (median of 5 batches; best {best:.2f}), {len(captured)} queries")
        for captured_query in captured:
            print(f"    {captured_query['sql'][:160]}")
    print("PostgreSQL time of each statement of the queue request (EXPLAIN ANALYZE):")
    recorder = _Recorder()
    with connection.execute_wrapper(recorder):
        browser.get(url, query)
    for sql, params in recorder.statements:
        kind = sql.split(None, 1)[0].upper()
        shown = explain_ms(sql, params) if kind == "SELECT" else "(not a SELECT)"
        print(f"    {shown:>10}  {sql[:140]}")
    if args.profile:
        print_profile(lambda: browser.get(url, query), requests=args.requests, lines=args.lines)
    print_load()
    return 0


class _Recorder:
    """Keeps each statement with its parameters (the query log has only the interpolated SQL)."""

    def __init__(self) -> None:
        self.statements: list[tuple[str, Any]] = []

    def __call__(self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        self.statements.append((sql, params))
        return execute(sql, params, many, context)


if __name__ == "__main__":
    sys.exit(main())
