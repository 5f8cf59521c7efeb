"""One result line per figure, and the same-run ratios a figure is judged on.

Grammar: `<id> <label>: <value> (<ratios, target and notes>) ok|MISS`, or for a figure that
cannot be measured on this branch `<id> <label>: n/a (target <target>) MISS (not available:
<reason>)`. The id comes first; the status word `ok` or `MISS` is the last word outside the
final parenthesised reason.

A figure is `ok` when every ratio with a bound holds and no check failed (errors, a sequential
scan, a figure that differs from the report's, memory…); absolute rates and latencies are on
the line as information. A ratio compares a number of the figure (`Figure.numbers`) with one
measured in the same run: the figure's own baseline, the peer's figure, the SQL floor.

A web figure is measured in several short rounds (`--rounds`), each with its own references
(the baseline after it, the peer measured just before it): its ratio is the **median of the
rounds' ratios** (`combine`, `judge`), so one round caught by a neighbour's burst of load does
not decide the status.
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Ratio:
    """`metric` of the figure over `reference` (the figure's own number of that name, else
    the run's), bounded by `bound` from above (or from below with `at_least`), or shown only
    (`bound` None). `label` and `against` word it on the line; `shown` writes the bound."""

    metric: str
    reference: str
    label: str
    against: str
    bound: float | None = None
    at_least: bool = False
    shown: str = ""

    @property
    def bound_text(self) -> str:
        return self.shown or f"{self.bound:g}"

    @property
    def target(self) -> str:
        if self.bound is None:
            return ""
        word = "≥" if self.at_least else "≤"
        joint = "of" if self.bound < 1 else "×"
        return f"{self.label} {word} {self.bound_text} {joint} {self.against}"

    def value(self, numbers: Mapping[str, float | None], refs: Mapping[str, float | None]) -> float | None:
        mine = numbers.get(self.metric)
        theirs = numbers.get(self.reference, refs.get(self.reference))
        if mine is None or not theirs:
            return None
        return mine / theirs

    def holds(self, value: float | None) -> bool:
        if self.bound is None:
            return True
        if value is None:
            return False
        return value >= self.bound if self.at_least else value <= self.bound

    def describe(
        self,
        value: float | None,
        refs: Mapping[str, float | None],
        numbers: Mapping[str, Any],
        rounds: list[float | None] | None = None,
    ) -> str:
        reference = numbers.get(self.reference, refs.get(self.reference))
        if value is None:
            text = f"{self.label} vs {self.against}: not measured"
        else:
            digits = 2 if value < 10 else 1
            text = f"{self.label} {value:.{digits}f} × {self.against}"
            if isinstance(reference, float | int) and self.metric.endswith("_ms"):
                text += f" ({reference:.2f} ms)" if reference < 1 else f" ({reference:.1f} ms)"
        if rounds and len(rounds) > 1 and value is not None:
            text += ", median of rounds " + " ".join(
                "-" if r is None else f"{r:.{2 if r < 10 else 1}f}" for r in rounds
            )
        if self.bound is not None:
            text += f" [target {'≥' if self.at_least else '≤'} {self.bound_text}: "
            text += f"{'ok' if self.holds(value) else 'MISS'}]"
        return text

    def median(self, rounds: list[Figure], refs: Mapping[str, float | None]) -> tuple[float | None, list[float | None]]:
        """The median of the rounds' ratios (each against its own round's references), and each."""
        each = [self.value(r.numbers, refs) for r in rounds]
        measured = [v for v in each if v is not None]
        return (statistics.median(measured) if measured else None), each


def cpu_vs_baseline(at_most: float | None = None) -> Ratio:
    """CPU per request over the hello-JSON baseline's, in the same run, at the same connections."""
    return Ratio("cpu_ms", "baseline_cpu_ms", "CPU", "the baseline's", bound=at_most)


@dataclass
class Figure:
    id: str
    label: str
    target: str
    value: str = ""
    ok: bool = False
    notes: list[str] = field(default_factory=list)
    unavailable: str = ""
    metrics: dict[str, Any] = field(default_factory=dict)
    numbers: dict[str, float | None] = field(default_factory=dict)  # what the ratios read
    failures: list[str] = field(default_factory=list)  # checks that failed (errors, plans, …)
    ratios: list[str] = field(default_factory=list)  # the ratios as printed, set by judge()
    rounds: list[Figure] = field(default_factory=list)  # each round measured (combine), when several

    def skip(self, reason: str) -> Figure:
        self.unavailable = reason
        self.ok = False
        return self

    def fail(self, why: str) -> None:
        self.failures.append(why)
        self.ok = False

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("rounds")  # their metrics are under metrics["rounds"]
        return {**data, "line": format_line(self)}


def judge(figure: Figure, rules: tuple[Ratio, ...], refs: Mapping[str, float | None]) -> bool:
    """Evaluate the figure's ratios (kept on the figure, printed on its line) and set `ok`:
    every bounded ratio holds, no check failed, and something was measured."""
    verdicts = []
    figure.ratios = []
    for rule in rules:
        each: list[float | None] = []
        if figure.rounds:
            value, each = rule.median(figure.rounds, refs)
        else:
            value = rule.value(figure.numbers, refs)
        figure.ratios.append(rule.describe(value, refs, figure.numbers, each))
        figure.metrics.setdefault("ratios", {})[f"{rule.metric}/{rule.reference}"] = (
            round(value, 4) if value is not None else None
        )
        verdicts.append(rule.holds(value))
    figure.ok = bool(figure.value) and not figure.unavailable and not figure.failures and all(verdicts)
    return figure.ok


def combine(figure: Figure, rounds: list[Figure]) -> Figure:
    """`figure` made of its rounds: their median numbers (what the line shows as references),
    the value of the round of median CPU, every check any round failed, and the rounds kept for
    `judge` (which takes the median of their ratios). One round is the figure itself."""
    if len(rounds) == 1:
        one = rounds[0]
        figure.value, figure.notes, figure.unavailable = one.value, one.notes, one.unavailable
        figure.metrics, figure.numbers, figure.failures = one.metrics, one.numbers, one.failures
        return figure
    measured = [r for r in rounds if r.value and not r.unavailable]
    if not measured:
        return figure.skip(rounds[0].unavailable) if rounds[0].unavailable else combine(figure, rounds[:1])
    figure.rounds = measured
    keys = {k for r in measured for k in r.numbers}
    for key in sorted(keys):
        values = [v for r in measured if isinstance(v := r.numbers.get(key), int | float)]
        figure.numbers[key] = statistics.median(values) if values else None
    by_cpu = sorted(measured, key=lambda r: r.numbers.get("cpu_ms") or 0.0)
    middle = by_cpu[(len(by_cpu) - 1) // 2]
    figure.value = middle.value
    figure.failures = list(dict.fromkeys(f for r in rounds for f in r.failures))
    figure.notes = list(dict.fromkeys(n for r in measured for n in r.notes))
    figure.notes.append(f"{len(measured)} rounds: the value is the round of median CPU")
    if len(measured) < len(rounds):
        figure.notes.append(f"{len(rounds) - len(measured)} of {len(rounds)} rounds not measured")
    figure.metrics = {**middle.metrics, "rounds": [r.metrics for r in measured]}
    return figure


def format_line(figure: Figure) -> str:
    if figure.unavailable:
        return f"{figure.id} {figure.label}: n/a (target {figure.target}) MISS (not available: {figure.unavailable})"
    inside = "; ".join([*figure.ratios, *figure.failures, f"target {figure.target}", *figure.notes])
    return f"{figure.id} {figure.label}: {figure.value} ({inside}) {'ok' if figure.ok else 'MISS'}"


def num(value: float, digits: int = 0) -> str:
    """1234.5 -> '1,234' (digits=0) or '1,234.50' (digits=2)."""
    return f"{value:,.{digits}f}"


def ms(microseconds: float) -> str:
    return f"{microseconds / 1000:.1f} ms" if microseconds < 10_000 else f"{microseconds / 1000:.0f} ms"
