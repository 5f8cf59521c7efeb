"""Aggregate figures of one-stop dossiers for period reports (CONTRACTS.md, "Report JSON").

Read by the reports app; nothing here imports it. One GROUP BY query over the
resolving unit's level and kind, whatever the number of dossiers; the figures of many
units are summed up the unit tree by `core.stats.roll_up`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

from django.db.models import Count, F, Q
from django.db.models.functions import TruncMonth

from core.selectors import Inherited, month_windows, unit_scope_q, unit_subtree_q
from core.stats import roll_up

from .models import Dossier, DossierChannel, Procedure, SatisfactionScore


@dataclass(frozen=True)
class DossierLevelStats:
    level: str
    kind: str
    carried_over: int
    received: int
    online: int
    resolved: int
    early: int
    on_time: int
    in_progress_overdue: int
    # Of the resolved: those the applicant rated, and rated satisfied or very satisfied.
    rated: int = 0
    satisfied: int = 0
    # With `months`: dossiers received and resolved in each month of the period (the trend).
    received_by_month: tuple[int, ...] = ()
    resolved_by_month: tuple[int, ...] = ()
    # With `by_unit`: the resolving unit itself (its id and path) rather than its level alone.
    unit_id: int | None = None
    unit_path: str = ""
    # The field (lĩnh vực) of the dossiers' procedure ("" when the procedure names none):
    # 06/VPCP's rows are level × field.
    field: str = ""


def dossier_period_stats(
    *,
    paths: Sequence[str],
    start: date,
    end: date,
    months: Sequence[date] = (),
    by_unit: bool = False,
    inherited: Sequence[Inherited] = (),
) -> list[DossierLevelStats]:
    """Dossiers of the units under `paths` (and those `inherited` from predecessors: received
    before the successor began, open or not after it) to resolve from `start` to `end` (both included),
    one row per level and kind of the resolving unit (per unit with `by_unit`, for rolling
    many units' reports up from one query). One query: a single pass over the rows.

    carried_over: received before `start` and not resolved before it; received: in the period;
    resolved: of those, resolved in the period; on_time: of those, resolved on or before the due
    date (early included); early: resolved before the due date; in_progress_overdue: not resolved
    by `end` and past due at `end`; rated: of the resolved, those the applicant rated (satisfaction);
    satisfied: of those, rated satisfied or very satisfied. With `months` (first days of months), the dossiers received
    and resolved in each month within the period too, in the same pass.
    """
    to_resolve = Q(received_on__lte=end) & (Q(resolved_on__isnull=True) | Q(resolved_on__gte=start))
    resolved = Q(resolved_on__gte=start, resolved_on__lte=end)
    unresolved_at_end = Q(resolved_on__isnull=True) | Q(resolved_on__gt=end)
    where = to_resolve
    counts: dict[str, Count] = {}
    windows = month_windows(start, end, months)
    received_guard = resolved_guard = Q()
    if windows:
        # The trend counts every dossier received or resolved in the period, so the pass also
        # reads the (wrongly dated) dossiers resolved before they were received that fall outside
        # the figures' rows: received in the period but resolved before it, or resolved in the
        # period but received after it. The figures those rows could enter keep them out with a
        # guard (carried_over and in_progress_overdue cannot match them).
        where = to_resolve | Q(received_on__gte=start, received_on__lte=end) | resolved
        for i, (first, last) in enumerate(windows):
            counts[f"received_m{i}"] = Count("pk", filter=Q(received_on__gte=first, received_on__lte=last))
            counts[f"resolved_m{i}"] = Count("pk", filter=Q(resolved_on__gte=first, resolved_on__lte=last))
        received_guard = to_resolve
        resolved_guard = Q(received_on__lte=end)
    counts |= {
        "carried_over": Count("pk", filter=Q(received_on__lt=start)),
        "received": Count("pk", filter=received_guard & Q(received_on__gte=start)),
        "online": Count("pk", filter=received_guard & Q(received_on__gte=start, channel=DossierChannel.ONLINE)),
        "resolved": Count("pk", filter=resolved_guard & resolved),
        "on_time": Count("pk", filter=resolved_guard & resolved & Q(resolved_on__lte=F("due_on"))),
        "early": Count("pk", filter=resolved_guard & resolved & Q(resolved_on__lt=F("due_on"))),
        "in_progress_overdue": Count("pk", filter=unresolved_at_end & Q(due_on__lt=end)),
        "rated": Count("pk", filter=resolved_guard & resolved & Q(rated_at__isnull=False)),
        "satisfied": Count(
            "pk",
            filter=resolved_guard & resolved & Q(rated_at__isnull=False, rating_score__gte=SatisfactionScore.SATISFIED),
        ),
    }
    # Grouped by procedure, the procedures' fields read apart: a join per dossier to the
    # procedures cost more than the figures' own conditions, and a field probed per group
    # kept PostgreSQL from scanning in parallel (docs/tuning.md, P6); the groups of one field
    # are summed here.
    group: tuple[str, ...] = ("unit__level", "unit__kind", "procedure_id")
    if by_unit:
        group = ("unit_id", "unit__path", *group)
    rows = list(
        Dossier.objects.filter(unit_scope_q(paths, inherited, day="received_on"))
        .filter(where)
        .values(*group)
        .annotate(**counts)
        .order_by(*group)
    )
    # Read after the dossiers: a procedure a dossier names cannot be deleted (PROTECT).
    fields: dict[int | None, str | None] = {None: None}
    fields |= Procedure.objects.order_by().values_list("pk", "field")
    # Each group's counts in one list: the figures (FIGURES' order), then received and resolved
    # by month.
    columns = [*FIGURES, *(f"received_m{i}" for i in range(len(windows)))]
    columns += [f"resolved_m{i}" for i in range(len(windows))]
    sums: dict[tuple[int | None, str, str, str, str | None], list[int]] = {}
    for r in rows:
        field = fields[r["procedure_id"]]
        key = (r.get("unit_id"), r.get("unit__path", ""), r["unit__level"], r["unit__kind"], field)
        total = sums.get(key)
        if total is None:
            sums[key] = [r[column] for column in columns]
        else:
            for i, column in enumerate(columns):
                total[i] += r[column]
    n, m = len(FIGURES), len(windows)
    return [
        DossierLevelStats(
            level=level,
            kind=kind,
            **dict(zip(FIGURES, t[:n], strict=True)),
            received_by_month=tuple(t[n : n + m]),
            resolved_by_month=tuple(t[n + m :]),
            unit_id=unit_id,
            unit_path=path,
            field=field or "",
        )
        for (unit_id, path, level, kind, field), t in sums.items()
    ]


# DossierLevelStats' figures after its level and kind, in its order.
FIGURES: tuple[str, ...] = ("carried_over", "received", "online", "resolved", "early", "on_time")
FIGURES += ("in_progress_overdue", "rated", "satisfied")


def dossier_monthly_counts(*, paths: Sequence[str], start: date, end: date) -> dict[date, tuple[int, int]]:
    """Per month (first day → (received, resolved)) from `start` to `end`. Two queries."""
    base = Dossier.objects.filter(unit_subtree_q(paths))
    received = dict(
        base.filter(received_on__gte=start, received_on__lte=end)
        .annotate(month=TruncMonth("received_on"))
        .values("month")
        .annotate(n=Count("pk"))
        .values_list("month", "n")
    )
    resolved = dict(
        base.filter(resolved_on__gte=start, resolved_on__lte=end)
        .annotate(month=TruncMonth("resolved_on"))
        .values("month")
        .annotate(n=Count("pk"))
        .values_list("month", "n")
    )
    return {m: (received.get(m, 0), resolved.get(m, 0)) for m in sorted(set(received) | set(resolved))}


def dossier_on_time_by_month(*, paths: Sequence[str], start: date, end: date) -> dict[date, tuple[int, int]]:
    """Per month of resolution (first day → (resolved, on time)) from `start` to `end`: the
    dossiers resolved in the month, and those of them resolved on or before their due date.
    One query (the dashboard's on-time rate by month)."""
    rows = (
        Dossier.objects.filter(unit_subtree_q(paths), resolved_on__gte=start, resolved_on__lte=end)
        .annotate(month=TruncMonth("resolved_on"))
        .values("month")
        .annotate(n=Count("pk"), on_time=Count("pk", filter=Q(resolved_on__lte=F("due_on"))))
        .values_list("month", "n", "on_time")
    )
    return {_first_day(month): (n, on_time) for month, n, on_time in rows}


def _first_day(month: date) -> date:
    # TruncMonth gives a date on PostgreSQL and SQLite alike for a DateField; a datetime elsewhere.
    return date(month.year, month.month, 1)


def dossier_period_stats_of_units(
    *, paths: Sequence[str], start: date, end: date, months: Sequence[date] = ()
) -> dict[str, list[DossierLevelStats]]:
    """`dossier_period_stats` of each unit under `paths` (its subtree included), keyed by the
    unit's path: one query grouped by unit, rolled up along the unit tree. Units without
    dossiers to resolve are left out."""
    return roll_up(
        dossier_period_stats(paths=paths, start=start, end=end, months=months, by_unit=True),
        path_of=lambda row: row.unit_path,
        key=lambda row: (row.level, row.kind, row.field),
        start=lambda row: replace(row, unit_id=None, unit_path=""),
    )
