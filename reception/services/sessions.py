"""Every write of the reception app.

Each service is atomic, locks the row it changes, checks the rule, writes one
ReceptionEvent (with the request's IP address when there is one) and returns the row.
Records officials edit together carry a `version`: a stale one raises StaleEdit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from civicdesk.exceptions import DomainError, InvalidTransition, StaleEdit
from civicdesk.workdays import subtract_working_days
from core.models import Role, Unit
from core.selectors import deadline_for, deadline_rule_in_force, user_has_role, work_calendar
from petitions import services as petition_services

from .models import (
    FINAL_ANSWERS,
    ONLINE_RECEPTION_FROM,
    FollowUpItem,
    FollowUpStatus,
    ReceivedBy,
    ReceptionEvent,
    ReceptionSession,
    SessionKind,
    Visit,
    VisitAnswer,
    VisitOutcome,
)
from .rules import check_delegation
from .selectors import RepeatCandidate, visit_repeat_candidates

ANSWER_RULE = "reception.answer"
PUBLISH_RULE = "reception.publish_schedule"


def _stale() -> StaleEdit:
    return StaleEdit(
        _("This record was changed by someone else since you opened it. Reload the page and try again."),
        code="stale",
    )


def _event(
    *,
    kind: str,
    actor: User | None,
    ip_address: str | None,
    session: ReceptionSession | None = None,
    visit: Visit | None = None,
    follow_up: FollowUpItem | None = None,
    from_status: str = "",
    to_status: str = "",
    reason: str = "",
    data: dict[str, Any] | None = None,
) -> ReceptionEvent:
    return ReceptionEvent.objects.create(
        kind=kind,
        actor=actor,
        ip_address=ip_address,
        session=session,
        visit=visit,
        follow_up=follow_up,
        from_status=from_status,
        to_status=to_status,
        reason=reason,
        data=data or {},
    )


# --- sessions ---------------------------------------------------------------------------


def session_publish_due_on(*, day: date) -> tuple[date, int]:
    """The last day the session of `day` may be published on time, and the rule's id:
    `reception.publish_schedule` working days before it (Luật TCD art. 24)."""
    rule = deadline_rule_in_force(code=PUBLISH_RULE, on=day)
    calendar = work_calendar(start=day - timedelta(days=60), end=day)
    return subtract_working_days(day, rule.amount or 0, calendar=calendar), rule.pk


def _check_receiver(*, unit: Unit, received_by: str, receiver: User | None) -> None:
    is_head = receiver is None or user_has_role(user=receiver, unit=unit, roles=[Role.HEAD])
    if received_by == ReceivedBy.HEAD and not is_head:
        raise DomainError(_("The receiving official is not the head of this unit."), code="receiver")


def _check_session(*, kind: str, day: date, received_by: str) -> None:
    if kind == SessionKind.ONLINE and day < ONLINE_RECEPTION_FROM:
        raise DomainError(_("Online reception is allowed from 01/07/2026 (Law 136/2025)."), code="kind")
    if kind == SessionKind.HEAD_PERIODIC and received_by == ReceivedBy.STAFF:
        raise DomainError(
            _("At the head's periodic reception day the head receives in person or through a delegate."),
            code="received_by",
        )


@transaction.atomic
def session_schedule(
    *,
    unit: Unit,
    kind: str,
    day: date,
    start_time: time | None = None,
    end_time: time | None = None,
    place: str = "",
    received_by: str = ReceivedBy.STAFF,
    receiver: User | None = None,
    receiver_title: str = "",
    topics: str = "",
    attendance: int | None = None,
    issues_raised: str = "",
    actor: User | None,
    ip_address: str | None = None,
) -> ReceptionSession:
    """Schedule a reception session. Head's sessions get the date by which they must be
    published. Raises DomainError for an online session before 1/7/2026, or when the head
    receives and `receiver` is not a head of the unit."""
    _check_session(kind=kind, day=day, received_by=received_by)
    _check_receiver(unit=unit, received_by=received_by, receiver=receiver)
    session = ReceptionSession(
        unit=unit,
        kind=kind,
        date=day,
        start_time=start_time,
        end_time=end_time,
        place=place,
        received_by=received_by,
        receiver=receiver,
        receiver_title=receiver_title,
        topics=topics,
        attendance=attendance,
        issues_raised=issues_raised,
    )
    if session.is_head_session:
        session.publish_due_on, session.publish_rule_id = session_publish_due_on(day=day)
    session.save()
    _event(
        kind=ReceptionEvent.Kind.SESSION_SCHEDULED,
        actor=actor,
        ip_address=ip_address,
        session=session,
        data={"kind": kind, "date": day.isoformat(), "publish_due_on": str(session.publish_due_on or "")},
    )
    return session


SESSION_EDITABLE = (
    "start_time",
    "end_time",
    "place",
    "received_by",
    "receiver",
    "receiver_title",
    "topics",
    "attendance",
    "issues_raised",
    "conclusions",
)


@transaction.atomic
def session_update(
    *, session: ReceptionSession, version: int, changes: dict[str, Any], actor: User, ip_address: str | None = None
) -> ReceptionSession:
    """Change a session's details, attendance, issues raised or conclusions (compare-and-set on
    `version`). Raises StaleEdit when someone else saved it first."""
    session = ReceptionSession.objects.select_for_update().get(pk=session.pk)
    if session.version != version:
        raise _stale()
    unknown = set(changes) - set(SESSION_EDITABLE)
    if unknown:
        raise DomainError(f"Not editable: {', '.join(sorted(unknown))}")
    _check_session(kind=session.kind, day=session.date, received_by=changes.get("received_by", session.received_by))
    before = {k: str(getattr(session, k)) for k in changes}
    for name, value in changes.items():
        setattr(session, name, value)
    session.version += 1
    session.save()
    _event(
        kind=ReceptionEvent.Kind.SESSION_UPDATED,
        actor=actor,
        ip_address=ip_address,
        session=session,
        data={"before": before, "after": {k: str(v) for k, v in changes.items()}},
    )
    return session


@dataclass(frozen=True)
class RescheduleResult:
    session: ReceptionSession
    # The new time or place reached the public schedule now: was that 5 working days ahead?
    republished: bool
    # Not published yet, and too late already to publish it on time for the new day.
    publish_overdue: bool


@transaction.atomic
def session_reschedule(
    *,
    session: ReceptionSession,
    version: int,
    day: date,
    start_time: time | None,
    end_time: time | None,
    place: str,
    reason: str,
    actor: User,
    ip_address: str | None = None,
    now: datetime | None = None,
) -> RescheduleResult:
    """Move a session to another day, time or place, saying why.

    A head's session gets the publication deadline of its new day (5 working days before,
    Luật TCD art. 24). When it was already published, the change reaches the public schedule at
    once: that counts as publishing it again now, flagged `published_late` when less than 5
    working days ahead. A session that is over keeps its day (its time and place can still be
    corrected), and one with visits logged keeps its day too.
    Raises StaleEdit, DomainError (with the field as its code) or InvalidTransition."""
    session = ReceptionSession.objects.select_for_update().get(pk=session.pk)
    if session.version != version:
        raise _stale()
    reason = reason.strip()
    if not reason:
        raise DomainError(_("Say why the session changes."), code="reason")
    now = now or timezone.now()
    today = timezone.localdate(now)
    moved = day != session.date
    if moved and session.date < today:
        raise InvalidTransition(_("A session that is over cannot move to another day."), code="day")
    if moved and day < today:
        raise DomainError(_("A session cannot move to a day that is over."), code="day")
    if moved and session.visits.exists():
        raise DomainError(_("Visits are logged at this session: it cannot move to another day."), code="day")
    if start_time and end_time and end_time <= start_time:
        raise DomainError(_("The session must end after it starts."), code="end_time")
    _check_session(kind=session.kind, day=day, received_by=session.received_by)
    changes = {"date": day, "start_time": start_time, "end_time": end_time, "place": place.strip()}
    before = {k: str(getattr(session, k) or "") for k in changes}
    after = {k: str(v or "") for k, v in changes.items()}
    if before == after:
        return RescheduleResult(session, republished=False, publish_overdue=False)
    for name, value in changes.items():
        setattr(session, name, value)
    republished = False
    if session.is_head_session and day >= today:
        session.publish_due_on, session.publish_rule_id = session_publish_due_on(day=day)
        if session.published_at is not None:
            session.published_at = now
            session.published_late = today > session.publish_due_on
            republished = True
    session.version += 1
    session.save()
    _event(
        kind=ReceptionEvent.Kind.SESSION_UPDATED,
        actor=actor,
        ip_address=ip_address,
        session=session,
        reason=reason,
        data={
            "before": before,
            "after": after,
            "publish_due_on": str(session.publish_due_on or ""),
            "republished": republished,
            "published_late": session.published_late if republished else None,
        },
    )
    overdue = (
        session.is_head_session
        and session.published_at is None
        and session.publish_due_on is not None
        and today > session.publish_due_on
    )
    return RescheduleResult(session, republished=republished, publish_overdue=overdue)


@transaction.atomic
def session_publish(
    *, session: ReceptionSession, actor: User, ip_address: str | None = None, now: datetime | None = None
) -> ReceptionSession:
    """Publish a session on the public schedule. Publishing later than 5 working days before
    the session is allowed but flagged `published_late` (Luật TCD art. 24).
    Raises InvalidTransition when already published or when the session is over."""
    session = ReceptionSession.objects.select_for_update().get(pk=session.pk)
    now = now or timezone.now()
    today = timezone.localdate(now)
    if session.published_at is not None:
        raise InvalidTransition(_("This session is already published."))
    if session.date < today:
        raise InvalidTransition(_("A session that is over cannot be published."))
    if session.publish_due_on is None:
        session.publish_due_on, session.publish_rule_id = session_publish_due_on(day=session.date)
    session.published_at = now
    session.published_late = today > session.publish_due_on
    session.version += 1
    session.save()
    _event(
        kind=ReceptionEvent.Kind.SESSION_PUBLISHED,
        actor=actor,
        ip_address=ip_address,
        session=session,
        to_status="published",
        data={"late": session.published_late, "publish_due_on": session.publish_due_on.isoformat()},
    )
    return session


@transaction.atomic
def session_open_today(*, unit: Unit, actor: User, ip_address: str | None = None) -> ReceptionSession:
    """Today's session of the unit, scheduling a regular desk session if there is none."""
    from .selectors import session_current_for

    Unit.objects.select_for_update().get(pk=unit.pk)  # two desks opening the day at once
    today = timezone.localdate()
    session = session_current_for(unit=unit, day=today)
    if session is not None:
        return session
    return session_schedule(unit=unit, kind=SessionKind.REGULAR, day=today, actor=actor, ip_address=ip_address)


# --- visits -----------------------------------------------------------------------------


@dataclass
class VisitLogResult:
    visit: Visit
    candidates: list[RepeatCandidate] = field(default_factory=list)


def _next_visit_ref(*, unit: Unit, year: int) -> str:
    prefix = f"TCD-{year}-"
    taken = set(Visit.objects.filter(unit=unit, ref__startswith=prefix).values_list("ref", flat=True))
    n = len(taken) + 1
    while f"{prefix}{n:05d}" in taken:
        n += 1
    return f"{prefix}{n:05d}"


@transaction.atomic
def visit_log(
    *,
    session: ReceptionSession,
    citizen_name: str,
    content: str,
    kind: str = "",
    identity_number: str = "",
    address: str = "",
    people: int = 1,
    representatives: int | None = None,
    representative_names: str = "",
    received_by: str | None = None,
    received_on: date | None = None,
    outcome: str = VisitOutcome.ANSWERED,
    guided_to: str = "",
    earlier_handling: str = "",
    repeat: bool = False,
    actor: User,
    ip_address: str | None = None,
) -> VisitLogResult:
    """Log one visit (lượt) at `session`.

    Defaults: the session's date and who receives at it. Earlier visits of the same person
    (identity number, or name and address) mark the visit as a repeat; similar content is
    only proposed. A visit whose outcome is a petition gets the 10-working-day answer deadline
    (rule `reception.answer`) and creates the petition in the petitions app.
    Raises DomainError for a delegation with the wrong number of representatives.
    """
    check_delegation(people=people, representatives=representatives)
    if outcome == VisitOutcome.PETITION and not kind:
        raise DomainError(_("Choose the kind of petition received."), code="kind")
    unit = Unit.objects.select_for_update().get(pk=session.unit_id)  # serialises reference numbers
    received_on = received_on or session.date
    candidates = visit_repeat_candidates(
        unit=unit,
        identity_number=identity_number,
        citizen_name=citizen_name,
        address=address,
        content=content,
        before=received_on,
    )
    strong = [c for c in candidates if c.is_strong]
    repeat_of = strong[0].visit if strong else (candidates[0].visit if repeat and candidates else None)
    visit = Visit(
        unit=unit,
        session=session,
        ref=_next_visit_ref(unit=unit, year=received_on.year),
        received_on=received_on,
        people=people,
        representatives=representatives,
        representative_names=representative_names.strip(),
        received_by=received_by or session.received_by,
        kind=kind,
        repeat=repeat or bool(strong),
        repeat_of=repeat_of,
        citizen_name=citizen_name.strip(),
        identity_number=identity_number.strip(),
        address=address.strip(),
        content=content.strip(),
        outcome=outcome,
        guided_to=guided_to.strip(),
        earlier_handling=earlier_handling.strip(),
        recorded_by=actor,
    )
    if outcome == VisitOutcome.PETITION:
        visit.answer_due_on, visit.answer_rule_id = visit_answer_deadline(received_on=received_on)
    visit.save()
    _event(
        kind=ReceptionEvent.Kind.VISIT_LOGGED,
        actor=actor,
        ip_address=ip_address,
        visit=visit,
        session=session,
        data={
            "ref": visit.ref,
            "people": people,
            "outcome": outcome,
            "repeat_of": repeat_of.pk if repeat_of else None,
            "candidates": [c.visit.pk for c in candidates],
        },
    )
    if outcome == VisitOutcome.PETITION:
        _visit_create_petition(visit=visit, actor=actor, ip_address=ip_address)
    return VisitLogResult(visit=visit, candidates=[c for c in candidates if c.visit.pk != visit.pk])


def visit_answer_deadline(*, received_on: date) -> tuple[date, int | None]:
    """The day the citizen must be answered by, and the rule's id: `reception.answer`,
    10 working days after the visit (Luật TCD art. 28(1)), holidays and Tết skipped."""
    deadline = deadline_for(code=ANSWER_RULE, start=received_on)
    return deadline.due_on, deadline.rule.rule_id


def petitions_available() -> bool:
    """True once the petitions app offers `petition_receive` (built in parallel)."""
    return hasattr(petition_services, "petition_receive")


def _visit_create_petition(*, visit: Visit, actor: User, ip_address: str | None) -> None:
    """Create the petition the citizen handed in, prefilled from the visit, and link it.
    The idempotency key makes a retried save return the same petition."""
    if not petitions_available():
        raise DomainError(
            _("The petition register is not available yet: choose another outcome or enter the petition later."),
            code="outcome",
        )
    petition = petition_services.petition_receive(  # type: ignore[attr-defined,unused-ignore]
        unit=visit.unit,
        kind=visit.kind,
        received_on=visit.received_on,
        channel="in_person",
        subject=visit.content[:200],
        content=visit.content,
        petitioner_name=visit.citizen_name,
        petitioner_id_number=visit.identity_number,
        petitioner_address=visit.address,
        petitioner_phone="",
        petitioner_email="",
        signers=visit.people,
        actor=actor,
        ip_address=ip_address,
        idempotency_key=f"visit-{visit.pk}",
        source="reception",
    )
    visit.petition_ref = str(petition.ref)
    visit.save(update_fields=["petition_ref", "updated_at"])
    _event(
        kind=ReceptionEvent.Kind.VISIT_PETITION_CREATED,
        actor=actor,
        ip_address=ip_address,
        visit=visit,
        data={"petition_id": petition.pk, "petition_ref": visit.petition_ref},
    )


@transaction.atomic
def visit_mark_repeat(*, visit: Visit, repeat_of: Visit, actor: User, ip_address: str | None = None) -> Visit:
    """Confirm a proposed earlier visit: this visit is a repeat of the same matter."""
    visit = Visit.objects.select_for_update().get(pk=visit.pk)
    if repeat_of.pk == visit.pk or repeat_of.received_on > visit.received_on:
        raise DomainError(_("A visit can only repeat an earlier visit."))
    visit.repeat, visit.repeat_of = True, repeat_of
    visit.version += 1
    visit.save(update_fields=["repeat", "repeat_of", "version", "updated_at"])
    _event(
        kind=ReceptionEvent.Kind.VISIT_MARKED_REPEAT,
        actor=actor,
        ip_address=ip_address,
        visit=visit,
        data={"repeat_of": repeat_of.pk},
    )
    return visit


@transaction.atomic
def visit_answer(
    *,
    visit: Visit,
    answer: str,
    version: int,
    answered_on: date | None = None,
    note: str = "",
    actor: User,
    ip_address: str | None = None,
) -> Visit:
    """Record the answer given to the citizen (Luật TCD art. 28(1)): accepted, review extended,
    refused or forwarded. "Review extended" may be followed by a final answer; a final answer
    closes it. Raises StaleEdit, or InvalidTransition when no answer is owed or it is final."""
    visit = Visit.objects.select_for_update().get(pk=visit.pk)
    if visit.version != version:
        raise _stale()
    if visit.answer_due_on is None:
        raise InvalidTransition(_("No answer is owed for this visit."))
    if visit.answer in FINAL_ANSWERS:
        raise InvalidTransition(_("This visit has already been answered."))
    if answer not in VisitAnswer.values:
        raise DomainError(_("Choose one of the four answers."), code="answer")
    answered_on = answered_on or timezone.localdate()
    if answered_on < visit.received_on:
        raise DomainError(_("The answer cannot be dated before the visit."), code="answered_on")
    from_status = visit.answer
    visit.answer, visit.answered_on, visit.answer_note = answer, answered_on, note.strip()
    visit.version += 1
    visit.save(update_fields=["answer", "answered_on", "answer_note", "version", "updated_at"])
    _event(
        kind=ReceptionEvent.Kind.VISIT_ANSWERED,
        actor=actor,
        ip_address=ip_address,
        visit=visit,
        from_status=from_status,
        to_status=answer,
        reason=visit.answer_note,
        data={"answered_on": answered_on.isoformat(), "late": answered_on > visit.answer_due_on},
    )
    return visit


# --- conclusions and follow-up ---------------------------------------------------------------


@transaction.atomic
def follow_up_create(
    *,
    session: ReceptionSession,
    description: str,
    owner: User,
    due_on: date,
    actor: User,
    ip_address: str | None = None,
) -> FollowUpItem:
    """Turn one of the session's conclusions into a follow-up item with an owner and a deadline."""
    if not description.strip():
        raise DomainError(_("Write what must be done."), code="description")
    if due_on < session.date:
        raise DomainError(_("The deadline cannot be before the session."), code="due_on")
    item = FollowUpItem.objects.create(
        session=session, unit_id=session.unit_id, description=description.strip(), owner=owner, due_on=due_on
    )
    _event(
        kind=ReceptionEvent.Kind.FOLLOW_UP_CREATED,
        actor=actor,
        ip_address=ip_address,
        follow_up=item,
        session=session,
        to_status=item.status,
        data={"owner": owner.pk, "due_on": due_on.isoformat()},
    )
    return item


@transaction.atomic
def follow_up_complete(
    *,
    item: FollowUpItem,
    result: str,
    version: int,
    done_on: date | None = None,
    actor: User,
    ip_address: str | None = None,
) -> FollowUpItem:
    """Mark a follow-up item done with its result. Raises StaleEdit or InvalidTransition."""
    item = FollowUpItem.objects.select_for_update().get(pk=item.pk)
    if item.version != version:
        raise _stale()
    if item.status == FollowUpStatus.DONE:
        raise InvalidTransition(_("This follow-up item is already done."))
    if not result.strip():
        raise DomainError(_("Write the result."), code="result")
    item.status, item.done_on, item.result = FollowUpStatus.DONE, done_on or timezone.localdate(), result.strip()
    item.version += 1
    item.save(update_fields=["status", "done_on", "result", "version", "updated_at"])
    _event(
        kind=ReceptionEvent.Kind.FOLLOW_UP_DONE,
        actor=actor,
        ip_address=ip_address,
        follow_up=item,
        from_status=FollowUpStatus.OPEN,
        to_status=FollowUpStatus.DONE,
        data={"done_on": item.done_on.isoformat() if item.done_on else None},
    )
    return item
