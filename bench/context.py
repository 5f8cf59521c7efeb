"""What every web figure of a run shares: the server, the time budget, the baselines, the
numbers measured so far that other figures' ratios read (the peer's, the baselines'), and how
a wrk result becomes a figure's value and numbers."""

from __future__ import annotations

import argparse
import time
from typing import Any

from bench.figures import Figure, ms, num
from bench.server import Server, measure
from bench.wrk import Request, WrkResult, run_wrk

WARM_UP = 2  # seconds of uncounted requests before each measured wrk run


class BudgetSpent(Exception):
    """No time left in the run's budget for this measurement."""


class NotAvailable(Exception):
    """The page exists but cannot be driven (say why)."""


class Run:
    def __init__(self, args: argparse.Namespace, server: Server, deadline: float) -> None:
        self.args, self.server, self.deadline = args, server, deadline
        self.baselines: list[tuple[int, WrkResult]] = []  # in the order measured
        self.refs: dict[str, float | None] = {}  # numbers other figures' ratios read
        self.state: dict[str, Any] = {}  # what one figure leaves for another (P1's filing for P3)
        self.users: dict[str, Any] = {}
        # A figure measured in `rounds` rounds: each of its wrk runs (the peer's too) lasts its
        # duration divided by `rounds`, and only the first round warms the server up.
        self.rounds = 1
        self.warm = True

    def seconds(self, wanted: int, whole: bool = False) -> int:
        s = min(wanted, self.args.seconds) if self.args.seconds else wanted
        if not whole and self.rounds > 1:
            s = max(1, -(-s // self.rounds))
        left = int(self.deadline - time.monotonic()) - 60
        if left < 3:
            raise BudgetSpent("the run's time budget is spent")
        return max(min(s, left), 1)

    def wrk(
        self,
        requests: list[Request],
        connections: int,
        seconds: int,
        cookie: str = "",
        server: Server | None = None,
        warm: bool = True,
        whole: bool = False,
    ) -> WrkResult:
        """A measured wrk run, after WARM_UP seconds of the same requests that are not counted:
        every worker thread has then loaded its templates and opened its database connection,
        on CivicDesk's server as on the peer's. In a figure's later rounds the server is warm
        already. `whole`: not divided between rounds (the baselines)."""
        seconds = self.seconds(seconds, whole)
        target = server or self.server
        if warm and self.warm and WARM_UP:
            run_wrk(
                target.base_url,
                requests,
                connections=connections,
                seconds=WARM_UP,
                headers={"Cookie": cookie} if cookie else {},
            )
        return measure(target, requests, connections=connections, seconds=seconds, cookie=cookie)

    def baseline(self, connections: int) -> WrkResult:
        """/healthz/ (JSON, no database, no template) on CivicDesk's server at `connections`,
        measured anew at each call: the harness brackets every measurement with two."""
        r = self.wrk(
            [Request("GET", "/healthz/")], connections, self.args.baseline_seconds, warm=not self.baselines, whole=True
        )
        self.baselines.append((connections, r))
        return r

    def last_baseline(self) -> WrkResult | None:
        return self.baselines[-1][1] if self.baselines else None


def bracket(before: WrkResult | None, after: WrkResult | None) -> float | None:
    """The baseline's CPU per request around a measurement: the mean of the baselines measured
    right before and right after it (the machine's load drifts during a run; a baseline from
    minutes earlier would not share the figure's conditions)."""
    values = [r.cpu.total_ms for r in (before, after) if r is not None and r.cpu is not None]
    return sum(values) / len(values) if values else None


def record(run: Run, fig: Figure, r: WrkResult, *, connections: int, errors: int, extra: dict[str, Any]) -> None:
    """A web figure's value, numbers (for its ratios) and raw metrics from its wrk run; the
    harness adds its baseline (`bracket`) once the baseline after it is measured."""
    fig.value = f"{num(r.rps)} req/s, p95 {ms(r.p95_us)}, {errors} errors"
    if r.cpu:
        fig.value += f", {r.cpu.line()}"
    fig.numbers.update({"cpu_ms": r.cpu.total_ms if r.cpu else None, "rps": r.rps})
    fig.metrics.update({"connections": connections, "errors": errors, **extra, **r.as_dict()})
    if errors:
        fig.fail(f"{errors} errors")
    if r.timeouts:  # latency, like p95: information
        fig.notes.append(f"{r.timeouts} requests over wrk's 5-s timeout")
