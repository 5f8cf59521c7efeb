"""Issue 19 items 1 and 8.

A denunciation's suspended time is not counted in its resolution limit and its suspension
decision reaches the parties within 5 working days (Luật Tố cáo art. 34(2), (4)); complaints
the same from 01/07/2026 (Law 136/2025). Recommendations and feedback keep a resolution limit
once accepted (`recommendation.resolve`): the queue shows it and they go overdue."""

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from core.choices import PetitionKind
from petitions.choices import Step
from petitions.models import Duty, PetitionEvent
from petitions.services import petition_resume, petition_suspend
from tests.petitions.factories import accepted

pytestmark = pytest.mark.django_db

D = PetitionKind.DENUNCIATION


def test_a_denunciation_suspended_across_tet_gets_the_suspended_days_back(commune, handler):
    # 30 days from 20/01/2026 end on 19/02, a day of Tết: the limit is Monday 23/02.
    petition = accepted(commune, kind=D, received_on=date(2026, 1, 15), on=date(2026, 1, 20))
    assert petition.due_on == date(2026, 2, 23)
    petition = petition_suspend(
        petition=petition,
        expected_version=None,
        reason="Chờ kết quả giám định lại",
        on=date(2026, 2, 12),
        actor=handler,
    )
    petition = petition_resume(petition=petition, expected_version=None, on=date(2026, 2, 26), actor=handler)
    # 14 days suspended, Tết among them: 23/02 + 14 = Monday 09/03.
    assert (petition.due_on, petition.step) == (date(2026, 3, 9), Step.RESOLVE)
    event = petition.events.get(kind=PetitionEvent.Kind.RESUMED)
    assert (event.data["from"], event.data["to"]) == ("2026-02-23", "2026-03-09")
    assert event.data["rule_id"] is not None


def test_a_denunciation_resumed_the_day_it_was_suspended_keeps_its_deadline(commune, handler):
    petition = accepted(commune, kind=D, on=date(2026, 3, 5))  # due 06/04
    petition = petition_suspend(
        petition=petition, expected_version=None, reason="Chờ", on=date(2026, 3, 9), actor=handler
    )
    petition = petition_resume(petition=petition, expected_version=None, on=date(2026, 3, 9), actor=handler)
    assert petition.due_on == date(2026, 4, 6)


def test_a_moved_limit_falling_on_a_weekend_moves_to_monday(commune, handler):
    petition = accepted(commune, kind=D, on=date(2026, 3, 5))  # due Monday 06/04
    petition = petition_suspend(
        petition=petition, expected_version=None, reason="Chờ", on=date(2026, 3, 9), actor=handler
    )
    petition = petition_resume(petition=petition, expected_version=None, on=date(2026, 3, 14), actor=handler)
    # 5 days: 06/04 + 5 = Saturday 11/04 → Monday 13/04.
    assert petition.due_on == date(2026, 4, 13)


def test_the_suspension_decision_is_a_duty_due_within_5_working_days(client, commune, handler, officer):
    petition = accepted(commune, kind=D, received_on=date(2026, 1, 15), on=date(2026, 1, 20))
    petition = petition_suspend(
        petition=petition, expected_version=None, reason="Chờ giám định", on=date(2026, 2, 12), actor=handler
    )
    duty = petition.duties.get(duty=Duty.NOTIFY_SUSPENSION)
    # Thursday 12/02: 13/02, then Tết and a weekend, 23/02–26/02.
    assert (duty.start, duty.due_on, duty.rule.code, duty.rule.legal_basis) == (
        date(2026, 2, 12),
        date(2026, 2, 26),
        "denunciation.notify_suspension",
        "Luật Tố cáo art. 34(4)",
    )
    client.force_login(officer)
    page = client.get(reverse("petitions:detail", args=[petition.pk])).content.decode()
    assert "Gửi quyết định tạm đình chỉ cho người tố cáo, người bị tố cáo" in page
    url = reverse("petitions:action", args=[petition.pk, "notify-suspension"])
    assert url in page
    response = client.post(url, {"on": "2026-02-27", "note": "Văn bản số 12/TB-UBND"})
    assert response.status_code == 302
    duty.refresh_from_db()
    assert (duty.done_on, duty.done_by, duty.note) == (date(2026, 2, 27), officer, "Văn bản số 12/TB-UBND")
    event = petition.events.get(kind=PetitionEvent.Kind.NOTIFIED)
    assert (event.data["duty"], event.data["late"]) == ("notify_suspension", True)


def test_a_complaint_suspended_has_no_notice_duty_and_before_july_2026_keeps_its_deadline(commune, handler):
    petition = accepted(commune, on=date(2026, 3, 5))  # due 06/04
    petition = petition_suspend(
        petition=petition, expected_version=None, reason="Chờ", on=date(2026, 3, 9), actor=handler
    )
    assert not petition.duties.exists()
    petition = petition_resume(petition=petition, expected_version=None, on=date(2026, 3, 19), actor=handler)
    assert petition.due_on == date(2026, 4, 6)


@pytest.mark.parametrize("kind", [PetitionKind.FEEDBACK, PetitionKind.RECOMMENDATION])
def test_accepted_feedback_and_recommendations_keep_a_deadline_across_tet(commune, kind):
    petition = accepted(commune, kind=kind, received_on=date(2026, 2, 12), on=date(2026, 2, 13))  # Friday before Tết
    assert (petition.step, petition.due_on, petition.due_rule.code) == (
        Step.RESOLVE,
        date(2026, 3, 6),  # 10 working days: Tết (16–20/02) and the weekends skipped
        "recommendation.resolve",
    )


@time_machine.travel("2026-03-09 09:00 +0700", tick=False)
def test_accepted_feedback_goes_overdue_in_the_queue(client, commune, officer):
    petition = accepted(
        commune, kind=PetitionKind.FEEDBACK, received_on=date(2026, 2, 12), on=date(2026, 2, 13), subject="Đèn hỏng"
    )
    client.force_login(officer)
    html = client.get(reverse("petitions:queue"), {"overdue": "on"}).content.decode()
    row = html[html.rindex("<tr", 0, html.index(petition.ref)) :]
    row = row[: row.index("</tr>")]
    assert 'class="row-overdue"' in row and "06/03" in row and "Quá hạn" in row
