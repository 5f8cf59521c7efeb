"""The benchmark's database and Django: the PostgreSQL database, the generated city, the two
staff users, Redis emptied, and whether a figure's page or command exists on this branch."""

from __future__ import annotations

import os
import subprocess
import time
from datetime import date
from typing import Any

from bench.server import PY, ROOT, log

PASSWORD = "Bench-pass-2026!"  # noqa: S105 - a throw-away user in the benchmark database only


def ensure_database(name: str) -> None:
    import psycopg2

    conn = psycopg2.connect(host="127.0.0.1", port=5432, user="postgres", dbname="postgres", connect_timeout=5)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cur.fetchone() is None:
            log(f"creating database {name}")
            cur.execute(f'CREATE DATABASE "{name}"')
    conn.close()


def setup_django(database: str) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "civicdesk.settings.bench"
    os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{database}"
    subprocess.run([PY, "-m", "civicdesk.compile_messages"], cwd=ROOT, check=True, capture_output=True, timeout=120)
    import django

    django.setup()


def city_drifted(*, filed: int, petitions: int) -> bool:
    """True when earlier runs' filings (P1, P3) are over a tenth of the city's petitions. They
    stay (petition events are append-only: no row can be deleted), and past that share they
    change what the figures measure (the queue's commune, the quarter's petitions), so the city
    is generated anew (TRUNCATE, then about 70 s at 1M)."""
    return filed > petitions // 10


def ensure_city(dossiers: int, petitions: int, visits: int, today: date) -> dict[str, Any]:
    from adminreform.models import Dossier
    from bench.generator import CityPlan, generate_city, generated_count, reset_city
    from petitions.models import Petition
    from reception.models import Visit

    counts = {
        "dossiers": generated_count(Dossier),
        "petitions": generated_count(Petition),
        "visits": generated_count(Visit),
    }
    wanted = {"dossiers": dossiers, "petitions": petitions, "visits": visits}
    filed = Petition.objects.count() - counts["petitions"]
    if counts == wanted and not city_drifted(filed=filed, petitions=petitions):
        log(f"reusing the generated city {counts} ({filed:,} petitions filed by earlier runs)")
        return {"reused": True, **counts, "filed_before": filed, "seconds": 0.0}
    started = time.perf_counter()
    if counts == wanted:
        log(f"wiping the previous city: earlier runs filed {filed:,} petitions, over a tenth of it")
        reset_city()
    elif any(counts[k] > wanted[k] for k in counts):
        log("wiping the previous city (different size)")
        reset_city()
    log(f"generating {wanted}")
    generate_city(CityPlan(dossiers=dossiers, petitions=petitions, visits=visits, today=today), log=log)
    checkpoint()
    seconds = time.perf_counter() - started
    log(f"generated in {seconds:.0f} s")
    return {"reused": False, **wanted, "seconds": round(seconds, 1)}


def checkpoint() -> None:
    """Have PostgreSQL write the generated city's pages out now (CHECKPOINT). Otherwise the
    checkpoints that the generator's WAL sets off run during the first figures, and P1's commits
    wait behind their writes: a run right after a generation had P1's p95 at 101 ms, with a
    checkpoint started by WAL volume in the middle of P1, against 67–75 ms on a reused city."""
    from django.db import DatabaseError, connection

    if connection.vendor != "postgresql":
        return
    log("checkpoint")
    try:
        with connection.cursor() as cursor:
            cursor.execute("CHECKPOINT")
    except DatabaseError as exc:  # not a superuser (nor pg_checkpoint)
        log(f"no CHECKPOINT ({exc}): the first figures may pay for the generator's writes")


def flush_redis() -> None:
    """Empty Redis database 6 (the benchmark's own): rate-limit counters and the Celery
    messages the filings queued (no worker runs during the benchmark)."""
    from django.conf import settings

    if not settings.REDIS_URL:
        return
    try:
        import redis

        redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2).flushdb()
    except Exception as exc:
        log(f"could not empty {settings.REDIS_URL}: {exc}")


def ensure_users() -> dict[str, Any]:
    """bench.leader (leader_viewer of the city) and bench.official (officer and handler of
    the commune with the most petitions)."""
    from django.contrib.auth import get_user_model
    from django.db.models import Count

    from core.models import Membership, Role, Unit
    from core.services import membership_grant, membership_revoke
    from petitions.models import Petition

    user_model = get_user_model()
    city = Unit.objects.get(code="01")
    busiest = (
        Petition.objects.filter(unit__level="commune").values("unit").annotate(n=Count("id")).order_by("-n").first()
    )
    commune = Unit.objects.get(pk=busiest["unit"]) if busiest else Unit.objects.get(code="00070")
    users: dict[str, Any] = {}
    for username, unit, roles in (
        ("bench.leader", city, [Role.LEADER_VIEWER]),
        ("bench.official", commune, [Role.OFFICER, Role.HANDLER]),
    ):
        user, _ = user_model.objects.get_or_create(username=username, defaults={"is_staff": False})
        user.set_password(PASSWORD)
        user.save()
        for role in roles:
            if not Membership.objects.filter(user=user, unit=unit, role=role).exists():
                membership_grant(user=user, unit=unit, role=role, actor=None, reason="benchmark user")
        # One unit only: the busiest commune can change between runs (P1's filings go to one
        # commune), and an official of two communes is measured on another, slower query.
        for stale in Membership.objects.filter(user=user).exclude(unit=unit):
            membership_revoke(membership=stale, actor=None, reason="benchmark user: one unit")
        users[username] = user
    users["commune"] = commune
    return users


# The generated city (Hà Nội's code): the leader's unit, the dashboard's and P8's.
CITY_CODE = "01"


def page_unavailable(name: str, args: tuple[str, ...] = ()) -> str:
    """Why the page named `name` (with its URL `args`) cannot be measured on this branch ('' when
    it can)."""
    from django.urls import NoReverseMatch, resolve, reverse

    from core.views import ComingSoonView

    try:
        path = reverse(name, args=args)
    except NoReverseMatch:
        return f"URL {name} does not exist"
    view_class = getattr(resolve(path).func, "view_class", None)
    if view_class is not None and issubclass(view_class, ComingSoonView):
        return f"{name} is still the placeholder page on this branch"
    return ""


def command_unavailable(name: str) -> str:
    from django.core.management import get_commands

    return "" if name in get_commands() else f"no {name} management command on this branch"


def importer_unavailable(kind: str) -> str:
    from core.importing import importers

    return "" if kind in importers() else f"no '{kind}' importer registered for import_records on this branch"


def csrf_cookie_name() -> str:
    from django.conf import settings

    return str(settings.CSRF_COOKIE_NAME)


def ensure_city_report() -> str:
    """The dashboard reads the compiled report of the period it opens on (the last closed
    quarter): without one it only offers to compile, and P4 would measure that short page.
    Compile the city's report of that period once when it is missing (not timed). Returns a
    note for the result line."""
    try:
        from django.utils import timezone

        from core.models import Unit
        from reports.forms import PeriodForm
        from reports.models import CompiledReport, CompileState
        from reports.services import report_compile_now
        from reports.views import default_period_data
    except ImportError as exc:  # the reports app is not merged on this branch
        return f"no compiled report ({exc})"
    data = default_period_data(timezone.localdate())
    form = PeriodForm(data)
    if not form.is_valid():
        return "no compiled report (default period not valid)"
    period = form.cleaned_data["period"]
    city = Unit.objects.get(code="01")
    done = CompiledReport.objects.filter(
        unit=city, period_from=period.start, period_to=period.end, state=CompileState.DONE
    ).exists()
    if not done:
        started = time.monotonic()
        convention = form.chosen_convention.value
        report_compile_now(unit=city, period=period, kind=data["kind"], convention=convention, actor=None)
        log(f"compiled the city's report {period.start}–{period.end} in {time.monotonic() - started:.1f} s")
    return f"compiled report of 01 for {period.start:%d/%m/%Y}–{period.end:%d/%m/%Y}"
