"""The API figures: P9, the API's status lookup (`POST /api/v1/petitions/status/`, code and
secret) at 16 connections, judged against P2 (the page's lookup) of the same run; P10, the
Open311 list (`GET /open311/v2/requests.json`: the last 90 days' feedback, 200 a page) over
the city's petitions. Both are anonymous, as a city app's calls are."""

from __future__ import annotations

import urllib.parse
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bench.city import page_unavailable
from bench.context import NotAvailable, Run, record
from bench.figures import Figure, ms
from bench.public_figures import forms_of
from bench.web import Client
from bench.wrk import Request

if TYPE_CHECKING:
    from bench.table import Spec

# P2's numbers, left by bench.public_figures.Lookup for P9's ratios (same run).
P2_RPS, P2_CPU = "p2_rps", "p2_cpu_ms"


def _p95_at_most(fig: Figure, p95_us: float, bound_ms: float) -> None:
    fig.metrics["p95_bound_ms"] = bound_ms
    if p95_us > bound_ms * 1000:
        fig.fail(f"p95 {ms(p95_us)} over {bound_ms:g} ms")


@dataclass(frozen=True)
class ApiStatus:
    """wrk posts code and secret to the API's status lookup: the pairs of P1's trial filings
    (filed here when P1 did not run), so every answer is a found petition."""

    url_name: str = "api:petition_status"
    p95_ms: float = 50

    def unavailable(self) -> str:
        return page_unavailable(self.url_name)

    def measure(self, run: Run, fig: Figure, spec: Spec) -> None:
        from django.urls import reverse

        forms = forms_of(run)
        if not forms.harvested:
            forms.prepare_filing()
        if not forms.harvested:
            raise NotAvailable("no code and secret from a trial filing")
        path = reverse(self.url_name)
        requests = [
            Request("POST", path, urllib.parse.urlencode({"code": code, "secret": secret}))
            for code, secret in forms.harvested
        ]
        trial = Client(run.server.base_url, timeout=60).post(path, requests[0].body)
        if trial.status != 200:
            raise NotAvailable(f"a trial lookup answered {trial.status}")
        r = run.wrk(requests, spec.connections, getattr(run.args, spec.seconds))
        errors = r.dropped + r.count("4xx", "5xx") + (0 if r.requests else 1)
        record(run, fig, r, connections=spec.connections, errors=errors, extra={"lookups": len(requests)})
        fig.numbers.update({P2_RPS: run.refs.get(P2_RPS), P2_CPU: run.refs.get(P2_CPU)})
        _p95_at_most(fig, r.p95_us, self.p95_ms)


def ensure_open311_feedback() -> int:
    """The generated city's online feedback as Open311 sees it: a tracking code, a category and
    a point in Hà Nội, given once (one UPDATE, then ANALYZE; rerunning it changes nothing).
    Returns how many feedback petitions Open311 lists over all time."""
    from django.db import connection

    from petitions.models import FeedbackCategory, Petition

    table = Petition._meta.db_table
    categories = "ARRAY[" + ", ".join(f"'{c}'" for c in FeedbackCategory.values) + "]"
    with connection.cursor() as cursor:
        cursor.execute(
            f"""UPDATE {table} SET tracking_code = 'G' || lpad(id::text, 10, '0'),
                    category = ({categories})[1 + id % {len(FeedbackCategory.values)}],
                    latitude = 20.95 + (id % 1000) * 0.00015, longitude = 105.75 + (id % 997) * 0.00018
                WHERE kind = 'feedback' AND channel = 'online' AND tracking_code IS NULL"""
        )
        if cursor.rowcount and connection.vendor == "postgresql":
            # A real site's statistics know its codes (autovacuum); without this the planner
            # believes no petition has one and reads the list through the codes' index (P10).
            cursor.execute(f"ANALYZE {table}")
        cursor.execute(f"SELECT count(*) FROM {table} WHERE kind = 'feedback' AND tracking_code IS NOT NULL")
        row = cursor.fetchone()
    return int(row[0]) if row else 0


@dataclass(frozen=True)
class Open311List:
    """wrk asks the Open311 list as a city app does: all feedback, then the open ones, then one
    category, each the newest 200 of the last 90 days."""

    url_name: str = "open311:requests"
    p95_ms: float = 100

    def unavailable(self) -> str:
        from django.urls import NoReverseMatch, reverse

        try:
            reverse(self.url_name, kwargs={"fmt": "json"})
        except NoReverseMatch:
            return f"URL {self.url_name} does not exist"
        return ""

    def measure(self, run: Run, fig: Figure, spec: Spec) -> None:
        from django.urls import reverse

        fig.metrics["feedback_listed"] = ensure_open311_feedback()
        path = reverse(self.url_name, kwargs={"fmt": "json"})
        requests = [
            Request("GET", path),
            Request("GET", f"{path}?status=open"),
            Request("GET", f"{path}?service_code=roads"),
        ]
        trial = Client(run.server.base_url, timeout=60).get(requests[0].path)
        if trial.status != 200:
            raise NotAvailable(f"GET {path} answered {trial.status}")
        r = run.wrk(requests, spec.connections, getattr(run.args, spec.seconds))
        errors = r.dropped + r.count("4xx", "5xx") + (0 if r.requests else 1)
        shown = trial.body.count("service_request_id")
        record(run, fig, r, connections=spec.connections, errors=errors, extra={"requests_in_first_answer": shown})
        _p95_at_most(fig, r.p95_us, self.p95_ms)
