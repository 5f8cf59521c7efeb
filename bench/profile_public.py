"""`python -m bench.profile_public`: the CPU and SQL of one filing and one lookup, in-process.

P1 and P2 through wrk say how many requests a second the server answers; on a shared
machine that moves with the neighbours' load. This measures what one request costs instead:
it drives the filing form (`petitions:file`; filled as P1 fills it, a complaint unless
`--kind` says otherwise), the status lookup (`petitions:track`) and the
dossier lookup (`adminreform:lookup`, the first dossier given a known PIN) with
Django's test client (CSRF checks on, the benchmark settings, PostgreSQL and Redis), prints
each request's SQL, and its CPU time (`time.process_time`): the mean of the cheapest of ten
batches of requests, beside `/healthz/` (the wrk baseline); with `--database-cpu` also the CPU
its PostgreSQL backend spent per request (the cheapest of ten more batches). `--profile
file|track` adds a cProfile of that request, sorted by cumulative CPU time.

Uses the benchmark database (`--database`, default `civicdesk_bench`; run `python -m
bench.run` once to create it) and the Redis database of REDIS_URL (default 6, the
benchmark's). Every filing adds a petition: run it on a benchmark database only.
"""

from __future__ import annotations

import argparse
import re
import sys
import uuid
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

URLENCODED = "application/x-www-form-urlencoded"


def post_form(client: Any, path: str, data: dict[str, str]) -> Any:
    """POST as a browser's form and as wrk does (urlencoded): the test client's default,
    multipart, costs the server a parser the benchmark never pays."""
    return client.post(path, urlencode(data), content_type=URLENCODED)


def dossier_lookups(browser: Any, csrf: str) -> list[tuple[str, str, Callable[[], Any]]]:
    """The one-stop dossier lookup (`adminreform:lookup`, code and PIN), found and not: the
    first dossier of the database gets a known PIN (its digest: adminreform.pins)."""
    from adminreform.models import Dossier
    from adminreform.pins import pin_digest

    dossier = Dossier.objects.only("pk", "ref").order_by("pk").first()
    if dossier is None:
        return []
    Dossier.objects.filter(pk=dossier.pk).update(lookup_pin_digest=pin_digest("246810"))

    def lookup(code: str) -> Any:
        return post_form(browser, "/dossiers/lookup/", {"csrfmiddlewaretoken": csrf, "code": code, "pin": "246810"})

    return [
        ("dossier", "POST dossier lookup, found", lambda: lookup(dossier.ref)),
        ("dossier-unknown", "POST dossier lookup, unknown code", lambda: lookup("00000-000000-0000")),
    ]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.profile_public", description=__doc__.split("\n")[0])
    p.add_argument("--database", default="civicdesk_bench")
    p.add_argument("--requests", type=int, default=200, help="requests per figure (ten batches; the cheapest counts)")
    p.add_argument(
        "--database-cpu",
        action="store_true",
        help="also its PostgreSQL backend's CPU per request (/proc; ticks of 10 ms: use --requests 1000 or more)",
    )
    p.add_argument(
        "--kind",
        default="complaint",
        choices=("complaint", "denunciation", "recommendation", "feedback"),
        help="the kind filed (P1 files the form's first, a complaint; a feedback also writes the Open311 "
        "list's generation after its commit)",
    )
    p.add_argument("--profile", choices=("file", "track"), help="cProfile this request")
    p.add_argument("--sort", default="cumulative", choices=("cumulative", "tottime"), help="order of the profile")
    p.add_argument("--lines", type=int, default=40, help="lines of the profile")
    p.add_argument(
        "--only",
        help="comma-separated requests to time (healthz, dossier, dossier-unknown, file, track, unknown, page), "
        "e.g. healthz,file "
        "to compare one change's cost back to back",
    )
    args = p.parse_args(argv)
    from bench.cpu import backend_cpu_ms, cpu_ms, print_load, print_profile, setup_django_on, sql_of

    setup_django_on(args.database, p, why="it files petitions")
    from django.test import Client

    from bench.web import IDEM_PLACEHOLDER, fill_form, main_form

    browser = Client(enforce_csrf_checks=True)
    page = browser.get("/petitions/file/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    form = main_form(page)
    if token is None or form is None:
        print("the filing page has no form", file=sys.stderr)
        return 1
    # What P1 posts (bench.public_figures): the form as bench.web.fill_form fills it, of `--kind`.
    encoded = urlencode(fill_form(form, {"kind": args.kind}))

    def body() -> str:
        return encoded.replace(IDEM_PLACEHOLDER, uuid.uuid4().hex)

    cookie = browser.cookies["csrftoken"].value

    citizen = Client(enforce_csrf_checks=True)  # one handler, as in a server's worker

    def file_once() -> Any:
        citizen.cookies.clear()  # a new citizen each time: only the CSRF cookie
        citizen.cookies["csrftoken"] = cookie
        return citizen.post("/petitions/file/", body(), content_type=URLENCODED)

    first = browser.post("/petitions/file/", body(), content_type=URLENCODED)
    if first.status_code != 302:
        print(f"the trial filing answered {first.status_code}", file=sys.stderr)
        return 1
    shown = browser.get(first["Location"]).content.decode()
    code = re.search(r'id="tracking-code">(\w+)<', shown)
    secret = re.search(r'id="tracking-secret">(\w+)<', shown)
    assert code and secret

    def look() -> Any:
        return post_form(
            browser,
            "/petitions/track/",
            {"csrfmiddlewaretoken": token.group(1), "code": code.group(1), "secret": secret.group(1)},
        )

    figures: list[tuple[str, str, Callable[[], Any]]] = [
        ("healthz", "GET /healthz/ (baseline)", lambda: browser.get("/healthz/")),
        *dossier_lookups(browser, token.group(1)),
        ("file", "POST filing", file_once),
        ("track", "POST lookup, found", look),
        (
            "unknown",
            "POST lookup, unknown code",
            lambda: post_form(
                browser,
                "/petitions/track/",
                {"csrfmiddlewaretoken": token.group(1), "code": "PAAAAAAAAA", "secret": secret.group(1)},
            ),
        ),
        ("page", "GET filing page", lambda: browser.get("/petitions/file/")),
    ]
    chosen = set(args.only.split(",")) if args.only else None
    for key, name, request in figures:
        if chosen is not None and key not in chosen:
            continue
        captured = sql_of(request)
        python = cpu_ms(request, requests=args.requests)
        database = backend_cpu_ms(request, requests=args.requests) if args.database_cpu else None
        also = f" + PostgreSQL {database:.2f} ms" if database is not None else ""
        print(f"{name}: {python:.2f} ms CPU{also}, {len(captured)} queries")
        for query in captured:
            print(f"    {query['sql'][:120]}")
    if args.profile:
        request = file_once if args.profile == "file" else look
        print_profile(request, requests=args.requests, sort=args.sort, lines=args.lines)
    print_load()
    return 0


if __name__ == "__main__":
    sys.exit(main())
