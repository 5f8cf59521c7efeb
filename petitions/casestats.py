"""The case figures (số vụ việc) of one subtree's period report, counted case by case.

A case figure holds when a petition of the report's scope is of the case and the case, over
every petition of it received by the period end (whatever its unit), is so: resolved,
withdrawn, decided, on time, upheld (`petitions.stats.CaseStats`) and the 03/GQKN and 04/GQTC
columns (`petitions.formstats`). `petitions.stats._case_counts` and `formstats._gq_counts`
define them petition by petition, each probing the petition's case (`formstats.case_has`);
here one read of the petitions of the cases the scope reaches gives each case its tallies
(how many of its petitions are open at the end, not decided, late, …; its latest follow-up
denunciation; what its last-resolved petition found), and one count over the cases gives
every figure. The same numbers, with a probe per case instead of a hundred
per petition (docs/performance.md, P6). The roll-up of many units
(`petition_period_stats_of_units`) still counts per petition, and the tests hold the two equal.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db.models import BooleanField, Case, Q, Value, When

from core.choices import PetitionKind

from .choices import NOT_DECIDED_RESULTS, UPHELD_RESULTS, Result
from .figures import SecondDecision
from .formstats import FINDINGS
from .models import Outcome, Petition

K = PetitionKind
CASE_KINDS = (K.COMPLAINT, K.DENUNCIATION)


class _Case:
    """A case's tallies over its petitions received by the period end: how many are open at the
    end, not withdrawn, not terminated, not decided, late (each 0: none); the latest received
    denunciation and the first concluded one (a follow-up denunciation, formstats._follow_up: one
    received after a denunciation of the case was concluded, i.e. the latest received after the
    first concluded); the last-resolved petition (the latest resolution, then the latest row:
    its result, round and second-time decision, read only of decided cases, where every such
    petition is resolved by the end); how many of its kind the scope counts, accepted and
    within competence, received in the period or carried over."""

    __slots__ = (
        "carried",
        "first_concluded",
        "in_period",
        "last",
        "last_denounced",
        "late",
        "not_decided",
        "not_terminated",
        "not_withdrawn",
        "open",
    )

    def __init__(self) -> None:
        self.open = self.not_withdrawn = self.not_terminated = self.not_decided = self.late = 0
        self.last_denounced: date | None = None
        self.first_concluded: date | None = None
        self.last: tuple[Any, ...] = ()  # (resolved_on, id, result, round, second decision)
        self.in_period = dict.fromkeys(CASE_KINDS, 0)
        self.carried = dict.fromkeys(CASE_KINDS, 0)


CONCLUDED_NOT = frozenset((*NOT_DECIDED_RESULTS, ""))


def _tallies(rows: Any, start: date, end: date) -> dict[int, _Case]:
    """Each case's `_Case` from its petitions' rows (`grouped_case_counts`)."""
    cases: dict[int, _Case] = {}
    for case_id, pk, kind, received, resolved, due, result, round_, second, counted in rows:
        case = cases.get(case_id)
        if case is None:
            cases[case_id] = case = _Case()
        concluded = kind == K.DENUNCIATION and resolved is not None and result not in CONCLUDED_NOT
        if concluded and (case.first_concluded is None or resolved < case.first_concluded):
            case.first_concluded = resolved
        if received > end:
            continue
        if kind == K.DENUNCIATION and (case.last_denounced is None or received > case.last_denounced):
            case.last_denounced = received
        if resolved is None or resolved > end:
            case.open += 1
            case.not_withdrawn += 1
            case.not_terminated += 1
            case.not_decided += 1
            case.late += 1
        else:
            not_decided = result in NOT_DECIDED_RESULTS
            case.not_withdrawn += result != Result.WITHDRAWN
            case.not_terminated += result != Result.SUSPENDED
            case.not_decided += not_decided
            case.late += not_decided or (due is not None and resolved > due)
        if resolved is not None and (not case.last or (resolved, pk) > case.last[:2]):
            case.last = (resolved, pk, result, round_, second)
        if counted and kind in case.in_period:
            if received >= start:
                case.in_period[kind] += 1
            elif resolved is None or resolved >= start:
                case.carried[kind] += 1
    return cases


def _count(cases: Iterable[_Case]) -> dict[str, int]:
    """Each case figure (petitions.stats.CaseStats; 03/GQKN and 04/GQTC) counted over the
    cases' tallies: a case counts when a petition of the scope, accepted and within competence,
    of its kind, was received in the period (`…_grouped`) or in it or carried over
    (`form_gq_…`), and the case is so over every petition of it received by the period end."""
    counts = dict.fromkeys(FIGURE_NAMES, 0)
    for case in cases:
        resolved, decided = case.open == 0, case.not_decided == 0
        withdrawn, terminated, on_time = case.not_withdrawn == 0, case.not_terminated == 0, case.late == 0
        last_denounced, first_concluded = case.last_denounced, case.first_concluded
        follow_up = last_denounced is not None and first_concluded is not None and last_denounced > first_concluded
        _, _, result, round_, second = case.last or (None, None, None, None, None)
        for kind in CASE_KINDS:
            in_period = case.in_period[kind] > 0
            if in_period:
                prefix = f"{kind}_grouped"
                counts[prefix] += 1
                counts[f"{prefix}_resolved"] += resolved
                counts[f"{prefix}_withdrawn"] += withdrawn
                counts[f"{prefix}_decided"] += decided
                counts[f"{prefix}_on_time"] += on_time
                counts[f"{prefix}_upheld"] += decided and result in UPHELD_RESULTS
            elif case.carried[kind] == 0:
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
                if kind == K.COMPLAINT and second in SECOND_DECISIONS:
                    names.append(second)
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
    `petitions.stats` and `petitions.formstats`) of the petitions under `scope`. One query,
    the petitions of the cases the scope reaches, tallied case by case in Python: grouped by
    case in the database, the last-resolved petition was probed for each row, and Django's
    aggregate over the cases cost more to compile than the query took to run (docs/tuning.md,
    P6)."""
    reached = Petition.objects.filter(
        scope,
        case__isnull=False,
        kind__in=CASE_KINDS,
        outcome=Outcome.ACCEPTED,
        competent=True,
        received_on__lte=end,
    ).filter(Q(received_on__gte=start) | Q(resolved_on__isnull=True) | Q(resolved_on__gte=start))
    counted = Case(
        When(scope & Q(outcome=Outcome.ACCEPTED, competent=True), then=Value(True)),
        default=Value(False),
        output_field=BooleanField(),
    )
    rows = (
        Petition.objects.filter(case_id__in=reached.values("case_id"))
        .annotate(counted=counted)
        .values_list(
            "case_id",
            "pk",
            "kind",
            "received_on",
            "resolved_on",
            "due_on",
            "result",
            "complaint_round",
            "figures__second_decision",
            "counted",
        )
        .order_by()
    )
    return _count(_tallies(rows, start, end).values())
