"""`python -m bench.run [--full]` (`make bench`, `make bench FULL=1`): issue 7's figures.

Creates or reuses the PostgreSQL database `civicdesk_bench` on 127.0.0.1:5432,
migrates it, generates the city (1M dossiers, 10M with --full; reused when the row
counts already match), starts gunicorn on a free loopback port, measures every
figure beside the /healthz/ baseline with wrk, stops exactly the server it started
(even on error), prints one line per figure and writes bench/results/<time>-<scale>.json.
Figures whose page or command does not exist yet print `MISS (not available: …)`.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import os
import platform
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.cpu_cost import cost, snapshot
from bench.figures import Figure, format_line, ms, num
from bench.floor import contract_floor, report_floor, same_figures
from bench.web import IDEM_PLACEHOLDER, Client, fill_form, form_errors, main_form, tracking_pair
from bench.wrk import Request, WrkResult, WrkUnavailable, ensure_wrk, run_wrk

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).with_name("results")
PY = sys.executable
SCALES = {"1M": (1_000_000, 100_000, 50_000), "10M": (10_000_000, 1_000_000, 500_000)}
IMPORT_PREFIX = "IMPBENCH-"
PASSWORD = "Bench-pass-2026!"  # noqa: S105 - a throw-away user in the benchmark database only


def log(message: str) -> None:
    print(f"[bench {datetime.now(UTC):%H:%M:%S}] {message}", file=sys.stderr, flush=True)


class BudgetSpent(Exception):
    """No time left in the run's budget for this measurement."""


class NotAvailable(Exception):
    """The page exists but cannot be driven (say why)."""


# --- database and Django ---------------------------------------------------------------------------


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


# --- availability ------------------------------------------------------------------------------------


def page_unavailable(name: str) -> str:
    """Why the page named `name` cannot be measured on this branch ('' when it can)."""
    from django.urls import NoReverseMatch, resolve, reverse

    from core.views import ComingSoonView

    try:
        path = reverse(name)
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


# --- the server ---------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """gunicorn on 127.0.0.1:<free port>, in its own process group: stop() ends exactly
    that master and its workers."""

    def __init__(self, *, workers: int, threads: int, log_path: Path, keep_alive: int = 5) -> None:
        self.workers, self.threads, self.log_path = workers, threads, log_path
        self.keep_alive = keep_alive
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def describe(self) -> dict[str, Any]:
        return {
            "server": "gunicorn",
            "worker_class": "gthread" if self.threads > 1 else "sync",
            "workers": self.workers,
            "threads": self.threads,
            "keep_alive": self.keep_alive,
            "config": "gunicorn.conf.py",
            "pid": self.proc.pid if self.proc else None,
        }

    def start(self) -> None:
        # The server model is gunicorn.conf.py's, the production one; the harness sets only the
        # port, the process and thread counts it was asked for, and the keep-alive.
        cmd = [
            PY,
            "-m",
            "gunicorn",
            "--config",
            str(ROOT / "gunicorn.conf.py"),
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(self.workers),
            "--threads",
            str(self.threads),
            "--worker-class",
            "gthread" if self.threads > 1 else "sync",
            "--keep-alive",
            str(self.keep_alive),
            "--log-level",
            "warning",
        ]
        handle = self.log_path.open("ab")
        self.proc = subprocess.Popen(
            cmd, cwd=ROOT, env=os.environ.copy(), stdout=handle, stderr=subprocess.STDOUT, start_new_session=True
        )
        handle.close()
        log(
            f"gunicorn pid {self.proc.pid} on {self.base_url} ({self.describe()['worker_class']}, "
            f"{self.workers} workers x {self.threads} threads)"
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited ({self.proc.returncode}); see {self.log_path}")
            try:
                with urllib.request.urlopen(self.base_url + "/healthz/", timeout=2) as resp:  # noqa: S310
                    if resp.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError(f"gunicorn did not answer /healthz/ within 60 s; see {self.log_path}")

    def rss_mb(self) -> dict[str, float]:
        """Resident memory of the master and of each worker (Linux /proc), in MB."""
        if self.proc is None or self.proc.poll() is not None:
            return {}
        out: dict[str, float] = {}
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                status = (entry / "status").read_text()
            except OSError:
                continue
            ppid = re.search(r"^PPid:\s+(\d+)", status, re.M)
            rss = re.search(r"^VmRSS:\s+(\d+)", status, re.M)
            if rss and (int(entry.name) == self.proc.pid or (ppid and int(ppid.group(1)) == self.proc.pid)):
                role = "master" if int(entry.name) == self.proc.pid else f"worker {entry.name}"
                out[role] = round(int(rss.group(1)) / 1024, 1)
        return out

    def stop(self) -> None:
        if self.proc is None:
            return
        pid = self.proc.pid
        if self.proc.poll() is None:
            os.kill(pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                log(f"gunicorn {pid} ignored SIGTERM; killing its process group")
        with contextlib.suppress(ProcessLookupError):  # any worker left in the server's own process group
            os.killpg(pid, signal.SIGKILL)
        if self.proc.poll() is None:
            self.proc.wait(timeout=5)
        log(f"gunicorn {pid} stopped")


# --- measurements ------------------------------------------------------------------------------------


class Bench:
    def __init__(self, args: argparse.Namespace, server: Server, deadline: float) -> None:
        self.args, self.server, self.deadline = args, server, deadline
        self.baselines: dict[int, WrkResult] = {}
        self.lookups: list[Request] = []
        self.lookup_note = ""
        self.filing: Request | None = None
        self.filing_cookie = ""
        self.filing_expect = "3xx"
        self.public: Client | None = None

    def seconds(self, wanted: int) -> int:
        s = min(wanted, self.args.seconds) if self.args.seconds else wanted
        left = int(self.deadline - time.monotonic()) - 60
        if left < 3:
            raise BudgetSpent("the run's time budget is spent")
        return max(min(s, left), 1)

    def public_client(self) -> Client:
        """One citizen's browser for the public pages: the filing and lookup bodies carry
        CSRF tokens of the same cookie, so P3 can mix them under one Cookie header."""
        if self.public is None:
            self.public = Client(self.server.base_url, timeout=60)
        return self.public

    def settle(self) -> None:
        """Wait (up to 30 s) until the server answers /healthz/ promptly again: requests
        still running from the previous measurement must not slow the next one."""
        client = Client(self.server.base_url, timeout=60)
        until = time.monotonic() + 30
        while time.monotonic() < until:
            started = time.perf_counter()
            try:
                client.get("/healthz/")
            except OSError:  # still swamped: wait on
                continue
            if time.perf_counter() - started < 0.1:
                return
            time.sleep(0.5)

    def wrk(self, requests: list[Request], connections: int, seconds: int, cookie: str = "") -> WrkResult:
        self.settle()
        headers = {"Cookie": cookie} if cookie else {}
        group = self.server.proc.pid if self.server.proc else -1
        before = snapshot(group)
        result = run_wrk(
            self.server.base_url, requests, connections=connections, seconds=self.seconds(seconds), headers=headers
        )
        result.cpu = cost(before, snapshot(group), sum(result.by_status.values()))
        log(
            f"  {requests[0].method} {requests[0].path} c={connections}: {result.rps:.0f} req/s, "
            f"p95 {ms(result.p95_us)}, statuses {result.by_status}, socket errors {result.socket_errors}"
            + (f", {result.cpu.line()}" if result.cpu else "")
        )
        return result

    def baseline(self, connections: int) -> WrkResult:
        if connections not in self.baselines:
            self.baselines[connections] = self.wrk(
                [Request("GET", "/healthz/")], connections, self.args.baseline_seconds
            )
        return self.baselines[connections]

    def ratio_note(self, result: WrkResult, connections: int, fig: Figure) -> None:
        if result.cpu:
            fig.notes.append(result.cpu.line())
        base = self.baseline(connections)
        fig.metrics["baseline"] = {"connections": connections, **base.as_dict()}
        if base.rps:
            fig.notes.append(f"{result.rps / base.rps:.2f} of baseline {num(base.rps)} req/s")

    # P1 ---------------------------------------------------------------------------------------------
    def prepare_filing(self) -> None:
        from django.urls import reverse

        path = reverse("petitions:file")
        client = self.public_client()
        page = client.get(path)
        if page.status != 200:
            raise NotAvailable(f"GET {path} answered {page.status}")
        form = main_form(page.body)
        if form is None:
            raise NotAvailable(f"no form on {path}")
        overrides = json.loads(os.environ.get("BENCH_P1_FIELDS", "{}"))
        data = fill_form(form, overrides)
        action = urllib.parse.urljoin(path, form.action) if form.action else path
        body = urllib.parse.urlencode(data)
        pairs: list[tuple[str, str]] = []
        for attempt in range(self.args.harvest):
            trial = client.post(action, body.replace(IDEM_PLACEHOLDER, str(uuid.uuid4())))
            if trial.status in (301, 302, 303):
                self.filing_expect = "3xx"
                confirmation = (
                    client.get(urllib.parse.urlsplit(trial.location).path or path) if trial.location else None
                )
                pair = tracking_pair(confirmation.body) if confirmation else None
            elif trial.status == 200 and not form_errors(trial.body):
                self.filing_expect = "2xx"
                pair = tracking_pair(trial.body)
            else:
                invalid = ", ".join(form_errors(trial.body)) or "-"
                raise NotAvailable(
                    f"trial submission refused ({trial.status}; invalid fields: {invalid}); "
                    'give values with BENCH_P1_FIELDS=\'{"field": "value"}\''
                )
            if pair:
                pairs.append(pair)
            elif attempt == 0:
                break  # the confirmation does not expose the code: no point filing more
        self.filing = Request("POST", action, body)
        # Only the CSRF cookie: each filing then starts its own session, as a new citizen's would.
        self.filing_cookie = client.cookie_header(csrf_cookie_name())
        self.harvested = pairs

    def p1(self, fig: Figure) -> None:
        assert self.filing is not None
        r = self.wrk([self.filing], 16, self.args.p1_seconds, self.filing_cookie)
        answered = sum(r.by_status.values())
        errors = r.socket_errors + answered - r.count(self.filing_expect)
        fig.value = f"{num(r.rps)} req/s, p95 {ms(r.p95_us)}, {errors} errors"
        fig.ok = r.rps >= 250 and errors == 0 and r.p95_us <= 100_000
        fig.metrics = {"connections": 16, "expected_status": self.filing_expect, "errors": errors, **r.as_dict()}
        self.ratio_note(r, 16, fig)

    # P2 ---------------------------------------------------------------------------------------------
    def prepare_lookups(self) -> None:
        from django.urls import reverse

        from petitions.models import Petition

        path = reverse("petitions:track")
        client = self.public_client()
        page = client.get(path)
        if page.status != 200:
            raise NotAvailable(f"GET {path} answered {page.status}")
        form = main_form(page.body)
        if form is None:
            raise NotAvailable(f"no form on {path}")
        typed = [c for c in form.controls if c.type not in ("hidden", "submit", "button", "checkbox", "radio")]
        if len(typed) < 2:
            raise NotAvailable(f"the lookup form on {path} has fewer than two fields (code and secret)")
        code_field = next((c.name for c in typed if re.search(r"code|ma|ref", c.name, re.I)), typed[0].name)
        secret_field = next((c.name for c in typed if c.name != code_field), typed[1].name)
        pairs = list(getattr(self, "harvested", []))
        if not pairs:
            refs = list(Petition.objects.order_by("?").values_list("ref", flat=True)[:500])
            pairs = [(ref, "000000") for ref in refs]
            self.lookup_note = "codes of generated petitions with unknown secrets: the not-found path"
        action = urllib.parse.urljoin(path, form.action) if form.action else path
        hidden = [(c.name, c.value) for c in form.controls if c.type == "hidden"]
        for code, secret in pairs:
            data = [*hidden, (code_field, code), (secret_field, secret)]
            if form.method == "get":
                self.lookups.append(Request("GET", f"{action}?{urllib.parse.urlencode(data)}"))
            else:
                self.lookups.append(Request("POST", action, urllib.parse.urlencode(data)))
        self.lookup_cookie = client.cookie_header(csrf_cookie_name())
        trial = self.lookups[0]
        answer = client.get(trial.path) if trial.method == "GET" else client.post(trial.path, trial.body)
        if answer.status >= 500 or answer.status == 403:
            raise NotAvailable(f"a trial lookup answered {answer.status}")

    def p2(self, fig: Figure) -> None:
        r = self.wrk(self.lookups, 16, self.args.p2_seconds, self.lookup_cookie)
        errors = r.socket_errors + r.count("4xx", "5xx") + (0 if r.requests else 1)
        fig.value = f"{num(r.rps)} req/s, p95 {ms(r.p95_us)}, {errors} errors"
        fig.ok = r.rps >= 600 and r.p95_us <= 50_000 and errors == 0
        fig.metrics = {"connections": 16, "lookups": len(self.lookups), "errors": errors, **r.as_dict()}
        if self.lookup_note:
            fig.notes.append(self.lookup_note)
        self.ratio_note(r, 16, fig)

    # P3 ---------------------------------------------------------------------------------------------
    def p3(self, fig: Figure) -> None:
        assert self.filing is not None
        mix: list[Request] = []
        for i, lookup in enumerate(self.lookups[:400]):
            if i % 4 == 0:
                mix.append(self.filing)
            mix.append(lookup)
        cookie = self.filing_cookie  # the CSRF cookie the filing body's token matches
        sampler = ConnectionSampler(self.args.database)
        sampler.start()
        try:
            r = self.wrk(mix, 64, self.args.p3_seconds, cookie)
        finally:
            sampler.stop()
        bound = self.server.workers * self.server.threads + 1  # + the harness's own connection
        # A request wrk gave up on (its timeout) has no latency: p99 only covers the answered
        # ones, so unanswered requests are counted and fail the figure like a 5xx.
        unanswered = f", {r.socket_errors} unanswered" if r.socket_errors else ""
        fig.value = (
            f"{num(r.rps)} req/s, p99 {ms(r.p99_us)}, {r.count('5xx')} 5xx{unanswered}, "
            f"{sampler.peak} DB connections (bound {bound})"
        )
        fig.ok = (
            r.requests > 0
            and r.count("5xx") == 0
            and r.socket_errors == 0
            and r.p99_us <= 400_000
            and sampler.peak <= bound
        )
        fig.metrics = {
            "connections": 64,
            "db_connections_peak": sampler.peak,
            "db_connection_bound": bound,
            **r.as_dict(),
        }
        self.ratio_note(r, 64, fig)

    # P4 / P5 --------------------------------------------------------------------------------------
    def login(self, username: str) -> str:
        from django.urls import reverse

        client = Client(self.server.base_url, timeout=60)
        path = reverse("login")
        form = main_form(client.get(path).body)
        if form is None:
            raise RuntimeError("no login form")
        data = fill_form(form, {"username": username, "password": PASSWORD})
        answer = client.post(path, data)
        if answer.status != 302:
            raise RuntimeError(f"login of {username} answered {answer.status}")
        return client.cookie_header()

    def staff_page(self, fig: Figure, url_name: str, username: str, p95_target_us: int) -> WrkResult | None:
        from django.urls import reverse

        path = reverse(url_name)
        cookie = self.login(username)
        status = Client(self.server.base_url, timeout=60).get(path, headers={"Cookie": cookie}).status
        if status != 200:
            fig.skip(f"{username} gets {status} from {path}")
            return None
        r = self.wrk([Request("GET", path)], 8, self.args.page_seconds, cookie)
        errors = r.socket_errors + sum(r.by_status.values()) - r.count("2xx")
        fig.value = f"p95 {ms(r.p95_us)}, {num(r.rps)} req/s, {errors} errors"
        fig.ok = r.p95_us <= p95_target_us and errors == 0
        fig.metrics = {"connections": 8, "errors": errors, **r.as_dict()}
        self.ratio_note(r, 8, fig)
        return r


class ConnectionSampler(threading.Thread):
    """Peak number of connections to the benchmark database, sampled every 0.2 s."""

    def __init__(self, database: str) -> None:
        super().__init__(daemon=True)
        self.database, self.peak = database, 0
        self._stop_event = threading.Event()

    def run(self) -> None:
        import psycopg2

        conn = psycopg2.connect(host="127.0.0.1", user="postgres", dbname="postgres", connect_timeout=5)
        conn.autocommit = True
        try:
            with conn.cursor() as cur:
                while not self._stop_event.is_set():
                    cur.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = %s", [self.database])
                    row = cur.fetchone()
                    self.peak = max(self.peak, int(row[0]) if row else 0)
                    self._stop_event.wait(0.2)
        finally:
            conn.close()

    def stop(self) -> None:
        self._stop_event.set()
        self.join(timeout=5)


def explain_page(url_name: str, user: Any) -> dict[str, Any]:
    """Render the page in-process as `user`, EXPLAIN every query that reads a big table and
    list sequential scans on them (the plan should use an index)."""
    from django.db import connection
    from django.test import Client as DjangoClient
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    client = DjangoClient()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    with CaptureQueriesContext(connection) as ctx:
        client.get(reverse(url_name))
    from bench.plans import BIG_TABLES, reads_of

    checked: list[dict[str, Any]] = []
    # a prepared statement's execution is explained as EXECUTE name(…) (core.prepared)
    for sql, explain in reads_of(ctx.captured_queries, BIG_TABLES):
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN " + explain)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        seq = sorted(set(re.findall(r"Seq Scan on (\w+)", plan)) & set(BIG_TABLES))
        checked.append({"sql": sql[:1000], "executed": explain[:200], "seq_scans": seq, "plan": plan})
    return {"queries": len(ctx.captured_queries), "checked": checked}


# --- P6 / P7 (commands) ------------------------------------------------------------------------------


def timed_command(argv: list[str], timeout: int) -> dict[str, Any]:
    proc = subprocess.run(
        [PY, "-m", "bench.timed", *argv], cwd=ROOT, capture_output=True, text=True, timeout=timeout, check=False
    )
    for line in proc.stdout.splitlines():
        if line.startswith("TIMED "):
            return dict(json.loads(line[6:]))
    raise RuntimeError(f"{argv[0]} failed ({proc.returncode}): {proc.stderr[-1500:]}")


def last_quarter(today: date) -> tuple[date, date]:
    first_this = date(today.year, (today.month - 1) // 3 * 3 + 1, 1)
    end = first_this - timedelta(days=1)
    return date(end.year, (end.month - 1) // 3 * 3 + 1, 1), end


def p6(fig: Figure, today: date, scale: str) -> None:
    """compile_report for the city over the last complete quarter, beside the floor: the
    hand-written aggregate of the same dossier figures (bench/floor.py). Both are timed as the
    best of three runs; the floor's figures must be the report's."""
    from core.models import Unit
    from reports.compiling import compile_figures
    from reports.periods import Period

    start, end = last_quarter(today)
    city = Unit.objects.get(code="01")
    figures = compile_figures(unit=city, period=Period(start, end))
    months = [date.fromisoformat(f"{month}-01") for month in figures["trend"]["months"]]
    floor, rows = report_floor(city.path, start, end, months)
    contract, _ = contract_floor(city.path, start, end)
    differences = same_figures(rows, figures)
    fig.metrics["floor"] = {"seconds": round(floor, 4), "rows": [list(map(str, r)) for r in rows]}
    fig.metrics["contract_floor"] = {"seconds": round(contract, 4)}
    argv = ["compile_report", "--unit", "01", "--from", start.isoformat(), "--to", end.isoformat(), "--format", "json"]
    runs = [timed_command(argv, timeout=600) for _ in range(3)]
    seconds = min(float(t["seconds"]) for t in runs)
    rss = max(float(t["maxrss_mb"]) for t in runs)
    ratio = seconds / floor if floor else float("inf")
    limit = 2.0 if scale == "1M" else None
    fig.value = f"{seconds:.2f} s, {ratio:.1f} × the SQL floor {floor:.2f} s, {rss:.0f} MB"
    fig.ok = (limit is None or seconds <= limit) and ratio <= 3 and rss <= 300 and not differences
    fig.notes.append(f"city 01, {start:%d/%m/%Y}–{end:%d/%m/%Y}; best of 3 runs each")
    fig.notes.append(
        f"{seconds / contract:.1f} × the contract's columns alone {contract:.2f} s" if contract else "no contract floor"
    )
    if differences:
        fig.notes.append("the floor's figures differ from the report's: " + "; ".join(differences[:3]))
    fig.metrics.update(
        {
            "seconds": round(seconds, 3),
            "runs": [round(float(t["seconds"]), 3) for t in runs],
            "ratio_to_floor": round(ratio, 2),
            "ratio_to_contract_floor": round(seconds / contract, 2) if contract else None,
            "floor_differences": differences,
            "maxrss_mb": rss,
        }
    )
    try:
        every = timed_command(["--every-unit-report", start.isoformat(), end.isoformat()], timeout=600)
    except (RuntimeError, subprocess.TimeoutExpired) as exc:
        fig.notes.append(f"every unit's report not measured: {str(exc)[:120]}")
        return
    every_s = float(every["seconds"])
    fig.notes.append(f"every unit's report ({every['stdout']}) {every_s:.1f} s, {every['maxrss_mb']:.0f} MB")
    fig.metrics["every_unit"] = {
        "seconds": round(every_s, 2),
        "units": every["stdout"],
        "maxrss_mb": every["maxrss_mb"],
    }
    # The same figures of every unit at once (three queries grouped by unit, rolled up along
    # the unit tree), where the reports app has the roll-up: what the quarterly job can use.
    rollup = None
    try:
        rollup = timed_command(["--every-unit-rollup", start.isoformat(), end.isoformat()], timeout=600)
    except (RuntimeError, subprocess.TimeoutExpired) as exc:
        fig.notes.append(f"every unit in one roll-up not measured: {str(exc)[:120]}")
    if rollup is not None:
        rollup_s = float(rollup["seconds"])
        fig.notes.append(f"in one roll-up {rollup_s:.1f} s, {rollup['maxrss_mb']:.0f} MB")
        fig.metrics["every_unit_rollup"] = {"seconds": round(rollup_s, 2), "maxrss_mb": rollup["maxrss_mb"]}
    if limit is None:  # at 10M: every unit's quarterly report within 60 s, 300 MB
        best = min([every] + ([rollup] if rollup is not None else []), key=lambda t: float(t["seconds"]))
        fig.ok = fig.ok and float(best["seconds"]) <= 60 and float(best["maxrss_mb"]) <= 300


def p7(fig: Figure, rows: int = 100_000) -> None:
    from adminreform.models import Dossier, Procedure
    from core.models import Unit

    codes = list(Unit.objects.filter(level="commune", parent__code="01").values_list("code", flat=True))
    procedures = list(Procedure.objects.values_list("code", flat=True)[:20])
    today = date.today()
    with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False, newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ["ref", "unit_code", "received_on", "procedure_code", "channel", "due_on", "resolved_on", "outcome"]
        )
        for i in range(rows):
            received = today - timedelta(days=30 + i % 600)
            writer.writerow(
                [
                    f"{IMPORT_PREFIX}{i:07d}",
                    codes[i % len(codes)],
                    received.isoformat(),
                    procedures[i % len(procedures)] if procedures else "",
                    ("online", "counter", "post")[i % 3],
                    (received + timedelta(days=7)).isoformat(),
                    (received + timedelta(days=3 + i % 7)).isoformat(),
                    "granted",
                ]
            )
        path = handle.name
    try:
        t = timed_command(["import_records", "dossiers", path], timeout=600)
    finally:
        os.unlink(path)
        try:
            from django.db import connection

            Dossier.objects.filter(ref__startswith=IMPORT_PREFIX).delete()
            with connection.cursor() as cursor:  # no dead rows left for the next run's P6
                cursor.execute(f"VACUUM ANALYZE {Dossier._meta.db_table}")
        except Exception as exc:
            log(f"could not delete the imported rows: {exc}")
    seconds = float(t["seconds"])
    rate = rows / seconds if seconds else 0.0
    fig.value = f"{num(rate)} rows/s ({num(rows)} rows in {seconds:.1f} s, {t['maxrss_mb']:.0f} MB)"
    fig.ok = rate >= 10_000
    fig.metrics = {"rows": rows, "seconds": round(seconds, 2), "rows_per_s": round(rate), "maxrss_mb": t["maxrss_mb"]}


# --- the run --------------------------------------------------------------------------------------


def new_figures() -> dict[str, Figure]:
    return {
        "P1": Figure("P1", "submission", "≥ 250 req/s at 16 connections, 0 errors, p95 ≤ 100 ms"),
        "P2": Figure("P2", "status lookup", "≥ 600 req/s uncached, p95 ≤ 50 ms"),
        "P3": Figure("P3", "overload mix", "64 connections, no 5xx, p99 ≤ 400 ms, DB connections bounded"),
        "P4": Figure("P4", "leaders' dashboard", "p95 ≤ 100 ms; p95 at 10M ≤ 1.5 × p95 at 1M"),
        "P5": Figure("P5", "commune queue", "p95 ≤ 50 ms at 10M, plan uses an index"),
        "P6": Figure("P6", "compile_report", "≤ 2 s at 1M, ≤ 3 × SQL floor, ≤ 300 MB; every unit ≤ 60 s at 10M"),
        "P7": Figure("P7", "import_records", "≥ 10,000 rows/s"),
    }


def machine() -> dict[str, Any]:
    from django.db import connection

    meminfo = Path("/proc/meminfo").read_text() if Path("/proc/meminfo").exists() else ""
    mem_kb = int(re.search(r"MemTotal:\s+(\d+)", meminfo).group(1)) if "MemTotal" in meminfo else 0  # type: ignore[union-attr]
    cpuinfo = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    model = re.search(r"model name\s*:\s*(.+)", cpuinfo)
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg = cursor.fetchone()[0]
        cursor.execute("SHOW shared_buffers")
        shared_buffers = cursor.fetchone()[0]
    wrk_version = subprocess.run(["wrk", "--version"], capture_output=True, text=True, check=False).stdout.split("\n")[
        0
    ]
    return {
        "nproc": os.cpu_count(),
        "cpu": model.group(1).strip() if model else platform.processor(),
        "memory_gb": round(mem_kb / 1024 / 1024, 1),
        "postgresql": pg,
        "postgresql_shared_buffers": shared_buffers,
        "python": platform.python_version(),
        "os": platform.platform(),
        "wrk": wrk_version.strip(),
    }


def git_commit() -> str:
    proc = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    return proc.stdout.strip()


def previous_p4_p95(scale: str = "1M") -> float | None:
    for path in sorted(RESULTS.glob(f"*-{scale}.json"), reverse=True):
        try:
            data = json.loads(path.read_text())
        except (OSError, ValueError):
            continue
        for fig in data.get("figures", []):
            if fig["id"] == "P4" and not fig.get("unavailable") and fig.get("metrics", {}).get("p95_ms"):
                return float(fig["metrics"]["p95_ms"])
    return None


def guarded(fig: Figure, step: Callable[[], object]) -> None:
    """Run one measurement; a failure becomes that figure's MISS, not the run's crash."""
    try:
        step()
    except NotAvailable as exc:
        fig.skip(str(exc))
    except BudgetSpent as exc:
        fig.skip(f"not run: {exc}")
    except Exception as exc:
        log(f"{fig.id} failed: {exc!r}")
        fig.value = fig.value or "failed"
        fig.ok = False
        fig.notes.append(f"error: {str(exc)[:200]}")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n\n")[0])
    p.add_argument("--full", action="store_true", help="10M dossiers (1M petitions, 500k visits) instead of 1M")
    p.add_argument("--database", default="civicdesk_bench")
    p.add_argument("--dossiers", type=int, help="override the scale's dossier count (a light smoke run)")
    p.add_argument("--petitions", type=int)
    p.add_argument("--visits", type=int)
    p.add_argument("--seconds", type=int, default=0, help="cap every wrk run at this many seconds")
    p.add_argument("--baseline-seconds", type=int, default=10)
    p.add_argument("--p1-seconds", type=int, default=60)
    p.add_argument("--p2-seconds", type=int, default=30)
    p.add_argument("--p3-seconds", type=int, default=30)
    p.add_argument("--page-seconds", type=int, default=20)
    p.add_argument("--workers", type=int, default=int(os.environ.get("BENCH_WORKERS", "3")))
    p.add_argument("--threads", type=int, default=int(os.environ.get("BENCH_THREADS", "4")))
    p.add_argument(
        "--keep-alive",
        type=int,
        default=int(os.environ.get("BENCH_KEEPALIVE", "5")),
        help="gunicorn's --keep-alive in seconds (0: close every connection after its response)",
    )
    p.add_argument("--harvest", type=int, default=50, help="petitions filed to collect codes for P2")
    p.add_argument("--budget", type=int, help="seconds for the whole run (default 600, 3600 with --full)")
    p.add_argument("--only", help="comma-separated figure ids to run, e.g. P1,P2")
    return p.parse_args(argv)


def _terminate(signum: int, _frame: object) -> None:
    raise SystemExit(128 + signum)  # unwinds through the finally that stops the server


def main(argv: list[str] | None = None) -> int:
    signal.signal(signal.SIGTERM, _terminate)
    args = parse_args(argv)
    started_at = datetime.now(UTC)
    load_at_start = os.getloadavg()
    deadline = time.monotonic() + (args.budget or (3600 if args.full else 600))
    scale = "10M" if args.full else "1M"
    dossiers, petitions, visits = SCALES[scale]
    if args.dossiers is not None:
        dossiers = args.dossiers
        scale = f"{dossiers:,}".replace(",", "_")
    petitions = args.petitions if args.petitions is not None else petitions
    visits = args.visits if args.visits is not None else visits
    only = set(args.only.upper().split(",")) if args.only else None

    ensure_database(args.database)
    setup_django(args.database)
    from django.core.management import call_command
    from django.utils import timezone

    log("migrating")
    call_command("migrate", verbosity=0)
    today = timezone.localdate()
    city = ensure_city(dossiers, petitions, visits, today)
    flush_redis()
    users = ensure_users()
    figures = new_figures()
    for fid, name in (
        ("P1", "petitions:file"),
        ("P2", "petitions:track"),
        ("P4", "reports:dashboard"),
        ("P5", "petitions:queue"),
    ):
        reason = page_unavailable(name)
        if reason:
            figures[fid].skip(reason)
    if figures["P1"].unavailable or figures["P2"].unavailable:
        figures["P3"].skip("needs both P1 (filing) and P2 (lookup) pages")
    for fid, reason in (("P6", command_unavailable("compile_report")), ("P7", importer_unavailable("dossiers"))):
        if reason:
            figures[fid].skip(reason)
    if only:
        for fid, fig in figures.items():
            if fid not in only and not fig.unavailable:
                fig.skip(f"not selected (--only {args.only})")
    try:
        ensure_wrk()
    except WrkUnavailable as exc:
        for fid in ("P1", "P2", "P3", "P4", "P5"):
            if not figures[fid].unavailable:
                figures[fid].skip(str(exc))

    RESULTS.mkdir(exist_ok=True)
    stamp = started_at.strftime("%Y%m%dT%H%M%SZ")
    gunicorn_log = Path(tempfile.gettempdir()) / f"civicdesk-bench-{stamp}-gunicorn.log"
    server = Server(workers=args.workers, threads=args.threads, log_path=gunicorn_log, keep_alive=args.keep_alive)
    bench = Bench(args, server, deadline)
    explains: dict[str, Any] = {}
    server_rss: dict[str, float] = {}
    try:
        server.start()  # always: the baseline alone checks the harness end to end
        # Baselines first, on a quiet server, at each connection count a figure uses.
        bench.baseline(16)
        if not figures["P3"].unavailable:
            bench.baseline(64)
        if not (figures["P4"].unavailable and figures["P5"].unavailable):
            bench.baseline(8)
        if not figures["P1"].unavailable:
            guarded(figures["P1"], lambda: (bench.prepare_filing(), bench.p1(figures["P1"])))
        if not figures["P2"].unavailable:
            guarded(figures["P2"], lambda: (bench.prepare_lookups(), bench.p2(figures["P2"])))
        if not figures["P3"].unavailable:
            if bench.filing is None or not bench.lookups:
                figures["P3"].skip("needs a working P1 filing and P2 lookup")
            else:
                guarded(figures["P3"], lambda: bench.p3(figures["P3"]))
        if not figures["P4"].unavailable:
            guarded(figures["P4"], lambda: p4_step(bench, figures["P4"], users, scale, explains))
        if not figures["P5"].unavailable:
            guarded(figures["P5"], lambda: p5_step(bench, figures["P5"], users, explains))
    finally:
        server_rss = server.rss_mb()
        server.stop()
        flush_redis()
    if not figures["P6"].unavailable:
        guarded(figures["P6"], lambda: p6(figures["P6"], today, scale))
    if not figures["P7"].unavailable:
        guarded(figures["P7"], lambda: p7(figures["P7"]))

    lines = [format_line(f) for f in figures.values()]
    print("\n".join(lines), flush=True)
    result = {
        "timestamp": started_at.isoformat(),
        "finished": datetime.now(UTC).isoformat(),
        "scale": scale,
        "sizes": {"dossiers": dossiers, "petitions": petitions, "visits": visits},
        "city": city,
        "commit": git_commit(),
        "machine": {**machine(), "loadavg_at_start": load_at_start, "loadavg_at_end": os.getloadavg()},
        "server": {**server.describe(), "log": str(gunicorn_log), "rss_mb_at_end": server_rss},
        "settings": "civicdesk.settings.bench (DEBUG off, CONN_MAX_AGE 600, CIVICDESK_RATELIMIT_ENABLED False)",
        "baselines": {str(c): r.as_dict() for c, r in bench.baselines.items()},
        "figures": [f.as_dict() for f in figures.values()],
        "explain": explains,
        "lines": lines,
    }
    out = RESULTS / f"{stamp}-{scale}.json"
    out.write_text(json.dumps(result, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
    log(f"results written to {out.relative_to(ROOT)}")
    return 0


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
        report_compile_now(unit=city, period=period, kind=data["kind"], convention=form.convention.value, actor=None)
        log(f"compiled the city's report {period.start}–{period.end} in {time.monotonic() - started:.1f} s")
    return f"compiled report of 01 for {period.start:%d/%m/%Y}–{period.end:%d/%m/%Y}"


def p4_step(bench: Bench, fig: Figure, users: dict[str, Any], scale: str, explains: dict[str, Any]) -> None:
    fig.notes.append(ensure_city_report())
    r = bench.staff_page(fig, "reports:dashboard", "bench.leader", 100_000)
    explains["P4"] = explain_page("reports:dashboard", users["bench.leader"])
    if r is None:
        return
    fig.notes.append(f"{explains['P4']['queries']} queries")
    if scale == "10M":
        before = previous_p4_p95("1M")
        if before:
            ratio = r.p95_us / 1000 / before
            fig.notes.append(f"{ratio:.2f} × p95 at 1M")
            fig.ok = fig.ok and ratio <= 1.5
        else:
            fig.notes.append("no 1M result to compare with")


def p5_step(bench: Bench, fig: Figure, users: dict[str, Any], explains: dict[str, Any]) -> None:
    r = bench.staff_page(fig, "petitions:queue", "bench.official", 50_000)
    explains["P5"] = explain_page("petitions:queue", users["bench.official"])
    if r is None:
        return
    seq = sorted({t for q in explains["P5"]["checked"] for t in q["seq_scans"]})
    fig.notes.append(f"{explains['P5']['queries']} queries, commune {users['commune'].code}")
    if seq:
        fig.notes.append(f"seq scan on {', '.join(seq)}")
        fig.ok = False
    else:
        fig.notes.append("index scans only")


if __name__ == "__main__":
    sys.exit(main())
