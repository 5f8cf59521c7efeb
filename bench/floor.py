"""P6's yardstick: hand-written SQL aggregates of the dossier figures of a unit's subtree.

`report_floor` computes, in one aggregate over the dossiers, every dossier figure that
`compile_report` prints: per level (and kind) of the resolving unit carried_over, received,
online, resolved, on_time, early and in_progress_overdue, and the dossiers received and
resolved in each month of the period (the report's trend). It is the floor of the dossier
part of the report: the least a database must do to produce those figures. `contract_floor`
computes only the contract's columns per level (no kinds, early, overdue or trend), the
yardstick of the first runs, still printed beside it.

The figures the floor returns are checked against the report's (`same_figures`), so the
ratio always compares work that yields the same numbers.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from datetime import date
from typing import Any

CONTRACT_FLOOR_SQL = """
SELECT u.level,
       count(*) FILTER (WHERE d.received_on < %(start)s) AS carried_over,
       count(*) FILTER (WHERE d.received_on >= %(start)s) AS received,
       count(*) FILTER (WHERE d.received_on >= %(start)s AND d.channel = 'online') AS online,
       count(*) AS to_resolve,
       count(*) FILTER (WHERE d.resolved_on <= %(end)s) AS resolved,
       count(*) FILTER (WHERE d.resolved_on <= %(end)s AND d.resolved_on <= d.due_on) AS on_time
  FROM adminreform_dossier d JOIN core_unit u ON u.id = d.unit_id
 WHERE u.path LIKE %(prefix)s
   AND d.received_on <= %(end)s
   AND (d.resolved_on IS NULL OR d.resolved_on >= %(start)s)
 GROUP BY u.level
"""

# A dossier "to resolve" in the period; the trend also counts dossiers received or resolved in
# the period that a wrong date (resolved before received) keeps out of that set.
_TO_RESOLVE = "d.received_on <= %(end)s AND (d.resolved_on IS NULL OR d.resolved_on >= %(start)s)"
_RESOLVED = "d.resolved_on >= %(start)s AND d.resolved_on <= %(end)s AND d.received_on <= %(end)s"

FIGURES = ("carried_over", "received", "online", "resolved", "on_time", "early", "in_progress_overdue")


def report_floor_sql(months: int) -> str:
    month_columns = "".join(
        f",\n       count(*) FILTER (WHERE d.received_on >= %(m{i}_first)s AND d.received_on <= %(m{i}_last)s)"
        f" AS received_m{i}"
        f",\n       count(*) FILTER (WHERE d.resolved_on >= %(m{i}_first)s AND d.resolved_on <= %(m{i}_last)s)"
        f" AS resolved_m{i}"
        for i in range(months)
    )
    return f"""
SELECT u.level, u.kind,
       count(*) FILTER (WHERE d.received_on < %(start)s) AS carried_over,
       count(*) FILTER (WHERE d.received_on >= %(start)s AND {_TO_RESOLVE}) AS received,
       count(*) FILTER (WHERE d.received_on >= %(start)s AND d.channel = 'online' AND {_TO_RESOLVE}) AS online,
       count(*) FILTER (WHERE {_RESOLVED}) AS resolved,
       count(*) FILTER (WHERE {_RESOLVED} AND d.resolved_on <= d.due_on) AS on_time,
       count(*) FILTER (WHERE {_RESOLVED} AND d.resolved_on < d.due_on) AS early,
       count(*) FILTER (WHERE (d.resolved_on IS NULL OR d.resolved_on > %(end)s) AND d.due_on < %(end)s)
           AS in_progress_overdue{month_columns}
  FROM adminreform_dossier d JOIN core_unit u ON u.id = d.unit_id
 WHERE u.path LIKE %(prefix)s
   AND (({_TO_RESOLVE})
        OR (d.received_on >= %(start)s AND d.received_on <= %(end)s)
        OR (d.resolved_on >= %(start)s AND d.resolved_on <= %(end)s))
 GROUP BY u.level, u.kind
"""


def _best_of(runs: int, sql: str, params: dict[str, Any]) -> tuple[float, list[Any]]:
    from django.db import connection

    best, rows = float("inf"), []
    for _ in range(runs):
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        best = min(best, time.perf_counter() - started)
    return best, rows


def report_floor(path: str, start: date, end: date, months: Sequence[date], runs: int = 3) -> tuple[float, list[Any]]:
    """Best time of `runs` and the rows: (level, kind, *FIGURES, received_m0, resolved_m0, …)."""
    from core.selectors import month_windows

    params: dict[str, Any] = {"start": start, "end": end, "prefix": f"{path}%"}
    for i, (first, last) in enumerate(month_windows(start, end, months)):
        params[f"m{i}_first"], params[f"m{i}_last"] = first, last
    return _best_of(runs, report_floor_sql(len(months)), params)


def contract_floor(path: str, start: date, end: date, runs: int = 3) -> tuple[float, list[Any]]:
    return _best_of(runs, CONTRACT_FLOOR_SQL, {"start": start, "end": end, "prefix": f"{path}%"})


def same_figures(rows: list[Any], figures: dict[str, Any]) -> list[str]:
    """Where the floor's rows and a compiled report's dossier figures differ (empty: the same)."""
    by_level: dict[str, dict[str, int]] = {}
    trend_received: list[int] = []
    trend_resolved: list[int] = []
    for level, _kind, *counts in rows:
        totals = by_level.setdefault(level, dict.fromkeys(FIGURES, 0))
        for name, value in zip(FIGURES, counts, strict=False):
            totals[name] += value
        by_month = counts[len(FIGURES) :]
        received, resolved = by_month[0::2], by_month[1::2]
        trend_received = [a + b for a, b in zip(trend_received or [0] * len(received), received, strict=True)]
        trend_resolved = [a + b for a, b in zip(trend_resolved or [0] * len(resolved), resolved, strict=True)]
    differences = []
    reported = {e["level"]: e for e in figures["dossiers"]["levels"]}
    for level in sorted(set(by_level) | set(reported)):
        for name in FIGURES:
            floor_value = by_level.get(level, {}).get(name, 0)
            report_value = reported.get(level, {}).get(name, 0)
            if floor_value != report_value:
                differences.append(f"{level} {name}: floor {floor_value}, report {report_value}")
    if "trend" in figures:
        for name, floor_months in (("received", trend_received), ("resolved", trend_resolved)):
            report_months = figures["trend"][f"dossiers_{name}"]
            if floor_months != report_months:
                differences.append(f"{name} by month: floor {floor_months}, report {report_months}")
    return differences
