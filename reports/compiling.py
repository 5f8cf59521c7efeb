"""The report of a unit and its subtree over a period, as CONTRACTS.md "Report JSON" defines it.

It composes the apps' aggregate selectors (petitions/reception/adminreform `stats`):
a fixed handful of queries whatever the data size. The result is a plain JSON-ready
dict: the contract's keys in the contract's order, plus a few extension keys
(allowed by the contract: new keys, never renamed ones) that the official forms and
the dashboard need.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from adminreform.stats import dossier_monthly_counts, dossier_period_stats
from core.models import LEVEL_RANK, Unit
from petitions.stats import CaseStats, petition_monthly_received, petition_period_stats
from reception.stats import visit_monthly_counts, visit_period_stats

from .formatting import as_json_number, change, rate
from .narrative import summary_of
from .periods import Period

Figures = dict[str, Any]

VISIT_KEYS = (
    "visits",
    "people",
    "head_visits",
    "delegate_visits",
    "staff_visits",
    "delegations",
    "delegation_people",
    "repeat_visits",
)
DOSSIER_KEYS = ("carried_over", "received", "online", "resolved", "early", "on_time", "in_progress_overdue")


def _level_order(level: str) -> int:
    return LEVEL_RANK.get(level, 99)  # type: ignore[call-overload]


def _by_level(rows: list[Any], keys: tuple[str, ...]) -> list[dict[str, Any]]:
    """Merge rows grouped by (level, kind) into one entry per level, highest level first."""
    merged: dict[str, dict[str, Any]] = {}
    for row in rows:
        entry = merged.setdefault(row.level, {"level": row.level, **dict.fromkeys(keys, 0), "kinds": []})
        for key in keys:
            entry[key] += getattr(row, key)
        if row.kind and row.kind not in entry["kinds"]:
            entry["kinds"].append(row.kind)
    return [merged[level] for level in sorted(merged, key=_level_order)]


def _cases(stats: CaseStats) -> dict[str, Any]:
    return {
        "to_resolve": stats.to_resolve,
        "resolved": stats.resolved,
        "resolved_pct": as_json_number(rate(stats.resolved, stats.to_resolve)),
    }


def _reception(unit: Unit, period: Period) -> dict[str, Any]:
    levels = _by_level(visit_period_stats(paths=[unit.path], start=period.start, end=period.end), VISIT_KEYS)
    totals = {key: sum(level[key] for level in levels) for key in VISIT_KEYS}
    return {
        "visits": totals["visits"],
        "people": totals["people"],
        "head_visits": totals["head_visits"],
        "delegations": totals["delegations"],
        "delegation_people": totals["delegation_people"],
        "levels": [
            {"level": e["level"], "visits": e["visits"], "head_visits": e["head_visits"]}
            | {k: e[k] for k in VISIT_KEYS if k not in ("visits", "head_visits")}
            | {"kinds": e["kinds"]}
            for e in levels
        ],
        # extensions
        "delegate_visits": totals["delegate_visits"],
        "staff_visits": totals["staff_visits"],
        "repeat_visits": totals["repeat_visits"],
    }


def _petitions(unit: Unit, period: Period) -> dict[str, Any]:
    previous = period.previous
    stats = petition_period_stats(
        paths=[unit.path],
        start=period.start,
        end=period.end,
        previous_start=previous.start,
        previous_end=previous.end,
    )
    return {
        "received": stats.received,
        "received_previous": stats.received_previous,
        "change_pct": as_json_number(change(stats.received, stats.received_previous)),
        "resolved": stats.resolved,
        "in_progress": stats.received - stats.resolved,
        "by_kind": stats.by_kind,
        "crowd_over_level": stats.crowd_over_level,
        "complaint_cases": _cases(stats.complaint_cases),
        # extensions
        "denunciation_cases": _cases(stats.denunciation_cases),
        "by_kind_resolved": stats.by_kind_resolved,
        "competent": stats.competent,
        "by_outcome": stats.by_outcome,
    }


def _dossiers(unit: Unit, period: Period) -> dict[str, Any]:
    levels = []
    for e in _by_level(dossier_period_stats(paths=[unit.path], start=period.start, end=period.end), DOSSIER_KEYS):
        to_resolve = e["carried_over"] + e["received"]
        levels.append(
            {
                "level": e["level"],
                "carried_over": e["carried_over"],
                "received": e["received"],
                "online": e["online"],
                "to_resolve": to_resolve,
                "resolved": e["resolved"],
                "on_time": e["on_time"],
                "late": e["resolved"] - e["on_time"],
                "in_progress": to_resolve - e["resolved"],
                "on_time_pct": as_json_number(rate(e["on_time"], e["resolved"])),
                # extensions (06/VPCP columns)
                "early": e["early"],
                "in_progress_overdue": e["in_progress_overdue"],
                "kinds": e["kinds"],
            }
        )
    return {"levels": levels}


def _months(start: date, end: date) -> list[date]:
    months, day = [], start.replace(day=1)
    while day <= end:
        months.append(day)
        day = day.replace(year=day.year + 1, month=1) if day.month == 12 else day.replace(month=day.month + 1)
    return months


def _trend(unit: Unit, period: Period) -> dict[str, Any]:
    paths = [unit.path]
    visits = visit_monthly_counts(paths=paths, start=period.start, end=period.end)
    petitions = petition_monthly_received(paths=paths, start=period.start, end=period.end)
    dossiers = dossier_monthly_counts(paths=paths, start=period.start, end=period.end)
    months = _months(period.start, period.end)
    return {
        "months": [m.strftime("%Y-%m") for m in months],
        "visits": [visits.get(m, 0) for m in months],
        "petitions_received": [petitions.get(m, 0) for m in months],
        "dossiers_received": [dossiers.get(m, (0, 0))[0] for m in months],
        "dossiers_resolved": [dossiers.get(m, (0, 0))[1] for m in months],
    }


def compile_figures(*, unit: Unit, period: Period, with_trend: bool = True) -> Figures:
    """The report of `unit` and every unit below it over `period` (both ends included).

    Three aggregate queries (four more for the monthly trend), whatever the data size.
    """
    previous = period.previous
    figures: Figures = {
        "unit": {"code": unit.code, "name": unit.name, "level": unit.level, "kind": unit.kind},
        "period": {"from": period.start.isoformat(), "to": period.end.isoformat()},
        "previous_period": {"from": previous.start.isoformat(), "to": previous.end.isoformat()},
        "reception": _reception(unit, period),
        "petitions": _petitions(unit, period),
        "dossiers": _dossiers(unit, period),
    }
    figures["summary"] = summary_of(figures)
    if with_trend:
        figures["trend"] = _trend(unit, period)
    return figures


def totals_by_key(entries: list[dict[str, Any]], keys: tuple[str, ...]) -> dict[str, int]:
    sums: dict[str, int] = defaultdict(int)
    for entry in entries:
        for key in keys:
            sums[key] += entry.get(key) or 0
    return dict(sums)
