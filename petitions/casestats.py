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


def _count(rows: Any) -> dict[str, int]:
    """Each case figure (petitions.stats.CaseStats; 03/GQKN and 04/GQTC) counted over the
    cases' rows of tallies: a case counts when a petition of the scope, accepted and within
    competence, of its kind, was received in the period (`…_grouped`) or in it or carried over
    (`form_gq_…`), and the case is so over every petition of it received by the period end."""
    counts = dict.fromkeys(FIGURE_NAMES, 0)
    for row in rows:
        resolved, decided = row["open"] == 0, row["not_decided"] == 0
        withdrawn, terminated, on_time = row["not_withdrawn"] == 0, row["not_terminated"] == 0, row["late"] == 0
        last_denounced, first_concluded = row["last_denounced"], row["first_concluded"]
        follow_up = last_denounced is not None and first_concluded is not None and last_denounced > first_concluded
        result, round_ = row["last_result"], row["last_round"]
        for kind in CASE_KINDS:
            in_period = row[f"{kind}_in_period"] > 0
            if in_period:
                prefix = f"{kind}_grouped"
                counts[prefix] += 1
                counts[f"{prefix}_resolved"] += resolved
                counts[f"{prefix}_withdrawn"] += withdrawn
                counts[f"{prefix}_decided"] += decided
                counts[f"{prefix}_on_time"] += on_time
                counts[f"{prefix}_upheld"] += decided and result in UPHELD_RESULTS
            elif row[f"{kind}_carried"] == 0:
                continue
            # 03/GQKN and 04/GQTC: received in the period or carried over.
            names = ["cases"]
            names += ["resolved"] if resolved else []
            names += ["withdrawn"] if withdrawn else []
            names += ["terminated"] if terminated else []
            names += ["on_time"] if on_time else []
            names += ["follow_up"] if follow_up else []
            if decided:
                names += ["decided", "follow_up_decided" if follow_up else "first"]
                if round_ == 2:
                    names.append("second")
                if kind == K.COMPLAINT and row["last_second"] in SECOND_DECISIONS:
                    names.append(row["last_second"])
                for finding, results in FINDINGS[kind].items():
                    if result in results:
                        if round_ == 1:
                            names.append(finding)
                        if follow_up:
                            names.append(f"follow_up_{finding}")
            for name in names:
                counts[f"form_gq_{kind}_{name}_cases_grouped"] += 1
    return counts


def _figure_names(kind: str) -> list[str]:
    """The case figures of `kind`, in the order their counts are keyed."""
    gq = ["cases", "resolved", "withdrawn", "terminated", "decided", "on_time", "first", "follow_up"]
    gq += ["follow_up_decided", "second"]
    if kind == K.COMPLAINT:
        gq += SecondDecision.values
    for finding in FINDINGS[kind]:
        gq += [finding, f"follow_up_{finding}"]
    grouped = [
        f"{kind}_grouped{figure}" for figure in ("", "_resolved", "_withdrawn", "_decided", "_on_time", "_upheld")
    ]
    return grouped + [f"form_gq_{kind}_{name}_cases_grouped" for name in gq]


FIGURE_NAMES = [name for kind in CASE_KINDS for name in _figure_names(kind)]
SECOND_DECISIONS = frozenset(SecondDecision.values)


def grouped_case_counts(*, scope: Q, start: date, end: date) -> dict[str, int]:
    """The case figures of the petitions in a case (their `…_grouped` counts in
    `petitions.stats` and `petitions.formstats`) of the petitions under `scope`. One query, a
    row per case, counted in Python: Django's aggregate over the grouped rows cost more to
    compile than the query took to run (docs/tuning.md, P6)."""
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
    return _count(cases)
