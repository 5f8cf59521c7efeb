"""Online reception (tiếp công dân trực tuyến, Law 136/2025 art. 3a of the amended Luật Tiếp
công dân; Decree 154/2026): the participants of an online session are told at least
NOTICE_WORKING_DAYS working days ahead, through the outbox, and the connection is tested at
least CHECK_WORKING_DAYS working day ahead, as a recorded step. Either may be done later than
that; it is then flagged late, as a late publication is. Once held, the session's recording is
attached (a file or the address where it is kept), and each download of it is audited."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from civicdesk.db import OutboxBase
from civicdesk.exceptions import DomainError, InvalidTransition
from civicdesk.workdays import subtract_working_days
from core import outbox
from core.links import absolute_url
from core.selectors import work_calendar

from ..models import ReceptionEvent, ReceptionMessage, ReceptionSession, SessionKind, SessionRecording
from ..policies import POLICY
from ..recordings import validate_link, validate_recording
from .workflows import SESSION

NOTICE_WORKING_DAYS = 5  # Decree 154/2026 (participants told at least 5 working days ahead)
CHECK_WORKING_DAYS = 1  # Decree 154/2026 (the connection tested at least 1 working day ahead)


def _working_days_before(day: date, n: int) -> date:
    return subtract_working_days(day, n, calendar=work_calendar(start=day - timedelta(days=60), end=day))


def online_notice_due_on(session: ReceptionSession) -> date:
    """The last day the participants of an online session are told on time."""
    return _working_days_before(session.date, NOTICE_WORKING_DAYS)


def online_check_due_on(session: ReceptionSession) -> date:
    """The last day the connection of an online session is tested on time."""
    return _working_days_before(session.date, CHECK_WORKING_DAYS)


def _online_and_ahead(session: ReceptionSession, today: date) -> None:
    if session.kind != SessionKind.ONLINE:
        raise InvalidTransition(
            _("Only an online reception session has participants to notify and a connection to test.")
        )
    if session.date < today:
        raise InvalidTransition(_("This session is over."))


@transaction.atomic
def session_notify_participants(
    *,
    session: ReceptionSession,
    participants: Sequence[User],
    actor: User,
    ip_address: str | None = None,
    now: datetime | None = None,
) -> ReceptionSession:
    """Tell `participants` (officials) of an online session by e-mail, through the outbox, and
    record that they were told: late when after `online_notice_due_on`. Telling again (another
    list) is recorded again; a participant already told is not sent the notice twice.
    Raises NotAllowed, InvalidTransition (not online, or over), DomainError (nobody chosen)."""
    session = SESSION.lock(session)
    POLICY.authorize(actor=actor, action="notify_participants", unit=session.unit)
    now = now or timezone.now()
    today = timezone.localdate(now)
    _online_and_ahead(session, today)
    if not participants:
        raise DomainError(_("Choose who takes part."), code="participants")
    session.participants.add(*participants)
    session.participants_notified_at = now
    session.participants_notified_late = today > online_notice_due_on(session)
    outbox.enqueue(
        [
            ReceptionMessage(
                session=session,
                user=user,
                template="online_notice",
                dedupe_key=f"reception-online-{session.pk}-{user.pk}-{session.date:%Y%m%d}",
            )
            for user in participants
        ]
    )
    return SESSION.change(
        session,
        kind=ReceptionEvent.Kind.PARTICIPANTS_NOTIFIED,
        actor=actor,
        ip_address=ip_address,
        update_fields=["participants_notified_at", "participants_notified_late"],
        data={"participants": sorted(u.pk for u in participants), "late": session.participants_notified_late},
    )


@transaction.atomic
def session_connection_check(
    *,
    session: ReceptionSession,
    works: bool,
    note: str = "",
    actor: User,
    ip_address: str | None = None,
    now: datetime | None = None,
) -> ReceptionSession:
    """Record the test of an online session's connection (it works or not, with a note): late
    when after `online_check_due_on`. A failed test may be followed by another.
    Raises NotAllowed, InvalidTransition (not online, or over)."""
    session = SESSION.lock(session)
    POLICY.authorize(actor=actor, action="connection_check", unit=session.unit)
    now = now or timezone.now()
    today = timezone.localdate(now)
    _online_and_ahead(session, today)
    session.connection_checked_at = now
    session.connection_ok = works
    session.connection_note = note.strip()
    session.connection_checked_late = today > online_check_due_on(session)
    return SESSION.change(
        session,
        kind=ReceptionEvent.Kind.CONNECTION_CHECKED,
        actor=actor,
        ip_address=ip_address,
        update_fields=["connection_checked_at", "connection_ok", "connection_note", "connection_checked_late"],
        data={"works": works, "late": session.connection_checked_late},
    )


@transaction.atomic
def session_recording_add(
    *,
    session: ReceptionSession,
    file: UploadedFile | None = None,
    link: str = "",
    note: str = "",
    actor: User,
    ip_address: str | None = None,
) -> SessionRecording:
    """Attach the audio and video recording of an online session once it has taken place
    (Decree 154/2026): the file itself (reception.recordings: a video or audio type, at most
    CIVICDESK_RECORDING_MAX_MB), or the https address where it is kept. One RECORDING_ADDED
    event; a session may have several (parts of a long session).
    Raises NotAllowed, InvalidTransition (not online, or not yet held), DomainError."""
    session = SESSION.lock(session)
    POLICY.authorize(actor=actor, action="recording", unit=session.unit)
    if session.kind != SessionKind.ONLINE:
        raise InvalidTransition(_("Only an online reception session has a recording."))
    if session.date > timezone.localdate():
        raise InvalidTransition(_("The recording is attached once the session has taken place."))
    if (file is None) == (not link.strip()):
        raise DomainError(_("Attach the recording file, or give the address where it is kept (one of them)."))
    recording = SessionRecording(session=session, note=note.strip()[:300], added_by=actor)
    if file is not None:
        recording.mime = validate_recording(file)
        recording.file, recording.original_name, recording.size = file, (file.name or "")[:200], file.size or 0
    else:
        recording.link = validate_link(link)
    recording.save()
    SESSION.record(
        session,
        ReceptionEvent.Kind.RECORDING_ADDED,
        actor=actor,
        reason=recording.note,
        ip_address=ip_address,
        data={
            "recording": recording.pk,
            "file": recording.original_name,
            "size": recording.size,
            "link": recording.link,
        },
    )
    return recording


@transaction.atomic
def recording_opened(*, recording: SessionRecording, actor: User, ip_address: str | None = None) -> None:
    """Record that `actor` downloaded the recording, or followed the address where it is kept:
    one RECORDING_OPENED event. The unit's staff only (the view finds it in their scope)."""
    POLICY.authorize(actor=actor, action="recording_open", unit=recording.session.unit)
    SESSION.record(
        recording.session,
        ReceptionEvent.Kind.RECORDING_OPENED,
        actor=actor,
        ip_address=ip_address,
        data={"recording": recording.pk},
    )


def send(row: OutboxBase) -> None:
    """Send one reception message (core.outbox calls it once; raising tries again later)."""
    assert isinstance(row, ReceptionMessage)
    user, session = row.user, row.session
    if not user.email:
        return
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Online citizen reception on %(day)s") % {"day": date_format(session.date, "d/m/Y")}
        body = _(
            "You take part in the online citizen reception of %(unit)s on %(day)s%(time)s.\n"
            "The connection will be tested a working day before. Details: %(url)s"
        ) % {
            "unit": session.unit.name,
            "day": date_format(session.date, "d/m/Y"),
            "time": f" {session.start_time:%H:%M}" if session.start_time else "",
            "url": absolute_url("reception:session_detail", session.pk),
        }
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email], fail_silently=False)


OUTBOX = outbox.Outbox(model=ReceptionMessage, send=send, related=("session__unit", "user"))
