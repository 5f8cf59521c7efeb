"""A matter forwarded at reception: the competent body's result recorded when it comes back, and
the citizen told within 5 working days (Luật TCD art. 27(2), 28(2); rule
`reception.notify_forwarded_result`), on the visit page and in "Việc của tôi"; a denouncer's
identity kept out of both texts."""

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from civicdesk.exceptions import DomainError, InvalidTransition, NotAllowed, StaleEdit
from core.choices import PetitionKind
from core.models import DeadlineRule
from reception import services
from reception.models import ForwardedResult, NoticeChannel, ReceptionEvent, VisitAnswer, VisitOutcome
from tests.reception.factories import VisitFactory

pytestmark = pytest.mark.django_db
TODAY = date(2026, 3, 20)  # a Friday


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(f"{TODAY:%Y-%m-%d} 09:00 +07:00", tick=False):
        yield


def forwarded(unit, **fields):
    """A visit that handed in a petition, answered "forwarded to the competent body"."""
    defaults = {
        "outcome": VisitOutcome.PETITION,
        "answer_due_on": date(2026, 2, 26),
        "answer": VisitAnswer.FORWARDED,
        "answered_on": date(2026, 2, 11),
        "guided_to": "Sở Tài nguyên và Môi trường",
        "received_on": date(2026, 2, 10),
    }
    return VisitFactory(unit=unit, **{**defaults, **fields})


def record_result(visit, actor, *, on=date(2026, 2, 13), asked=True, summary="Đã thu hồi quyết định số 12/QĐ"):
    return services.forwarded_result_record(
        visit=visit, expected_version=visit.version, received_on=on, summary=summary, citizen_asked=asked, actor=actor
    )


# --- the services -------------------------------------------------------------------------------


def test_the_citizen_is_owed_a_notice_five_working_days_after_the_result_across_tet(commune, officer):
    # given a forwarded matter whose result came back on Friday 13/02/2026, the eve of Tết
    visit = forwarded(commune)
    result = record_result(visit, officer)
    # then Tết (16–20/02) is skipped: the citizen must be told by Friday 27/02/2026
    assert result.notice_due_on == date(2026, 2, 27)
    assert result.notice_rule_id == DeadlineRule.objects.get(code="reception.notify_forwarded_result").pk
    assert result.body == "Sở Tài nguyên và Môi trường"  # the body the matter was forwarded to
    event = ReceptionEvent.objects.get(visit=visit, kind=ReceptionEvent.Kind.FORWARDED_RESULT_RECORDED)
    assert (event.actor, event.data["notice_due_on"]) == (officer, "2026-02-27")


def test_no_deadline_runs_when_the_citizen_did_not_ask_but_a_notice_may_still_be_recorded(commune, officer):
    visit = forwarded(commune)
    result = record_result(visit, officer, asked=False)
    assert result.notice_due_on is None and not result.notice_owed
    visit.refresh_from_db()
    result = services.forwarded_notice_record(
        visit=visit,
        expected_version=visit.version,
        notified_on=date(2026, 3, 2),
        channel=NoticeChannel.PHONE,
        text="Đã gọi điện báo kết quả",
        actor=officer,
    )
    assert result.notified_on == date(2026, 3, 2) and not result.notified_late


def test_only_a_forwarded_matter_takes_a_result_and_only_once(commune, officer):
    accepted = forwarded(commune, answer=VisitAnswer.ACCEPTED)
    with pytest.raises(InvalidTransition):
        record_result(accepted, officer)
    visit = forwarded(commune)
    record_result(visit, officer)
    visit.refresh_from_db()
    with pytest.raises(InvalidTransition):
        record_result(visit, officer)
    assert ForwardedResult.objects.count() == 1


@pytest.mark.parametrize(
    ("on", "summary", "code"),
    [
        (date(2026, 2, 10), "Đã giải quyết", "received_on"),  # before the matter was forwarded (11/02)
        (date(2026, 3, 23), "Đã giải quyết", "received_on"),  # in the future
        (date(2026, 2, 13), "   ", "summary"),
    ],
)
def test_a_result_with_a_wrong_date_or_no_text_is_refused_on_its_field(commune, officer, on, summary, code):
    visit = forwarded(commune)
    with pytest.raises(DomainError) as info:
        record_result(visit, officer, on=on, summary=summary)
    assert info.value.code == code
    assert not ForwardedResult.objects.exists()


def test_a_notice_after_its_due_day_is_recorded_as_late_and_only_once(commune, officer):
    visit = forwarded(commune)
    record_result(visit, officer)
    visit.refresh_from_db()
    result = services.forwarded_notice_record(
        visit=visit,
        expected_version=visit.version,
        notified_on=date(2026, 3, 2),  # the Monday after the due Friday 27/02
        channel=NoticeChannel.LETTER,
        text="Công văn số 30/UBND báo kết quả",
        actor=officer,
    )
    assert result.notified_late and not result.notice_owed
    event = ReceptionEvent.objects.get(visit=visit, kind=ReceptionEvent.Kind.CITIZEN_NOTIFIED)
    assert (event.actor, event.reason, event.data["late"]) == (officer, "Công văn số 30/UBND báo kết quả", True)
    visit.refresh_from_db()
    with pytest.raises(InvalidTransition):
        services.forwarded_notice_record(
            visit=visit,
            expected_version=visit.version,
            notified_on=date(2026, 3, 3),
            channel=NoticeChannel.PHONE,
            text="Lần hai",
            actor=officer,
        )


def test_a_notice_before_the_result_or_on_a_stale_page_is_refused(commune, officer):
    visit = forwarded(commune)
    with pytest.raises(InvalidTransition):  # no result yet
        services.forwarded_notice_record(
            visit=visit, expected_version=visit.version, notified_on=TODAY, channel="sms", text="x", actor=officer
        )
    record_result(visit, officer)
    with pytest.raises(StaleEdit):  # the page was opened before the result was recorded
        services.forwarded_notice_record(
            visit=visit, expected_version=1, notified_on=TODAY, channel="sms", text="x", actor=officer
        )
    visit.refresh_from_db()
    with pytest.raises(DomainError) as info:
        services.forwarded_notice_record(
            visit=visit,
            expected_version=visit.version,
            notified_on=date(2026, 2, 12),
            channel="sms",
            text="x",
            actor=officer,
        )
    assert info.value.code == "notified_on"


def test_a_leader_who_reads_the_desk_records_nothing(commune, officer, city_leader):
    visit = forwarded(commune)
    with pytest.raises(NotAllowed):
        record_result(visit, city_leader)
    assert not ForwardedResult.objects.exists()


# --- a denunciation: the denouncer stays secret ------------------------------------------------


@pytest.fixture
def denunciation(commune):
    visit = forwarded(commune, kind=PetitionKind.DENUNCIATION, citizen_name="")
    services.visit_vault_keep(
        visit=visit,
        identity=services.VisitIdentity(name="Lê Thị Hồng", id_number="001190012345", address="12 Hàng Bạc"),
    )
    return visit


def test_a_denunciations_result_or_notice_naming_the_denouncer_is_refused(denunciation, officer):
    with pytest.raises(DomainError) as info:
        record_result(denunciation, officer, summary="Trả lời bà le thi hong về việc tố cáo")
    assert info.value.code == "summary"
    result = record_result(denunciation, officer)
    denunciation.refresh_from_db()
    draft = services.forwarded_notice_draft(result)
    assert "Hồng" not in draft and denunciation.ref in draft and "12/QĐ" in draft
    with pytest.raises(DomainError) as info:
        services.forwarded_notice_record(
            visit=denunciation,
            expected_version=denunciation.version,
            notified_on=TODAY,
            channel=NoticeChannel.LETTER,
            text="Gửi người có CCCD 001 190 012 345: " + draft,
            actor=officer,
        )
    assert info.value.code == "text"
    result.refresh_from_db()
    assert result.notified_on is None


def test_a_denunciations_page_shows_the_result_and_never_the_denouncer(client, denunciation, officer):
    record_result(denunciation, officer)
    client.force_login(officer)
    html = client.get(reverse("reception:visit_detail", args=[denunciation.pk])).content.decode()
    assert "Đã thu hồi quyết định số 12/QĐ" in html
    assert "Hồng" not in html and "001190012345" not in html and "Hàng Bạc" not in html


# --- the pages ----------------------------------------------------------------------------------


def test_an_official_records_the_result_then_the_notice_on_the_visit_page(client, commune, officer):
    visit = forwarded(commune)
    client.force_login(officer)
    page = client.get(reverse("reception:visit_detail", args=[visit.pk])).content.decode()
    assert 'action="{}"'.format(reverse("reception:visit_result", args=[visit.pk])) in page
    response = client.post(
        reverse("reception:visit_result", args=[visit.pk]),
        {
            "version": visit.version,
            "received_on": "2026-03-16",
            "body": "Sở Tài nguyên và Môi trường",
            "summary": "Đã cấp lại giấy chứng nhận",
            "citizen_asked": "on",
        },
        follow=True,
    )
    html = response.content.decode()
    # Monday 16/03/2026 + 5 working days = Monday 23/03/2026
    assert "Báo kết quả cho công dân trước 23/03/2026 (5 ngày làm việc)" in html
    assert 'id="notice-due"' in html and "23/03/2026" in html
    assert "Đã cấp lại giấy chứng nhận" in html  # the draft notice carries the result
    visit.refresh_from_db()
    # a notice with no channel and no text comes back with the errors and the date typed
    response = client.post(
        reverse("reception:visit_notice", args=[visit.pk]),
        {"version": visit.version, "notified_on": "2026-03-19", "text": ""},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Trường này là bắt buộc" in html and 'value="2026-03-19"' in html
    response = client.post(
        reverse("reception:visit_notice", args=[visit.pk]),
        {"version": visit.version, "notified_on": "2026-03-19", "channel": "in_person", "text": "Đã báo trực tiếp"},
        follow=True,
    )
    html = response.content.decode()
    assert "Đã ghi nhận việc thông báo." in html
    assert "19/03/2026 · Trực tiếp" in html and "Đã báo trực tiếp" in html
    assert "Ghi nhận việc thông báo" not in html  # the form is gone once the citizen is told


def test_an_overdue_notice_is_flagged_on_the_page_and_leads_my_work(client, commune, officer, other_officer):
    visit = forwarded(commune)
    record_result(visit, officer)  # due 27/02/2026, three weeks ago
    later = forwarded(commune)
    record_result(later, officer, on=date(2026, 3, 17))  # due Tuesday 24/03: within 3 working days
    client.force_login(officer)
    page = client.get(reverse("reception:visit_detail", args=[visit.pk])).content.decode()
    assert "deadline-overdue" in page and "quá hạn" in page
    home = client.get(reverse("core:staff_home")).content.decode()
    work = home[home.index('id="my-work"') :]
    assert "Quá hạn: 1" in work
    assert reverse("reception:visit_detail", args=[visit.pk]) in work
    assert reverse("reception:visit_detail", args=[later.pk]) in work
    assert "Báo kết quả cho công dân" in work
    # an official of another commune does not get them
    client.force_login(other_officer)
    home = client.get(reverse("core:staff_home")).content.decode()
    assert reverse("reception:visit_detail", args=[visit.pk]) not in home


def test_the_reception_book_follows_the_result_and_the_notice(client, commune, officer):
    visit = forwarded(commune)
    record_result(visit, officer)
    visit.refresh_from_db()
    services.forwarded_notice_record(
        visit=visit,
        expected_version=visit.version,
        notified_on=date(2026, 2, 26),
        channel=NoticeChannel.LETTER,
        text="Công văn số 30/UBND",
        actor=officer,
    )
    client.force_login(officer)
    book = client.get(
        reverse("reception:book"), {"unit": commune.pk, "start": "2026-02-01", "end": "2026-02-28"}
    ).content.decode()
    # column (12), Theo dõi kết quả
    assert "Nhận kết quả 13/02/2026; Đã báo công dân 26/02/2026" in book
