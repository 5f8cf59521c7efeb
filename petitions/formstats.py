"""The counts of the inspectorate's petition forms (LEGAL.md §3.1: 02/TCD, 01/XLD to 04/XLD,
01/KQGQ and 03/KQGQ, named 02/XLD, 03/GQKN, 04/GQTC by TT 06/2025), counted in the same
aggregate pass as the rest of a period report (petitions.stats).

`form_counts` gives the rows to read beyond the period (petitions carried over from earlier
periods) and one COUNT … FILTER per figure. A figure counts petitions (số đơn) or cases (số vụ
việc); a case figure is a pair of counts, the petitions grouped into a case (`…_grouped`,
distinct cases, rolled up by case id across units) and those that are their own case
(`…_single`), summed by `form_figures`.

Definitions (docs/reports.md says them to users):
- processed (đã xử lý): classified (an outcome recorded) by the period end; carried over (kỳ
  trước chuyển sang): received before the period and not yet processed when it began;
- eligible (đủ điều kiện xử lý): marked eligible, or (when not marked, as imported registers
  are) given an outcome other than filed away or no action;
- already resolved (đã được giải quyết): its case holds a petition resolved before it was
  received (once: lần đầu; twice or more: nhiều lần); a second-time complaint counts once even
  when its first-time complaint is not in its case; of complaints (02/XLD), one whose matter a
  court has judged (`court_judgment`, recorded at classification) counts as "đã có bản án"
  instead;
- a reply received (văn bản phúc đáp) to a transfer: the petition it was transferred as, in
  the unit it went to, resolved by the period end;
- a competent case (đơn thuộc thẩm quyền) of 03/GQKN and 04/GQTC: accepted and within
  competence, received in the period or carried over (received before it, not resolved when
  it began); resolved, withdrawn, terminated, decided, on time as `petitions.stats.CaseStats`,
  its finding that of its last-resolved petition; a follow-up denunciation (tố cáo tiếp): one
  received after a denunciation of its case was concluded;
- a decision or conclusion to carry out (phải thực hiện, 02/KQGQ and 04/KQGQ): `_to_carry_out`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import BigIntegerField, Count, DecimalField, Exists, F, OuterRef, Q, Sum, Value
from django.db.models.functions import Coalesce

from core.choices import PetitionKind

from .choices import NOT_DECIDED_RESULTS, Result
from .execution import AMOUNTS as EXECUTION_AMOUNTS
from .figures import COUNTS, LAND, MONEY, PetitionField, SecondDecision
from .models import Channel, Outcome, Petition

K = PetitionKind
# The XLD forms' groups of kinds: every petition (01/XLD), complaints (02/XLD), denunciations
# (03/XLD), recommendations and feedback (04/XLD).
KIND_GROUPS: dict[str, tuple[str, ...]] = {
    "all": tuple(K.values),
    "complaint": (K.COMPLAINT,),
    "denunciation": (K.DENUNCIATION,),
    "kn_pa": (K.RECOMMENDATION, K.FEEDBACK),
}
NOT_ELIGIBLE_OUTCOMES = (Outcome.FILED, Outcome.NO_ACTION)
OUT_OF_COMPETENCE = (Outcome.GUIDED, Outcome.TRANSFERRED, Outcome.URGED)
FINDINGS: dict[str, dict[str, tuple[str, ...]]] = {
    K.COMPLAINT: {"correct": (Result.CORRECT,), "partly": (Result.PARTLY_CORRECT,), "wrong": (Result.WRONG,)},
    K.DENUNCIATION: {"correct": (Result.TRUE,), "partly": (Result.PARTLY_TRUE,), "wrong": (Result.FALSE,)},
}


def case_has(rows: Any) -> Q:
    """The outer petition's case has a petition among `rows`: a correlated EXISTS on case_id,
    an index probe per petition that reaches it. Not `case_id IN (rows)`: inside an aggregate's
    FILTER PostgreSQL does not hash that subquery but scans it again for every petition, which
    made a city's quarterly report take minutes at 100,000 petitions (docs/performance.md, P6)."""
    return Q(Exists(rows.filter(case_id=OuterRef("case_id"))))


def _earlier_resolved(*, nested: bool = False) -> Any:
    """Petitions of the same case resolved before the outer petition was received."""
    ref = (lambda name: OuterRef(OuterRef(name))) if nested else OuterRef
    return Petition.objects.filter(case_id=ref("case_id"), resolved_on__lt=ref("received_on"))


def _resolved_before() -> tuple[Q, Q]:
    """(resolved once before, resolved twice or more before) of the outer petition's matter."""
    in_case = Q(case__isnull=False)
    once = in_case & Q(Exists(_earlier_resolved())) | Q(complaint_round=2)
    twice = in_case & Q(
        Exists(_earlier_resolved().filter(Exists(_earlier_resolved(nested=True).filter(pk__lt=OuterRef("pk")))))
    )
    return once & ~twice, twice


def _overdue_before() -> Q:
    """Its case holds a petition still unresolved past its deadline when this one was received
    (quá hạn chưa được giải quyết)."""
    overdue = Petition.objects.filter(
        case_id=OuterRef("case_id"), received_on__lt=OuterRef("received_on"), due_on__lt=OuterRef("received_on")
    ).filter(Q(resolved_on__isnull=True) | Q(resolved_on__gte=OuterRef("received_on")))
    return Q(case__isnull=False) & Q(Exists(overdue))


def _follow_up() -> Q:
    """A follow-up denunciation (tố cáo tiếp): received after a denunciation of its case was
    concluded."""
    concluded = _earlier_resolved().filter(kind=K.DENUNCIATION).exclude(result__in=(*NOT_DECIDED_RESULTS, ""))
    return Q(kind=K.DENUNCIATION, case__isnull=False) & Q(Exists(concluded))


def _reply_received(end: date) -> Q:
    return Q(
        outcome=Outcome.TRANSFERRED,
        pk__in=Petition.objects.filter(transferred_from__isnull=False, resolved_on__lte=end).values(
            "transferred_from_id"
        ),
    )


def _petition_and_case(name: str, q: Q) -> dict[str, Count]:
    return {
        f"form_{name}": Count("pk", filter=q),
        f"form_{name}_cases_grouped": Count("case_id", distinct=True, filter=q & Q(case__isnull=False)),
        f"form_{name}_cases_single": Count("pk", filter=q & Q(case__isnull=True)),
    }


def _xld_counts(start: date, end: date) -> dict[str, Count]:
    in_period = Q(received_on__gte=start, received_on__lte=end)
    carried = Q(received_on__lt=start) & (Q(outcome="") | Q(classified_on__gte=start))
    processed = ~Q(outcome="") & (Q(classified_on__isnull=True) | Q(classified_on__lte=end))
    eligible = processed & (
        Q(eligible=True) | Q(eligible__isnull=True) & ~Q(outcome__in=(*NOT_ELIGIBLE_OUTCOMES, Outcome.REFUSED))
    )
    once, twice = _resolved_before()
    reply = _reply_received(end)
    counts: dict[str, Count] = {}
    court = Q(court_judgment=True)
    for group, kinds in KIND_GROUPS.items():
        of = Q(kind__in=kinds)
        el = of & eligible & (in_period | carried)
        # 02/XLD's complaints: a matter a court has judged is "đã có bản án", not resolved once or twice.
        by_court = ~court if group == "complaint" else Q()
        counts |= {
            f"form_xld_{group}_carried": Count("pk", filter=of & carried),
            f"form_xld_{group}_received": Count("pk", filter=of & in_period),
            f"form_xld_{group}_processed": Count("pk", filter=of & processed & (in_period | carried)),
            f"form_xld_{group}_resolved_once": Count("pk", filter=el & once & by_court),
            f"form_xld_{group}_resolved_many": Count("pk", filter=el & twice & by_court),
            f"form_xld_{group}_competent": Count("pk", filter=el & Q(competent=True)),
            f"form_xld_{group}_competent_first": Count("pk", filter=el & Q(competent=True, complaint_round=1)),
            f"form_xld_{group}_competent_second": Count("pk", filter=el & Q(competent=True, complaint_round=2)),
            f"form_xld_{group}_replies": Count("pk", filter=of & (in_period | carried) & processed & reply),
        }
        counts |= _petition_and_case(f"xld_{group}_eligible", el)
        for value in PetitionField.values:
            # not recorded: counted as "other" (khác)
            field = Q(field__in=(value, "")) if value == PetitionField.OTHER else Q(field=value)
            counts[f"form_xld_{group}_field_{value}"] = Count("pk", filter=el & field)
        if group == "complaint":
            counts["form_xld_complaint_court_judgment"] = Count("pk", filter=el & court)
        counts[f"form_xld_{group}_overdue_before"] = Count("pk", filter=el & _overdue_before())
        counts[f"form_xld_{group}_competent_follow_up"] = Count("pk", filter=el & Q(competent=True) & _follow_up())
        counts[f"form_xld_{group}_competent_resolved"] = Count(
            "pk", filter=el & Q(competent=True, resolved_on__lte=end)
        )
        for kind in K.values:
            counts[f"form_xld_{group}_eligible_{kind}"] = Count("pk", filter=el & Q(kind=kind))
        for outcome in OUT_OF_COMPETENCE:
            counts[f"form_xld_{group}_{outcome}"] = Count("pk", filter=el & Q(outcome=outcome))
        counts[f"form_xld_{group}_incompetent"] = Count(
            "pk", filter=el & (Q(competent=False) | Q(competent__isnull=True, outcome__in=OUT_OF_COMPETENCE))
        )
    return counts


def _tcd_counts(start: date, end: date) -> dict[str, Count]:
    """02/TCD: the petitions received in person at the reception (channel in person)."""
    at_reception = Q(received_on__gte=start, received_on__lte=end, channel=Channel.IN_PERSON)
    counts = _petition_and_case("tcd_received", at_reception)
    for kind in K.values:
        counts |= _petition_and_case(f"tcd_{kind}", at_reception & Q(kind=kind))
    counts |= _petition_and_case("tcd_competent", at_reception & Q(competent=True))
    counts |= _petition_and_case(
        "tcd_incompetent",
        at_reception & (Q(competent=False) | Q(competent__isnull=True, outcome__in=OUT_OF_COMPETENCE)),
    )
    for outcome in OUT_OF_COMPETENCE:
        counts |= _petition_and_case(f"tcd_{outcome}", at_reception & Q(outcome=outcome))
    counts["form_tcd_replies"] = Count("pk", filter=at_reception & _reply_received(end))
    return counts


def _gq_counts(kind: str, start: date, end: date) -> dict[str, Any]:
    """03/GQKN (complaints) and 04/GQTC (denunciations): the competent cases to resolve."""
    base = Q(kind=kind, outcome=Outcome.ACCEPTED, competent=True)
    in_period = base & Q(received_on__gte=start, received_on__lte=end)
    carried = base & Q(received_on__lt=start) & (Q(resolved_on__isnull=True) | Q(resolved_on__gte=start))
    scope = in_period | carried
    grouped, single = scope & Q(case__isnull=False), scope & Q(case__isnull=True)
    of_cases = Petition.objects.filter(case__isnull=False, received_on__lte=end)
    open_at_end = Q(resolved_on__isnull=True) | Q(resolved_on__gt=end)
    not_decided = open_at_end | Q(result__in=NOT_DECIDED_RESULTS)

    def spoiled(q: Q) -> Q:
        return case_has(of_cases.filter(q))

    later = of_cases.filter(case_id=OuterRef("case_id")).filter(
        Q(resolved_on__gt=OuterRef("resolved_on")) | Q(resolved_on=OuterRef("resolved_on"), pk__gt=OuterRef("pk"))
    )
    last_resolved = of_cases.filter(resolved_on__lte=end).filter(~Exists(later))
    decided_cases = ~spoiled(not_decided)
    follow_up = Q(case__isnull=False) & Q(
        Exists(_earlier_resolved().filter(kind=K.DENUNCIATION).exclude(result__in=(*NOT_DECIDED_RESULTS, "")))
    )
    follow_up_cases = case_has(of_cases.filter(Q(kind=K.DENUNCIATION) & follow_up))
    resolved_single = single & Q(resolved_on__lte=end)
    decided_single = resolved_single & ~Q(result__in=NOT_DECIDED_RESULTS)
    figures: dict[str, tuple[Q, Q]] = {
        "cases": (grouped, single),
        "resolved": (grouped & ~spoiled(open_at_end), resolved_single),
        "withdrawn": (
            grouped & ~spoiled(open_at_end | ~Q(result=Result.WITHDRAWN)),
            resolved_single & Q(result=Result.WITHDRAWN),
        ),
        "terminated": (
            grouped & ~spoiled(open_at_end | ~Q(result=Result.SUSPENDED)),
            resolved_single & Q(result=Result.SUSPENDED),
        ),
        "decided": (grouped & decided_cases, decided_single),
        "on_time": (
            grouped & ~spoiled(not_decided | Q(resolved_on__gt=F("due_on"))),
            decided_single & (Q(due_on__isnull=True) | Q(resolved_on__lte=F("due_on"))),
        ),
        "first": (grouped & decided_cases & ~follow_up_cases, decided_single),
        "follow_up": (grouped & follow_up_cases, Q(pk__in=[])),
        "follow_up_decided": (grouped & decided_cases & follow_up_cases, Q(pk__in=[])),
        "second": (
            grouped & decided_cases & case_has(last_resolved.filter(complaint_round=2)),
            decided_single & Q(complaint_round=2),
        ),
    }
    if kind == K.COMPLAINT:
        for second in SecondDecision.values:
            figures[second] = (
                grouped & decided_cases & case_has(last_resolved.filter(figures__second_decision=second)),
                decided_single & Q(figures__second_decision=second),
            )
    for finding, results in FINDINGS[kind].items():
        last = last_resolved.filter(result__in=results)
        figures[finding] = (
            grouped & decided_cases & case_has(last.filter(complaint_round=1)),
            decided_single & Q(result__in=results, complaint_round=1),
        )
        figures[f"follow_up_{finding}"] = (
            grouped & decided_cases & follow_up_cases & case_has(last),
            Q(pk__in=[]),
        )
    decided = scope & Q(resolved_on__lte=end) & ~Q(result__in=NOT_DECIDED_RESULTS)
    counts: dict[str, Any] = {
        f"form_gq_{kind}_petitions": Count("pk", filter=scope),
        f"form_gq_{kind}_carried": Count("pk", filter=carried),
        f"form_gq_{kind}_received": Count("pk", filter=in_period),
    }
    for name, (q_grouped, q_single) in figures.items():
        counts[f"form_gq_{kind}_{name}_cases_grouped"] = Count("case_id", distinct=True, filter=q_grouped)
        counts[f"form_gq_{kind}_{name}_cases_single"] = Count("pk", filter=q_single)
    # What the decisions and conclusions recommend and return (petitions.figures), summed over
    # the decided petitions (no row: every figure 0).
    for name in (*MONEY, *COUNTS, *LAND):
        counts[f"form_gq_{kind}_{name}"] = _total(F(f"figures__{name}"), where=decided, land=name in LAND)
    for name in ("handled_people", "handled_officials"):  # kept with the figures until they moved to execution
        counts[f"form_gq_{kind}_{name}"] = _total(F(f"execution__{name}"), where=decided)
    return counts


def _total(value: Any, *, where: Q, land: bool = False) -> Coalesce:
    """The sum of `value` over the rows `where` (none: 0); land in m² to one decimal."""
    if land:
        return Coalesce(
            Sum(value, filter=where), Value(Decimal(0)), output_field=DecimalField(max_digits=18, decimal_places=1)
        )
    return Coalesce(Sum(value, filter=where), Value(0), output_field=BigIntegerField())


def _to_carry_out(kind: str, start: date, end: date) -> Q:
    """The decisions (complaints) or conclusions (denunciations) to carry out in the period
    (phải thực hiện, 02/KQGQ and 04/KQGQ): within competence, accepted, decided on the merits
    by the period end (not withdrawn, not terminated), not carried out in full before the period
    began; a first-time decision that a second-time complaint received by the period end
    contests is not in force, and is left out (the second decision is carried out instead)."""
    decided = Q(kind=kind, outcome=Outcome.ACCEPTED, competent=True, resolved_on__lte=end) & ~Q(
        result__in=NOT_DECIDED_RESULTS
    )
    not_done = Q(execution__done_on__isnull=True) | Q(execution__done_on__gte=start)
    q = decided & not_done
    if kind == K.COMPLAINT:
        contested = Petition.objects.filter(first_petition=OuterRef("pk"), received_on__lte=end)
        q &= ~Exists(contested)
    return q


# What the decision requires (petitions.figures) and what has been carried out (petitions.execution),
# summed over the decisions to carry out: (name in the forms' figures, expression).
TO_CARRY_OUT = (
    ("required_recover_money", F("figures__recover_money")),
    ("required_recover_land_m2", F("figures__recover_land_m2")),
    ("required_return_org_money", F("figures__return_org_money")),
    ("required_return_org_land_m2", F("figures__return_org_land_m2")),
    ("required_return_ind_money", F("figures__return_money") - F("figures__return_org_money")),
    ("required_return_ind_land_m2", F("figures__return_land_m2") - F("figures__return_org_land_m2")),
    *((f"done_{name}", F(f"execution__{name}")) for name in EXECUTION_AMOUNTS),
)


def _execution_counts(kind: str, start: date, end: date) -> dict[str, Any]:
    """02/KQGQ (complaints) and 04/KQGQ (denunciations): the decisions or conclusions to carry
    out, those carried out in full by the period end, and their amounts (land in m², to one
    decimal; what has been carried out as recorded when the report is compiled)."""
    to_carry_out = _to_carry_out(kind, start, end)
    counts: dict[str, Any] = {
        f"form_kq_{kind}_to_carry_out": Count("pk", filter=to_carry_out),
        f"form_kq_{kind}_carried_out": Count("pk", filter=to_carry_out & Q(execution__done_on__lte=end)),
    }
    for name, value in TO_CARRY_OUT:
        counts[f"form_kq_{kind}_{name}"] = _total(value, where=to_carry_out, land=name.endswith("_m2"))
    return counts


def form_counts(*, start: date, end: date) -> tuple[Q, dict[str, Any]]:
    """The rows the forms read beyond the period (those carried over: received before it; the
    decisions to carry out) and their counts."""
    unresolved = Q(outcome=Outcome.ACCEPTED) & (Q(resolved_on__isnull=True) | Q(resolved_on__gte=start))
    to_carry_out = _to_carry_out(K.COMPLAINT, start, end) | _to_carry_out(K.DENUNCIATION, start, end)
    before = Q(received_on__lt=start) & (Q(outcome="") | Q(classified_on__gte=start) | unresolved | to_carry_out)
    counts = _xld_counts(start, end) | _tcd_counts(start, end)
    counts |= _gq_counts(K.COMPLAINT, start, end) | _gq_counts(K.DENUNCIATION, start, end)
    counts |= _execution_counts(K.COMPLAINT, start, end) | _execution_counts(K.DENUNCIATION, start, end)
    return before, counts


def form_figures(row: Mapping[str, Any], grouped: Mapping[str, int] | None = None) -> dict[str, int | float]:
    """The forms' figures from a row of `form_counts` (and the rolled-up distinct case counts):
    each petition figure as counted, each case figure as grouped + single (`…_cases`)."""
    grouped = grouped or {}
    figures: dict[str, int | float] = {}
    for key, value in row.items():
        if not key.startswith("form_"):
            continue
        name = key.removeprefix("form_")
        if name.endswith("_cases_grouped"):
            continue
        if name.endswith("_cases_single"):
            stem = name.removesuffix("_single")
            key = f"form_{stem}_grouped"
            figures[stem] = (grouped[key] if key in grouped else row[key]) + value
        else:
            figures[name] = float(value) if isinstance(value, Decimal) else value  # land, in m²
    return figures
