"""Aggregate figures of petitions for period reports (CONTRACTS.md, "Report JSON").

Read by the reports app; nothing here imports it. Each function is a fixed number
of aggregate queries whatever the number of rows: counts are COUNT … FILTER in the
database, never a Python loop over petitions.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, cast

from django.db.models import Count, Exists, F, OuterRef, Q
from django.db.models.functions import TruncMonth

from core.choices import PetitionKind
from core.models import LEVEL_RANK
from core.selectors import Inherited, ancestor_paths, month_windows, unit_scope_q, unit_subtree_q

from .casestats import grouped_case_counts
from .choices import NOT_DECIDED_RESULTS, UPHELD_RESULTS, Result
from .formstats import case_has, form_counts, form_figures
from .grouped import CROWD_MIN_SIGNERS, count_figures, grouped_rows
from .models import Outcome, Petition


@dataclass(frozen=True)
class CaseStats:
    """Cases of one kind, accepted and within competence, received in the period. Of those:
    `resolved` every petition resolved by the period end; `withdrawn` every petition resolved
    as withdrawn; `decided` every petition resolved by a decision or conclusion (not withdrawn,
    not terminated); `on_time` decided and every petition resolved by the deadline it kept (`due_on`);
    `upheld` decided with the last-resolved petition's finding correct or partly correct."""

    to_resolve: int
    resolved: int
    withdrawn: int = 0
    decided: int = 0
    on_time: int = 0
    upheld: int = 0


CASE_FIGURES = ("resolved", "withdrawn", "decided", "on_time", "upheld")


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
    received_by_month: tuple[int, ...] = ()
    # Received in the period, by the level of the receiving unit (levels without any left out).
    received_by_level: dict[str, int] = field(default_factory=dict)
    # The inspectorate's forms' figures (petitions.formstats), by name.
    forms: dict[str, int | float] = field(default_factory=dict)


def _case_counts(kind: str, in_period: Q, end: date) -> dict[str, Count]:
    """Cases of `kind`, accepted and within competence, received in the period.

    A petition without a case is its own case. A case is resolved when every petition of it
    received by the period end is resolved by the period end; withdrawn, decided, on time when
    every such petition is resolved so (CaseStats); upheld when decided and its last-resolved
    petition's finding is correct or partly correct.
    """
    eligible = in_period & Q(kind=kind, outcome=Outcome.ACCEPTED, competent=True)
    grouped = eligible & Q(case__isnull=False)
    single = eligible & Q(case__isnull=True, resolved_on__lte=end)
    # The cases with a petition received by the end that spoils the figure (formstats.case_has).
    of_cases = Petition.objects.filter(case__isnull=False, received_on__lte=end)
    open_at_end = Q(resolved_on__isnull=True) | Q(resolved_on__gt=end)
    not_decided = open_at_end | Q(result__in=NOT_DECIDED_RESULTS)

    def spoiled(q: Q) -> Q:
        return case_has(of_cases.filter(q))

    # The cases whose last-resolved petition (the latest resolution, then the latest row) upholds it.
    later = Petition.objects.filter(case_id=OuterRef("case_id"), received_on__lte=end).filter(
        Q(resolved_on__gt=OuterRef("resolved_on")) | Q(resolved_on=OuterRef("resolved_on"), pk__gt=OuterRef("pk"))
    )
    upheld_cases = of_cases.filter(resolved_on__lte=end, result__in=UPHELD_RESULTS).filter(~Exists(later))
    decided_single = single & ~Q(result__in=NOT_DECIDED_RESULTS)
    not_decided_cases = ~spoiled(not_decided)
    return {
        f"{kind}_grouped": Count("case_id", distinct=True, filter=grouped),
        f"{kind}_grouped_resolved": Count("case_id", distinct=True, filter=grouped & ~spoiled(open_at_end)),
        f"{kind}_grouped_withdrawn": Count(
            "case_id",
            distinct=True,
            filter=grouped & ~spoiled(open_at_end | ~Q(result=Result.WITHDRAWN)),
        ),
        f"{kind}_grouped_decided": Count("case_id", distinct=True, filter=grouped & not_decided_cases),
        f"{kind}_grouped_on_time": Count(
            "case_id",
            distinct=True,
            filter=grouped & ~spoiled(not_decided | Q(resolved_on__gt=F("due_on"))),
        ),
        f"{kind}_grouped_upheld": Count(
            "case_id", distinct=True, filter=grouped & not_decided_cases & case_has(upheld_cases)
        ),
        f"{kind}_single": Count("pk", filter=eligible & Q(case__isnull=True)),
        f"{kind}_single_resolved": Count("pk", filter=single),
        f"{kind}_single_withdrawn": Count("pk", filter=single & Q(result=Result.WITHDRAWN)),
        f"{kind}_single_decided": Count("pk", filter=decided_single),
        f"{kind}_single_on_time": Count(
            "pk",
            filter=decided_single & (Q(due_on__isnull=True) | Q(resolved_on__lte=F("due_on"))),
        ),
        f"{kind}_single_upheld": Count("pk", filter=decided_single & Q(result__in=UPHELD_RESULTS)),
    }


def _period_counts(
    *, start: date, end: date, previous_start: date, previous_end: date, months: Sequence[tuple[date, date]]
) -> tuple[Q, Q, dict[str, Any]]:
    """The rows to read, those of the previous period (read only for `received_previous`), and
    the counts of one pass over them."""
    in_period = Q(received_on__gte=start, received_on__lte=end)
    in_previous = Q(received_on__gte=previous_start, received_on__lte=previous_end)
    counts: dict[str, Any] = {
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
    for level in LEVEL_RANK:
        counts[f"level_{level}"] = Count("pk", filter=in_period & Q(unit__level=level))
    counts |= _case_counts(PetitionKind.COMPLAINT, in_period, end)
    counts |= _case_counts(PetitionKind.DENUNCIATION, in_period, end)
    for i, (first, last) in enumerate(months):
        counts[f"received_m{i}"] = Count("pk", filter=Q(received_on__gte=first, received_on__lte=last))
    carried, forms = form_counts(start=start, end=end)
    counts |= forms
    return in_period | carried, in_previous, counts


def _stats_of(row: dict[str, int], months: int, grouped: dict[str, int] | None = None) -> PetitionPeriodStats:
    grouped = grouped or {}

    def cases(kind: str) -> CaseStats:
        def of(figure: str) -> int:
            key = f"{kind}_grouped{figure}"
            return (grouped[key] if key in grouped else row[key]) + row[f"{kind}_single{figure}"]

        return CaseStats(to_resolve=of(""), **{figure: of(f"_{figure}") for figure in CASE_FIGURES})

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
        received_by_month=tuple(row[f"received_m{i}"] for i in range(months)),
        received_by_level={str(level): row[f"level_{level}"] for level in LEVEL_RANK if row[f"level_{level}"]},
        forms=form_figures(row, grouped),
    )


def petition_period_stats(
    *,
    paths: Sequence[str],
    start: date,
    end: date,
    previous_start: date,
    previous_end: date,
    months: Sequence[date] = (),
    inherited: Sequence[Inherited] = (),
) -> PetitionPeriodStats:
    """Petitions received by the units under `paths` (and those `inherited` from
    predecessors) from `start` to `end` (both included), and the count over the previous
    period (and, with `months`, per month of the period). Three queries."""
    windows = month_windows(start, end, months)
    scope = unit_scope_q(paths, inherited, day="received_on")
    # The case figures counted case by case (casestats), the rest over the petitions grouped by
    # what the figures depend on (grouped), the previous period's petitions by a count of their own.
    grouped = grouped_case_counts(scope=scope, start=start, end=end)
    rows = grouped_rows(scope=scope, start=start, end=end, windows=windows)
    row = count_figures(rows, len(windows))
    in_previous = Q(received_on__gte=previous_start, received_on__lte=previous_end)
    row["received_previous"] = Petition.objects.filter(scope).filter(in_previous).count()
    return _stats_of(row, len(windows), grouped)


def no_petition_stats(*, months: int = 0) -> PetitionPeriodStats:
    """The figures of a subtree without petitions (every count 0)."""
    day = date(2000, 1, 1)
    _, _, counts = _period_counts(
        start=day, end=day, previous_start=day, previous_end=day, months=[(day, day)] * months
    )
    return _stats_of(dict.fromkeys(counts, 0), months)


def petition_period_stats_of_units(
    *,
    paths: Sequence[str],
    start: date,
    end: date,
    previous_start: date,
    previous_end: date,
    months: Sequence[date] = (),
) -> dict[str, PetitionPeriodStats]:
    """`petition_period_stats` of each unit under `paths` (its subtree included), keyed by the
    unit's path, from one query grouped by unit (and case) rolled up along the unit tree.
    Units without petitions are left out."""
    windows = month_windows(start, end, months)
    where, in_previous, counts = _period_counts(
        start=start, end=end, previous_start=previous_start, previous_end=previous_end, months=windows
    )
    rows = (
        Petition.objects.filter(unit_subtree_q(paths))
        .filter(where | in_previous)
        .values("unit__path", "case_id")  # by case too: a case is counted once however many units it spans
        .annotate(**counts)
        .order_by()
    )
    sums: dict[str, dict[str, int]] = {}
    case_sets: dict[str, dict[str, set[int]]] = {}
    grouped_keys = [k for k in counts if "_grouped" in k]
    for r in cast(Iterable[dict[str, Any]], rows):
        for path in ancestor_paths(r["unit__path"]):
            total = sums.get(path)
            if total is None:
                sums[path] = total = dict.fromkeys(counts, 0)
                case_sets[path] = {k: set() for k in grouped_keys}
            for key in counts:
                total[key] += r[key]
            for key in grouped_keys:
                if r[key]:
                    case_sets[path][key].add(r["case_id"])
    return {
        path: _stats_of(total, len(windows), {k: len(v) for k, v in case_sets[path].items()})
        for path, total in sums.items()
    }


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
