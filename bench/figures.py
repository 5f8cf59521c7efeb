"""One result line per figure of issue 7's table.

Grammar: `<id> <label>: <value> (<target and notes>) ok|MISS`, or for a figure that
cannot be measured on this branch `<id> <label>: n/a (<target>) MISS (not available:
<reason>)`. The id comes first; the status word `ok` or `MISS` is the last word
outside the final parenthesised reason.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


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

    def skip(self, reason: str) -> Figure:
        self.unavailable = reason
        self.ok = False
        return self

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "line": format_line(self)}


def format_line(figure: Figure) -> str:
    if figure.unavailable:
        return f"{figure.id} {figure.label}: n/a (target {figure.target}) MISS (not available: {figure.unavailable})"
    inside = "; ".join([f"target {figure.target}", *figure.notes])
    return f"{figure.id} {figure.label}: {figure.value} ({inside}) {'ok' if figure.ok else 'MISS'}"


def num(value: float, digits: int = 0) -> str:
    """1234.5 -> '1,234' (digits=0) or '1,234.50' (digits=2)."""
    return f"{value:,.{digits}f}"


def ms(microseconds: float) -> str:
    return f"{microseconds / 1000:.1f} ms" if microseconds < 10_000 else f"{microseconds / 1000:.0f} ms"
