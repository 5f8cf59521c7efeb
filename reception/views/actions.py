"""What officials do to reception records, one table per record type (core.actions): the
form each action takes, the one service it calls, when the record offers it, and what the
official is told. Who may take it is `reception.policies.POLICY`, checked again by the service."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.actions import ActionTable, Actor, StaffAction
from core.models import Unit

from .. import services
from ..forms import (
    AnswerForm,
    CitizenNoticeForm,
    ConfirmForm,
    ConnectionCheckForm,
    FollowUpDoneForm,
    FollowUpForm,
    ForwardedResultForm,
    MarkRepeatForm,
    ParticipantsForm,
    RecordingForm,
    SessionConclusionsForm,
    SessionTimePlaceForm,
    VisitForm,
)
from ..models import FollowUpItem, ForwardedResult, ReceptionSession, SessionKind, Visit, VisitAnswer
from ..policies import POLICY

Told = tuple[int, str | Promise]


def _saying(text: str | Promise) -> Any:
    return lambda _result: (messages.SUCCESS, text)


# --- the unit: the day's desk ----------------------------------------------------------------


def _open_today(unit: Unit, _data: dict[str, Any], actor: Actor) -> ReceptionSession:
    return services.session_open_today(unit=unit, **actor.kwargs())


UNIT_ACTIONS: ActionTable[Unit] = ActionTable(
    policy=POLICY,
    unit_of=lambda unit: unit,
    actions={
        "open_today": StaffAction(
            gettext_lazy("Log visits today"),
            ConfirmForm,
            _open_today,
            message=_saying(gettext_lazy("Today's session: log the visits here.")),
        ),
    },
)


# --- sessions ------------------------------------------------------------------------------


def _log_visit(session: ReceptionSession, data: dict[str, Any], actor: Actor) -> services.VisitLogResult:
    return services.visit_log(
        session=session,
        citizen_name=data["citizen_name"],
        identity_number=data["identity_number"] or "",
        address=data["address"],
        people=data["people"],
        representatives=data["representatives"],
        representative_names=data["representative_names"],
        kind=data["kind"],
        content=data["content"],
        earlier_handling=data["earlier_handling"],
        outcome=data["outcome"],
        guided_to=data["guided_to"],
        received_by=data["received_by"],
        repeat=data["repeat"],
        **actor.kwargs(),
    )


def _visit_logged(result: services.VisitLogResult) -> Told:
    visit = result.visit
    text = _("Visit %(ref)s saved.") % {"ref": visit.ref}
    if visit.repeat:
        text += " " + _("Marked as a repeat of an earlier visit.")
    if visit.petition_ref:
        text += " " + _("Petition %(ref)s created.") % {"ref": visit.petition_ref}
    return messages.SUCCESS, text


def _reschedule(session: ReceptionSession, data: dict[str, Any], actor: Actor) -> services.RescheduleResult:
    return services.session_reschedule(
        session=session,
        expected_version=data["version"],
        day=data["day"],
        start_time=data["start_time"],
        end_time=data["end_time"],
        place=data["place"],
        reason=data["reason"],
        **actor.kwargs(),
    )


def _rescheduled(result: services.RescheduleResult) -> Told:
    session = result.session
    due = f"{session.publish_due_on:%d/%m/%Y}" if session.publish_due_on else ""
    if result.republished and session.published_late:
        return messages.WARNING, _(
            "Saved and shown on the public schedule now, but late: the change should have "
            "been published by %(date)s (5 working days before)."
        ) % {"date": due}
    if result.republished:
        return messages.SUCCESS, _("Saved; the public schedule shows the new time and place.")
    if result.publish_overdue:
        return messages.WARNING, _(
            "Saved. Publish it now: it should have been published by %(date)s (5 working days before)."
        ) % {"date": due}
    return messages.SUCCESS, _("Saved.")


def _publish(session: ReceptionSession, _data: dict[str, Any], actor: Actor) -> ReceptionSession:
    return services.session_publish(session=session, **actor.kwargs())


def _published(session: ReceptionSession) -> Told:
    if session.published_late:
        return messages.WARNING, _(
            "Published late: it should have been published by %(date)s (5 working days before)."
        ) % {"date": f"{session.publish_due_on:%d/%m/%Y}"}
    return messages.SUCCESS, _("Published on the public schedule.")


def _notify(session: ReceptionSession, data: dict[str, Any], actor: Actor) -> ReceptionSession:
    return services.session_notify_participants(
        session=session, participants=list(data["participants"]), **actor.kwargs()
    )


def _notified(session: ReceptionSession) -> Told:
    if session.participants_notified_late:
        return messages.WARNING, _(
            "Participants notified late: they should have been told by %(date)s (5 working days before)."
        ) % {"date": f"{services.online_notice_due_on(session):%d/%m/%Y}"}
    return messages.SUCCESS, _("Participants notified by e-mail.")


def _check(session: ReceptionSession, data: dict[str, Any], actor: Actor) -> ReceptionSession:
    return services.session_connection_check(session=session, works=data["works"], note=data["note"], **actor.kwargs())


def _recording(session: ReceptionSession, data: dict[str, Any], actor: Actor) -> object:
    return services.session_recording_add(
        session=session, file=data.get("file") or None, link=data["link"], note=data["note"], **actor.kwargs()
    )


def _conclusions(session: ReceptionSession, data: dict[str, Any], actor: Actor) -> ReceptionSession:
    return services.session_update(
        session=session,
        expected_version=data["version"],
        changes={k: data[k] for k in services.SESSION_RECORD},
        **actor.kwargs(),
    )


def _follow_up(session: ReceptionSession, data: dict[str, Any], actor: Actor) -> FollowUpItem:
    return services.follow_up_create(
        session=session, description=data["description"], owner=data["owner"], due_on=data["due_on"], **actor.kwargs()
    )


SESSION_ACTIONS: ActionTable[ReceptionSession] = ActionTable(
    policy=POLICY,
    unit_of=lambda session: session.unit,
    actions={
        "log_visit": StaffAction(gettext_lazy("Log a visit"), VisitForm, _log_visit, message=_visit_logged),
        "reschedule": StaffAction(
            gettext_lazy("Change the day, time or place"), SessionTimePlaceForm, _reschedule, message=_rescheduled
        ),
        "publish": StaffAction(
            gettext_lazy("Publish"),
            ConfirmForm,
            _publish,
            available=lambda session: session.is_head_session,
            message=_published,
        ),
        "notify_participants": StaffAction(
            gettext_lazy("Notify the participants"),
            ParticipantsForm,
            _notify,
            available=lambda session: session.kind == SessionKind.ONLINE,
            message=_notified,
        ),
        "connection_check": StaffAction(
            gettext_lazy("Record the connection test"),
            ConnectionCheckForm,
            _check,
            available=lambda session: session.kind == SessionKind.ONLINE,
            message=_saying(gettext_lazy("Connection test recorded.")),
        ),
        "recording": StaffAction(
            gettext_lazy("Attach the recording"),
            RecordingForm,
            _recording,
            available=lambda session: session.kind == SessionKind.ONLINE and session.date <= timezone.localdate(),
            message=_saying(gettext_lazy("Recording attached to the session.")),
        ),
        "conclusions": StaffAction(
            gettext_lazy("Save the record"),
            SessionConclusionsForm,
            _conclusions,
            message=_saying(gettext_lazy("Session record saved.")),
        ),
        "follow_up_create": StaffAction(
            gettext_lazy("Add follow-up item"),
            FollowUpForm,
            _follow_up,
            message=_saying(gettext_lazy("Follow-up item added.")),
        ),
    },
)


# --- visits ------------------------------------------------------------------------------------


def _answer(visit: Visit, data: dict[str, Any], actor: Actor) -> Visit:
    return services.visit_answer(
        visit=visit,
        answer=data["answer"],
        expected_version=data["version"],
        answered_on=data["answered_on"],
        note=data["note"],
        **actor.kwargs(),
    )


def _forwarded_result(visit: Visit, data: dict[str, Any], actor: Actor) -> ForwardedResult:
    return services.forwarded_result_record(
        visit=visit,
        expected_version=data["version"],
        received_on=data["received_on"],
        body=data["body"],
        summary=data["summary"],
        citizen_asked=data["citizen_asked"],
        **actor.kwargs(),
    )


def _result_recorded(result: ForwardedResult) -> Told:
    if result.notice_due_on is None:
        return messages.SUCCESS, _("Result recorded.")
    return messages.SUCCESS, _("Result recorded. Tell the citizen by %(date)s (5 working days).") % {
        "date": f"{result.notice_due_on:%d/%m/%Y}"
    }


def _notify_citizen(visit: Visit, data: dict[str, Any], actor: Actor) -> ForwardedResult:
    return services.forwarded_notice_record(
        visit=visit,
        expected_version=data["version"],
        notified_on=data["notified_on"],
        channel=data["channel"],
        text=data["text"],
        **actor.kwargs(),
    )


def _citizen_notified(result: ForwardedResult) -> Told:
    if result.notified_late:
        assert result.notice_due_on is not None
        return messages.WARNING, _("Notice recorded, late: the citizen should have been told by %(date)s.") % {
            "date": f"{result.notice_due_on:%d/%m/%Y}"
        }
    return messages.SUCCESS, _("Notice recorded.")


def _mark_repeat(visit: Visit, data: dict[str, Any], actor: Actor) -> Visit:
    return services.visit_mark_repeat(visit=visit, repeat_of=data["repeat_of"], **actor.kwargs())


def _marked(visit: Visit) -> Told:
    assert visit.repeat_of is not None
    return messages.SUCCESS, _("Marked as a repeat of %(ref)s.") % {"ref": visit.repeat_of.ref}


VISIT_ACTIONS: ActionTable[Visit] = ActionTable(
    policy=POLICY,
    unit_of=lambda visit: visit.unit,
    actions={
        # Offered while an answer is owed at all: a final answer given meanwhile is refused
        # by the service, on the form, with what the official typed.
        "answer": StaffAction(
            gettext_lazy("Record the answer"),
            AnswerForm,
            _answer,
            available=lambda visit: visit.answer_due_on is not None,
            message=_saying(gettext_lazy("Answer recorded.")),
        ),
        "mark_repeat": StaffAction(
            gettext_lazy("Mark as repeat of this"), MarkRepeatForm, _mark_repeat, message=_marked
        ),
        # Luật TCD art. 27(2), 28(2): a forwarded matter's result, then the citizen told it.
        "forwarded_result": StaffAction(
            gettext_lazy("Record the result"),
            ForwardedResultForm,
            _forwarded_result,
            available=lambda visit: visit.answer == VisitAnswer.FORWARDED and visit.result is None,
            message=_result_recorded,
        ),
        "notify_citizen": StaffAction(
            gettext_lazy("Record the notice"),
            CitizenNoticeForm,
            _notify_citizen,
            available=lambda visit: (result := visit.result) is not None and result.notified_on is None,
            message=_citizen_notified,
        ),
    },
)


# --- follow-up items ----------------------------------------------------------------------------


def _complete(item: FollowUpItem, data: dict[str, Any], actor: Actor) -> FollowUpItem:
    return services.follow_up_complete(
        item=item, result=data["result"], expected_version=data["version"], **actor.kwargs()
    )


FOLLOW_UP_ACTIONS: ActionTable[FollowUpItem] = ActionTable(
    policy=POLICY,
    unit_of=lambda item: item.unit,
    actions={
        "complete": StaffAction(
            gettext_lazy("Done"),
            FollowUpDoneForm,
            _complete,
            rule="follow_up_complete",
            message=_saying(gettext_lazy("Follow-up item done.")),
        ),
    },
)
