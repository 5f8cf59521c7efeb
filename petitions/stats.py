"""Aggregate figures of petitions for period reports (CONTRACTS.md, "Report JSON").

Read by the reports app; nothing here imports it. Each function is a fixed number
of aggregate queries whatever the number of rows: counts are COUNT … FILTER in the
database, never a Python loop over petitions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import TruncMonth

from core.choices import PetitionKind
from core.selectors import unit_subtree_q

from .models import Outcome, Petition

CROWD_MIN_SIGNERS = 5


@dataclass(frozen=True)
class CaseStats:
    to_resolve: int
    resolved: int


@dataclass(frozen=True)
class PetitionPeriodStats:
    received: int
    received_previous: int
    resolved: int
    by_kind: dict[str, int]
    by_kind_resolved: dict[str, int]
    by_outcome: dict[str, int]
    competent: int
    crowd_over_level: int
    complaint_cases: CaseStats
    denunciation_cases: CaseStats


def _case_counts(kind: str, in_period: Q, end: date) -> dict[str, Count]:
    """Cases of `kind`, accepted and within competence, received in the period.

    A petition without a case is its own case. A case is resolved when every
    petition of it received by the period end is resolved by the period end.
    """
    eligible = in_period & Q(kind=kind, outcome=Outcome.ACCEPTED, competent=True)
    open_sibling = Petition.objects.filter(case_id=OuterRef("case_id"), received_on__lte=end).filter(
        Q(resolved_on__isnull=True) | Q(resolved_on__gt=end)
    )
    return {
        f"{kind}_grouped": Count("case_id", distinct=True, filter=eligible & Q(case__isnull=False)),
        f"{kind}_grouped_resolved": Count(
            "case_id", distinct=True, filter=eligible & Q(case__isnull=False) & ~Exists(open_sibling)
        ),
        f"{kind}_single": Count("pk", filter=eligible & Q(case__isnull=True)),
        f"{kind}_single_resolved": Count("pk", filter=eligible & Q(case__isnull=True, resolved_on__lte=end)),
    }


def petition_period_stats(
    *, paths: Sequence[str], start: date, end: date, previous_start: date, previous_end: date
) -> PetitionPeriodStats:
    """Petitions received by the units under `paths` from `start` to `end` (both included),
    and the count over the previous period. One query."""
    in_period = Q(received_on__gte=start, received_on__lte=end)
    in_previous = Q(received_on__gte=previous_start, received_on__lte=previous_end)
    counts: dict[str, Count] = {
        "received": Count("pk", filter=in_period),
        "received_previous": Count("pk", filter=in_previous),
        "resolved": Count("pk", filter=in_period & Q(resolved_on__lte=end)),
        "n_competent": Count("pk", filter=in_period & Q(competent=True)),
        "crowd_over_level": Count("pk", filter=in_period & Q(signers__gte=CROWD_MIN_SIGNERS, over_level=True)),
    }
    for kind in PetitionKind.values:
        counts[f"kind_{kind}"] = Count("pk", filter=in_period & Q(kind=kind))
        counts[f"kind_{kind}_resolved"] = Count("pk", filter=in_period & Q(kind=kind, resolved_on__lte=end))
    for outcome in Outcome.values:
        counts[f"outcome_{outcome}"] = Count("pk", filter=in_period & Q(outcome=outcome))
    counts |= _case_counts(PetitionKind.COMPLAINT, in_period, end)
    counts |= _case_counts(PetitionKind.DENUNCIATION, in_period, end)
    row = Petition.objects.filter(unit_subtree_q(paths)).filter(in_period | in_previous).aggregate(**counts)

    def cases(kind: str) -> CaseStats:
        return CaseStats(
            to_resolve=row[f"{kind}_grouped"] + row[f"{kind}_single"],
            resolved=row[f"{kind}_grouped_resolved"] + row[f"{kind}_single_resolved"],
        )

    return PetitionPeriodStats(
        received=row["received"],
        received_previous=row["received_previous"],
        resolved=row["resolved"],
        by_kind={kind: row[f"kind_{kind}"] for kind in PetitionKind.values},
        by_kind_resolved={kind: row[f"kind_{kind}_resolved"] for kind in PetitionKind.values},
        by_outcome={outcome: row[f"outcome_{outcome}"] for outcome in Outcome.values},
        competent=row["n_competent"],
        crowd_over_level=row["crowd_over_level"],
        complaint_cases=cases(PetitionKind.COMPLAINT),
        denunciation_cases=cases(PetitionKind.DENUNCIATION),
    )


def petition_monthly_received(*, paths: Sequence[str], start: date, end: date) -> dict[date, int]:
    """Petitions received per month (first day of the month → count). One query."""
    rows = (
        Petition.objects.filter(unit_subtree_q(paths), received_on__gte=start, received_on__lte=end)
        .annotate(month=TruncMonth("received_on"))
        .values("month")
        .annotate(n=Count("pk"))
        .values_list("month", "n")
    )
    return dict(rows)
