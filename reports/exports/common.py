"""What every form and format of the exports shares: the default letterhead, the label of a
level, the rows of a form and their totals."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from ..documents import NUMBER_SYMBOL, Letterhead, by_name, period_label
from ..formatting import rate
from ..narrative import level_noun

Row = tuple[str, list[int | float | None]]
Header = tuple[str, str]  # (group, column); an empty group: the column spans both header rows


@dataclass(frozen=True)
class Form:
    sheet: str  # the sheet's name: the form's current number
    number: str  # "Biểu số 02/XLD"
    basis: str  # the circular, and the former number where it was renumbered
    title: str
    headers: list[Header]


def default_letterhead(figures: Mapping[str, Any]) -> Letterhead:
    """A draft dated today, with no place: for callers that know nothing more."""
    return Letterhead(
        issuer="ỦY BAN NHÂN DÂN",
        unit=figures["unit"]["name"].upper(),
        number_symbol=NUMBER_SYMBOL,
        place="",
        signed_on=date.today(),
        period=period_label(figures),
        draft=True,
    )


def level_label(figures: Mapping[str, Any], entry: Mapping[str, Any]) -> str:
    unit = figures["unit"]
    if entry["level"] == unit["level"]:
        return f"Cấp {level_noun(unit['level'], [unit.get('kind') or ''])} ({unit['name']})"
    return f"Cấp {level_noun(entry['level'], entry.get('kinds') or [])}"


def unit_rows(figures: Mapping[str, Any], children: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The report itself (total) and, when known, each unit directly below (by name)."""
    return [*by_name(children), figures]


def label(report: Mapping[str, Any], figures: Mapping[str, Any]) -> str:
    return "Tổng cộng" if report is figures else f"– {report['unit']['name']}"


def sum_levels(levels: Sequence[Mapping[str, Any]]) -> dict[str, Any] | None:
    if not levels:
        return None
    keys = ("to_resolve", "online", "received", "carried_over", "resolved", "on_time", "late", "in_progress")
    total: dict[str, Any] = {k: sum(e[k] for e in levels) for k in keys}
    for k in ("early", "in_progress_overdue"):
        total[k] = None if any(e.get(k) is None for e in levels) else sum(e[k] for e in levels)
    on_time_pct = rate(total["on_time"], total["resolved"]) if total["resolved"] else None
    total["on_time_pct"] = None if on_time_pct is None else float(on_time_pct)
    return total


Value = int | float | None
# A column of a form filled from one report's `petitions.forms` figures: (group, column, value).
Column = tuple[str, str, Callable[[Mapping[str, Any]], Value]]


def headers_of(columns: Sequence[Column]) -> list[Header]:
    return [(group, text) for group, text, _value in columns]


def petition_form_rows(
    figures: Mapping[str, Any], children: Sequence[Mapping[str, Any]], columns: Sequence[Column]
) -> list[Row]:
    """One row per unit below (by name), then the total: each column's value read from the
    unit's `petitions.forms`; a version compiled before the forms' figures were kept shows no
    figures (compile it again)."""
    rows: list[Row] = []
    for r in unit_rows(figures, children):
        forms = (r.get("forms") or {}).get("petitions")
        rows.append((label(r, figures), [value(forms) if forms else None for _g, _t, value in columns]))
    return rows


def minus(a: Value, *others: Value) -> Value:
    if a is None or any(o is None for o in others):
        return None
    return a - sum(o for o in others if o is not None)
