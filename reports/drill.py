"""The rows behind a dashboard figure (the drill-through lists).

Each figure of the dashboard's tiles names the records it counts: the records of the unit's
subtree, in the period, that match the figure's own definition, the same definition as the
apps' `stats` count (a test holds each list's length to its figure). The lists show no
personal data (no names, no identity numbers: a denouncer stays unknown), only what a leader
needs to see which records they are.

A page is read newest first by (date, id), `PAGE_SIZE` rows at a time, continuing after the
last row shown (keyset): no OFFSET and no COUNT over a city's millions of dossiers (P8,
docs/performance.md). The number at the top is the figure itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Exists, F, Model, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from adminreform.models import Dossier, SatisfactionScore
from core.choices import PetitionKind
from core.models import Unit
from core.selectors import unit_subtree_q
from petitions.choices import NOT_DECIDED_RESULTS
from petitions.models import CLOCK_STATUSES, Outcome, Petition, PetitionDuty
from reception.models import DialogueConference, Visit

from .fastpath import fields_shown
from .periods import Period

PAGE_SIZE = 50


@dataclass(frozen=True)
class Figure:
    """A figure the dashboard links to: what its rows are and how they are found."""

    label: Any  # lazy text: "Petitions received"
    model: type[Model]
    date_field: str  # the rows' order, newest first (with the id)
    rows: Callable[[QuerySet[Any], Period, date, str], QuerySet[Any]]
    per_level: bool = False  # the figure is given by level (`level=` names it)
    live: bool = False  # counted now, whatever the period


def _received_in(period: Period) -> Q:
    return Q(received_on__gte=period.start, received_on__lte=period.end)


def _resolved_in(period: Period) -> Q:
    # The figures' guard: a dossier resolved in the period but received after it counts nowhere.
    return Q(resolved_on__gte=period.start, resolved_on__lte=period.end, received_on__lte=period.end)


def _overdue_now(qs: QuerySet[Any], today: date) -> QuerySet[Any]:
    """The petitions queue's "overdue" (petitions.selectors.petition_queue): a running deadline
    past, or a denunciation duty (notify, publish) past its due date and not done."""
    late_duty = PetitionDuty.objects.filter(petition=OuterRef("pk"), done_on__isnull=True, due_on__lt=today)
    return qs.filter(Q(status__in=CLOCK_STATUSES, due_on__lt=today) | Q(Exists(late_duty)))


def _level(qs: QuerySet[Any], level: str) -> QuerySet[Any]:
    return qs.filter(unit__level=level)


FIGURES: dict[str, Figure] = {
    "visits": Figure(
        _("Citizen visits received"),
        Visit,
        "received_on",
        lambda qs, period, today, level: qs.filter(_received_in(period)),
    ),
    "visits_first": Figure(
        _("Visits about a matter raised for the first time"),
        Visit,
        "received_on",
        lambda qs, period, today, level: qs.filter(_received_in(period), repeat=False),
    ),
    "visits_repeat": Figure(
        _("Visits about a matter raised before"),
        Visit,
        "received_on",
        lambda qs, period, today, level: qs.filter(_received_in(period), repeat=True),
    ),
    "petitions_received": Figure(
        _("Petitions received"),
        Petition,
        "received_on",
        lambda qs, period, today, level: qs.filter(_received_in(period)),
    ),
    "petitions_in_progress": Figure(
        _("Petitions received in the period and not resolved by its end"),
        Petition,
        "received_on",
        lambda qs, period, today, level: qs.filter(_received_in(period)).filter(
            Q(resolved_on__isnull=True) | Q(resolved_on__gt=period.end)
        ),
    ),
    "petitions_overdue": Figure(
        _("Petitions overdue today"),
        Petition,
        "received_on",
        lambda qs, period, today, level: _overdue_now(qs, today),
        live=True,
    ),
    "dialogues": Figure(
        _("Dialogue conferences held"),
        DialogueConference,
        "held_on",
        lambda qs, period, today, level: qs.filter(held_on__gte=period.start, held_on__lte=period.end),
    ),
    "dossiers_resolved": Figure(
        _("Dossiers resolved"),
        Dossier,
        "resolved_on",
        lambda qs, period, today, level: _level(qs.filter(_resolved_in(period)), level),
        per_level=True,
    ),
    "dossiers_on_time": Figure(
        pgettext_lazy("dossier", "Dossiers resolved on time"),
        Dossier,
        "resolved_on",
        lambda qs, period, today, level: _level(qs.filter(_resolved_in(period), resolved_on__lte=F("due_on")), level),
        per_level=True,
    ),
    "dossiers_rated": Figure(
        _("Dossiers rated by their applicants"),
        Dossier,
        "resolved_on",
        lambda qs, period, today, level: qs.filter(_resolved_in(period), rated_at__isnull=False),
    ),
    "dossiers_satisfied": Figure(
        _("Dossiers rated satisfied or very satisfied"),
        Dossier,
        "resolved_on",
        lambda qs, period, today, level: qs.filter(
            _resolved_in(period), rated_at__isnull=False, rating_score__gte=SatisfactionScore.SATISFIED
        ),
    ),
}


@dataclass(frozen=True)
class DrillPage:
    rows: list[dict[str, Any]]  # the values its table shows (fastpath.fields_shown), never whole records
    next_after: str  # the `after=` of the next page, "" on the last


def _base(figure: Figure, unit: Unit) -> QuerySet[Any]:
    return figure.model._default_manager.filter(unit_subtree_q([unit.path]))  # type: ignore[attr-defined, no-any-return]


def drill_rows(*, figure: str, unit: Unit, period: Period, today: date, level: str = "", after: str = "") -> DrillPage:
    """One page of the rows behind `figure` for `unit`'s subtree over `period`, newest first,
    after the row named by `after` ("YYYY-MM-DD.id", from the previous page): the values its
    table shows, read as plain values (a record's other columns, some encrypted or JSON, cost
    more to load than the page's SQL)."""
    spec = FIGURES[figure]
    qs = spec.rows(_base(spec, unit), period, today, level)
    order = spec.date_field
    if after:
        day_text, _sep, pk_text = after.partition(".")
        try:
            day, pk = date.fromisoformat(day_text), int(pk_text)
        except ValueError:
            day, pk = None, 0
        if day is not None:
            qs = qs.filter(Q(**{f"{order}__lt": day}) | Q(**{order: day, "pk__lt": pk}))
    shown = {"pk", order, *fields_shown(spec.model)}
    rows = list(qs.order_by(f"-{order}", "-pk").values(*shown)[: PAGE_SIZE + 1])
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    last = rows[-1] if rows and more else None
    return DrillPage(rows=rows, next_after=f"{last[order].isoformat()}.{last['pk']}" if last else "")


def drill_all(*, figure: str, unit: Unit, period: Period, today: date, level: str = "") -> QuerySet[Any]:
    """Every row behind `figure` (tests, and the live figures that have no stored count)."""
    spec = FIGURES[figure]
    return spec.rows(_base(spec, unit), period, today, level)


@dataclass(frozen=True)
class CaseRow:
    """A complaint or denunciation case (vụ việc): the petitions about one matter (a petition
    without a case is its own case)."""

    pk: int  # the case's id, or the petition's for a petition without one
    kind: str
    refs: list[str]
    unit_names: list[str]
    received_on: date
    resolved_on: date | None  # the last of its petitions resolved, when all are by the period end

    @property
    def kind_label(self) -> str:
        return petition_kind_label(self.kind)


def case_rows(*, unit: Unit, period: Period, which: str = "cases_to_resolve") -> list[CaseRow]:
    """The complaint and denunciation cases of `unit`'s subtree to resolve in `period`, as
    petitions.stats counts them (accepted, within competence, received in the period), newest
    first; `which` keeps them all (`cases_to_resolve`) or those resolved (every petition of the
    case received by the period end resolved by then: `cases_resolved`), decided (resolved, none
    withdrawn or terminated: `cases_decided`, the report's `petitions.cases.decided`), decided
    on time (and none resolved after the deadline it kept: `cases_on_time`). Two queries; a city
    has thousands of cases a quarter, not millions."""
    eligible = (
        Petition.objects.filter(unit_subtree_q([unit.path]), _received_in(period))
        .filter(kind__in=(PetitionKind.COMPLAINT, PetitionKind.DENUNCIATION), outcome=Outcome.ACCEPTED, competent=True)
        .values_list("pk", "case_id", "kind", "ref", "unit__name", "received_on", "resolved_on", "result", "due_on")
    )
    groups: dict[tuple[str, str, int], list[tuple[Any, ...]]] = {}
    for row in eligible:
        pk, case_id, kind = row[0], row[1], row[2]
        key = (kind, "case", case_id) if case_id is not None else (kind, "petition", pk)
        groups.setdefault(key, []).append(row)
    case_ids = {key[2] for key in groups if key[1] == "case"}
    # Every petition of those cases received by the period end (some outside the subtree or
    # the period), as (resolved_on, result, due_on): what decides the case's state.
    members_of: dict[int, list[tuple[Any, ...]]] = {}
    for case_id, resolved_on, result, due_on in Petition.objects.filter(
        case_id__in=case_ids, received_on__lte=period.end
    ).values_list("case_id", "resolved_on", "result", "due_on"):
        members_of.setdefault(case_id, []).append((resolved_on, result, due_on))
    rows = []
    for (kind, what, pk), members in groups.items():
        states = members_of.get(pk, []) if what == "case" else [(m[6], m[7], m[8]) for m in members]
        resolved = all(r is not None and r <= period.end for r, _result, _due in states)
        decided = resolved and all(result not in NOT_DECIDED_RESULTS for _r, result, _due in states)
        on_time = decided and all(due is None or r <= due for r, _result, due in states)
        wanted = {"cases_resolved": resolved, "cases_decided": decided, "cases_on_time": on_time}
        if not wanted.get(which, True):
            continue
        last_resolved = max((m[6] for m in members if m[6] is not None), default=None)
        rows.append(
            CaseRow(
                pk=pk,
                kind=kind,
                refs=sorted(m[3] for m in members),
                unit_names=sorted({m[4] for m in members}),
                received_on=min(m[5] for m in members),
                resolved_on=last_resolved if resolved else None,
            )
        )
    rows.sort(key=lambda r: (r.received_on, r.pk), reverse=True)
    return rows


CASE_FIGURES = {
    "cases_to_resolve": _("Complaint and denunciation cases to resolve"),
    "cases_resolved": _("Complaint and denunciation cases resolved"),
    "cases_decided": _("Complaint and denunciation cases decided (decision or conclusion)"),
    "cases_on_time": _("Complaint and denunciation cases decided within the time limit"),
}


def petition_kind_label(kind: str) -> str:
    return str(PetitionKind(kind).label) if kind in PetitionKind.values else kind


def outcome_label(outcome: str) -> str:
    return str(Outcome(outcome).label) if outcome in Outcome.values else ""
