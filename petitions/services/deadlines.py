"""The deadlines a petition carries, stored with the rule that produced them: the running
step's (`due_on`), classification's, the complaint's limitation period, the denunciation duties',
and how a suspension moves them. Which rule applies is `petitions.rules`; the amounts are data
(core's deadline rule table)."""

from __future__ import annotations

from datetime import date, timedelta

from civicdesk.workdays import WorkCalendar, on_or_next_working_day
from core.choices import PetitionKind
from core.selectors import RuleNotFound, calendar_around, deadline_for, deadline_rule_in_force

from ..choices import Step
from ..models import DUTY_RULES, Petition, PetitionDuty
from ..rules import SUSPENSION_EXCLUDED, accept_rule_code, limitation_start


def set_deadline(
    petition: Petition,
    *,
    step: str,
    code: str,
    start: date,
    amount: int | None = None,
    calendar: WorkCalendar | None = None,
) -> None:
    deadline = deadline_for(code=code, start=start, amount=amount, calendar=calendar)
    petition.step, petition.due_on, petition.due_rule_id = step, deadline.due_on, deadline.rule.rule_id


def clear_deadline(petition: Petition) -> None:
    petition.step, petition.due_on, petition.due_rule = Step.NONE, None, None


def closing_data(petition: Petition) -> dict[str, object]:
    """What a closing event records of the deadline the petition keeps: its step, date and
    whether it was closed (`resolved_on`, set by the caller) after it (`late`)."""
    if petition.due_on is None or petition.resolved_on is None:
        return {}
    return {
        "step": petition.step,
        "due_on": petition.due_on.isoformat(),
        "late": petition.resolved_on > petition.due_on,
    }


def intake_deadlines(petition: Petition) -> None:
    """Deadlines that start at receipt: classification for all; acceptance for complaints,
    initial processing for denunciations (the running step)."""
    calendar = calendar_around(petition.received_on)  # one calendar for both deadlines
    classify = deadline_for(code="petition.classify", start=petition.received_on, calendar=calendar)
    petition.classify_due_on, petition.classify_rule_id = classify.due_on, classify.rule.rule_id
    if petition.kind == PetitionKind.COMPLAINT:
        code = accept_rule_code(petition)
        set_deadline(petition, step=Step.ACCEPT, code=code, start=petition.received_on, calendar=calendar)
    elif petition.kind == PetitionKind.DENUNCIATION:
        code = "denunciation.initial.multi_place" if petition.multi_place else "denunciation.initial"
        set_deadline(petition, step=Step.INITIAL, code=code, start=petition.received_on, calendar=calendar)
    else:
        petition.step, petition.due_on, petition.due_rule_id = Step.CLASSIFY, classify.due_on, classify.rule.rule_id


def set_limitation(petition: Petition) -> None:
    """The last day to complain (`limitation_due_on`) with its rule, or none when unknown."""
    found = limitation_start(petition)
    if found is None:
        petition.limitation_due_on, petition.limitation_rule_id = None, None
        return
    code, start = found
    deadline = deadline_for(code=code, start=start)
    petition.limitation_due_on, petition.limitation_rule_id = deadline.due_on, deadline.rule.rule_id


def open_duty(petition: Petition, duty: str, *, start: date) -> PetitionDuty:
    """Start the limit of a denunciation duty (notify, publish), stored with its rule."""
    deadline = deadline_for(code=DUTY_RULES[duty], start=start)
    rule_id = deadline.rule.rule_id
    assert rule_id is not None  # read from the table
    row, _created = PetitionDuty.objects.update_or_create(
        petition=petition,
        duty=duty,
        defaults={"start": start, "due_on": deadline.due_on, "rule_id": rule_id, "done_on": None},
    )
    return row


def suspension_shift(*, kind: str, due_on: date, suspended_on: date, resumed_on: date) -> tuple[date, int | None]:
    """The deadline after a suspension, and the rule that moved it.

    Suspended days are not counted in the resolution limit: for denunciations (rule
    `denunciation.suspension_excluded`, Luật Tố cáo art. 34(2)), for complaints from 1/7/2026
    (rule `complaint.suspension_excluded`, Law 136/2025). The deadline moves by the calendar
    days suspended on or after the day the rule took effect (a day off among them counts as
    suspended); a new last day that is a day off moves to the next working day. Before the
    rule, and for kinds without one, nothing moves."""
    code = SUSPENSION_EXCLUDED.get(kind)
    if code is None:
        return due_on, None
    try:
        rule = deadline_rule_in_force(code=code, on=resumed_on)
    except RuleNotFound:
        return due_on, None
    start = max(suspended_on, rule.valid_from)
    days = max(0, (resumed_on - start).days)
    if days == 0:
        return due_on, rule.pk
    moved = on_or_next_working_day(due_on + timedelta(days=days), calendar=calendar_around(due_on))
    return moved, rule.pk
