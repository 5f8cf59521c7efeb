"""Who may change reception records (reception.policies): the desk may; the inspector, who
reads and audits, and the leader, who reads the figures, may not, whatever calls the service:
a page, a task or a command. No actor is the system, which may."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from civicdesk.exceptions import NotAllowed
from core.models import Role
from reception import services
from reception.models import (
    DialogueConference,
    FollowUpItem,
    ForwardedResult,
    ReceivedBy,
    ReceptionEvent,
    ReceptionSession,
    SessionKind,
    SessionRecording,
    Visit,
)
from reception.policies import POLICY
from tests.reception.factories import FollowUpFactory, SessionFactory, VisitFactory

pytestmark = pytest.mark.django_db


def _head_day(commune):
    return SessionFactory(unit=commune, head_day=True, date=timezone.localdate() + timedelta(days=10))


# Every state-changing service, called as `actor` on commune records.
CHANGES = {
    "schedule": lambda c, actor: services.session_schedule(
        unit=c, kind=SessionKind.REGULAR, day=date(2026, 3, 12), actor=actor
    ),
    "open_today": lambda c, actor: services.session_open_today(unit=c, actor=actor),
    "edit": lambda c, actor: services.session_update(
        session=SessionFactory(unit=c), expected_version=1, changes={"topics": "Đất đai"}, actor=actor
    ),
    "conclusions": lambda c, actor: services.session_update(
        session=SessionFactory(unit=c), expected_version=1, changes={"conclusions": "Giao phường"}, actor=actor
    ),
    "reschedule": lambda c, actor: services.session_reschedule(
        session=(s := _head_day(c)),
        expected_version=1,
        day=s.date + timedelta(days=7),
        start_time=None,
        end_time=None,
        place="Nhà văn hoá",
        reason="Hội trường sửa chữa",
        actor=actor,
    ),
    "publish": lambda c, actor: services.session_publish(session=_head_day(c), actor=actor),
    "log_visit": lambda c, actor: services.visit_log(
        session=SessionFactory(unit=c), citizen_name="Trần Thị Bình", content="Kiến nghị", actor=actor
    ),
    "visit_petition": lambda c, actor: services.visit_log(
        session=SessionFactory(unit=c),
        citizen_name="Trần Thị Bình",
        content="Khiếu nại",
        kind="complaint",
        outcome="petition",
        actor=actor,
    ),
    "mark_repeat": lambda c, actor: services.visit_mark_repeat(
        visit=VisitFactory(unit=c, received_on=date(2026, 3, 12)),
        repeat_of=VisitFactory(unit=c, received_on=date(2026, 1, 5)),
        actor=actor,
    ),
    "answer": lambda c, actor: services.visit_answer(
        visit=VisitFactory(unit=c, answer_due_on=date(2026, 3, 26)),
        answer="accepted",
        expected_version=1,
        answered_on=date(2026, 3, 20),
        actor=actor,
    ),
    "forwarded_result": lambda c, actor: services.forwarded_result_record(
        visit=VisitFactory(unit=c, answer="forwarded", answered_on=date(2026, 3, 20)),
        expected_version=1,
        received_on=date(2026, 3, 27),
        summary="Đã giải quyết",
        actor=actor,
    ),
    "notify_citizen": lambda c, actor: services.forwarded_notice_record(
        visit=ForwardedResult.objects.create(
            visit=VisitFactory(unit=c, answer="forwarded"), received_on=date(2026, 3, 27), body="Sở Xây dựng"
        ).visit,
        expected_version=1,
        notified_on=date(2026, 3, 30),
        channel="letter",
        text="Công văn số 5/UBND",
        actor=actor,
    ),
    "follow_up_create": lambda c, actor: services.follow_up_create(
        session=SessionFactory(unit=c), description="Kiểm tra", owner=actor, due_on=date(2026, 4, 1), actor=actor
    ),
    "follow_up_complete": lambda c, actor: services.follow_up_complete(
        item=FollowUpFactory(session__unit=c), result="Xong", expected_version=1, actor=actor
    ),
    "notify_participants": lambda c, actor: services.session_notify_participants(
        session=SessionFactory(unit=c, kind="online", received_by="head", date=date(2027, 3, 11)),
        participants=[actor],
        actor=actor,
    ),
    "connection_check": lambda c, actor: services.session_connection_check(
        session=SessionFactory(unit=c, kind="online", received_by="head", date=date(2027, 3, 11)),
        works=True,
        actor=actor,
    ),
    "recording": lambda c, actor: services.session_recording_add(
        session=SessionFactory(unit=c, kind="online", received_by="head", date=date(2026, 3, 12)),
        link="https://luutru.hanoi.gov.vn/tiep-cong-dan/1",
        actor=actor,
    ),
    "recording_open": lambda c, actor: services.recording_opened(
        recording=SessionRecording.objects.create(
            session=SessionFactory(unit=c, kind="online", received_by="head", date=date(2026, 3, 12)),
            link="https://luutru.hanoi.gov.vn/tiep-cong-dan/2",
        ),
        actor=actor,
    ),
    "dialogue_record": lambda c, actor: services.dialogue_record(
        unit=c, held_on=date(2026, 1, 9), attendees=80, topic="Giải phóng mặt bằng", actor=actor
    ),
}


def test_every_rule_of_the_policy_has_a_service_tried_here():
    assert set(CHANGES) == set(POLICY.rules)


def test_the_inspector_and_the_leader_are_in_no_rule_and_the_desk_in_every_one():
    for roles in POLICY.rules.values():
        assert Role.INSPECTOR not in roles and Role.LEADER_VIEWER not in roles
        assert {Role.OFFICER, Role.HANDLER, Role.HEAD, Role.ADMIN} <= roles


@pytest.mark.parametrize("action", sorted(CHANGES))
@pytest.mark.parametrize("reader", ["city_inspector", "city_leader"])
def test_a_reader_of_the_city_changes_nothing_through_any_service(request, commune, action, reader):
    actor = request.getfixturevalue(reader)
    with pytest.raises(NotAllowed):
        CHANGES[action](commune, actor)
    # nothing written: no event (every change writes one), and no record changed or made
    assert not ReceptionEvent.objects.exists()
    assert not ReceptionSession.objects.exclude(version=1, published_at__isnull=True, topics="").exists()
    assert not Visit.objects.filter(recorded_by=actor).exists()
    # (a forwarded matter's visits are made answered "forwarded": the step tried is after it)
    assert not Visit.objects.exclude(answer__in=["", "forwarded"]).exists()
    assert not Visit.objects.filter(repeat=True).exists()
    assert not ForwardedResult.objects.filter(recorded_by=actor).exists()
    assert not ForwardedResult.objects.filter(notified_on__isnull=False).exists()
    assert not FollowUpItem.objects.exclude(status="open").exists()
    assert not FollowUpItem.objects.filter(owner=actor).exists()
    assert not DialogueConference.objects.exists()


@pytest.mark.parametrize("action", sorted(set(CHANGES) - {"visit_petition"}))
def test_an_officer_of_the_commune_may_take_every_action(commune, officer, action):
    CHANGES[action](commune, officer)


def test_an_official_of_another_commune_may_not(commune, other_officer):
    with pytest.raises(NotAllowed):
        CHANGES["log_visit"](commune, other_officer)
    with pytest.raises(NotAllowed):
        CHANGES["publish"](commune, other_officer)


def test_the_system_may_schedule_without_an_actor(commune):
    session = services.session_schedule(
        unit=commune, kind=SessionKind.HEAD_PERIODIC, day=date(2026, 3, 12), received_by=ReceivedBy.HEAD, actor=None
    )
    assert ReceptionEvent.objects.get(session=session).actor is None


# --- the same, at the pages ---------------------------------------------------------------------


def test_the_city_inspector_reads_a_session_but_can_neither_log_a_visit_nor_publish_it(client, commune, city_inspector):
    session = _head_day(commune)
    client.force_login(city_inspector)
    page = client.get(reverse("reception:session_detail", args=[session.pk]))
    # the page is readable, without the forms that change it
    assert page.status_code == 200 and session.place in page.text
    for form in ('id="visit-form"', reverse("reception:session_publish", args=[session.pk])):
        assert form not in page.text
    assert reverse("reception:session_edit", args=[session.pk]) not in page.text
    # and posting them anyway changes nothing
    visit = {"citizen_name": "Nguyễn Văn An", "content": "Kiến nghị", "people": "1", "outcome": "answered"}
    assert client.post(reverse("reception:session_detail", args=[session.pk]), visit).status_code == 404
    assert client.post(reverse("reception:session_publish", args=[session.pk])).status_code == 404
    assert client.get(reverse("reception:session_edit", args=[session.pk])).status_code == 404
    assert client.post(reverse("reception:session_today"), {"unit": commune.pk}).status_code == 404
    assert client.get(reverse("reception:session_create")).status_code == 404
    listing = client.get(reverse("reception:session_list")).text
    assert reverse("reception:session_create") not in listing and reverse("reception:session_today") not in listing
    session.refresh_from_db()
    assert session.published_at is None and not Visit.objects.exists()
    assert not ReceptionEvent.objects.exists()


def test_the_city_inspector_reads_a_visit_but_cannot_answer_it_or_mark_it_a_repeat(client, commune, city_inspector):
    earlier = VisitFactory(unit=commune, received_on=date(2026, 1, 5), identity_number="001090001234")
    visit = VisitFactory(unit=commune, answer_due_on=date(2026, 3, 26), identity_number="001090001234")
    item = FollowUpFactory(session__unit=commune)
    client.force_login(city_inspector)
    page = client.get(reverse("reception:visit_detail", args=[visit.pk]))
    assert page.status_code == 200 and earlier.ref in page.text
    assert 'name="answer"' not in page.text
    assert reverse("reception:visit_mark_repeat", args=[visit.pk]) not in page.text
    answer = {"version": 1, "answer": "accepted", "answered_on": "2026-03-20"}
    assert client.post(reverse("reception:visit_detail", args=[visit.pk]), answer).status_code == 404
    marked = client.post(reverse("reception:visit_mark_repeat", args=[visit.pk]), {"repeat_of": earlier.pk})
    assert marked.status_code == 404
    listing = client.get(reverse("reception:followup_list"))
    assert item.description in listing.text and reverse("reception:followup_done", args=[item.pk]) not in listing.text
    done = client.post(reverse("reception:followup_done", args=[item.pk]), {"version": 1, "result": "Xong"})
    assert done.status_code == 404
    visit.refresh_from_db()
    item.refresh_from_db()
    assert (visit.answer, visit.repeat, item.status) == ("", False, "open")
    assert not ReceptionEvent.objects.exists()


def test_the_city_leader_neither_reads_nor_changes_the_desk(client, commune, city_leader):
    session = _head_day(commune)
    client.force_login(city_leader)
    assert client.post(reverse("reception:session_publish", args=[session.pk])).status_code == 404
    assert client.get(reverse("reception:session_create")).status_code == 404
    session.refresh_from_db()
    assert session.published_at is None


def test_the_desk_is_offered_scheduling_and_the_days_desk(officer_client_of_commune):
    listing = officer_client_of_commune.get(reverse("reception:session_list")).text
    assert reverse("reception:session_create") in listing and reverse("reception:session_today") in listing


@pytest.fixture
def officer_client_of_commune(client, officer):
    client.force_login(officer)
    return client
