"""`python -m bench.profile_api`: the CPU and SQL of P8, P9 and P10's requests, in-process.

wrk's figures move with the neighbours' load; this measures what one request costs instead,
with Django's test client in one process (the benchmark settings, PostgreSQL and Redis): the
API's status lookup (`api:petition_status`, P9) beside the page's (`petitions:track`, P2), the
Open311 list (`open311:requests`, P10: all, `status=open`, `service_code=roads`) and the
city's drill-through list (`reports:rows`, P8) as `bench.leader`. Each request's SQL, then its
CPU time (`time.process_time`, this process only: PostgreSQL's time is not in it), the mean of
the cheapest of ten batches, beside `/healthz/`. `--profile NAME` adds a cProfile of that
request; `--explain` the EXPLAIN (ANALYZE, BUFFERS) of each statement reading a big table.

Uses a benchmark database (`--database`, default `civicdesk_bench`). It files one petition (the
lookups' code and secret), writes the harness's users, compiles the city's report of the
dashboard's default period when it is missing, and gives the generated online feedback its
Open311 codes and places (`bench.api_figures.ensure_open311_feedback`), as the run does.
"""

from __future__ import annotations

import argparse
import logging
import sys
import uuid
from collections.abc import Callable
from typing import Any

ONLY = ("healthz", "track", "api-status", "api-wrong", "open311", "open311-open", "open311-roads", "drill")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.profile_api", description=__doc__.split("\n")[0])
    p.add_argument("--database", default="civicdesk_bench")
    p.add_argument("--requests", type=int, default=200, help="requests per figure (ten batches; the cheapest counts)")
    p.add_argument("--only", help=f"comma-separated requests to time, of {', '.join(ONLY)}")
    p.add_argument("--profile", choices=ONLY, help="cProfile this request")
    p.add_argument("--sort", default="cumulative", choices=("cumulative", "tottime"), help="order of the profile")
    p.add_argument("--lines", type=int, default=40, help="lines of the profile")
    p.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE each big-table read of the chosen requests")
    args = p.parse_args(argv)
    from bench.cpu import cpu_ms, print_load, print_profile, setup_django_on, sql_of

    setup_django_on(args.database, p, why="it files a petition and writes the harness's users")
    logging.getLogger("django.request").setLevel(logging.ERROR)  # the wrong secret's 404s
    from django.test import Client

    from bench.api_figures import ensure_open311_feedback
    from bench.city import ensure_city_report, ensure_users
    from bench.profile_public import post_form

    users = ensure_users()
    print(ensure_city_report())
    print(f"Open311 lists {ensure_open311_feedback()} feedback over all time")
    filed = Client().post(
        "/api/v1/petitions/file/",
        {
            "kind": "feedback",
            "unit": users["commune"].code,
            "petitioner_name": "Trần Thị Bình",
            "petitioner_address": "5 Lý Thái Tổ, Hoàn Kiếm",
            "petitioner_phone": "0987654321",
            "subject": "Đèn đường hỏng",
            "content": "Đèn đường trước số 5 hỏng đã một tuần.",
            "consent": True,
            "idempotency_key": uuid.uuid4().hex,
        },
        content_type="application/json",
    )
    if filed.status_code != 201:
        print(f"the trial filing answered {filed.status_code}: {filed.content[:300]!r}", file=sys.stderr)
        return 1
    code, secret = filed.json()["tracking_code"], filed.json()["tracking_secret"]
    citizen = Client()  # a city app: no session, no CSRF cookie
    browser = Client()  # the page's lookup, as P2 (CSRF checks off: the token is P2's, not measured here)
    leader = Client()
    leader.force_login(users["bench.leader"], backend="django.contrib.auth.backends.ModelBackend")
    open311 = "/open311/v2/requests.json"
    drill = "/reports/rows/01/dossiers_on_time/?level=commune"
    status = "/api/v1/petitions/status/"

    def ask(client: Any, path: str, given: str) -> Callable[[], Any]:
        return lambda: post_form(client, path, {"code": code, "secret": given})

    figures: list[tuple[str, str, Callable[[], Any]]] = [
        ("healthz", "GET /healthz/ (baseline)", lambda: citizen.get("/healthz/")),
        ("track", "POST petitions:track (P2)", ask(browser, "/petitions/track/", secret)),
        ("api-status", "POST api:petition_status (P9)", ask(citizen, status, secret)),
        ("api-wrong", "POST api:petition_status, wrong secret", ask(citizen, status, "x" + secret[1:])),
        ("open311", f"GET {open311} (P10)", lambda: citizen.get(open311)),
        ("open311-open", f"GET {open311}?status=open", lambda: citizen.get(open311, {"status": "open"})),
        ("open311-roads", f"GET {open311}?service_code=roads", lambda: citizen.get(open311, {"service_code": "roads"})),
        ("drill", f"GET {drill} (P8)", lambda: leader.get(drill)),
    ]
    chosen = set(args.only.split(",")) if args.only else None
    for key, name, request in figures:
        if chosen is not None and key not in chosen:
            continue
        status = request().status_code
        captured = sql_of(request)
        print(f"{name}: {status}, {cpu_ms(request, requests=args.requests):.2f} ms CPU, {len(captured)} queries")
        for query in captured:
            print(f"    {query['sql'][:160]}")
        if args.explain:
            explain(request)
    if args.profile:
        request = dict((k, r) for k, _n, r in figures)[args.profile]
        print_profile(request, requests=args.requests, sort=args.sort, lines=args.lines)
    print_load()
    return 0


def explain(request: Callable[[], Any]) -> None:
    """The plan and PostgreSQL's time of each statement of `request` that reads a big table."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from bench.plans import BIG_TABLES, reads_of

    with CaptureQueriesContext(connection) as ctx:
        request()
    for _sql, statement in reads_of(ctx.captured_queries, BIG_TABLES):
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement)
            print("\n".join("      " + row[0] for row in cursor.fetchall()))


if __name__ == "__main__":
    sys.exit(main())
