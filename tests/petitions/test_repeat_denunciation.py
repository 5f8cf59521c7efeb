"""A repeated denunciation (tố cáo tiếp) filed with the head of the direct superior (Luật Tố
cáo art. 37, 38): marked on its page, each step the law names gets its own stored deadline, shown
in the queue and in "Việc của tôi" when due or overdue, and is recorded with what was decided."""

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from civicdesk.exceptions import DomainError, InvalidTransition
from core.choices import PetitionKind
from core.models import Role
from petitions.choices import RepeatGround, ReviewOutcome
from petitions.models import Duty, PetitionEvent
from petitions.services import petition_duty_record, petition_mark_repeat, petition_resolve
from tests.conftest import _member
from tests.petitions.factories import accepted, receive

pytestmark = pytest.mark.django_db
D = PetitionKind.DENUNCIATION


@pytest.fixture
def city_officer(city):
    return _member(city, Role.OFFICER, "canbo.tp")


def concluded_at_the_ward(commune):
    earlier = accepted(
        commune, kind=D, received_on=date(2025, 11, 3), on=date(2025, 11, 10), subject="Tố cáo cán bộ địa chính"
    )
    return petition_resolve(
        petition=earlier, expected_version=None, result="false", note="KL 3/KL-UBND", on=date(2025, 12, 5), actor=None
    )


def repeated(city, *, received_on):
    return receive(city, kind=D, received_on=received_on, subject="Tố cáo tiếp: kết luận số 3/KL-UBND không đúng")


def mark_url(p):
    return reverse("petitions:action", args=[p.pk, "mark-repeat"])


def test_art_37_the_superior_reviews_within_20_days_and_records_keeping_the_conclusion(
    client, city, commune, city_officer
):
    earlier = concluded_at_the_ward(commune)
    petition = repeated(city, received_on=date(2026, 1, 30))
    client.force_login(city_officer)
    detail = reverse("petitions:detail", args=[petition.pk])
    assert mark_url(petition) in client.get(detail).content.decode()
    response = client.post(
        mark_url(petition),
        {
            "version": petition.version,
            "ground": RepeatGround.UNLAWFUL,
            "earlier_ref": earlier.ref,
            "note": "Đơn đề ngày 28/01",
        },
    )
    assert response.status_code == 302
    petition.refresh_from_db()
    assert (petition.repeat_ground, petition.repeat_of) == (RepeatGround.UNLAWFUL, earlier)
    duty = petition.duties.get()
    # 20 days from Friday 30/01/2026 end on 19/02, in Tết (16–20/02): Monday 23/02.
    assert (duty.duty, duty.due_on, duty.rule.code, duty.rule.legal_basis) == (
        Duty.REVIEW_REPEAT,
        date(2026, 2, 23),
        "denunciation.repeat.review",
        "Luật Tố cáo art. 37(2)",
    )
    page = client.get(detail).content.decode()
    assert "Kết quả giải quyết trước đó bị cho là không đúng pháp luật (điều 37)" in page and earlier.ref in page
    review = reverse("petitions:action", args=[petition.pk, "review-repeat"])
    missing = client.post(review, {"version": petition.version, "on": "2026-02-20", "note": "Thông báo số 9/TB-UBND"})
    assert missing.status_code == 200 and "Thông báo số 9/TB-UBND" in missing.content.decode()
    duty.refresh_from_db()
    assert duty.done_on is None
    response = client.post(
        review,
        {
            "version": petition.version,
            "on": "2026-02-20",
            "note": "Thông báo số 9/TB-UBND: giải quyết đúng pháp luật",
            "outcome": ReviewOutcome.KEPT,
        },
    )
    assert response.status_code == 302
    duty.refresh_from_db()
    assert (duty.done_on, duty.outcome, duty.done_by) == (date(2026, 2, 20), ReviewOutcome.KEPT, city_officer)
    event = petition.events.get(kind=PetitionEvent.Kind.REPEAT_STEP)
    assert (event.data["duty"], event.data["outcome"], event.data["late"]) == ("review_repeat", "kept", False)
    assert "Không giải quyết lại" in client.get(detail).content.decode()


def test_art_38_request_the_report_within_5_working_days_then_the_report_5_more(city):
    petition = repeated(city, received_on=date(2026, 2, 13))  # the Friday before Tết
    petition = petition_mark_repeat(petition=petition, expected_version=None, ground=RepeatGround.OVERDUE, actor=None)
    request = petition.duties.get()
    assert (request.duty, request.due_on, request.rule.legal_basis) == (
        Duty.REQUEST_REPORT,
        date(2026, 2, 27),  # 5 working days: Tết and the weekends not counted
        "Luật Tố cáo art. 38(2)",
    )
    petition_duty_record(
        petition=petition, duty=Duty.REQUEST_REPORT, note="Công văn 12/UBND-TTr", on=date(2026, 2, 26), actor=None
    )
    report = petition.duties.get(duty=Duty.DELAY_REPORT)
    # 5 working days from the request on Thursday 26/02: Friday 27/02, then 02–05/03.
    assert (report.start, report.due_on, report.rule.legal_basis) == (
        date(2026, 2, 26),
        date(2026, 3, 5),
        "Luật Tố cáo art. 38(3)",
    )
    with pytest.raises(DomainError):  # what was decided must be said
        petition_duty_record(
            petition=petition, duty=Duty.DELAY_REPORT, note="Báo cáo 4/BC", on=date(2026, 3, 6), actor=None
        )
    row = petition_duty_record(
        petition=petition,
        duty=Duty.DELAY_REPORT,
        note="Báo cáo 4/BC",
        outcome=ReviewOutcome.SUPERIOR_RESOLVES,
        on=date(2026, 3, 6),
        actor=None,
    )
    assert (row.outcome, row.done_on > row.due_on) == (ReviewOutcome.SUPERIOR_RESOLVES, True)
    assert petition.events.filter(kind=PetitionEvent.Kind.REPEAT_STEP, data__late=True).count() == 1


def test_an_overdue_review_is_in_my_work_and_the_queue(client, city, city_officer):
    petition = repeated(city, received_on=date(2026, 2, 2))  # 20 days: Sunday 22/02 → Monday 23/02
    petition_mark_repeat(petition=petition, expected_version=None, ground=RepeatGround.UNLAWFUL, actor=None)
    client.force_login(city_officer)
    with time_machine.travel("2026-02-24 08:00 +07:00", tick=False):
        html = client.get(reverse("core:staff_home")).content.decode()
        work = html[html.index('id="my-work"') : html.index('aria-labelledby="roles-heading"')]
        assert "Quá hạn: 2" in work  # the classification and the review
        assert f"{petition.ref} · Xem xét tố cáo tiếp" in work
        assert "Đến hạn trong 3 ngày làm việc: 0" in work
        queue = client.get(reverse("petitions:queue"), {"overdue": "1"}).content.decode()
    assert petition.ref in queue


def test_only_a_denunciation_not_yet_accepted_is_marked_once(city, commune):
    complaint = receive(city, received_on=date(2026, 3, 2))
    with pytest.raises(DomainError):
        petition_mark_repeat(petition=complaint, expected_version=None, ground=RepeatGround.UNLAWFUL, actor=None)
    petition = repeated(city, received_on=date(2026, 3, 2))
    petition = petition_mark_repeat(petition=petition, expected_version=None, ground=RepeatGround.OVERDUE, actor=None)
    with pytest.raises(InvalidTransition):
        petition_mark_repeat(petition=petition, expected_version=None, ground=RepeatGround.UNLAWFUL, actor=None)
    accepted_one = accepted(city, kind=D, received_on=date(2026, 3, 2))
    with pytest.raises(InvalidTransition):
        petition_mark_repeat(petition=accepted_one, expected_version=None, ground=RepeatGround.UNLAWFUL, actor=None)
