"""Guard the gains: every staff list page, dashboard and report page runs a fixed number of
SQL queries, whatever the number of rows it shows (no N+1).

The pages come from the URLconf itself (`tests.security.world.walk_urlconf`): every staff URL
without object kwargs that answers GET must have an entry in PAGES (with its pinned count) or
in NOT_PAGES (with the reason it is no list), so a list page added later fails
`test_every_staff_list_page_is_pinned` until someone pins it. Report pages that take the
report's pk are listed in PAGES too.

Each page is rendered for commune A's own official with N rows of every kind, then with 3N:
the count must be the same and equal to the pin. When a change adds or removes a query on
purpose, update the pin in the same commit and say why.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.models import Role, UnitLevel
from reports.periods import Period
from reports.services import report_compile_now
from tests.factories import MembershipFactory, UnitFactory, UserFactory
from tests.security.world import World, build_world, is_placeholder, staff_routes, today

pytestmark = pytest.mark.django_db

N = 3  # rows of every kind in the first rendering; 3N in the second


@dataclass(frozen=True)
class Page:
    queries: int  # the pinned number of SQL queries of one GET
    user: str = "officer"  # who opens it (a key of World.users)
    query: Callable[[World], dict[str, Any]] = field(default=lambda w: {})
    kwargs: Callable[[World], dict[str, Any]] = field(default=lambda w: {})
    name: str = ""  # the URL name when the key carries a variant ("reports:report_export/xlsx")


def _period(w: World) -> dict[str, Any]:
    return {"unit": w.commune.pk, "start": "2020-01-01", "end": today().isoformat()}


def _dashboard(w: World) -> dict[str, Any]:
    return {"unit": w.commune.code, "kind": "quarter", "year": 2024, "number": 1}


def _city_dashboard(w: World) -> dict[str, Any]:
    return {"unit": w.made["city_report"].unit.code, "kind": "quarter", "year": 2024, "number": 1}


def _report(w: World) -> dict[str, Any]:
    return {"pk": w.made["latest_report"].pk}


# URL name (or name/variant) → the page and its pinned query count.
PAGES: dict[str, Page] = {
    # "Việc của tôi" adds nine: the user's petitions (one query), their units' new petitions, the
    # petitions' pending steps (duties), the urgings sent and received (two), dossiers, today's
    # sessions, follow-ups and forwarded matters' notices owed, one query each (core.work).
    "core:staff_home": Page(14),
    # Every petitions staff page reads the official's memberships once per request (the view's
    # guard, its scoped reads and the navigation share them). The unfiltered queue of one
    # commune (docs/performance.md, P5): memberships, the scope's first units, the handlers, the
    # bounded count, one statement for the page's three ordered parts: 7, on any page (the
    # calendar behind "due soon" is kept per process, core.selectors.reference_cache, and was
    # read by an earlier page). Filters and search keep the general query: 7.
    "petitions:queue": Page(7),
    "petitions:queue/filtered": Page(
        7, query=lambda w: {"q": "lan chiem", "status": "all", "unit": w.commune.code}, name="petitions:queue"
    ),
    "petitions:queue/page-2": Page(7, query=lambda w: {"page": 2}, name="petitions:queue"),
    "petitions:desk": Page(5),
    # The staff map of feedback and its points: the session, the user, the memberships, the
    # scope's units, one indexed query for the points (a page of at most 2,000).
    "petitions:staff_map": Page(5),
    "petitions:staff_map_points": Page(5),
    # The urgings sent to the official's units and those they sent, one query each.
    "petitions:urge_list": Page(5),
    "reception:session_list": Page(6),
    "reception:visit_queue": Page(4),
    "reception:followup_list": Page(5),
    "reception:dialogue_list": Page(7),
    "reception:book": Page(6, query=_period),
    "reception:book/xlsx": Page(5, query=lambda w: {**_period(w), "format": "xlsx"}, name="reception:book"),
    "reception:frequency": Page(9, user="head", query=_period),
    # A commune's unfiltered list: its open dossiers and those it handles, two indexed parts
    # (+1 over the one general query; docs/performance.md). Search keeps the general query: 5.
    # The API's lists for a member of staff (session): the session, the user, the memberships,
    # the scope's unit ids, one page of rows.
    "api:petitions": Page(5),
    "api:dossiers": Page(5),
    "api:reports": Page(5, user="head"),
    "adminreform:dossier_list": Page(6),
    "adminreform:dossier_list/search": Page(5, query=lambda w: {"q": "Tran Thi"}, name="adminreform:dossier_list"),
    "adminreform:register": Page(8, query=_period),
    "adminreform:register/xlsx": Page(7, query=lambda w: {**_period(w), "format": "xlsx"}, name="adminreform:register"),
    "adminreform:intake_search": Page(4, query=lambda w: {"q": "khai sinh"}),
    "adminreform:procedure_list": Page(5),
    "adminreform:procedure_search_json": Page(3, query=lambda w: {"q": "khai sinh"}),
    "reports:dashboard": Page(7, user="head", query=_dashboard),
    "reports:dashboard/default": Page(7, user="head", name="reports:dashboard"),
    "reports:dashboard/city": Page(6, user="leader", query=_city_dashboard, name="reports:dashboard"),
    # the drill-through list (P8): session, user, memberships, the report's newest version, one
    # page of rows; the unit and the version's figures are kept per process once read (8
    # before: the memberships read by the ORM beside the remembered ones, the report's
    # documents in a second query; then 6: the unit and the figures read each time)
    "reports:rows": Page(
        5,
        user="leader",
        query=lambda w: {"kind": "quarter", "year": 2024, "number": 1, "level": "commune"},
        kwargs=lambda w: {"code": w.made["city_report"].unit.code, "figure": "dossiers_on_time"},
    ),
    "reports:report_detail": Page(6, user="head", kwargs=_report),
    "reports:report_status": Page(5, user="head", kwargs=_report),
    **{
        # a document (not the JSON) reads the units above for its place: one query more
        f"reports:report_export/{fmt}": Page(
            5 if fmt == "json" else 6,
            user="head",
            kwargs=lambda w, fmt=fmt: {**_report(w), "fmt": fmt},
            name="reports:report_export",
        )
        for fmt in ("xlsx", "pdf", "docx", "csv", "json")
    },
    "reports:report_chart": Page(5, user="head", kwargs=lambda w: {**_report(w), "name": "people"}),
}

# Staff URLs without object kwargs that answer GET but list nothing.
NOT_PAGES: dict[str, str] = {
    "two_factor": "the user's own second-factor settings",
    "password_change": "Django's password form",
    "password_change_done": "a static confirmation",
    "reception:session_create": "an empty form",
    "reception:session_today": "opens (creates) today's desk session and redirects to it",
    "reports:compile": "POST only: queues a compilation",
}


def _url(key: str, page: Page, world: World) -> str:
    return reverse(page.name or key, kwargs=page.kwargs(world))


def _count(client: Client, url: str, query: dict[str, Any]) -> tuple[int, list[str]]:
    client.get(url, query)  # warm: sessions, caches and lazy imports settle
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, query)
    assert response.status_code == 200, (url, query, response.status_code)
    return len(ctx.captured_queries), [q["sql"] for q in ctx.captured_queries]


def _add_rows(world: World, n: int) -> None:
    """n more records of every kind for commune A (and n more communes under the city), and
    a new version of each report."""
    for _ in range(n):
        world.dossier()
        world.notice()
        world.petition(subject=f"Lấn chiếm vỉa hè {world.made.setdefault('rows', 0)}")
        world.visit()
        world.follow_up()
        world.made["rows"] += 1
        UnitFactory(parent=world.made["city_report"].unit, level=UnitLevel.COMMUNE)
    q1 = Period(date(2024, 1, 1), date(2024, 3, 31))
    world.made["latest_report"] = report_compile_now(
        unit=world.commune, period=q1, kind="quarter", convention="calendar", actor=world.users["head"]
    )
    world.made["city_report"] = report_compile_now(
        unit=world.made["city_report"].unit, period=q1, kind="quarter", convention="calendar", actor=None
    )


@pytest.fixture
def world(city, commune, other_commune, officer, head, other_officer) -> World:
    w = build_world(commune, other_commune, officer, head, other_officer)
    leader = UserFactory(username="lanhdao.thanhpho")
    MembershipFactory(user=leader, unit=city, role=Role.LEADER_VIEWER)
    w.users["leader"] = leader
    q1 = Period(date(2024, 1, 1), date(2024, 3, 31))
    w.made["city_report"] = report_compile_now(unit=city, period=q1, kind="quarter", convention="calendar", actor=None)
    w.made["latest_report"] = w.report()
    return w


def test_every_staff_list_page_is_pinned():
    # given every staff URL of the project that takes no object and answers GET
    names = {r.name for r in staff_routes() if not r.kwargs and r.accepts("get") and not is_placeholder(r)}
    pinned = {page.name or key for key, page in PAGES.items()}
    # then each one is pinned in PAGES or explained in NOT_PAGES
    missing = sorted(names - pinned - set(NOT_PAGES))
    assert not missing, f"staff pages without a pinned query count in tests/perf: {missing}"
    stale = sorted((pinned | set(NOT_PAGES)) - {r.name for r in staff_routes()})
    assert not stale, f"pins for URLs that no longer exist: {stale}"


def test_staff_pages_run_the_same_pinned_number_of_queries_for_n_and_3n_rows(world):
    _add_rows(world, N - 1)  # the world starts with one record of each kind
    clients = {who: Client() for who in {p.user for p in PAGES.values()}}
    for who, client in clients.items():
        client.force_login(world.users[who])
    first = {key: _count(clients[p.user], _url(key, p, world), p.query(world)) for key, p in PAGES.items()}
    _add_rows(world, 2 * N)
    problems: list[str] = []
    for key, page in PAGES.items():
        n, sql_n = first[key]
        n3, sql_3n = _count(clients[page.user], _url(key, page, world), page.query(world))
        if n3 != n:
            extra = "\n    ".join(s[:200] for s in sql_3n if s not in sql_n)
            problems.append(f"{key}: {n} queries with {N} rows, {n3} with {3 * N} (N+1?):\n    {extra}")
        elif n != page.queries:
            problems.append(f"{key}: {n} queries, pinned {page.queries}:\n    " + "\n    ".join(s[:160] for s in sql_n))
    assert not problems, "\n".join(problems)
