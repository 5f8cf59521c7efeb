"""The staff web figures: a logged-in official's page through wrk (P4 the leaders' dashboard,
P5 a commune official's queue; later the dashboard's drill-through lists), and the EXPLAIN of
every query the page runs on a big table."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bench.city import PASSWORD, ensure_city_report, page_unavailable
from bench.context import NotAvailable, Run, record
from bench.web import Client, fill_form, main_form
from bench.wrk import Request

if TYPE_CHECKING:
    from bench.figures import Figure
    from bench.table import Spec

RESULTS = Path(__file__).with_name("results")


def login(run: Run, username: str) -> str:
    from django.urls import reverse

    client = Client(run.server.base_url, timeout=60)
    path = reverse("login")
    form = main_form(client.get(path).body)
    if form is None:
        raise RuntimeError("no login form")
    answer = client.post(path, fill_form(form, {"username": username, "password": PASSWORD}))
    if answer.status != 302:
        raise RuntimeError(f"login of {username} answered {answer.status}")
    return client.cookie_header()


@dataclass(frozen=True)
class StaffPage:
    """`username` GETs the page `url_name` through wrk with the session of a real login.
    `plans`: a sequential scan on a big table fails the figure. `report`: the city's report of
    the dashboard's default period is compiled first. `scale`: at 10M, the page's CPU over the
    baseline's may be at most `scale` times the latest 1M run's. `args` and `query`: the URL's
    arguments and query string (a drill-through list: the unit and figure, the level)."""

    url_name: str
    username: str
    plans: bool = False
    report: bool = False
    scale: float | None = None
    args: tuple[str, ...] = ()
    query: str = ""

    def unavailable(self) -> str:
        return page_unavailable(self.url_name, self.args)

    def path(self) -> str:
        from django.urls import reverse

        return reverse(self.url_name, args=self.args) + (f"?{self.query}" if self.query else "")

    def measure(self, run: Run, fig: Figure, spec: Spec) -> None:
        if self.report:
            fig.notes.append(run.state.get("city_report") or ensure_city_report())
            run.state["city_report"] = fig.notes[-1]
        path = self.path()
        cookie = login(run, self.username)
        status = Client(run.server.base_url, timeout=60).get(path, headers={"Cookie": cookie}).status
        if status != 200:
            raise NotAvailable(f"{self.username} gets {status} from {path}")
        r = run.wrk([Request("GET", path)], spec.connections, getattr(run.args, spec.seconds), cookie)
        errors = r.dropped + sum(r.by_status.values()) - r.count("2xx")
        record(run, fig, r, connections=spec.connections, errors=errors, extra={})
        explained = run.state.setdefault("explain", {}).get(fig.id)  # the plans of its first round
        if explained is None:
            explained = run.state["explain"][fig.id] = explain_page(path, run.users[self.username])
        fig.notes.append(f"{explained['queries']} queries")
        if self.url_name == "petitions:queue":
            fig.notes.append(f"commune {run.users['commune'].code}")
        if self.plans:
            seq = sorted({t for q in explained["checked"] for t in q["seq_scans"]})
            if seq:
                fig.fail(f"seq scan on {', '.join(seq)}")
            else:
                fig.notes.append("index scans only")

    def with_baseline(self, run: Run, fig: Figure) -> None:
        """At 10M, once the figure's baseline is known: its multiple against the 1M run's."""
        if self.scale and run.args.full:
            self.against_1m(fig)

    def against_1m(self, fig: Figure) -> None:
        before = previous_baseline_multiple(fig.id, "1M")
        cpu, base = fig.numbers.get("cpu_ms"), fig.numbers.get("baseline_cpu_ms")
        if before is None or not cpu or not base:
            fig.notes.append("no 1M result to compare with")
            return
        growth = cpu / base / before
        fig.notes.append(f"{growth:.2f} × its baseline multiple at 1M")
        if self.scale is not None and growth > self.scale:
            fig.fail(f"CPU over the baseline grew {growth:.2f} × from 1M (at most {self.scale:g})")


def previous_baseline_multiple(figure_id: str, scale: str) -> float | None:
    """The figure's CPU over its baseline's in the latest result of that scale."""
    for path in sorted(RESULTS.glob(f"*-{scale}.json"), reverse=True):
        try:
            data = json.loads(path.read_text())
        except (OSError, ValueError):
            continue
        for fig in data.get("figures", []):
            numbers = fig.get("numbers") or {}
            if fig["id"] == figure_id and numbers.get("cpu_ms") and numbers.get("baseline_cpu_ms"):
                return float(numbers["cpu_ms"]) / float(numbers["baseline_cpu_ms"])
    return None


def explain_page(path: str, user: Any) -> dict[str, Any]:
    """Render the page at `path` in-process as `user`, EXPLAIN every query that reads a big
    table and list sequential scans on them (the plan should use an index)."""
    from django.db import connection
    from django.test import Client as DjangoClient
    from django.test.utils import CaptureQueriesContext

    client = DjangoClient()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    with CaptureQueriesContext(connection) as ctx:
        client.get(path)
    from bench.plans import BIG_TABLES, reads_of

    checked: list[dict[str, Any]] = []
    # a prepared statement's execution is explained as EXPLAIN EXECUTE name(…) (core.prepared)
    for sql, explain in reads_of(ctx.captured_queries, BIG_TABLES):
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN " + explain)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        seq = sorted(set(re.findall(r"Seq Scan on (\w+)", plan)) & set(BIG_TABLES))
        checked.append({"sql": sql[:1000], "executed": explain[:200], "seq_scans": seq, "plan": plan})
    return {"queries": len(ctx.captured_queries), "checked": checked}
