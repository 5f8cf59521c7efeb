"""The public web figures: P1 (online filing), P2 (status lookup) and P3 (the overload mix of
both), driven through the real forms (see docs/performance.md, "How the pages are driven")."""

from __future__ import annotations

import json
import os
import re
import threading
import urllib.parse
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bench.city import csrf_cookie_name, page_unavailable
from bench.context import NotAvailable, Run, record
from bench.figures import Figure, ms, num
from bench.server import Server
from bench.web import IDEM_PLACEHOLDER, Client, fill_form, form_errors, main_form, tracking_pair
from bench.wrk import Request

if TYPE_CHECKING:
    from bench.table import Spec


class PublicForms:
    """One citizen's browser for the public pages: the filing and lookup bodies carry CSRF
    tokens of the same cookie, so P3 can mix them under one Cookie header."""

    def __init__(self, server: Server, *, harvest: int) -> None:
        self.client = Client(server.base_url, timeout=60)
        self.harvest = harvest
        self.filing: Request | None = None
        self.filing_cookie = ""
        self.filing_expect = "3xx"
        self.harvested: list[tuple[str, str]] = []
        self.lookups: list[Request] = []
        self.lookup_cookie = ""
        self.lookup_note = ""

    def prepare_filing(self) -> None:
        """The filing's body (and the codes of its trial filings), once: later rounds replay it."""
        if self.filing is not None:
            return
        from django.urls import reverse

        path = reverse("petitions:file")
        page = self.client.get(path)
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
        for attempt in range(self.harvest):
            trial = self.client.post(action, body.replace(IDEM_PLACEHOLDER, str(uuid.uuid4())))
            if trial.status in (301, 302, 303):
                self.filing_expect = "3xx"
                location = urllib.parse.urlsplit(trial.location).path or path
                confirmation = self.client.get(location) if trial.location else None
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
        self.filing_cookie = self.client.cookie_header(csrf_cookie_name())
        self.harvested = pairs

    def prepare_lookups(self) -> None:
        if self.lookups:  # prepared in an earlier round
            return
        from django.urls import reverse

        from petitions.models import Petition

        path = reverse("petitions:track")
        page = self.client.get(path)
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
        pairs = list(self.harvested)
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
        self.lookup_cookie = self.client.cookie_header(csrf_cookie_name())
        trial = self.lookups[0]
        answer = self.client.get(trial.path) if trial.method == "GET" else self.client.post(trial.path, trial.body)
        if answer.status >= 500 or answer.status == 403:
            raise NotAvailable(f"a trial lookup answered {answer.status}")

    def mix(self, every: int = 4) -> list[Request]:
        """P3's mix: a filing before every `every`-th lookup."""
        assert self.filing is not None
        out: list[Request] = []
        for i, lookup in enumerate(self.lookups[:400]):
            if i % every == 0:
                out.append(self.filing)
            out.append(lookup)
        return out


def forms_of(run: Run) -> PublicForms:
    if "forms" not in run.state:
        run.state["forms"] = PublicForms(run.server, harvest=run.args.harvest)
    forms: PublicForms = run.state["forms"]
    return forms


@dataclass(frozen=True)
class Filing:
    """wrk replays the filled filing form, a fresh idempotency key per request."""

    url_name: str = "petitions:file"

    def unavailable(self) -> str:
        return page_unavailable(self.url_name)

    def measure(self, run: Run, fig: Figure, spec: Spec) -> None:
        forms = forms_of(run)
        forms.prepare_filing()
        assert forms.filing is not None
        r = run.wrk([forms.filing], spec.connections, getattr(run.args, spec.seconds), forms.filing_cookie)
        errors = r.dropped + sum(r.by_status.values()) - r.count(forms.filing_expect)
        record(run, fig, r, connections=spec.connections, errors=errors, extra={"expected": forms.filing_expect})


@dataclass(frozen=True)
class Lookup:
    """wrk submits the lookup form with the codes and secrets of P1's trial filings."""

    url_name: str = "petitions:track"

    def unavailable(self) -> str:
        return page_unavailable(self.url_name)

    def measure(self, run: Run, fig: Figure, spec: Spec) -> None:
        forms = forms_of(run)
        forms.prepare_lookups()
        r = run.wrk(forms.lookups, spec.connections, getattr(run.args, spec.seconds), forms.lookup_cookie)
        errors = r.dropped + r.count("4xx", "5xx") + (0 if r.requests else 1)
        record(run, fig, r, connections=spec.connections, errors=errors, extra={"lookups": len(forms.lookups)})
        # P9 (the API's lookup) is judged against these, measured in the same run
        run.refs["p2_rps"], run.refs["p2_cpu_ms"] = r.rps, (r.cpu.total_ms if r.cpu else None)
        if forms.lookup_note:
            fig.notes.append(forms.lookup_note)


@dataclass(frozen=True)
class Mix:
    """P3: filings and lookups mixed at overload; no 5xx, no connection dropped, and the
    server's database connections bounded by its threads."""

    needs: tuple[str, ...] = ("petitions:file", "petitions:track")

    def unavailable(self) -> str:
        if any(page_unavailable(name) for name in self.needs):
            return "needs both P1 (filing) and P2 (lookup) pages"
        return ""

    def measure(self, run: Run, fig: Figure, spec: Spec) -> None:
        forms = forms_of(run)
        if forms.filing is None or not forms.lookups:
            raise NotAvailable("needs a working P1 filing and P2 lookup")
        sampler = ConnectionSampler(run.server.database, run.server.app_name)
        sampler.start()
        try:
            r = run.wrk(forms.mix(), spec.connections, getattr(run.args, spec.seconds), forms.filing_cookie)
        finally:
            sampler.stop()
        bound = run.server.workers * run.server.threads  # one persistent connection per thread
        # A request wrk gave up on (its 5-s timeout) is latency, shown on the line like p99; a
        # connection refused or reset is a failure, like a 5xx.
        record(run, fig, r, connections=spec.connections, errors=0, extra={"db_connections_peak": sampler.peak})
        fig.value = (
            f"{num(r.rps)} req/s, p99 {ms(r.p99_us)}, {r.count('5xx')} 5xx, {r.dropped} dropped, "
            f"{sampler.peak} DB connections (bound {bound})" + (f", {r.cpu.line()}" if r.cpu else "")
        )
        fig.metrics["db_connection_bound"] = bound
        if r.count("5xx"):
            fig.fail(f"{r.count('5xx')} answers 5xx")
        if r.dropped:
            fig.fail(f"{r.dropped} connections dropped")
        if sampler.peak == 0:  # the check would hold vacuously
            fig.fail(f"no connection named {run.server.app_name} seen: the bound was not checked")
        if sampler.peak > bound:
            fig.fail(f"{sampler.peak} DB connections over the bound {bound}")


class ConnectionSampler(threading.Thread):
    """Peak number of the server's connections to the benchmark database (those with its
    application_name: not the harness's, nor another session's on the same database), sampled
    every 0.2 s."""

    def __init__(self, database: str, application_name: str) -> None:
        super().__init__(daemon=True)
        self.database, self.application_name, self.peak = database, application_name, 0
        self._stop_event = threading.Event()

    def run(self) -> None:
        import psycopg2

        conn = psycopg2.connect(host="127.0.0.1", user="postgres", dbname="postgres", connect_timeout=5)
        conn.autocommit = True
        try:
            with conn.cursor() as cur:
                while not self._stop_event.is_set():
                    cur.execute(
                        "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND application_name = %s",
                        [self.database, self.application_name],
                    )
                    row = cur.fetchone()
                    self.peak = max(self.peak, int(row[0]) if row else 0)
                    self._stop_event.wait(0.2)
        finally:
            conn.close()

    def stop(self) -> None:
        self._stop_event.set()
        self.join(timeout=5)
