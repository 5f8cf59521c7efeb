"""Aggregate figures of one-stop dossiers for period reports (CONTRACTS.md, "Report JSON").

Read by the reports app; nothing here imports it. One GROUP BY query over the
resolving unit's level and kind, whatever the number of dossiers (a district's
wards handle ~100,000 a year).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, F, Q
from django.db.models.functions import TruncMonth

from core.selectors import unit_subtree_q

from .models import Dossier, DossierChannel


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


def dossier_period_stats(*, paths: Sequence[str], start: date, end: date) -> list[DossierLevelStats]:
    """Dossiers of the units under `paths` to resolve from `start` to `end` (both included),
    one row per level and kind of the resolving unit. One query.

    carried_over: received before `start` and not resolved before it; received: in the period;
    resolved: of those, resolved in the period; on_time: of those, resolved on or before the due
    date (early included); early: resolved before the due date; in_progress_overdue: not resolved
    by `end` and past due at `end`.
    """
    resolved = Q(resolved_on__gte=start, resolved_on__lte=end)
    unresolved_at_end = Q(resolved_on__isnull=True) | Q(resolved_on__gt=end)
    rows = (
        Dossier.objects.filter(unit_subtree_q(paths), received_on__lte=end)
        .filter(Q(resolved_on__isnull=True) | Q(resolved_on__gte=start))
        .values("unit__level", "unit__kind")
        .annotate(
            carried_over=Count("pk", filter=Q(received_on__lt=start)),
            received=Count("pk", filter=Q(received_on__gte=start)),
            online=Count("pk", filter=Q(received_on__gte=start, channel=DossierChannel.ONLINE)),
            resolved=Count("pk", filter=resolved),
            on_time=Count("pk", filter=resolved & Q(resolved_on__lte=F("due_on"))),
            early=Count("pk", filter=resolved & Q(resolved_on__lt=F("due_on"))),
            in_progress_overdue=Count("pk", filter=unresolved_at_end & Q(due_on__lt=end)),
        )
        .order_by("unit__level", "unit__kind")
    )
    return [
        DossierLevelStats(
            level=r["unit__level"],
            kind=r["unit__kind"],
            carried_over=r["carried_over"],
            received=r["received"],
            online=r["online"],
            resolved=r["resolved"],
            early=r["early"],
            on_time=r["on_time"],
            in_progress_overdue=r["in_progress_overdue"],
        )
        for r in rows
    ]


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
