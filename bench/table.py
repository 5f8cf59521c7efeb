"""The figure table: what each figure measures and the same-run ratios it is judged on.

Adding a figure is one entry: its id and label, what it drives (a page through wrk with its
connections and the option that sets its duration, or a command), and its ratio rules. A
figure whose page or command does not exist on this branch prints `MISS (not available: …)`.
For example a staff page with URL arguments (P8 below):

    Spec("P8", "drill-through list", StaffPage("reports:rows", "bench.leader", args=("01", "dossiers_on_time")),
         connections=8, seconds="page_seconds", rules=(cpu_vs_baseline(15),)),

Why each bound is what it is: docs/performance.md, "The ratios".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from bench.api_figures import P2_CPU, P2_RPS, ApiStatus, Open311List
from bench.city import CITY_CODE, command_unavailable, importer_unavailable
from bench.command_figures import p6, p7
from bench.context import Run
from bench.figures import Figure, Ratio, cpu_vs_baseline
from bench.public_figures import Filing, Lookup, Mix
from bench.staff_figures import StaffPage


class Drives(Protocol):
    def unavailable(self) -> str: ...

    def measure(self, run: Run, fig: Figure, spec: Spec) -> None: ...


@dataclass(frozen=True)
class Spec:
    id: str
    label: str
    drives: Drives
    connections: int = 0  # wrk connections (web figures); 0 for a command
    seconds: str = ""  # the option (run.args attribute) that sets its wrk duration
    rules: tuple[Ratio, ...] = ()
    checks: str = ""  # what else must hold, in words (errors, plans, memory…)

    @property
    def web(self) -> bool:
        return self.connections > 0

    @property
    def target(self) -> str:
        words = [r.target for r in self.rules if r.bound is not None]
        return ", ".join([*words, *([self.checks] if self.checks else [])])

    def new_figure(self) -> Figure:
        return Figure(self.id, self.label, self.target)


@dataclass(frozen=True)
class CompileReport:
    def unavailable(self) -> str:
        return command_unavailable("compile_report")

    def measure(self, run: Run, fig: Figure, spec: Spec) -> None:
        p6(fig, today=run.state["today"])


@dataclass(frozen=True)
class ImportRecords:
    def unavailable(self) -> str:
        return importer_unavailable("dossiers")

    def measure(self, run: Run, fig: Figure, spec: Spec) -> None:
        p7(fig)


# The peer's numbers (bench/peer/harness.py): its cheapest server model's CPU per request and
# its best server model's requests per second, measured in the same run just before P1 and P2.
PEER_SUBMIT_CPU, PEER_SUBMIT_RPS, PEER_VIEW_CPU = "peer_submission_cpu_ms", "peer_submission_rps", "peer_view_cpu_ms"

FIGURES: tuple[Spec, ...] = (
    Spec(
        "P1",
        "submission",
        Filing(),
        connections=16,
        seconds="p1_seconds",
        rules=(
            Ratio("cpu_ms", PEER_SUBMIT_CPU, "CPU", "the peer's submission", bound=1 / 3, shown="1/3"),
            Ratio("rps", PEER_SUBMIT_RPS, "throughput", "the peer's best", bound=3, at_least=True, shown="3"),
            cpu_vs_baseline(),
        ),
        checks="0 errors",
    ),
    Spec(
        "P2",
        "status lookup",
        Lookup(),
        connections=16,
        seconds="p2_seconds",
        rules=(
            Ratio("cpu_ms", PEER_VIEW_CPU, "CPU", "the peer's public view", bound=1 / 5, shown="1/5"),
            cpu_vs_baseline(),
        ),
        checks="0 errors",
    ),
    Spec(
        "P3",
        "overload mix",
        Mix(),
        connections=64,
        seconds="p3_seconds",
        rules=(cpu_vs_baseline(10),),
        checks="no 5xx, no connection dropped, the server's DB connections ≤ workers × threads",
    ),
    Spec(
        "P4",
        "leaders' dashboard",
        StaffPage("reports:dashboard", "bench.leader", report=True, scale=1.5),
        connections=8,
        seconds="page_seconds",
        rules=(cpu_vs_baseline(20),),
        checks="0 errors; at 10M its baseline multiple ≤ 1.5 × the 1M run's",
    ),
    Spec(
        "P5",
        "commune queue",
        StaffPage("petitions:queue", "bench.official", plans=True),
        connections=8,
        seconds="page_seconds",
        rules=(cpu_vs_baseline(14),),
        checks="0 errors, index scans only",
    ),
    Spec(
        "P6",
        "compile_report",
        CompileReport(),
        rules=(Ratio("seconds", "floor_seconds", "time", "the SQL floor", bound=3),),
        checks="the floor's figures equal the report's, ≤ 300 MB",
    ),
    Spec(
        "P7",
        "import_records",
        ImportRecords(),
        rules=(Ratio("cpu_per_row_ms", "baseline_cpu_ms", "CPU per row", "the baseline's per request", bound=0.15),),
        checks="≤ 300 MB",
    ),
    Spec(
        "P8",
        "drill-through list",
        # The city's dossiers resolved on time at commune level, opened from the leader's
        # dashboard (its default period, compiled first: the count at the top is the stored one).
        StaffPage(
            "reports:rows",
            "bench.leader",
            plans=True,
            report=True,
            args=(CITY_CODE, "dossiers_on_time"),
            query="level=commune",
        ),
        connections=8,
        seconds="page_seconds",
        rules=(cpu_vs_baseline(15),),
        checks="0 errors, index scans only",
    ),
    Spec(
        "P9",
        "API status lookup",
        ApiStatus(),
        connections=16,
        seconds="p2_seconds",
        rules=(
            Ratio("rps", P2_RPS, "throughput", "P2's", bound=1, at_least=True, shown="1"),
            Ratio("cpu_ms", P2_CPU, "CPU", "P2's"),
            cpu_vs_baseline(),
        ),
        checks="0 errors, p95 ≤ 50 ms",
    ),
    Spec(
        "P10",
        "Open311 requests list",
        Open311List(),
        connections=16,
        seconds="page_seconds",
        rules=(cpu_vs_baseline(20),),  # a list page's bound, as the dashboard's (P4)
        checks="0 errors, p95 ≤ 100 ms",
    ),
)


def figures_of(table: tuple[Spec, ...], only: set[str] | None, note: str = "") -> dict[str, Figure]:
    """A figure per entry, each marked not available when its page or command is missing, or
    not selected (`only`)."""
    figures: dict[str, Figure] = {}
    for spec in table:
        fig = spec.new_figure()
        reason = spec.drives.unavailable()
        if reason:
            fig.skip(reason)
        elif only is not None and spec.id not in only:
            fig.skip(f"not selected (--only {note})")
        figures[spec.id] = fig
    return figures
