"""The peer in `make bench`: django-helpdesk installed in its own virtualenv outside the
repository, its own PostgreSQL database, seeded, served by gunicorn (sync workers, its
documented model, and gthread, CivicDesk's), and measured like P1 and P2: the same wrk
connections and duration, the same CPU accounting (its process group and its database's
PostgreSQL backends). P1 and P2 are judged on ratios to these numbers (bench/table.py).

Runs in CivicDesk's virtualenv; the peer's own code (`settings`, `seed`, …) runs in the
peer's, started as child processes with PYTHONPATH at the repository's root.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import platform
import shutil
import subprocess
import sys
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bench.context import Run
from bench.figures import Figure, cpu_vs_baseline, judge, num
from bench.server import ROOT, Server, log
from bench.web import Client, fill_form, form_errors, main_form
from bench.wrk import Request, WrkResult, merge

HERE = Path(__file__).resolve().parent
REQUIREMENTS = HERE / "requirements.txt"
SUBMIT, VIEW = "/tickets/submit/", "/view/"
SEEDED = 300  # tickets whose public view wrk cycles through (P2 cycles through up to 50 codes)
MAX_TICKETS = 50_000  # past this many tickets (each run files thousands) the database is made anew
APP = ["bench.peer.wsgi:application", "--reuse-port", "--backlog", "2048", "--timeout", "30", "--graceful-timeout", "5"]


class PeerUnavailable(RuntimeError):
    """The peer could not be installed, seeded or served (say why)."""


def cache_home() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "civicdesk-bench"


def stamp() -> str:
    """What the virtualenv was built from: the pinned requirements and the interpreter."""
    text = REQUIREMENTS.read_text() + platform.python_version()
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def ensure_venv(home: Path | None = None) -> Path:
    """The peer's interpreter, its virtualenv built (or rebuilt, when the pins or Python
    changed) under `home` (default: $XDG_CACHE_HOME/civicdesk-bench/peer-venv)."""
    venv = (home or cache_home()) / "peer-venv"
    python, marker = venv / "bin" / "python", venv / ".civicdesk-stamp"
    if python.exists() and marker.exists() and marker.read_text() == stamp():
        return python
    log(f"installing the peer into {venv} ({REQUIREMENTS.name}, about a minute)")
    shutil.rmtree(venv, ignore_errors=True)
    steps = (
        [sys.executable, "-m", "venv", str(venv)],
        [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r", str(REQUIREMENTS)],
    )
    for step in steps:
        proc = subprocess.run(step, capture_output=True, text=True, timeout=900, check=False)
        if proc.returncode != 0:
            raise PeerUnavailable(f"{' '.join(step[:4])} failed: {(proc.stderr or proc.stdout)[-300:]}")
    marker.write_text(stamp())
    return python


def ensure_database(name: str) -> None:
    """The peer's own database on the same server, made anew once earlier runs' submissions
    pass MAX_TICKETS."""
    import psycopg2

    conn = psycopg2.connect(host="127.0.0.1", port=5432, user="postgres", dbname="postgres", connect_timeout=5)
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cur.fetchone() is not None and tickets_in(name) > MAX_TICKETS:
                log(f"dropping {name}: earlier runs filed over {MAX_TICKETS:,} tickets")
                cur.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cur.fetchone() is None:
                log(f"creating database {name}")
                cur.execute(f'CREATE DATABASE "{name}"')
    finally:
        conn.close()


def tickets_in(name: str) -> int:
    import psycopg2

    conn = psycopg2.connect(host="127.0.0.1", port=5432, user="postgres", dbname=name, connect_timeout=5)
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT to_regclass('helpdesk_ticket') IS NOT NULL")
            row = cur.fetchone()
            if not row or not row[0]:
                return 0
            cur.execute("SELECT count(*) FROM helpdesk_ticket")
            row = cur.fetchone()
            return int(row[0]) if row else 0
    finally:
        conn.close()


def peer_env(database: str) -> dict[str, str]:
    """The peer's environment: its settings and database, the repository on its path, and
    none of CivicDesk's Django settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CIVICDESK_", "DATABASE_"))}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "bench.peer.settings",
            "PEER_DATABASE": database,
            "PEER_HOME": str(cache_home()),
            "PYTHONPATH": str(ROOT),
        }
    )
    return env


class Peer:
    """Install, seed, serve and measure the peer; `figures()` gives its two result lines."""

    def __init__(self, run: Run, *, database: str, log_dir: Path, stamp_: str) -> None:
        self.run, self.database = run, database
        self.log_path = log_dir / f"civicdesk-bench-{stamp_}-peer-gunicorn.log"
        self.python: Path | None = None
        self.views: list[str] = []
        self.versions: dict[str, str] = {}
        self.servers: list[Server] = []
        # Each model's result over all rounds (merged), and each round's, for P1's and P2's
        # ratios round by round (`round_numbers`).
        self.results: dict[str, dict[str, WrkResult]] = {"submission": {}, "view": {}}
        self.errors: dict[str, dict[str, int]] = {"submission": {}, "view": {}}
        self.rounds: dict[str, list[dict[str, tuple[WrkResult, int]]]] = {"submission": [], "view": []}
        self.unavailable = ""
        self.submissions: dict[str, tuple[Request, str]] = {}

    def prepare(self) -> None:
        try:
            self.python = ensure_venv()
            ensure_database(self.database)
            env = peer_env(self.database)
            self._child(["-m", "django", "migrate", "--no-input", "-v", "0"], env, 600)
            out = self._child(["-m", "bench.peer.seed", "--tickets", str(SEEDED)], env, 600)
            line = next(x for x in out.splitlines() if x.startswith("PEERSEED "))
            self.views = list(json.loads(line[len("PEERSEED ") :])["views"])
            versions = self._child(["-c", VERSIONS], env, 60)
            self.versions = dict(json.loads(versions.strip().splitlines()[-1]))
        except (PeerUnavailable, subprocess.TimeoutExpired, StopIteration, OSError, ValueError) as exc:
            self.unavailable = f"peer not installed or seeded: {str(exc)[:300]}"
            log(self.unavailable)
            return
        self.servers = [
            Server(
                workers=self.run.args.workers,
                threads=threads,
                log_path=self.log_path,
                keep_alive=self.run.args.keep_alive,
                name="peer",
                python=str(self.python),
                app=APP,
                env=env,
                ready_path=SUBMIT,
                database=self.database,
            )
            for threads in (1, self.run.args.threads)  # sync (helpdesk's documented model), then gthread
        ]

    def _child(self, argv: list[str], env: dict[str, str], timeout: int) -> str:
        assert self.python is not None
        proc = subprocess.run(
            [str(self.python), *argv], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout, check=False
        )
        if proc.returncode != 0:
            raise PeerUnavailable(f"{' '.join(argv[:3])} failed: {(proc.stderr or proc.stdout)[-300:]}")
        return proc.stdout

    @contextlib.contextmanager
    def serving(self) -> Iterator[None]:
        """Both peer servers up for the measurements (a model that does not start is left
        out) and stopped on the way out, also on error: exactly their process groups."""
        started: list[Server] = []
        try:
            for server in self.servers:
                started.append(server)  # before start(): an interrupted start is stopped too
                try:
                    server.start()
                except Exception as exc:
                    log(f"peer {model(server)} did not start: {exc!r}")
                    started.remove(server)
                    server.stop()
            self.servers = list(started)
            yield
        finally:
            for server in started:
                server.stop()

    def measure_submission(self) -> None:
        this_round: dict[str, tuple[WrkResult, int]] = {}
        self.rounds["submission"].append(this_round)
        for server in self.servers:
            key = model(server)
            try:
                if key not in self.submissions:  # one trial submission per model, in the first round
                    self.submissions[key] = submission_request(server)
                request, cookie = self.submissions[key]
                r = self.run.wrk([request], 16, self.run.args.p1_seconds, cookie, server=server)
            except Exception as exc:  # one model failing leaves the other as the yardstick
                log(f"peer submission on {key} failed: {exc!r}")
                continue
            this_round[key] = (r, r.dropped + sum(r.by_status.values()) - r.count("3xx"))
            self._merge("submission", key)

    def measure_view(self) -> None:
        if not self.views:
            return
        this_round: dict[str, tuple[WrkResult, int]] = {}
        self.rounds["view"].append(this_round)
        requests = [Request("GET", path) for path in self.views]
        for server in self.servers:
            key = model(server)
            try:
                if len(self.rounds["view"]) == 1:
                    check_view(server, self.views[0])
                r = self.run.wrk(requests, 16, self.run.args.p2_seconds, server=server)
            except Exception as exc:
                log(f"peer view on {key} failed: {exc!r}")
                continue
            this_round[key] = (r, r.dropped + r.count("4xx", "5xx") + (0 if r.requests else 1))
            self._merge("view", key)

    def _merge(self, kind: str, key: str) -> None:
        done = [each[key] for each in self.rounds[kind] if key in each]
        self.results[kind][key] = merge([r for r, _ in done])
        self.errors[kind][key] = sum(e for _, e in done)

    def round_numbers(self, kind: str) -> dict[str, float | None]:
        """The yardstick of the latest round measured: its cheapest clean model's CPU per
        request and its best clean model's req/s (None when no model was clean)."""
        latest = self.rounds[kind][-1] if self.rounds[kind] else {}
        clean = [r for r, errors in latest.values() if not errors and r.cpu]
        return {
            f"peer_{kind}_cpu_ms": min((r.cpu.total_ms for r in clean if r.cpu), default=None),
            f"peer_{kind}_rps": max((r.rps for r in clean), default=None),
        }

    def figures(self) -> list[Figure]:
        """The peer's two lines; its numbers also go to the run's references (P1's and P2's
        ratios): the cheapest clean model's CPU per request, the best clean model's req/s."""
        out = []
        for kind, label, path in (("submission", "submission", SUBMIT), ("view", "public view", VIEW)):
            fig = Figure("peer", label, "the yardstick of P1 and P2, 0 errors")
            out.append(fig)
            if self.unavailable:
                fig.skip(self.unavailable)
                continue
            clean = {k: r for k, r in self.results[kind].items() if not self.errors[kind][k] and r.cpu}
            cpu = min((r.cpu.total_ms for r in clean.values() if r.cpu), default=None)
            rps = max((r.rps for r in clean.values()), default=None)
            self.run.refs[f"peer_{kind}_cpu_ms"], self.run.refs[f"peer_{kind}_rps"] = cpu, rps
            parts = [
                f"{k}: {num(r.rps)} req/s, p95 {r.p95_us / 1000:.0f} ms, {self.errors[kind][k]} errors"
                + (f", {r.cpu.line()}" if r.cpu else "")
                for k, r in self.results[kind].items()
            ]
            fig.value = "; ".join(parts)
            if not clean:
                fig.fail("no server model measured without errors")
            fig.numbers = {
                "cpu_ms": cpu,
                "rps": rps,
                "baseline_cpu_ms": self.run.refs.get(f"peer_{kind}_baseline_cpu_ms"),
            }
            fig.notes += [
                f"django-helpdesk {self.versions.get('django-helpdesk', '?')} {path}, 16 connections",
                f"yardstick {num(rps or 0)} req/s, {cpu or 0:.1f} ms CPU/request" if clean else "no yardstick",
            ]
            fig.metrics = {
                "models": {k: {**r.as_dict(), "errors": self.errors[kind][k]} for k, r in self.results[kind].items()}
            }
            judge(fig, (cpu_vs_baseline(),), self.run.refs)
        return out

    def describe(self) -> dict[str, Any]:
        return {
            "versions": self.versions,
            "database": self.database,
            "venv": str(self.python.parent.parent) if self.python else None,
            "servers": [s.describe() for s in self.servers],
            "log": str(self.log_path),
            "seeded_views": len(self.views),
            "unavailable": self.unavailable,
            "submission": {k: r.as_dict() for k, r in self.results["submission"].items()},
            "view": {k: r.as_dict() for k, r in self.results["view"].items()},
        }


VERSIONS = (
    "import json; from importlib.metadata import version as v; "
    "print(json.dumps({n: v(n) for n in ('django-helpdesk', 'Django', 'gunicorn', 'psycopg2-binary')}))"
)


def model(server: Server) -> str:
    return f"{server.worker_class} {server.workers} × {server.threads}"


def submission_request(server: Server) -> tuple[Request, str]:
    """helpdesk's public form, filled as P1 fills CivicDesk's (its CSRF token kept, the first
    public queue, typed text), after one trial submission that must redirect to the ticket."""
    client = Client(server.base_url, timeout=60)
    page = client.get(SUBMIT)
    form = main_form(page.body) if page.status == 200 else None
    if form is None:
        raise PeerUnavailable(f"GET {SUBMIT} answered {page.status} without a form")
    action = urllib.parse.urljoin(SUBMIT, form.action) if form.action else SUBMIT
    body = urllib.parse.urlencode(fill_form(form))
    trial = client.post(action, body)
    if trial.status != 302:
        raise PeerUnavailable(f"trial submission answered {trial.status}: {', '.join(form_errors(trial.body))}")
    return Request("POST", action, body), client.cookie_header("csrftoken")


def check_view(server: Server, path: str) -> None:
    """One seeded ticket's public view must show that ticket (a wrong key shows the search form)."""
    answer = Client(server.base_url, timeout=60).get(path)
    ticket = urllib.parse.parse_qs(urllib.parse.urlsplit(path).query)["ticket"][0]
    if answer.status != 200 or ticket not in answer.body:
        raise PeerUnavailable(f"the public view of {ticket} answered {answer.status} without the ticket")
