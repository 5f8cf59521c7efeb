"""The case figures (số vụ việc) of one subtree's period report, counted case by case.

A case figure holds when a petition of the report's scope is of the case and the case, over
every petition of it received by the period end (whatever its unit), is so: resolved,
withdrawn, decided, on time, upheld (`petitions.stats.CaseStats`) and the 03/GQKN and 04/GQTC
columns (`petitions.formstats`). `petitions.stats._case_counts` and `formstats._gq_counts`
define them petition by petition, each probing the petition's case (`formstats.case_has`);
here one grouped pass over the petitions of the cases the scope reaches gives each case a
row of tallies (how many of its petitions are open at the end, not decided, late, …; its
latest follow-up denunciation; what its last-resolved petition found), and one count over
those rows gives every figure. The same numbers, with a probe per case instead of a hundred
per petition (docs/performance.md, P6). The roll-up of many units
(`petition_period_stats_of_units`) still counts per petition, and the tests hold the two equal.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Count, F, Max, Min, OuterRef, Q, Subquery

from core.choices import PetitionKind

from .figures import SecondDecision
from .formstats import FINDINGS
from .models import NOT_DECIDED_RESULTS, UPHELD_RESULTS, Outcome, Petition, Result

K = PetitionKind
CASE_KINDS = (K.COMPLAINT, K.DENUNCIATION)


def _tallies(scope: Q, start: date, end: date) -> dict[str, Any]:
    """Per case: how many of its petitions match each condition (0: none), and its follow-up dates."""
    received = Q(received_on__lte=end)
    open_at_end = Q(resolved_on__isnull=True) | Q(resolved_on__gt=end)
    not_decided = open_at_end | Q(result__in=NOT_DECIDED_RESULTS)
    tallies: dict[str, Any] = {
        "open": Count("pk", filter=received & open_at_end),
        "not_withdrawn": Count("pk", filter=received & (open_at_end | ~Q(result=Result.WITHDRAWN))),
        "not_terminated": Count("pk", filter=received & (open_at_end | ~Q(result=Result.SUSPENDED))),
        "not_decided": Count("pk", filter=received & not_decided),
        "late": Count("pk", filter=received & (not_decided | Q(resolved_on__gt=F("due_on")))),
        # A follow-up denunciation (formstats._follow_up): one received after a denunciation of
        # the case was concluded, i.e. the latest received after the first concluded.
        "last_denounced": Max("received_on", filter=received & Q(kind=K.DENUNCIATION)),
        "first_concluded": Min(
            "resolved_on", filter=Q(kind=K.DENUNCIATION) & ~Q(result__in=(*NOT_DECIDED_RESULTS, ""))
        ),
    }
    accepted = scope & Q(outcome=Outcome.ACCEPTED, competent=True)
    in_period = Q(received_on__gte=start, received_on__lte=end)
    carried = Q(received_on__lt=start) & (Q(resolved_on__isnull=True) | Q(resolved_on__gte=start))
    for kind in CASE_KINDS:
        tallies[f"{kind}_in_period"] = Count("pk", filter=accepted & Q(kind=kind) & in_period)
        tallies[f"{kind}_carried"] = Count("pk", filter=accepted & Q(kind=kind) & carried)
    # The last-resolved petition (the latest resolution, then the latest row) of those received
    # by the end; read only of decided cases, where every such petition is resolved by the end.
    last = Petition.objects.filter(case_id=OuterRef("case_id"), received_on__lte=end, resolved_on__isnull=False)
    last = last.order_by("-resolved_on", "-pk")
    tallies["last_result"] = Subquery(last.values("result")[:1])
    tallies["last_round"] = Subquery(last.values("complaint_round")[:1])
    tallies["last_second"] = Subquery(last.values("figures__second_decision")[:1])
    return tallies


def _figures(kind: str) -> dict[str, Q]:
    """Each case figure of `kind` as a condition on a case's tallies."""
    resolved, decided = Q(open=0), Q(not_decided=0)
    follow_up = Q(last_denounced__gt=F("first_concluded"))
    no_follow_up = (
        Q(last_denounced__isnull=True) | Q(first_concluded__isnull=True) | Q(last_denounced__lte=F("first_concluded"))
    )
    in_period = Q(**{f"{kind}_in_period__gt": 0})
    figures = {
        f"{kind}_grouped": in_period,
        f"{kind}_grouped_resolved": in_period & resolved,
        f"{kind}_grouped_withdrawn": in_period & Q(not_withdrawn=0),
        f"{kind}_grouped_decided": in_period & decided,
        f"{kind}_grouped_on_time": in_period & Q(late=0),
        f"{kind}_grouped_upheld": in_period & decided & Q(last_result__in=UPHELD_RESULTS),
    }
    # 03/GQKN and 04/GQTC: received in the period or carried over.
    gq = {
        "cases": Q(),
        "resolved": resolved,
        "withdrawn": Q(not_withdrawn=0),
        "terminated": Q(not_terminated=0),
        "decided": decided,
        "on_time": Q(late=0),
        "first": decided & no_follow_up,
        "follow_up": follow_up,
        "follow_up_decided": decided & follow_up,
        "second": decided & Q(last_round=2),
    }
    if kind == K.COMPLAINT:
        for second in SecondDecision.values:
            gq[second] = decided & Q(last_second=second)
    for finding, results in FINDINGS[kind].items():
        gq[finding] = decided & Q(last_result__in=results, last_round=1)
        gq[f"follow_up_{finding}"] = decided & follow_up & Q(last_result__in=results)
    reached = in_period | Q(**{f"{kind}_carried__gt": 0})
    return figures | {f"form_gq_{kind}_{name}_cases_grouped": reached & q for name, q in gq.items()}


def grouped_case_counts(*, scope: Q, start: date, end: date) -> dict[str, int]:
    """The case figures of the petitions in a case (their `…_grouped` counts in
    `petitions.stats` and `petitions.formstats`) of the petitions under `scope`. One query."""
    reached = Petition.objects.filter(
        scope,
        case__isnull=False,
        kind__in=CASE_KINDS,
        outcome=Outcome.ACCEPTED,
        competent=True,
        received_on__lte=end,
    ).filter(Q(received_on__gte=start) | Q(resolved_on__isnull=True) | Q(resolved_on__gte=start))
    cases = (
        Petition.objects.filter(case_id__in=reached.values("case_id"))
        .values("case_id")
        .annotate(**_tallies(scope, start, end))
        .order_by()
    )
    counts = {name: Count("case_id", filter=q) for kind in CASE_KINDS for name, q in _figures(kind).items()}
    return cases.aggregate(**counts)
