"""Aggregate figures of visits for period reports (CONTRACTS.md, "Report JSON").

Read by the reports app; nothing here imports it. One GROUP BY query over the
receiving unit's level and kind, whatever the number of visits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce, TruncMonth

from core.selectors import unit_subtree_q

from .models import DELEGATION_MIN_PEOPLE, ReceivedBy, Visit


@dataclass(frozen=True)
class VisitLevelStats:
    """Visits received by units of one level (and kind) of the subtree."""

    level: str
    kind: str
    visits: int
    people: int
    head_visits: int
    delegate_visits: int
    staff_visits: int
    delegations: int
    delegation_people: int
    repeat_visits: int


def visit_period_stats(*, paths: Sequence[str], start: date, end: date) -> list[VisitLevelStats]:
    """Visits received from `start` to `end` (both included) by the units under `paths`,
    one row per level and kind of the receiving unit. One query."""
    delegation = Q(people__gte=DELEGATION_MIN_PEOPLE)
    rows = (
        Visit.objects.filter(unit_subtree_q(paths), received_on__gte=start, received_on__lte=end)
        .values("unit__level", "unit__kind")
        .annotate(
            visits=Count("pk"),
            people_sum=Coalesce(Sum("people"), 0),
            head_visits=Count("pk", filter=Q(received_by=ReceivedBy.HEAD)),
            delegate_visits=Count("pk", filter=Q(received_by=ReceivedBy.DELEGATE)),
            staff_visits=Count("pk", filter=Q(received_by=ReceivedBy.STAFF)),
            delegations=Count("pk", filter=delegation),
            delegation_people=Coalesce(Sum("people", filter=delegation), 0),
            repeat_visits=Count("pk", filter=Q(repeat=True)),
        )
        .order_by("unit__level", "unit__kind")
    )
    return [
        VisitLevelStats(
            level=r["unit__level"],
            kind=r["unit__kind"],
            visits=r["visits"],
            people=r["people_sum"],
            head_visits=r["head_visits"],
            delegate_visits=r["delegate_visits"],
            staff_visits=r["staff_visits"],
            delegations=r["delegations"],
            delegation_people=r["delegation_people"],
            repeat_visits=r["repeat_visits"],
        )
        for r in rows
    ]


def visit_monthly_counts(*, paths: Sequence[str], start: date, end: date) -> dict[date, int]:
    """Visits per month (first day of the month → count). One query."""
    rows = (
        Visit.objects.filter(unit_subtree_q(paths), received_on__gte=start, received_on__lte=end)
        .annotate(month=TruncMonth("received_on"))
        .values("month")
        .annotate(n=Count("pk"))
        .values_list("month", "n")
    )
    return dict(rows)
