"""Services: logging visits, delegations, repeats, answers across Tết, publication, follow-ups."""

from datetime import date, datetime

import pytest
import time_machine
from django.utils import timezone

from civicdesk.exceptions import DomainError, InvalidTransition, StaleEdit
from core.models import DeadlineRule
from reception import services
from reception.models import ReceivedBy, ReceptionEvent, SessionKind, Visit, VisitAnswer, VisitOutcome
from tests.reception.factories import FollowUpFactory, SessionFactory, VisitFactory

pytestmark = pytest.mark.django_db


def _log(session, officer, **kwargs):
    values = {"citizen_name": "Trần Thị Bình", "content": "Kiến nghị sửa đường ngõ 12", "actor": officer}
    values.update(kwargs)
    return services.visit_log(session=session, **values)


# --- logging a visit ---------------------------------------------------------------------


def test_a_visit_takes_the_sessions_date_and_receiver_by_default(commune, officer):
    session = SessionFactory(unit=commune, head_day=True, date=date(2026, 3, 12))
    result = _log(session, officer, ip_address="10.0.0.7")
    visit = result.visit
    assert (visit.received_on, visit.received_by, visit.unit) == (date(2026, 3, 12), ReceivedBy.HEAD, commune)
    assert visit.ref == "TCD-2026-00001"
    assert (visit.answer_due_on, visit.petition_ref) == (None, "")
    event = ReceptionEvent.objects.get(visit=visit)
    assert (event.kind, event.actor, event.ip_address) == ("visit_logged", officer, "10.0.0.7")


def test_references_follow_on_within_the_unit_and_year(commune, officer):
    session = SessionFactory(unit=commune)
    refs = [_log(session, officer, citizen_name=f"Người {i}").visit.ref for i in range(3)]
    assert refs == ["TCD-2026-00001", "TCD-2026-00002", "TCD-2026-00003"]


def test_a_crowd_delegation_is_recorded_with_its_representatives(commune, officer):
    session = SessionFactory(unit=commune)
    visit = _log(session, officer, people=12, representatives=4, representative_names="A, B, C, D").visit
    assert visit.is_delegation and visit.representatives == 4


@pytest.mark.parametrize(("people", "representatives"), [(7, 3), (12, 6), (5, None), (3, 1)])
def test_a_delegation_with_the_wrong_number_of_representatives_is_refused(commune, officer, people, representatives):
    session = SessionFactory(unit=commune)
    with pytest.raises(DomainError) as info:
        _log(session, officer, people=people, representatives=representatives)
    assert info.value.code == "representatives"
    assert not Visit.objects.exists() and not ReceptionEvent.objects.exists()


def test_from_1_july_2026_a_visit_needs_the_visitors_identification(commune, officer):
    """Law 136/2025: the service refuses it whatever page or command calls it; the day before,
    and any visit dated before (an entry made late), is taken as before."""
    on_the_day = SessionFactory(unit=commune, date=date(2026, 7, 1))
    with pytest.raises(DomainError) as info:
        _log(on_the_day, officer, identity_number="  ")
    assert info.value.code == "identity_number"
    assert not Visit.objects.exists()
    assert _log(on_the_day, officer, identity_number="001090001234").visit.identity_number == "001090001234"
    day_before = SessionFactory(unit=commune, date=date(2026, 6, 30))
    assert _log(day_before, officer).visit.identity_number == ""
    assert _log(on_the_day, officer, received_on=date(2026, 6, 29)).visit.received_on == date(2026, 6, 29)


# --- repeat detection --------------------------------------------------------------------


def test_the_same_identity_number_marks_a_repeat(commune, officer):
    earlier = VisitFactory(unit=commune, identity_number="001090001234", received_on=date(2025, 5, 2))
    session = SessionFactory(unit=commune)
    visit = _log(session, officer, identity_number="001090001234", citizen_name="Tên khác").visit
    assert visit.repeat and visit.repeat_of == earlier


def test_the_same_name_and_address_typed_without_accents_marks_a_repeat(commune, officer):
    earlier = VisitFactory(
        unit=commune, citizen_name="Lê Văn Hùng", address="Số 5 Hàng Bạc", received_on=date(2025, 9, 1)
    )
    session = SessionFactory(unit=commune)
    visit = _log(session, officer, citizen_name="le van hung", address="so 5 hang bac").visit
    assert visit.repeat and visit.repeat_of == earlier


LAND = "Khiếu nại quyết định thu hồi đất và mức bồi thường giải phóng mặt bằng ngõ 8"


def test_similar_content_alone_is_not_proposed(commune, officer):
    VisitFactory(unit=commune, citizen_name="Phạm Văn Cường", address="Số 3 Hàng Bạc", content=LAND)
    result = _log(
        SessionFactory(unit=commune),
        officer,
        citizen_name="Đỗ Thị Dung",
        address="Số 9 Hàng Đào",
        content="Khiếu nại mức bồi thường khi thu hồi đất giải phóng mặt bằng ngõ 8",
    )
    assert result.candidates == [] and not result.visit.repeat


def test_a_close_name_and_address_with_similar_content_is_proposed_with_its_reason_but_not_marked(commune, officer):
    earlier = VisitFactory(
        unit=commune,
        citizen_name="Phạm Văn Cường",
        address="Số 3 Hàng Bạc, Phường Hoàn Kiếm",
        content=LAND,
        received_on=date(2026, 1, 5),
    )
    # a neighbour of the same name at another house, and the same citizen about another matter: not proposed
    VisitFactory(unit=commune, citizen_name="Phạm Văn Cường", address="Số 7 Hàng Bạc", content=LAND)
    VisitFactory(
        unit=commune, citizen_name="Phạm Văn Cường", address="Số 3 Hàng Bạc", content="Phản ánh tiếng ồn quán karaoke"
    )
    result = _log(
        SessionFactory(unit=commune),
        officer,
        citizen_name="Pham Van Cuong",
        address="3 hang bac",
        content="Khiếu nại mức bồi thường khi thu hồi đất giải phóng mặt bằng ngõ 8",
    )
    assert [(c.visit, c.reason) for c in result.candidates] == [(earlier, "close")]
    assert not result.visit.repeat


def test_two_different_identity_numbers_are_two_people_whatever_the_name(commune, officer):
    VisitFactory(unit=commune, citizen_name="Lê Văn Hùng", address="Số 5 Hàng Bạc", identity_number="001090001234")
    result = _log(
        SessionFactory(unit=commune),
        officer,
        citizen_name="Lê Văn Hùng",
        address="Số 5 Hàng Bạc",
        identity_number="001090009999",
    )
    assert result.candidates == [] and not result.visit.repeat


def test_visits_of_another_commune_are_not_repeats(commune, other_commune, officer):
    VisitFactory(unit=other_commune, identity_number="001090001234")
    visit = _log(SessionFactory(unit=commune), officer, identity_number="001090001234").visit
    assert not visit.repeat


def test_an_official_can_confirm_a_proposed_repeat(commune, officer):
    earlier = VisitFactory(unit=commune, received_on=date(2026, 1, 5))
    visit = VisitFactory(unit=commune, received_on=date(2026, 3, 12))
    services.visit_mark_repeat(visit=visit, repeat_of=earlier, actor=officer)
    visit.refresh_from_db()
    assert visit.repeat and visit.repeat_of == earlier
    with pytest.raises(DomainError):
        services.visit_mark_repeat(visit=earlier, repeat_of=visit, actor=officer)


# --- the answer deadline (Luật TCD art. 28) -------------------------------------------------


def test_answer_due_ten_working_days_later_across_tet_2026(db):
    # given a petition handed in on Thursday 12/02/2026, before the Tết holiday of 16–20/02
    # when its answer deadline is computed
    due_on, rule_id = services.visit_answer_deadline(received_on=date(2026, 2, 12))
    # then 13/02 is day 1, Tết is skipped, and Thursday 05/03/2026 is day 10
    assert due_on == date(2026, 3, 5)
    assert rule_id == DeadlineRule.objects.get(code="reception.answer").pk


def test_a_petition_visit_is_refused_clearly_while_the_petitions_register_is_missing(commune, officer):
    if services.petitions_available():
        pytest.skip("petitions.services.petition_receive exists: test_petition_link.py covers the real flow")
    session = SessionFactory(unit=commune, date=date(2026, 2, 12))
    with pytest.raises(DomainError) as info:
        _log(session, officer, kind="complaint", outcome=VisitOutcome.PETITION)
    assert info.value.code == "outcome"
    assert not Visit.objects.exists()


def test_answering_records_one_of_the_four_answers(commune, officer):
    visit = VisitFactory(unit=commune, answer_due_on=date(2026, 3, 26), outcome=VisitOutcome.PETITION)
    services.visit_answer(
        visit=visit, answer=VisitAnswer.EXTENDED, expected_version=1, answered_on=date(2026, 3, 20), actor=officer
    )
    visit = services.visit_answer(
        visit=visit, answer=VisitAnswer.ACCEPTED, expected_version=2, answered_on=date(2026, 3, 25), actor=officer
    )
    assert (visit.answer, visit.answered_on, visit.awaits_answer) == ("accepted", date(2026, 3, 25), False)
    with pytest.raises(InvalidTransition):
        services.visit_answer(visit=visit, answer=VisitAnswer.REFUSED, expected_version=3, actor=officer)
    kinds = list(ReceptionEvent.objects.filter(visit=visit).values_list("to_status", flat=True))
    assert kinds == ["extended", "accepted"]


def test_a_stale_answer_is_refused(commune, officer):
    visit = VisitFactory(unit=commune, answer_due_on=date(2026, 3, 26))
    services.visit_answer(
        visit=visit, answer=VisitAnswer.EXTENDED, expected_version=1, answered_on=date(2026, 3, 20), actor=officer
    )
    with pytest.raises(StaleEdit):
        services.visit_answer(visit=visit, answer=VisitAnswer.REFUSED, expected_version=1, actor=officer)


def test_no_answer_is_owed_for_a_visit_answered_on_the_spot(commune, officer):
    visit = VisitFactory(unit=commune)
    with pytest.raises(InvalidTransition):
        services.visit_answer(visit=visit, answer=VisitAnswer.ACCEPTED, expected_version=1, actor=officer)


# --- publishing the head's schedule (Luật TCD art. 24) -----------------------------------------------


def _aware(*args):
    return timezone.make_aware(datetime(*args))


def test_a_head_session_must_be_published_five_working_days_before(commune, head):
    # Thursday 12/03/2026: five working days before is Thursday 05/03/2026.
    session = services.session_schedule(
        unit=commune, kind=SessionKind.HEAD_PERIODIC, day=date(2026, 3, 12), received_by=ReceivedBy.HEAD, actor=head
    )
    assert session.publish_due_on == date(2026, 3, 5)
    session = services.session_publish(session=session, actor=head, now=_aware(2026, 3, 5, 16, 0))
    assert session.published_at is not None and not session.published_late


def test_a_later_publication_is_allowed_but_flagged(commune, head):
    session = services.session_schedule(
        unit=commune, kind=SessionKind.HEAD_PERIODIC, day=date(2026, 3, 12), received_by=ReceivedBy.HEAD, actor=head
    )
    session = services.session_publish(session=session, actor=head, now=_aware(2026, 3, 6, 9, 0))
    assert session.published_late
    event = ReceptionEvent.objects.get(session=session, kind="session_published")
    assert event.data["late"] is True
    with pytest.raises(InvalidTransition):
        services.session_publish(session=session, actor=head, now=_aware(2026, 3, 6, 9, 5))


def test_the_publication_deadline_skips_tet(commune, head):
    # Thursday 26/02/2026: back over Tết (16–20/02) to Thursday 12/02/2026.
    session = services.session_schedule(
        unit=commune, kind=SessionKind.HEAD_PERIODIC, day=date(2026, 2, 26), received_by=ReceivedBy.HEAD, actor=head
    )
    assert session.publish_due_on == date(2026, 2, 12)


def test_online_sessions_only_from_july_2026(commune, head):
    with pytest.raises(DomainError):
        services.session_schedule(unit=commune, kind=SessionKind.ONLINE, day=date(2026, 6, 30), actor=head)
    session = services.session_schedule(
        unit=commune, kind=SessionKind.ONLINE, day=date(2026, 7, 2), received_by=ReceivedBy.HEAD, actor=head
    )
    assert session.is_head_session


def test_a_dialogue_conference_keeps_attendance_and_issues(commune, head):
    session = services.session_schedule(
        unit=commune,
        kind=SessionKind.DIALOGUE,
        day=date(2026, 4, 9),
        received_by=ReceivedBy.HEAD,
        attendance=85,
        issues_raised="Bồi thường; thoát nước",
        actor=head,
    )
    session = services.session_update(
        session=session, expected_version=1, changes={"conclusions": "Công khai phương án"}, actor=head
    )
    assert (session.attendance, session.conclusions, session.version) == (85, "Công khai phương án", 2)
    with pytest.raises(StaleEdit):
        services.session_update(session=session, expected_version=1, changes={"attendance": 90}, actor=head)


@time_machine.travel(datetime(2026, 3, 12, 8, 0, tzinfo=timezone.get_fixed_timezone(420)), tick=False)
def test_opening_today_reuses_the_session_of_the_day(commune, officer):
    first = services.session_open_today(unit=commune, actor=officer)
    second = services.session_open_today(unit=commune, actor=officer)
    assert first == second and first.date == date(2026, 3, 12) and first.kind == SessionKind.REGULAR


# --- follow-up ------------------------------------------------------------------------------


def test_a_conclusion_becomes_a_follow_up_item_tracked_to_done(commune, head, handler):
    session = SessionFactory(unit=commune, head_day=True)
    item = services.follow_up_create(
        session=session, description="Kiểm tra lấn chiếm vỉa hè", owner=handler, due_on=date(2026, 3, 31), actor=head
    )
    item = services.follow_up_complete(
        item=item, result="Đã xử lý", expected_version=1, done_on=date(2026, 3, 20), actor=handler
    )
    assert (item.status, item.done_on, item.result) == ("done", date(2026, 3, 20), "Đã xử lý")
    with pytest.raises(InvalidTransition):
        services.follow_up_complete(item=item, result="Lần nữa", expected_version=2, actor=handler)


def test_a_stale_follow_up_completion_is_refused(commune, handler):
    item = FollowUpFactory(session__unit=commune, owner=handler, version=2)
    with pytest.raises(StaleEdit):
        services.follow_up_complete(item=item, result="Xong", expected_version=1, actor=handler)


def test_only_a_head_of_the_unit_receives_as_the_head(commune, head, officer):
    with pytest.raises(DomainError) as info:
        services.session_schedule(
            unit=commune,
            kind=SessionKind.HEAD_PERIODIC,
            day=date(2026, 3, 12),
            received_by=ReceivedBy.HEAD,
            receiver=officer,
            actor=head,
        )
    assert info.value.code == "receiver"
    session = services.session_schedule(
        unit=commune,
        kind=SessionKind.HEAD_PERIODIC,
        day=date(2026, 3, 12),
        received_by=ReceivedBy.HEAD,
        receiver=head,
        receiver_title="Ông Vũ Đức Long, Chủ tịch UBND phường",
        actor=officer,
    )
    assert session.receiver == head


def test_a_sessions_history_holds_the_events_of_its_visits_and_follow_ups(commune, officer, handler):
    session = SessionFactory(unit=commune, head_day=True)
    visit = _log(session, officer).visit
    services.visit_mark_repeat(
        visit=visit, repeat_of=VisitFactory(unit=commune, received_on=date(2026, 1, 5)), actor=officer
    )
    item = services.follow_up_create(
        session=session, description="Kiểm tra", owner=handler, due_on=date(2026, 3, 31), actor=officer
    )
    services.follow_up_complete(item=item, result="Xong", expected_version=1, actor=handler)
    kinds = list(ReceptionEvent.objects.filter(session=session).order_by("pk").values_list("kind", flat=True))
    assert kinds == ["visit_logged", "visit_marked_repeat", "follow_up_created", "follow_up_done"]
    visit.refresh_from_db()
    assert visit.version == 2  # marking the repeat is a change officials see on their forms
