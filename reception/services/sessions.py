"""Reception sessions: scheduling, the day's desk session, details and record, moving a
session, and publishing the head's sessions (Luật TCD art. 24)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from civicdesk.exceptions import DomainError, InvalidTransition
from civicdesk.workdays import subtract_working_days
from core.models import Role, Unit
from core.selectors import deadline_rule_in_force, user_has_role, work_calendar

from ..models import ONLINE_RECEPTION_FROM, ReceivedBy, ReceptionEvent, ReceptionSession, SessionKind
from ..policies import POLICY
from ..selectors import session_current_for
from .workflows import SESSION

PUBLISH_RULE = "reception.publish_schedule"


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
    published. Raises NotAllowed, or DomainError for an online session before 1/7/2026, or
    when the head receives and `receiver` is not a head of the unit."""
    POLICY.authorize(actor=actor, action="schedule", unit=unit)
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
    return _schedule(session, actor=actor, ip_address=ip_address)


def _schedule(session: ReceptionSession, *, actor: User | None, ip_address: str | None) -> ReceptionSession:
    if session.is_head_session:
        session.publish_due_on, session.publish_rule_id = session_publish_due_on(day=session.date)
    session.save()
    SESSION.record(
        session,
        ReceptionEvent.Kind.SESSION_SCHEDULED,
        actor=actor,
        ip_address=ip_address,
        data={
            "kind": session.kind,
            "date": session.date.isoformat(),
            "publish_due_on": str(session.publish_due_on or ""),
        },
    )
    return session


@transaction.atomic
def session_open_today(*, unit: Unit, actor: User, ip_address: str | None = None) -> ReceptionSession:
    """Today's session of the unit, scheduling a regular desk session if there is none.
    Raises NotAllowed."""
    Unit.objects.select_for_update().get(pk=unit.pk)  # two desks opening the day at once
    POLICY.authorize(actor=actor, action="open_today", unit=unit)
    today = timezone.localdate()
    session = session_current_for(unit=unit, day=today)
    if session is not None:
        return session
    desk = ReceptionSession(unit=unit, kind=SessionKind.REGULAR, date=today, received_by=ReceivedBy.STAFF)
    return _schedule(desk, actor=actor, ip_address=ip_address)


# The session's record, written during or after it; the rest are its details.
SESSION_RECORD = ("attendance", "issues_raised", "conclusions")
SESSION_EDITABLE = ("start_time", "end_time", "place", "received_by", "receiver", "receiver_title", "topics")


@transaction.atomic
def session_update(
    *,
    session: ReceptionSession,
    expected_version: int,
    changes: dict[str, Any],
    actor: User,
    ip_address: str | None = None,
) -> ReceptionSession:
    """Change a session's details, attendance, issues raised or conclusions. Raises StaleEdit
    when someone else saved it since `expected_version`, NotAllowed."""
    session = SESSION.lock(session, expected_version=expected_version)
    action = "conclusions" if set(changes) <= set(SESSION_RECORD) else "edit"
    POLICY.authorize(actor=actor, action=action, unit=session.unit)
    unknown = set(changes) - {*SESSION_EDITABLE, *SESSION_RECORD}
    if unknown:
        raise DomainError(f"Not editable: {', '.join(sorted(unknown))}")
    _check_session(kind=session.kind, day=session.date, received_by=changes.get("received_by", session.received_by))
    before = {k: str(getattr(session, k)) for k in changes}
    for name, value in changes.items():
        setattr(session, name, value)
    return SESSION.change(
        session,
        kind=ReceptionEvent.Kind.SESSION_UPDATED,
        actor=actor,
        ip_address=ip_address,
        data={"before": before, "after": {k: str(v) for k, v in changes.items()}},
    )


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
    expected_version: int,
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
    Raises StaleEdit, NotAllowed, DomainError (with the field as its code) or InvalidTransition."""
    session = SESSION.lock(session, expected_version=expected_version)
    POLICY.authorize(actor=actor, action="reschedule", unit=session.unit)
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
    SESSION.change(
        session,
        kind=ReceptionEvent.Kind.SESSION_UPDATED,
        actor=actor,
        ip_address=ip_address,
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
    Raises NotAllowed, or InvalidTransition when already published or when the session is over."""
    session = SESSION.lock(session)
    POLICY.authorize(actor=actor, action="publish", unit=session.unit)
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
    SESSION.save(session)
    SESSION.record(
        session,
        ReceptionEvent.Kind.SESSION_PUBLISHED,
        actor=actor,
        ip_address=ip_address,
        to_status="published",
        data={"late": session.published_late, "publish_due_on": session.publish_due_on.isoformat()},
    )
    return session
