"""Aggregate figures of visits for period reports (CONTRACTS.md, "Report JSON").

Read by the reports app; nothing here imports it. One GROUP BY query over the
receiving unit's level and kind, whatever the number of visits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce, TruncMonth

from core.selectors import Inherited, month_windows, unit_scope_q, unit_subtree_q
from core.stats import roll_up

from .models import DELEGATION_MIN_PEOPLE, DialogueConference, ReceivedBy, Visit

# Form 01/TCD's three ways of receiving: regular reception by the desk; the head in person at a
# periodic or ad-hoc session (the Party secretary and People's Council deputies counted with
# them: leaders' reception days); a session the head delegated.
TCD_MODES: dict[str, tuple[str, ...]] = {
    "regular": (ReceivedBy.STAFF,),
    "head": (ReceivedBy.HEAD, ReceivedBy.PARTY_SECRETARY, ReceivedBy.DEPUTY),
    "delegated": (ReceivedBy.DELEGATE,),
}
TCD_FIGURES = ("visits", "people", "first", "repeat")  # of all visits, then of crowd delegations


def _mode_counts(delegation: Q) -> dict[str, Count | Coalesce]:
    counts: dict[str, Count | Coalesce] = {}
    for mode, receivers in TCD_MODES.items():
        of_mode = Q(received_by__in=receivers)
        for prefix, where in (("", of_mode), ("delegation_", of_mode & delegation)):
            counts[f"tcd_{mode}_{prefix}visits"] = Count("pk", filter=where)
            counts[f"tcd_{mode}_{prefix}people"] = Coalesce(Sum("people", filter=where), 0)
            counts[f"tcd_{mode}_{prefix}first"] = Count("pk", filter=where & Q(repeat=False))
            counts[f"tcd_{mode}_{prefix}repeat"] = Count("pk", filter=where & Q(repeat=True))
    return counts


def _mode_keys() -> list[str]:
    return [
        f"tcd_{mode}_{prefix}{figure}" for mode in TCD_MODES for prefix in ("", "delegation_") for figure in TCD_FIGURES
    ]


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
    party_secretary_visits: int
    deputy_visits: int
    delegations: int
    delegation_people: int
    repeat_visits: int
    # Form 01/TCD, for each reception mode of TCD_MODES: visits, people, first-time matters,
    # repeated matters, then the same four of its crowd delegations (TCD_FIGURES): one tuple.
    modes: tuple[int, ...] = ()
    # Days on which the head (or a delegate) received, per unit, summed (số kỳ tiếp).
    head_days: int = 0
    delegated_days: int = 0
    # With `months`: visits received in each month of the period (the trend).
    by_month: tuple[int, ...] = ()
    # With `by_unit`: the receiving unit's path (the row is that unit's alone).
    unit_path: str = ""


def visit_period_stats(
    *,
    paths: Sequence[str],
    start: date,
    end: date,
    months: Sequence[date] = (),
    by_unit: bool = False,
    inherited: Sequence[Inherited] = (),
) -> list[VisitLevelStats]:
    """Visits received from `start` to `end` (both included) by the units under `paths`
    (and those `inherited` from predecessors), one row per level and kind of the receiving
    unit (per unit with `by_unit`), with the visits of each month of `months` (first days)
    within the period. One query."""
    delegation = Q(people__gte=DELEGATION_MIN_PEOPLE)
    windows = month_windows(start, end, months)
    monthly = {
        f"m{i}": Count("pk", filter=Q(received_on__gte=first, received_on__lte=last))
        for i, (first, last) in enumerate(windows)
    }
    group = ("unit__path", "unit__level", "unit__kind") if by_unit else ("unit__level", "unit__kind")
    rows = (
        Visit.objects.filter(
            unit_scope_q(paths, inherited, day="received_on"), received_on__gte=start, received_on__lte=end
        )
        .values(*group)
        .annotate(
            visits=Count("pk"),
            people_sum=Coalesce(Sum("people"), 0),
            head_visits=Count("pk", filter=Q(received_by=ReceivedBy.HEAD)),
            delegate_visits=Count("pk", filter=Q(received_by=ReceivedBy.DELEGATE)),
            staff_visits=Count("pk", filter=Q(received_by=ReceivedBy.STAFF)),
            party_secretary_visits=Count("pk", filter=Q(received_by=ReceivedBy.PARTY_SECRETARY)),
            deputy_visits=Count("pk", filter=Q(received_by=ReceivedBy.DEPUTY)),
            delegations=Count("pk", filter=delegation),
            delegation_people=Coalesce(Sum("people", filter=delegation), 0),
            repeat_visits=Count("pk", filter=Q(repeat=True)),
            head_days=Count("received_on", distinct=True, filter=Q(received_by__in=TCD_MODES["head"])),
            delegated_days=Count("received_on", distinct=True, filter=Q(received_by__in=TCD_MODES["delegated"])),
            **_mode_counts(delegation),
            **monthly,
        )
        .order_by(*group)
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
            party_secretary_visits=r["party_secretary_visits"],
            deputy_visits=r["deputy_visits"],
            delegations=r["delegations"],
            delegation_people=r["delegation_people"],
            repeat_visits=r["repeat_visits"],
            modes=tuple(r[key] for key in _mode_keys()),
            head_days=r["head_days"],
            delegated_days=r["delegated_days"],
            by_month=tuple(r[key] for key in monthly),
            unit_path=r.get("unit__path", ""),
        )
        for r in rows
    ]


def visit_period_stats_of_units(
    *, paths: Sequence[str], start: date, end: date, months: Sequence[date] = ()
) -> dict[str, list[VisitLevelStats]]:
    """`visit_period_stats` of each unit under `paths` (its subtree included), keyed by the
    unit's path: one query grouped by unit, rolled up along the unit tree. Units without
    visits are left out."""
    return roll_up(
        visit_period_stats(paths=paths, start=start, end=end, months=months, by_unit=True),
        path_of=lambda row: row.unit_path,
        key=lambda row: (row.level, row.kind),
        start=lambda row: replace(row, unit_path=""),
    )


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


@dataclass(frozen=True)
class DialogueLevelStats:
    """Dialogue conferences held by units of one level of the subtree."""

    level: str
    conferences: int
    attendees: int
    unit_path: str = ""


def dialogue_period_stats(
    *,
    paths: Sequence[str],
    start: date,
    end: date,
    by_unit: bool = False,
    inherited: Sequence[Inherited] = (),
) -> list[DialogueLevelStats]:
    """Dialogue conferences held from `start` to `end` (both included) by the units under
    `paths` (and those `inherited` from predecessors), one row per level of the holding unit
    (per unit with `by_unit`). One query."""
    group = ("unit__path", "unit__level") if by_unit else ("unit__level",)
    rows = (
        DialogueConference.objects.filter(
            unit_scope_q(paths, inherited, day="held_on"), held_on__gte=start, held_on__lte=end
        )
        .values(*group)
        .annotate(conferences=Count("pk"), attendees_sum=Coalesce(Sum("attendees"), 0))
        .order_by(*group)
    )
    return [
        DialogueLevelStats(
            level=r["unit__level"],
            conferences=r["conferences"],
            attendees=r["attendees_sum"],
            unit_path=r.get("unit__path", ""),
        )
        for r in rows
    ]


def dialogue_period_stats_of_units(
    *, paths: Sequence[str], start: date, end: date
) -> dict[str, list[DialogueLevelStats]]:
    """`dialogue_period_stats` of each unit under `paths` (its subtree included), keyed by the
    unit's path. Units without conferences are left out."""
    return roll_up(
        dialogue_period_stats(paths=paths, start=start, end=end, by_unit=True),
        path_of=lambda row: row.unit_path,
        key=lambda row: row.level,
        start=lambda row: replace(row, unit_path=""),
    )
