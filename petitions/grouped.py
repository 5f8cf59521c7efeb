"""The petition figures of one subtree's period report (petitions.stats, petitions.formstats),
counted over the petitions grouped by what the figures depend on.

One query reads the petitions a report reads and groups them by the few columns the figures'
conditions test (kind, outcome, result, field, channel, level, …), the dates reduced to where
they fall against the period (before it, in it, after it; the month) and the probes of a
petition's case computed once per petition (resolved before it was received, overdue, a
follow-up denunciation, a reply to its transfer): a few thousand groups with their petition
count, their cases and the sums the forms add up. The decisions to carry out (02/KQGQ,
04/KQGQ; mostly decided before the period) are read in the same pass, in a digit of the key of
their own. Each figure is then counted over the groups in Python (`count_figures`): the same
numbers as one `COUNT … FILTER` per figure and petition, which cost about 1 s of a city's
quarterly report (docs/performance.md, P6). The case figures
of petitions in a case are petitions.casestats'."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import (
    Aggregate,
    BigIntegerField,
    BooleanField,
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    Field,
    Func,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Least

from core.choices import PetitionKind
from core.models import LEVEL_RANK

from .casestats import CASE_KINDS
from .choices import NOT_DECIDED_RESULTS, UPHELD_RESULTS, Result
from .figures import COUNTS, LAND, MONEY, PetitionField, SecondDecision
from .formstats import (
    FINDINGS,
    KIND_GROUPS,
    NOT_ELIGIBLE_OUTCOMES,
    OUT_OF_COMPETENCE,
    TO_CARRY_OUT,
    _reply_received,
)
from .models import Channel, Outcome, Petition

K = PetitionKind
CROWD_MIN_SIGNERS = 5


class CaseIds(Aggregate):
    """A group's case ids as a list: ARRAY_AGG on PostgreSQL, GROUP_CONCAT on SQLite (`make run`,
    the tests without DATABASE_URL), read back as the same list of ids."""

    function = "ARRAY_AGG"
    output_field = Field()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return super().as_sql(compiler, connection, function="GROUP_CONCAT", **extra)

    def get_db_converters(self, connection: Any) -> list[Any]:
        return [self._as_list, *super().get_db_converters(connection)]

    @staticmethod
    def _as_list(value: Any, expression: Any, connection: Any) -> list[int]:
        if value is None:
            return []
        if isinstance(value, str):
            return [int(v) for v in value.split(",")]
        return list(value)


# Where a date falls against the period.
NONE, BEFORE, IN, AFTER = 0, 1, 2, 3

# The sums of the forms: the decisions' figures over the decided petitions (03/GQKN, 04/GQTC),
# what the decisions to carry out require and what is done (02/KQGQ, 04/KQGQ).
GQ_SUMS = (
    *((name, F(f"figures__{name}")) for name in (*MONEY, *COUNTS, *LAND)),
    *((name, F(f"execution__{name}")) for name in ("handled_people", "handled_officials")),
)
GQ_LAND = frozenset(LAND)
FIELDS = frozenset(PetitionField.values)
SECOND_DECISIONS = frozenset(SecondDecision.values)
# A value no choice has: what a column holding none of its choices reads as (no figure tests it).
UNKNOWN = "?"


def _placed(field: str, start: date, end: date) -> Case:
    """NONE, BEFORE, IN or AFTER: where `field` falls against the period."""
    return Case(
        When(**{f"{field}__isnull": True}, then=Value(NONE)),
        When(**{f"{field}__lt": start}, then=Value(BEFORE)),
        When(**{f"{field}__lte": end}, then=Value(IN)),
        default=Value(AFTER),
        output_field=IntegerField(),
    )


def _flag(q: Q, *, when: Q | None = None) -> ExpressionWrapper | Case:
    """`q` as a column (false unless `when` holds: the probe is then not made)."""
    flag = ExpressionWrapper(q, output_field=BooleanField())
    if when is None:
        return flag
    return Case(When(when, then=flag), default=Value(False), output_field=BooleanField())


def _read(start: date, end: date) -> Q:
    """The petitions a report reads: those received in the period, and those received before it
    that a form carries over (not yet classified when it began, accepted and not resolved by
    then). The decisions to carry out are `_carry_out`'s."""
    unresolved = Q(outcome=Outcome.ACCEPTED) & (Q(resolved_on__isnull=True) | Q(resolved_on__gte=start))
    before = Q(outcome="") | Q(classified_on__gte=start) | unresolved
    return Q(received_on__gte=start, received_on__lte=end) | Q(received_on__lt=start) & before


class _Facet:
    """One column of a group's key as a small integer: `code` (SQL, 0 to len(values) - 1) and
    what each code reads as in the group's row (`values`, one per name in `names`)."""

    def __init__(self, names: str | tuple[str, ...], code: Case, values: Sequence[Any]) -> None:
        self.names = (names,) if isinstance(names, str) else names
        self.code = code
        self.values = tuple(values)


def _cases(names: str | tuple[str, ...], cases: Sequence[tuple[Q, Any]], default: Any) -> _Facet:
    """The value of the first of `cases` whose condition holds, else `default`."""
    code = Case(
        *(When(q, then=Value(i)) for i, (q, _) in enumerate(cases)),
        default=Value(len(cases)),
        output_field=IntegerField(),
    )
    return _Facet(names, code, [*(value for _, value in cases), default])


def _choice(name: str, field: str, choices: Sequence[Any], *, default: Any = UNKNOWN) -> _Facet:
    """`field`'s value among `choices` (`default` for any other)."""
    return _cases(name, [(Q(**{field: choice}), choice) for choice in choices], default)


def _bit(name: str, q: Q, *, when: Q | None = None) -> _Facet:
    """True where `q` holds (and `when`, tested first: a probe in `q` is made only where it holds)."""
    code = Case(When(q, then=Value(1)), default=Value(0), output_field=IntegerField())
    if when is not None:
        code = Case(When(when, then=code), default=Value(0), output_field=IntegerField())
    return _Facet(name, code, (False, True))


def _facets(start: date, end: date, windows: Sequence[tuple[date, date]]) -> list[_Facet]:
    """What the figures test of a petition, each column reduced to the values a figure tells
    apart; where no figure reads a column (given the others), one value stands for all."""
    in_case = Q(case__isnull=False)
    in_period = Q(received_on__gte=start, received_on__lte=end)
    # The XLD forms probe the cases of eligible petitions they read (formstats._xld_counts):
    # processed by the period end, and received in it or classified in it.
    eligible = ~Q(outcome="") & (
        Q(eligible=True) | Q(eligible__isnull=True) & ~Q(outcome__in=(*NOT_ELIGIBLE_OUTCOMES, Outcome.REFUSED))
    )
    probed = (
        in_case
        & eligible
        & (Q(classified_on__isnull=True) | Q(classified_on__lte=end))
        & (in_period | Q(classified_on__gte=start))
    )
    case_kinds = Q(kind__in=CASE_KINDS, outcome=Outcome.ACCEPTED, competent=True)
    received = [
        (Q(received_on__lt=start), (BEFORE, None)),
        (Q(received_on__gt=end), (AFTER, None)),
        *((Q(received_on__range=window), (IN, i)) for i, window in enumerate(windows)),
        (Q(received_on__isnull=False), (IN, None)),
    ]
    return [
        # A kind none of the choices (not written by CivicDesk) counts as the roll-up counts it: in
        # no kind's figure.
        _choice("kind", "kind", K.values, default=None),
        _cases(("g_received", "g_month"), received, (NONE, None)),
        # Resolved by the period end (before it or in it), or not.
        _cases("g_resolved", [(Q(resolved_on__lt=start), BEFORE), (Q(resolved_on__lte=end), IN)], NONE),
        # Processed by the period end (classified before it or in it: NONE, BEFORE, IN), or not.
        _cases("g_classified", [(Q(classified_on__gt=end), AFTER), (Q(classified_on__gte=start), IN)], NONE),
        _choice("outcome", "outcome", ("", *Outcome.values)),
        _choice("result", "result", ("", *Result.values)),
        # Read of processed petitions only (an empty field counts as "other").
        _cases("field", [(Q(outcome="") | Q(field=""), ""), *((Q(field=v), v) for v in PetitionField.values)], UNKNOWN),
        # Read of the petitions received in the period only: in person (02/TCD), the level.
        _cases("channel", [(in_period & Q(channel=Channel.IN_PERSON), Channel.IN_PERSON)], ""),
        _cases("g_level", [(in_period & Q(unit__level=level), level.value) for level in LEVEL_RANK], None),
        _bit("g_crowd", in_period & Q(signers__gte=CROWD_MIN_SIGNERS, over_level=True)),
        _cases("eligible", [(Q(outcome=""), None), (Q(eligible=True), True), (Q(eligible=False), False)], None),
        _cases("competent", [(Q(competent=True), True), (Q(competent=False), False)], None),
        _cases("complaint_round", [(Q(complaint_round=1), 1), (Q(complaint_round=2), 2)], 0),
        _bit("court_judgment", Q(court_judgment=True)),
        # Read of accepted complaints and denunciations within competence only.
        _bit("g_kept", case_kinds & (Q(due_on__isnull=True) | Q(resolved_on__lte=F("due_on")))),
        _bit("g_in_case", in_case),
        _choice("g_second", "figures__second_decision", SecondDecision.values, default=None),
        _probes(probed),
        _bit("g_reply", _reply_received(end), when=Q(outcome=Outcome.TRANSFERRED)),
    ]


def _probes(probed: Q) -> _Facet:
    """What the petition's case held when the petition was received, read in one look at the
    case's petitions where `probed` holds (formstats' `_earlier_resolved`, `_overdue_before`,
    `_follow_up`: one correlated subquery per probed petition, not four): how many were resolved
    before (none, one, two or more: `g_once`, `g_twice`), whether one was unresolved past its
    deadline (`g_overdue`) and, for a denunciation within competence, whether one was a
    denunciation already concluded (`g_follow_up`)."""
    received = OuterRef("received_on")
    earlier = Q(resolved_on__lt=received)
    overdue = Q(received_on__lt=received, due_on__lt=received) & (
        Q(resolved_on__isnull=True) | Q(resolved_on__gte=received)
    )
    concluded = earlier & Q(kind=K.DENUNCIATION) & ~Q(result__in=(*NOT_DECIDED_RESULTS, ""))

    def look(*, follow_up: bool) -> Coalesce:
        code = Least(Count("pk", filter=earlier), Value(2)) + Value(3) * Least(Count("pk", filter=overdue), Value(1))
        if follow_up:
            code += Value(6) * Least(Count("pk", filter=concluded), Value(1))
        case = Petition.objects.filter(case_id=OuterRef("case_id")).order_by().values("case_id")
        return Coalesce(Subquery(case.annotate(code=code).values("code")), Value(0))

    code = Case(
        When(probed & Q(kind=K.DENUNCIATION, competent=True), then=look(follow_up=True)),
        When(probed, then=look(follow_up=False)),
        default=Value(0),
        output_field=IntegerField(),
    )
    values = [
        (earlier_resolved >= 1, earlier_resolved >= 2, overdue_then, follow_up)
        for follow_up in (False, True)
        for overdue_then in (False, True)
        for earlier_resolved in (0, 1, 2)
    ]
    return _Facet(("g_once", "g_twice", "g_overdue", "g_follow_up"), code, values)


def _carry_out(start: date, end: date, *, decided: bool = True) -> Q:
    """The decisions or conclusions to carry out (formstats._to_carry_out), those a second-time
    complaint contests included (`_carried_out`'s `contested` tells them apart). Without
    `decided`, the petitions resolved without a decision too (`result` is the 49th of the
    petition's columns: a filter testing it reads every row that far)."""
    resolved = Q(
        kind__in=CASE_KINDS, outcome=Outcome.ACCEPTED, competent=True, received_on__lte=end, resolved_on__lte=end
    )
    not_done = Q(execution__done_on__isnull=True) | Q(execution__done_on__gte=start)
    return resolved & ~Q(result__in=NOT_DECIDED_RESULTS) & not_done if decided else resolved & not_done


def _carried_out(start: date, end: date) -> _Facet:
    """0 for a petition that is no decision to carry out; else 1 + 2 × where the day it was
    carried out in full falls (`_placed`) + 8 for a denunciation's conclusion, + 1 for a
    complaint's decision that a second-time complaint received by the period end contests (not
    in force)."""
    contested = Exists(
        Petition.objects.filter(first_petition__isnull=False, first_petition=OuterRef("pk"), received_on__lte=end)
    )
    code = Case(
        When(
            _carry_out(start, end),
            then=Value(1)
            + Value(2) * _placed("execution__done_on", start, end)
            + Case(When(kind=K.DENUNCIATION, then=Value(8)), When(contested, then=Value(1)), default=Value(0)),
        ),
        default=Value(0),
        output_field=IntegerField(),
    )
    values: list[tuple[Any, ...]] = [(False, None, NONE, False)]
    values += [
        (True, kind, done, contested)
        for kind in CASE_KINDS
        for done in (NONE, BEFORE, IN, AFTER)
        for contested in (False, True)
    ]
    return _Facet(("g_carry", "g_carry_kind", "g_done", "g_contested"), code, values)


def _scaled(code: Any, radix: int) -> Any:
    """`code` (a `Case` of integer `Value`s, nested or not) with each value times `radix` (any
    other expression times `radix`)."""
    if isinstance(code, Value):
        return Value(code.value * radix, output_field=BigIntegerField())
    if not isinstance(code, Case):
        return ExpressionWrapper(code * Value(radix), output_field=BigIntegerField())
    cases = (When(case.condition, then=_scaled(case.result, radix)) for case in code.cases)
    return Case(*cases, default=_scaled(code.default, radix), output_field=BigIntegerField())


class _Key(Func):
    """Where `read` holds, 1 + each of `codes` (integers) times its radix; else 0; plus `tail`
    times the radix after them: one mixed-radix integer, written as one flat sum of the codes
    with their values already multiplied (a `CASE` whose branches are the digit times its radix:
    no cast or product per code and row). Compiled once per compiler (Django compiles a grouped
    annotation for the SELECT and again for the GROUP BY: a hand-built tree of `Cast(…) *
    Value(…) + …` cost about 20 ms of a city's report)."""

    output_field = BigIntegerField()

    def __init__(self, read: Q, codes: Sequence[tuple[Any, int]], tail: tuple[Any, int]) -> None:
        gated = Case(When(read, then=Value(1)), default=Value(0), output_field=IntegerField())
        super().__init__(gated, *(_scaled(code, radix) for code, radix in codes), tail[0])
        self.tail_radix = tail[1]
        self._compiled: tuple[Any, tuple[str, list[Any]]] | None = None

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:
        if self._compiled is not None and self._compiled[0] is compiler:
            return self._compiled[1]
        gated, *codes, tail = (compiler.compile(e) for e in self.get_source_expressions())
        # The first term a bigint: the codes' sum never runs in a 32-bit integer.
        digits = " + ".join(sql for sql, _ in codes)
        tail_sql = f"CAST({tail[0]} AS bigint) * {self.tail_radix}"
        sql = f"(CASE WHEN {gated[0]} = 1 THEN CAST(1 AS bigint) + {digits} ELSE 0 END + {tail_sql})"
        params = [*gated[1], *(p for _, ps in codes for p in ps), *tail[1]]
        self._compiled = (compiler, (sql, params))
        return sql, params

    def get_group_by_cols(self) -> list[Any]:
        return [self]

    @property
    def identity(self) -> tuple[Any, ...]:
        # Django finds the GROUP BY's key among the SELECT's by hashing each expression's whole
        # tree (every facet's conditions): the key is this one object in both.
        return (type(self), id(self))


def grouped_rows(*, scope: Q, start: date, end: date, windows: Sequence[tuple[date, date]]) -> Iterator[dict]:
    """The petitions under `scope` that the report reads, and the decisions to carry out,
    grouped by what the figures depend on: the columns, `n` (how many), `cases` (their cases'
    ids) and the forms' sums. `g_read`: a petition the report reads (`_read`; its other columns
    are read of these alone); `g_carry`: a decision to carry out (`_carried_out`).

    The key is one integer (`_Key`): `g_read`, then each column's code (`_facets`) in its own
    digit of a mixed radix, all 0 where the petition is not read (they are then not computed),
    the decisions' code last. PostgreSQL sorts the ~30,000 rows of a city's quarter by one key
    instead of twenty-six, in one pass over the petitions (docs/tuning.md, P6)."""
    facets = _facets(start, end, windows)
    read = _read(start, end)
    codes = []
    radix = 2
    for facet in facets:
        codes.append((facet.code, radix))
        radix *= len(facet.values)
    carry = _carried_out(start, end)
    in_case = Q(case__isnull=False)
    sums = {f"s_gq_{name}": Sum(value) for name, value in GQ_SUMS}
    sums |= {f"s_kq_{name}": Sum(value) for name, value in TO_CARRY_OUT}
    rows = (
        Petition.objects.filter(scope)
        # Whether a petition resolved by the period end was decided is the key's to tell (`carry`):
        # one that is neither read nor decided is in the group of key 0, which no figure counts.
        .filter(read | _carry_out(start, end, decided=False))
        .annotate(g_key=_Key(read, codes, (carry.code, radix)))
        .values("g_key")
        .annotate(n=Count("pk"), cases=CaseIds("case_id", filter=in_case), **sums)
        .order_by()
    )
    plan = [(facet.names, len(facet.values), facet.values) for facet in facets]
    for row in rows:
        code, row["g_read"] = divmod(row.pop("g_key"), 2)
        for names, size, values in plan:
            code, digit = divmod(code, size)
            if len(names) == 1:
                row[names[0]] = values[digit]
            else:
                row.update(zip(names, values[digit], strict=True))
        row.update(zip(carry.names, carry.values[code], strict=True))
        yield row


class _Counts(dict[str, Any]):
    def add(self, key: str, n: int | Decimal) -> None:
        self[key] = self.get(key, 0) + n


def count_figures(rows: Iterable[dict[str, Any]], months: int) -> dict[str, Any]:
    """Every figure of `petitions.stats` and `petitions.formstats` from `grouped_rows`, keyed as
    their counts are (the `…_cases_grouped` of the GQ forms and the case figures of petitions
    in a case aside: petitions.casestats counts those); the petitions by case of the XLD and
    TCD forms as their sets of cases."""
    counts = _Counts(_zeros(months))
    case_sets: dict[str, set[int]] = {}

    def cases_of(key: str, r: dict[str, Any]) -> None:
        if r["g_in_case"]:
            case_sets.setdefault(key, set()).update(r["cases"])
        else:
            counts.add(f"{key}_cases_single", r["n"])

    for r in rows:
        if r["g_carry"]:
            _kq(counts, r)
        if not r["g_read"]:
            continue
        n = r["n"]
        kind, outcome, result, competent = r["kind"], r["outcome"], r["result"], r["competent"]
        in_period = r["g_received"] == IN
        resolved = r["g_resolved"] in (BEFORE, IN)  # by the period end
        decided = resolved and result not in NOT_DECIDED_RESULTS
        if in_period:
            counts.add("received", n)
            counts.add(f"kind_{kind}", n)
            counts.add(f"outcome_{outcome}", n)
            if r["g_level"] in LEVEL_RANK:
                counts.add(f"level_{r['g_level']}", n)
            if r["g_month"] is not None:
                counts.add(f"received_m{r['g_month']}", n)
            if resolved:
                counts.add("resolved", n)
                counts.add(f"kind_{kind}_resolved", n)
            if competent is True:
                counts.add("n_competent", n)
            if r["g_crowd"]:
                counts.add("crowd_over_level", n)
            # The case figures of petitions that are their own case (CaseStats).
            if kind in CASE_KINDS and outcome == Outcome.ACCEPTED and competent is True and not r["g_in_case"]:
                counts.add(f"{kind}_single", n)
                if resolved:
                    counts.add(f"{kind}_single_resolved", n)
                    if result == Result.WITHDRAWN:
                        counts.add(f"{kind}_single_withdrawn", n)
                if decided:
                    counts.add(f"{kind}_single_decided", n)
                    if r["g_kept"]:
                        counts.add(f"{kind}_single_on_time", n)
                    if result in UPHELD_RESULTS:
                        counts.add(f"{kind}_single_upheld", n)
        _xld(counts, cases_of, r, in_period=in_period, resolved=resolved)
        if in_period and r["channel"] == Channel.IN_PERSON:
            _tcd(counts, cases_of, r)
        if kind in CASE_KINDS and outcome == Outcome.ACCEPTED and competent is True:
            _gq(counts, r, in_period=in_period, resolved=resolved, decided=decided)
    for key, cases in case_sets.items():
        counts[f"{key}_cases_grouped"] = len(cases)
    return dict(counts)


def _kq(counts: _Counts, r: dict[str, Any]) -> None:
    """02/KQGQ and 04/KQGQ: the decisions or conclusions to carry out (formstats._execution_counts)."""
    if r["g_contested"]:  # a first-time decision a second-time complaint contests: not in force
        return
    kind, n = r["g_carry_kind"], r["n"]
    counts.add(f"form_kq_{kind}_to_carry_out", n)
    if r["g_done"] == IN:
        counts.add(f"form_kq_{kind}_carried_out", n)
    for name, _ in TO_CARRY_OUT:
        counts.add(f"form_kq_{kind}_{name}", r[f"s_kq_{name}"] or 0)


def _xld(counts: _Counts, cases_of: Any, r: dict[str, Any], *, in_period: bool, resolved: bool) -> None:
    """01/XLD to 04/XLD (formstats._xld_counts)."""
    n, kind, outcome, competent = r["n"], r["kind"], r["outcome"], r["competent"]
    carried = r["g_received"] == BEFORE and (outcome == "" or r["g_classified"] in (IN, AFTER))
    processed = outcome != "" and r["g_classified"] in (NONE, BEFORE, IN)
    eligible = processed and (
        r["eligible"] is True or (r["eligible"] is None and outcome not in (*NOT_ELIGIBLE_OUTCOMES, Outcome.REFUSED))
    )
    read = in_period or carried
    el = eligible and read
    once = r["g_once"] or r["complaint_round"] == 2
    twice = bool(r["g_twice"])
    court = r["court_judgment"] is True
    field = r["field"] or PetitionField.OTHER
    for group, kinds in KIND_GROUPS.items():
        if kind not in kinds:
            continue
        prefix = f"form_xld_{group}"
        if carried:
            counts.add(f"{prefix}_carried", n)
        if in_period:
            counts.add(f"{prefix}_received", n)
        if processed and read:
            counts.add(f"{prefix}_processed", n)
            if r["g_reply"]:
                counts.add(f"{prefix}_replies", n)
        if not el:
            continue
        by_court = not court if group == "complaint" else True
        if once and not twice and by_court:
            counts.add(f"{prefix}_resolved_once", n)
        if twice and by_court:
            counts.add(f"{prefix}_resolved_many", n)
        if competent is True:
            counts.add(f"{prefix}_competent", n)
            if r["complaint_round"] == 1:
                counts.add(f"{prefix}_competent_first", n)
            if r["complaint_round"] == 2:
                counts.add(f"{prefix}_competent_second", n)
            if r["g_follow_up"]:
                counts.add(f"{prefix}_competent_follow_up", n)
            if resolved:
                counts.add(f"{prefix}_competent_resolved", n)
        counts.add(f"{prefix}_eligible", n)
        cases_of(f"{prefix}_eligible", r)
        if field in FIELDS:
            counts.add(f"{prefix}_field_{field}", n)
        if group == "complaint" and court:
            counts.add("form_xld_complaint_court_judgment", n)
        if r["g_overdue"]:
            counts.add(f"{prefix}_overdue_before", n)
        counts.add(f"{prefix}_eligible_{kind}", n)
        if outcome in OUT_OF_COMPETENCE:
            counts.add(f"{prefix}_{outcome}", n)
        if _incompetent(competent, outcome):
            counts.add(f"{prefix}_incompetent", n)


def _incompetent(competent: bool | None, outcome: str) -> bool:
    """Out of competence: marked so, or (not marked) guided, transferred or urged elsewhere."""
    return competent is False or (competent is None and outcome in OUT_OF_COMPETENCE)


def _tcd(counts: _Counts, cases_of: Any, r: dict[str, Any]) -> None:
    """02/TCD: the petitions received in person at the reception (formstats._tcd_counts)."""
    n, outcome, competent = r["n"], r["outcome"], r["competent"]
    names = ["tcd_received", *([f"tcd_{r['kind']}"] if r["kind"] else [])]
    if competent is True:
        names.append("tcd_competent")
    if _incompetent(competent, outcome):
        names.append("tcd_incompetent")
    if outcome in OUT_OF_COMPETENCE:
        names.append(f"tcd_{outcome}")
    for name in names:
        counts.add(f"form_{name}", n)
        cases_of(f"form_{name}", r)
    if r["g_reply"]:
        counts.add("form_tcd_replies", n)


def _gq(counts: _Counts, r: dict[str, Any], *, in_period: bool, resolved: bool, decided: bool) -> None:
    """03/GQKN and 04/GQTC of an accepted petition within competence (formstats._gq_counts):
    its petition counts, the case figures of a petition that is its own case, the sums."""
    n, kind, result, rnd = r["n"], r["kind"], r["result"], r["complaint_round"]
    carried = r["g_received"] == BEFORE and r["g_resolved"] in (NONE, IN, AFTER)
    if not (in_period or carried):
        return
    prefix = f"form_gq_{kind}"
    counts.add(f"{prefix}_petitions", n)
    counts.add(f"{prefix}_carried" if carried else f"{prefix}_received", n)
    if decided:
        for name, _ in GQ_SUMS:
            counts.add(f"{prefix}_{name}", r[f"s_gq_{name}"] or 0)
    if r["g_in_case"]:
        return
    names = ["cases"]
    if resolved:
        names.append("resolved")
        if result == Result.WITHDRAWN:
            names.append("withdrawn")
        if result == Result.SUSPENDED:
            names.append("terminated")
    if decided:
        names += ["decided", "first"]
        if r["g_kept"]:
            names.append("on_time")
        if rnd == 2:
            names.append("second")
        if kind == K.COMPLAINT and r["g_second"] in SECOND_DECISIONS:
            names.append(r["g_second"])
        for finding, results in FINDINGS[kind].items():
            if result in results and rnd == 1:
                names.append(finding)
    for name in names:
        counts.add(f"{prefix}_{name}_cases_single", n)


def _zeros(months: int) -> dict[str, Any]:
    """Every key `count_figures` gives, at 0."""
    keys = ["received", "resolved", "n_competent", "crowd_over_level"]
    keys += [f"kind_{kind}{suffix}" for kind in K.values for suffix in ("", "_resolved")]
    keys += [f"outcome_{outcome}" for outcome in Outcome.values]
    keys += [f"level_{level}" for level in LEVEL_RANK]
    keys += [f"received_m{i}" for i in range(months)]
    keys += [f"{kind}_single{figure}" for kind in CASE_KINDS for figure in ("", *SINGLE_FIGURES)]
    zeros: dict[str, Any] = dict.fromkeys(keys, 0)
    for group in KIND_GROUPS:  # in formstats' order: the forms' figures are listed in it
        names = [
            "carried", "received", "processed", "resolved_once", "resolved_many", "competent",
            "competent_first", "competent_second", "replies", "eligible", "eligible_cases_grouped",
            "eligible_cases_single", *(f"field_{value}" for value in PetitionField.values),
            *(["court_judgment"] if group == "complaint" else []),
            "overdue_before", "competent_follow_up", "competent_resolved",
            *(f"eligible_{kind}" for kind in K.values), *OUT_OF_COMPETENCE, "incompetent",
        ]  # fmt: skip
        zeros |= {f"form_xld_{group}_{name}": 0 for name in names}
    tcd = ["received", *K.values, "competent", "incompetent", *OUT_OF_COMPETENCE]
    zeros |= {f"form_tcd_{name}{part}": 0 for name in tcd for part in ("", "_cases_grouped", "_cases_single")}
    zeros["form_tcd_replies"] = 0
    for kind in CASE_KINDS:
        prefix = f"form_gq_{kind}"
        zeros |= {f"{prefix}_{name}": 0 for name in ("petitions", "carried", "received")}
        zeros |= {f"{prefix}_{name}_cases_single": 0 for name in GQ_CASE_FIGURES[kind]}
        zeros |= {f"{prefix}_{name}": Decimal(0) if name in GQ_LAND else 0 for name, _ in GQ_SUMS}
    for kind in CASE_KINDS:
        zeros |= {f"form_kq_{kind}_{name}": 0 for name in ("to_carry_out", "carried_out")}
        zeros |= {f"form_kq_{kind}_{name}": Decimal(0) if name.endswith("_m2") else 0 for name, _ in TO_CARRY_OUT}
    return zeros


SINGLE_FIGURES = ("_resolved", "_withdrawn", "_decided", "_on_time", "_upheld")
GQ_CASE_FIGURES = {
    kind: (
        "cases",
        "resolved",
        "withdrawn",
        "terminated",
        "decided",
        "on_time",
        "first",
        "follow_up",
        "follow_up_decided",
        "second",
        *(SecondDecision.values if kind == K.COMPLAINT else ()),
        *(name for finding in FINDINGS[kind] for name in (finding, f"follow_up_{finding}")),
    )
    for kind in CASE_KINDS
}
