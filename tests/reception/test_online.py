"""Online reception (Law 136/2025; Decree 154/2026): participants told at least 5 working days
ahead through the outbox, the connection tested at least a working day ahead."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail

from civicdesk.exceptions import DomainError, InvalidTransition
from core.models import Role
from reception import services
from reception.models import ReceivedBy, ReceptionEvent, ReceptionMessage, SessionKind
from tests.factories import MembershipFactory, UserFactory
from tests.reception.factories import SessionFactory

pytestmark = pytest.mark.django_db
HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 9, 0, tzinfo=HANOI)


@pytest.fixture
def online(commune):
    # Thursday 17/09/2026: 5 working days before is Thursday 10/09, 1 working day before is 16/09.
    return SessionFactory(unit=commune, kind=SessionKind.ONLINE, received_by=ReceivedBy.HEAD, date=date(2026, 9, 17))


@pytest.fixture
def participants(commune):
    users = [UserFactory(email=f"tham.du{i}@phuong.gov.vn") for i in range(2)]
    for user in users:
        MembershipFactory(user=user, unit=commune, role=Role.OFFICER)
    return users


def test_the_deadlines_count_working_days_back_from_the_session(online):
    assert services.online_notice_due_on(online) == date(2026, 9, 10)
    assert services.online_check_due_on(online) == date(2026, 9, 16)


def test_participants_told_on_the_last_day_are_on_time_and_each_gets_one_email(
    online, participants, officer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        session = services.session_notify_participants(
            session=online, participants=participants, actor=officer, now=at(date(2026, 9, 10))
        )
    assert session.participants_notified_at is not None and not session.participants_notified_late
    assert set(session.participants.all()) == set(participants)
    assert sorted(m.to[0] for m in mail.outbox) == ["tham.du0@phuong.gov.vn", "tham.du1@phuong.gov.vn"]
    assert "17/09/2026" in mail.outbox[0].subject
    assert ReceptionMessage.objects.filter(sent_at__isnull=False).count() == 2
    event = ReceptionEvent.objects.get(session=online, kind=ReceptionEvent.Kind.PARTICIPANTS_NOTIFIED)
    assert event.actor == officer and event.data["late"] is False
    # Telling them again sends nothing twice.
    with django_capture_on_commit_callbacks(execute=True):
        services.session_notify_participants(
            session=online, participants=participants, actor=officer, now=at(date(2026, 9, 10))
        )
    assert len(mail.outbox) == 2


def test_participants_told_the_day_after_are_flagged_late(online, participants, officer):
    session = services.session_notify_participants(
        session=online, participants=participants[:1], actor=officer, now=at(date(2026, 9, 11))
    )
    assert session.participants_notified_late


def test_the_connection_test_is_a_recorded_step_flagged_late_on_the_session_day(online, officer):
    session = services.session_connection_check(
        session=online, works=False, note="Mất tiếng ở điểm cầu", actor=officer, now=at(date(2026, 9, 16))
    )
    assert (session.connection_ok, session.connection_note, session.connection_checked_late) == (
        False,
        "Mất tiếng ở điểm cầu",
        False,
    )
    session = services.session_connection_check(session=online, works=True, actor=officer, now=at(date(2026, 9, 17)))
    assert session.connection_ok and session.connection_checked_late
    kinds = list(ReceptionEvent.objects.filter(session=online).values_list("kind", flat=True))
    assert kinds.count(ReceptionEvent.Kind.CONNECTION_CHECKED) == 2


def test_only_an_online_session_ahead_takes_these_steps(commune, online, participants, officer, other_officer):
    desk = SessionFactory(unit=commune, date=date(2026, 9, 17))
    with pytest.raises(InvalidTransition):
        services.session_connection_check(session=desk, works=True, actor=officer, now=at(date(2026, 9, 1)))
    with pytest.raises(InvalidTransition):
        services.session_notify_participants(
            session=online, participants=participants, actor=officer, now=at(date(2026, 9, 18))
        )
    with pytest.raises(DomainError) as info:
        services.session_notify_participants(session=online, participants=[], actor=officer, now=at(date(2026, 9, 1)))
    assert info.value.code == "participants"
    from civicdesk.exceptions import NotAllowed

    with pytest.raises(NotAllowed):
        services.session_connection_check(session=online, works=True, actor=other_officer, now=at(date(2026, 9, 1)))
    assert not ReceptionMessage.objects.exists()
