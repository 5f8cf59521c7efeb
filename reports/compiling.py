"""The report of a unit and its subtree over a period, as CONTRACTS.md "Report JSON" defines it.

It composes the apps' aggregate selectors (petitions/reception/adminreform `stats`):
a fixed handful of queries whatever the data size. The result is a plain JSON-ready
dict: the contract's keys in the contract's order, plus a few extension keys
(allowed by the contract: new keys, never renamed ones) that the official forms and
the dashboard need.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from typing import Any, Generic, TypeVar

from django.db import connection, connections
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from adminreform.stats import DossierLevelStats, dossier_period_stats, dossier_period_stats_of_units
from civicdesk.exceptions import DomainError
from core.collation import vietnamese_sort_key
from core.models import LEVEL_RANK, Unit
from core.selectors import Lineage, predecessor_successor_paths, unit_lineage, unit_successors
from petitions.stats import (
    CaseStats,
    PetitionPeriodStats,
    no_petition_stats,
    petition_period_stats,
    petition_period_stats_of_units,
)
from reception.stats import (
    TCD_FIGURES,
    TCD_MODES,
    DialogueLevelStats,
    VisitLevelStats,
    dialogue_period_stats,
    dialogue_period_stats_of_units,
    visit_period_stats,
    visit_period_stats_of_units,
)

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
    "party_secretary_visits",
    "deputy_visits",
    "delegations",
    "delegation_people",
    "repeat_visits",
    "head_days",
    "delegated_days",
)
DOSSIER_KEYS = (
    "carried_over",
    "received",
    "online",
    "resolved",
    "early",
    "on_time",
    "in_progress_overdue",
    "rated",
    "satisfied",
)

# The parts of last year's figures a report keeps beside its own (the dashboard's tiles and
# table, the exports' year-on-year columns).
PREVIOUS_KEYS = ("period", "reception", "petitions", "dossiers", "dialogues")


def _level_order(level: str) -> int:
    return LEVEL_RANK.get(level, 99)  # type: ignore[call-overload]


def _by_level(rows: list[Any], keys: tuple[str, ...]) -> list[dict[str, Any]]:
    """Merge rows grouped by (level, kind) into one entry per level, highest level first."""
    merged: dict[str, dict[str, Any]] = {}
    for row in rows:
        entry = merged.setdefault(row.level, {"level": row.level, **dict.fromkeys(keys, 0), "kinds": []})
        for key in keys:
            entry[key] += getattr(row, key)
        modes = getattr(row, "modes", ())
        if modes:
            entry["modes"] = tuple(a + b for a, b in zip(entry.get("modes") or (0,) * len(modes), modes, strict=True))
        if row.kind and row.kind not in entry["kinds"]:
            entry["kinds"].append(row.kind)
    return [merged[level] for level in sorted(merged, key=_level_order)]


def _cases(stats: CaseStats) -> dict[str, Any]:
    return {
        "to_resolve": stats.to_resolve,
        "resolved": stats.resolved,
        "resolved_pct": as_json_number(rate(stats.resolved, stats.to_resolve)),
        "withdrawn": stats.withdrawn,
        "withdrawn_pct": as_json_number(rate(stats.withdrawn, stats.to_resolve)),
        # extensions (01/KQGQ and 03/KQGQ columns)
        "decided": stats.decided,
        "on_time": stats.on_time,
        "upheld": stats.upheld,
    }


def _all_cases(complaints: CaseStats, denunciations: CaseStats) -> dict[str, Any]:
    """`petitions.cases`: complaint and denunciation cases together."""
    to_resolve = complaints.to_resolve + denunciations.to_resolve
    decided = complaints.decided + denunciations.decided
    on_time = complaints.on_time + denunciations.on_time
    return {
        "to_resolve": to_resolve,
        "decided": decided,
        "decided_pct": as_json_number(rate(decided, to_resolve)),
        "on_time": on_time,
        "on_time_pct": as_json_number(rate(on_time, decided)),
    }


def _findings(stats: CaseStats) -> dict[str, Any]:
    return {
        "decided": stats.decided,
        "correct_or_partly": stats.upheld,
        "pct": as_json_number(rate(stats.upheld, stats.decided)),
    }


RECEIVERS = ("staff", "head", "delegate", "party_secretary", "deputy")


def _sum_modes(levels: list[dict[str, Any]]) -> tuple[int, ...]:
    modes = [e["modes"] for e in levels if e.get("modes")]
    return tuple(sum(column) for column in zip(*modes, strict=True)) if modes else ()


def _tcd(entry: dict[str, Any]) -> dict[str, Any]:
    """Form 01/TCD's figures: per reception mode, visits, people, first-time and repeated
    matters, and the same of crowd delegations; the head's and the delegates' reception days."""
    values = list(entry.get("modes") or ()) or [0] * (len(TCD_MODES) * 2 * len(TCD_FIGURES))
    result: dict[str, Any] = {"head_days": entry.get("head_days", 0), "delegated_days": entry.get("delegated_days", 0)}
    at = 0
    for mode in TCD_MODES:
        figures: dict[str, int] = {}
        for prefix in ("", "delegation_"):
            for figure in TCD_FIGURES:
                figures[f"{prefix}{figure}"] = values[at]
                at += 1
        result[mode] = figures
    return result


def _reception(stats: list[VisitLevelStats]) -> dict[str, Any]:
    levels = _by_level(stats, VISIT_KEYS)
    totals = {key: sum(level[key] for level in levels) for key in VISIT_KEYS}
    return {
        "visits": totals["visits"],
        "people": totals["people"],
        "head_visits": totals["head_visits"],
        "delegations": totals["delegations"],
        "delegation_people": totals["delegation_people"],
        "levels": [
            {
                "level": e["level"],
                "visits": e["visits"],
                "head_visits": e["head_visits"],
                "by_receiver": {receiver: e[f"{receiver}_visits"] for receiver in RECEIVERS},
            }
            | {k: e[k] for k in VISIT_KEYS if k not in ("visits", "head_visits")}
            | {"kinds": e["kinds"], "tcd": _tcd(e)}
            for e in levels
        ],
        # extensions
        "tcd": _tcd({**totals, "modes": _sum_modes(levels)}),
        "delegate_visits": totals["delegate_visits"],
        "staff_visits": totals["staff_visits"],
        "repeat_visits": totals["repeat_visits"],
    }


def _petitions(stats: PetitionPeriodStats) -> dict[str, Any]:
    return {
        "received": stats.received,
        "levels": [
            {"level": level, "received": stats.received_by_level[level]}
            for level in sorted(stats.received_by_level, key=_level_order)
        ],
        "received_previous": stats.received_previous,
        "change_pct": as_json_number(change(stats.received, stats.received_previous)),
        "resolved": stats.resolved,
        "in_progress": stats.received - stats.resolved,
        "by_kind": stats.by_kind,
        "crowd_over_level": stats.crowd_over_level,
        "complaint_cases": _cases(stats.complaint_cases),
        "cases": _all_cases(stats.complaint_cases, stats.denunciation_cases),
        "findings": {
            "complaint": _findings(stats.complaint_cases),
            "denunciation": _findings(stats.denunciation_cases),
        },
        # extensions
        "denunciation_cases": _cases(stats.denunciation_cases),
        "by_kind_resolved": stats.by_kind_resolved,
        "competent": stats.competent,
        "by_outcome": stats.by_outcome,
    }


def _dialogues(stats: list[DialogueLevelStats]) -> dict[str, Any]:
    levels = sorted(stats, key=lambda row: _level_order(row.level))
    return {
        "conferences": sum(row.conferences for row in levels),
        "attendees": sum(row.attendees for row in levels),
        "levels": [{"level": row.level, "conferences": row.conferences, "attendees": row.attendees} for row in levels],
    }


def _vpcp_entry(e: dict[str, Any]) -> dict[str, Any]:
    to_resolve = e["carried_over"] + e["received"]
    return {
        "carried_over": e["carried_over"],
        "received": e["received"],
        "online": e["online"],
        "to_resolve": to_resolve,
        "resolved": e["resolved"],
        "on_time": e["on_time"],
        "late": e["resolved"] - e["on_time"],
        "in_progress": to_resolve - e["resolved"],
        "on_time_pct": as_json_number(rate(e["on_time"], e["resolved"])),
        "early": e["early"],
        "in_progress_overdue": e["in_progress_overdue"],
    }


def _dossier_fields(stats: list[DossierLevelStats]) -> list[dict[str, Any]]:
    """The dossiers by level and by the field (lĩnh vực) of their procedure (06/VPCP's rows):
    levels highest first, fields in Vietnamese order of their name ("" for procedures naming
    none, last)."""
    sums: dict[tuple[str, str], dict[str, Any]] = {}
    for row in stats:
        entry = sums.setdefault((row.level, row.field), dict.fromkeys(DOSSIER_KEYS, 0))
        for key in DOSSIER_KEYS:
            entry[key] += getattr(row, key)
    order = sorted(sums, key=lambda k: (_level_order(k[0]), k[1] == "", vietnamese_sort_key(k[1])))
    return [{"level": level, "field": field, **_vpcp_entry(sums[level, field])} for level, field in order]


def _dossiers(stats: list[DossierLevelStats]) -> dict[str, Any]:
    levels = []
    merged = _by_level(stats, DOSSIER_KEYS)
    for e in merged:
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
    rated = sum(e["rated"] for e in merged)
    satisfied = sum(e["satisfied"] for e in merged)
    return {
        "levels": levels,
        # extension: the applicants' ratings of the dossiers resolved in the period
        "satisfaction": {"rated": rated, "satisfied": satisfied, "pct": as_json_number(rate(satisfied, rated))},
    }


def _months(start: date, end: date) -> list[date]:
    months, day = [], start.replace(day=1)
    while day <= end:
        months.append(day)
        day = day.replace(year=day.year + 1, month=1) if day.month == 12 else day.replace(month=day.month + 1)
    return months


def _trend(
    months: list[date],
    visits: list[VisitLevelStats],
    petitions: PetitionPeriodStats,
    dossiers: list[DossierLevelStats],
) -> dict[str, Any]:
    def by_month(rows: list[tuple[int, ...]]) -> list[int]:
        return [sum(row[i] for row in rows) for i in range(len(months))]

    return {
        "months": [m.strftime("%Y-%m") for m in months],
        "visits": by_month([v.by_month for v in visits]),
        "petitions_received": list(petitions.received_by_month),
        "dossiers_received": by_month([d.received_by_month for d in dossiers]),
        "dossiers_resolved": by_month([d.resolved_by_month for d in dossiers]),
    }


class UnitEnded(DomainError):
    """A report asked of a unit for dates after its valid_to."""


def unit_ended_refusal(unit: Unit, period: Period) -> str | None:
    """Why a report of `unit` over `period` is refused (a dissolved unit's report reaching
    past its valid_to; the message names its successors), or None."""
    if unit.valid_to is None or period.end <= unit.valid_to:
        return None
    successors = unit_successors(unit)
    ended = date_format(unit.valid_to, "d/m/Y")
    if not successors:
        return _("%(unit)s ended on %(day)s: report it up to that day. No successor is recorded for it.") % {
            "unit": unit.name,
            "day": ended,
        }
    return _(
        "%(unit)s ended on %(day)s: report it up to that day. "
        "Its records after that are in the reports of %(successors)s."
    ) % {
        "unit": unit.name,
        "day": ended,
        "successors": ", ".join(f"{s.name} ({s.code})" for s in successors),
    }


def _assemble(
    unit: Unit,
    period: Period,
    months: list[date],
    visits: list[VisitLevelStats],
    petitions: PetitionPeriodStats,
    dossiers: list[DossierLevelStats],
    dialogues: list[DialogueLevelStats],
    with_trend: bool,
    lineage: Lineage,
) -> Figures:
    previous = period.previous
    figures: Figures = {
        "unit": {
            "code": unit.code,
            "name": unit.name,
            "level": unit.level,
            "kind": unit.kind,
            "predecessors": list(lineage.codes),
        },
        "period": {"from": period.start.isoformat(), "to": period.end.isoformat()},
        "previous_period": {"from": previous.start.isoformat(), "to": previous.end.isoformat()},
        "reception": _reception(visits),
        "petitions": _petitions(petitions),
        "dossiers": _dossiers(dossiers),
        "dialogues": _dialogues(dialogues),
    }
    figures["summary"] = summary_of(figures)
    # extension: the figures of the official forms that the contract's keys do not hold
    figures["forms"] = {"petitions": petitions.forms, "dossier_fields": _dossier_fields(dossiers)}
    if with_trend:
        figures["trend"] = _trend(months, visits, petitions, dossiers)
    return figures


def compile_figures(*, unit: Unit, period: Period, with_trend: bool = True) -> Figures:
    """The report of `unit` and every unit below it over `period` (both ends included), with
    the records its subtree's units inherited from their predecessors (`unit_lineage`).

    Six aggregate queries, one pass each over the visits, petitions (the decisions to carry out
    included), dossiers and dialogue conferences of the subtree (the monthly trend and the same
    period last year are counted in the same pass), one over the petitions' cases and a count of
    the previous period's petitions, and the procedures' fields, whatever the data size, after
    one query per generation of predecessors. Outside a transaction on PostgreSQL the dossier
    pass, the visits and the dialogues run on a second connection, in a thread, beside the
    petitions (`_Beside`).
    Raises UnitEnded for a dissolved unit over dates after its valid_to.
    """
    refusal = unit_ended_refusal(unit, period)
    if refusal:
        raise UnitEnded(refusal)
    return _compile(unit, period, with_trend, unit_lineage(unit))


def _compile(unit: Unit, period: Period, with_trend: bool, lineage: Lineage) -> Figures:
    previous = period.previous
    months = _months(period.start, period.end) if with_trend else []
    paths, inherited = [unit.path], lineage.inherited

    def beside() -> tuple[list[DossierLevelStats], list[VisitLevelStats], list[DialogueLevelStats]]:
        return (
            dossier_period_stats(paths=paths, start=period.start, end=period.end, months=months, inherited=inherited),
            visit_period_stats(paths=paths, start=period.start, end=period.end, months=months, inherited=inherited),
            dialogue_period_stats(paths=paths, start=period.start, end=period.end, inherited=inherited),
        )

    # The dossier pass (the report's biggest statement), visits and dialogues on a connection of
    # their own while this one reads the petitions (three statements and most of the Python):
    # the report waits for the longer, not the sum.
    with _Beside(beside) as others:
        petitions = petition_period_stats(
            paths=paths,
            start=period.start,
            end=period.end,
            previous_start=previous.start,
            previous_end=previous.end,
            months=months,
            inherited=inherited,
        )
        dossiers, visits, dialogues = others.result()
        return _assemble(unit, period, months, visits, petitions, dossiers, dialogues, with_trend, lineage)


T = TypeVar("T")


class _Beside(Generic[T]):
    """`function()` run in a thread on a connection of its own (closed when it returns)
    while the caller goes on, where a second connection sees what the caller's does: on
    PostgreSQL, outside a transaction (each statement outside one reads its own snapshot
    already); else at once, on the caller's connection. `result()` waits for it; leaving the
    `with` block too."""

    def __init__(self, function: Callable[[], T]) -> None:
        self._pool: ThreadPoolExecutor | None = None
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="report")
            self._future = self._pool.submit(self._on_own_connection, function)
        else:
            self._value = function()

    @staticmethod
    def _on_own_connection(function: Callable[[], T]) -> T:
        try:
            return function()
        finally:
            connections.close_all()  # this thread's

    def result(self) -> T:
        return self._value if self._pool is None else self._future.result()

    def __enter__(self) -> _Beside[T]:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._pool is not None:
            self._pool.shutdown()


def compile_figures_of_units(*, units: list[Unit], period: Period, with_trend: bool = True) -> dict[int, Figures]:
    """`compile_figures` of many units at once, keyed by unit id: the same figures, from four
    queries grouped by unit over the units' subtrees (and the procedures' fields), rolled up
    along the unit tree in Python (instead of four queries per unit). For a quarterly run over every unit, or a unit's
    children in the drill-down. A unit whose subtree inherits predecessors' records is
    compiled on its own (as `compile_figures`, without the refusal of a dissolved unit: a
    drill-down shows each unit that existed in the period)."""
    if not units:
        return {}
    successor_paths = predecessor_successor_paths([u.path for u in units])
    with_lineage = [u for u in units if any(p.startswith(u.path) for p in successor_paths)]
    alone = {u.pk: _compile(u, period, with_trend, unit_lineage(u)) for u in with_lineage}
    units = [u for u in units if u.pk not in alone]
    if not units:
        return alone
    previous = period.previous
    months = _months(period.start, period.end) if with_trend else []
    roots = sorted({u.path for u in units})
    paths = [p for p in roots if not any(p != q and p.startswith(q) for q in roots)]
    visits = visit_period_stats_of_units(paths=paths, start=period.start, end=period.end, months=months)
    petitions = petition_period_stats_of_units(
        paths=paths,
        start=period.start,
        end=period.end,
        previous_start=previous.start,
        previous_end=previous.end,
        months=months,
    )
    dossiers = dossier_period_stats_of_units(paths=paths, start=period.start, end=period.end, months=months)
    dialogues = dialogue_period_stats_of_units(paths=paths, start=period.start, end=period.end)
    none = no_petition_stats(months=len(months))  # a unit without petitions in its subtree
    return alone | {
        unit.pk: _assemble(
            unit,
            period,
            months,
            visits.get(unit.path, []),
            petitions.get(unit.path, none),
            dossiers.get(unit.path, []),
            dialogues.get(unit.path, []),
            with_trend,
            Lineage(),
        )
        for unit in units
    }


def totals_by_key(entries: list[dict[str, Any]], keys: tuple[str, ...]) -> dict[str, int]:
    sums: dict[str, int] = defaultdict(int)
    for entry in entries:
        for key in keys:
            sums[key] += entry.get(key) or 0
    return dict(sums)
