"""Moving a reception session to another day, time or place: the audit trail, the
publication rule of Luật TCD art. 24 checked again, and the page officials use for it."""

from datetime import date, datetime, time

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from civicdesk.exceptions import DomainError, InvalidTransition, StaleEdit
from reception import services
from reception.models import ReceivedBy, ReceptionEvent, SessionKind
from tests.reception.factories import VisitFactory

pytestmark = pytest.mark.django_db


def _aware(*args):
    return timezone.make_aware(datetime(*args))


@pytest.fixture
def published(commune, head):
    """The head's reception day of Thursday 12/03/2026, published on time on 02/03."""
    session = services.session_schedule(
        unit=commune,
        kind=SessionKind.HEAD_PERIODIC,
        day=date(2026, 3, 12),
        start_time=time(8),
        place="Hội trường UBND phường",
        received_by=ReceivedBy.HEAD,
        actor=head,
    )
    return services.session_publish(session=session, actor=head, now=_aware(2026, 3, 2, 9))


def _move(session, actor, *, now, day=None, place=None, reason="Chủ tịch họp đột xuất", **kwargs):
    return services.session_reschedule(
        session=session,
        expected_version=session.version,
        day=day or session.date,
        start_time=kwargs.pop("start_time", session.start_time),
        end_time=kwargs.pop("end_time", session.end_time),
        place=session.place if place is None else place,
        reason=reason,
        actor=actor,
        now=now,
        **kwargs,
    )


def test_moving_a_published_session_closer_republishes_it_late(published, head):
    # On Wednesday 04/03 the session moves to Tuesday 10/03: it should have been known by 03/03.
    result = _move(published, head, now=_aware(2026, 3, 4, 10), day=date(2026, 3, 10), ip_address="10.0.0.9")
    session = result.session
    assert (session.date, session.publish_due_on) == (date(2026, 3, 10), date(2026, 3, 3))
    assert result.republished and session.published_late
    assert session.published_at == _aware(2026, 3, 4, 10)
    event = ReceptionEvent.objects.filter(session=session, kind="session_updated").get()
    assert (event.actor, event.reason, event.ip_address) == (head, "Chủ tịch họp đột xuất", "10.0.0.9")
    assert event.data["before"]["date"] == "2026-03-12" and event.data["after"]["date"] == "2026-03-10"
    assert event.data["published_late"] is True


def test_moving_it_with_five_working_days_notice_is_on_time(published, head):
    result = _move(published, head, now=_aware(2026, 3, 4, 10), day=date(2026, 3, 19))
    assert result.republished and not result.session.published_late
    assert result.session.publish_due_on == date(2026, 3, 12)


def test_an_unpublished_session_gets_its_new_deadline_and_a_reminder_when_already_past(commune, head):
    session = services.session_schedule(
        unit=commune, kind=SessionKind.HEAD_PERIODIC, day=date(2026, 3, 26), received_by=ReceivedBy.HEAD, actor=head
    )
    assert session.publish_due_on == date(2026, 3, 19)
    result = _move(session, head, now=_aware(2026, 3, 4, 10), day=date(2026, 3, 6))
    assert (result.session.publish_due_on, result.session.published_at) == (date(2026, 2, 27), None)
    assert result.publish_overdue and not result.republished


def test_correcting_the_place_of_a_session_that_is_over_keeps_its_publication(published, head):
    result = _move(published, head, now=_aware(2026, 3, 20, 10), place="Phòng tiếp công dân, tầng 1")
    assert result.session.place == "Phòng tiếp công dân, tầng 1"
    assert not result.republished and result.session.published_at == _aware(2026, 3, 2, 9)
    with pytest.raises(InvalidTransition):
        _move(result.session, head, now=_aware(2026, 3, 20, 10), day=date(2026, 3, 27))


def test_refused_changes_say_why_and_change_nothing(published, head, commune):
    now = _aware(2026, 3, 4, 10)
    with pytest.raises(DomainError) as error:
        _move(published, head, now=now, reason="  ")
    assert error.value.code == "reason"
    with pytest.raises(DomainError) as error:
        _move(published, head, now=now, day=date(2026, 3, 3))
    assert error.value.code == "day"
    with pytest.raises(DomainError) as error:
        _move(published, head, now=now, start_time=time(14), end_time=time(11))
    assert error.value.code == "end_time"
    with pytest.raises(StaleEdit):
        services.session_reschedule(
            session=published,
            expected_version=published.version - 1,
            day=date(2026, 3, 19),
            start_time=None,
            end_time=None,
            place="",
            reason="x",
            actor=head,
            now=now,
        )
    VisitFactory(unit=commune, session=published, received_on=published.date)
    with pytest.raises(DomainError) as error:
        _move(published, head, now=now, day=date(2026, 3, 19))
    assert error.value.code == "day"
    published.refresh_from_db()
    assert published.date == date(2026, 3, 12) and not published.published_late
    assert not ReceptionEvent.objects.filter(session=published, kind="session_updated").exists()


def test_an_official_moves_a_session_from_its_page(client, head, published):
    client.force_login(head)
    detail = reverse("reception:session_detail", args=[published.pk])
    edit = reverse("reception:session_edit", args=[published.pk])
    with time_machine.travel(_aware(2026, 3, 4, 10), tick=False):
        assert edit in client.get(detail).text
        page = client.get(edit)
        assert page.status_code == 200 and 'value="Hội trường UBND phường"' in page.text
        form = {"version": published.version, "day": "2026-03-10", "start_time": "14:00", "place": "Nhà văn hoá tổ 5"}
        refused = client.post(edit, form)  # no reason given
        assert refused.status_code == 400 and "Nhà văn hoá tổ 5" in refused.text
        response = client.post(edit, {**form, "reason": "Chủ tịch họp đột xuất"}, follow=True)
    assert response.redirect_chain[-1][0] == detail
    assert "Nhà văn hoá tổ 5" in response.text and "10/03/2026" in response.text
    assert "muộn" in response.text  # the late re-publication is said, not hidden


def test_another_communes_session_cannot_be_moved(client, other_officer, published):
    client.force_login(other_officer)
    edit = reverse("reception:session_edit", args=[published.pk])
    assert client.get(edit).status_code == 404
    assert client.post(edit, {"version": 1, "day": "2026-03-19", "reason": "x"}).status_code == 404


def test_the_staff_home_links_the_heads_reception_days_for_leaders_only(client, head, officer):
    client.force_login(head)
    assert reverse("reception:frequency") in client.get(reverse("core:staff_home")).text
    client.force_login(officer)
    assert reverse("reception:frequency") not in client.get(reverse("core:staff_home")).text
