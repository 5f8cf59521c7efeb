"""Denunciation duties with statutory limits (Luật Tố cáo art. 29, 35, 40): notify the denouncer
of the acceptance (5 working days) and of the conclusion (5 working days), publish the conclusion
(7 working days) — stored with their rule, shown as due or overdue, swept daily, and done by
recording who did it and when. A published conclusion never carries the denouncer's identity."""

from datetime import date

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from civicdesk.exceptions import DomainError, InvalidTransition
from core.choices import PetitionKind
from petitions.models import Duty, PetitionDuty, PetitionEvent
from petitions.services import deadline_sweep, petition_duty_record, petition_resolve
from tests.petitions.factories import accepted

pytestmark = pytest.mark.django_db
D = PetitionKind.DENUNCIATION
NAME = "Trần Thị Bình"


def denunciation(unit, *, on=date(2026, 2, 13)):
    return accepted(
        unit,
        on=on,
        kind=D,
        received_on=date(2026, 2, 10),
        subject="Tố cáo cán bộ địa chính nhận tiền",
        petitioner_name=NAME,
        petitioner_id_number="001190054321",
        petitioner_phone="0987654321",
        petitioner_email="binh@example.vn",
    )


def concluded(unit, *, on=date(2026, 4, 24), result="true"):
    return petition_resolve(
        petition=denunciation(unit), expected_version=None, result=result, note="KL 15/KL-UBND", on=on, actor=None
    )


def test_acceptance_notification_is_due_5_working_days_after_tet(commune):
    petition = denunciation(commune, on=date(2026, 2, 13))  # Friday before Tết (16–20/02)
    duty = petition.duties.get()
    assert (duty.duty, duty.due_on) == (Duty.NOTIFY_ACCEPTANCE, date(2026, 2, 27))
    assert (duty.rule.code, duty.rule.legal_basis) == ("denunciation.notify_acceptance", "Luật Tố cáo art. 29(4)")


def test_conclusion_opens_notify_5_and_publish_7_working_days_across_the_may_holidays(commune):
    petition = concluded(commune, on=date(2026, 4, 24))  # 27/04, 30/04 and 01/05 are days off
    duties = {d.duty: d for d in petition.duties.select_related("rule")}
    assert duties[Duty.NOTIFY_CONCLUSION].due_on == date(2026, 5, 6)
    assert duties[Duty.NOTIFY_CONCLUSION].rule.code == "denunciation.notify_conclusion"
    assert duties[Duty.PUBLISH_CONCLUSION].due_on == date(2026, 5, 8)
    assert duties[Duty.PUBLISH_CONCLUSION].rule.legal_basis == "Luật Tố cáo art. 40"


def test_a_withdrawn_denunciation_has_no_conclusion_to_notify_or_publish(commune):
    petition = concluded(commune, result="withdrawn")
    assert set(petition.duties.values_list("duty", flat=True)) == {Duty.NOTIFY_ACCEPTANCE}


def test_recording_the_notification_satisfies_it_once_with_who_and_when(commune, handler):
    petition = concluded(commune)
    row = petition_duty_record(
        petition=petition,
        duty=Duty.NOTIFY_CONCLUSION,
        note="Thông báo số 20/TB-UBND gửi qua bưu điện",
        on=date(2026, 5, 5),
        actor=handler,
    )
    assert (row.done_on, row.done_by) == (date(2026, 5, 5), handler)
    event = petition.events.get(kind=PetitionEvent.Kind.NOTIFIED)
    assert (event.actor, event.data["late"]) == (handler, False)
    with pytest.raises(InvalidTransition):
        petition_duty_record(petition=petition, duty=Duty.NOTIFY_CONCLUSION, note="lại", actor=handler)


@pytest.mark.parametrize("leak", [NAME, "tran thi binh", "001190054321", "0987 654 321", "BINH@example.vn"])
def test_a_publication_carrying_the_denouncers_identity_is_refused(commune, handler, leak):
    petition = concluded(commune)
    with pytest.raises(DomainError):
        petition_duty_record(
            petition=petition,
            duty=Duty.PUBLISH_CONCLUSION,
            note="Niêm yết tại trụ sở",
            published_text=f"Kết luận: nội dung tố cáo của {leak} là đúng.",
            on=date(2026, 5, 6),
            actor=handler,
        )
    assert not PetitionDuty.objects.filter(petition=petition, done_on__isnull=False).exists()
    assert not petition.events.filter(kind=PetitionEvent.Kind.PUBLISHED).exists()


@pytest.mark.parametrize(
    "text",
    [
        "Kết luận: ông Hoàn Đinh Tố Giác (ĐT +84 977 111 222) tố cáo đúng.",  # reordered, as the review typed it
        "Người tố cáo: HOÀN ĐINH TỐ GIÁC.",
        "liên hệ (84) 977-111-222",
        "liên hệ 0977.111.222",
        "CCCD 001 190-005555",
        "nhà ở Số 9 ngách Quỳnh Lôi",
    ],
)
def test_the_identity_guard_sees_reordered_names_and_reformatted_numbers(text):
    from petitions.services import Identity, text_reveals_identity

    identity = Identity(
        name="Đinh Tố Giác Hoàn",
        id_number="001190005555",
        phone="0977111222",
        email="giac@example.vn",
        address="Số 9 ngách Quỳnh Lôi",
    )
    assert text_reveals_identity(text=text, identity=identity)


def test_the_identity_guard_lets_a_conclusion_about_others_through():
    from petitions.services import Identity, text_reveals_identity

    identity = Identity(name="Đinh Tố Giác Hoàn", id_number="001190005555", phone="0977111222")
    for text in (
        "Kết luận số 12/KL-UBND ngày 05/03/2026: tố cáo đúng một phần; ông Đinh Văn Giác đã khắc phục.",
        "Hoàn thành, Đinh chỉ, tố giác sai.",
        "Liên hệ đường dây nóng 0977 111 223.",
    ):
        assert not text_reveals_identity(text=text, identity=identity), text


def test_publication_without_identity_is_recorded_late_when_late(commune, handler):
    petition = concluded(commune)
    row = petition_duty_record(
        petition=petition,
        duty=Duty.PUBLISH_CONCLUSION,
        note="Đăng trên cổng thông tin phường",
        published_text="Kết luận số 15/KL-UBND: nội dung tố cáo ông Lê Văn C nhận tiền là đúng.",
        on=date(2026, 5, 11),
        actor=handler,
    )
    assert row.published_text.startswith("Kết luận số 15")
    assert petition.events.get(kind=PetitionEvent.Kind.PUBLISHED).data["late"] is True


def test_the_sweep_reminds_and_escalates_pending_duties_once(
    commune, handler, head, django_capture_on_commit_callbacks
):
    handler.email, head.email = "xuly@ubnd.vn", "chutich@ubnd.vn"
    handler.save()
    head.save()
    petition = concluded(commune)
    petition_duty_record(petition=petition, duty=Duty.NOTIFY_ACCEPTANCE, note="TB 3", on=date(2026, 2, 20), actor=None)
    with django_capture_on_commit_callbacks(execute=True):
        # Mon 04/05: the notification (06/05) is within 3 working days; the publication (08/05) from Tue.
        assert deadline_sweep(today=date(2026, 5, 4)) == (1, 0)
        assert deadline_sweep(today=date(2026, 5, 5)) == (1, 0)
        assert deadline_sweep(today=date(2026, 5, 6)) == (0, 0)
        petition_duty_record(petition=petition, duty=Duty.NOTIFY_CONCLUSION, note="TB 20", actor=None)
        assert deadline_sweep(today=date(2026, 5, 11)) == (0, 1)  # only the publication is overdue
        assert deadline_sweep(today=date(2026, 5, 12)) == (0, 0)
    escalations = [m for m in mail.outbox if m.to == ["chutich@ubnd.vn"]]
    assert len(escalations) == 1 and "08/05/2026" in escalations[0].body
    assert len([m for m in mail.outbox if m.to == ["xuly@ubnd.vn"]]) == 2
    assert petition.events.filter(kind=PetitionEvent.Kind.ESCALATED, data__duty=Duty.PUBLISH_CONCLUSION).count() == 1


def test_queue_keeps_a_concluded_denunciation_until_its_duties_are_done(client, commune, officer):
    petition = concluded(commune)
    petition_duty_record(petition=petition, duty=Duty.NOTIFY_ACCEPTANCE, note="TB 3", on=date(2026, 2, 20), actor=None)
    client.force_login(officer)
    html = client.get(reverse("petitions:queue")).content.decode()
    assert petition.ref in html and "06/05/2026" in html
    with time_machine.travel(date(2026, 5, 7), tick=False):  # the notice (06/05) is overdue
        overdue = client.get(reverse("petitions:queue"), {"overdue": "on", "status": "open"}).content.decode()
    assert petition.ref in overdue
    with time_machine.travel(date(2026, 5, 5), tick=False):
        on_time = client.get(reverse("petitions:queue"), {"overdue": "on", "status": "open"}).content.decode()
    assert petition.ref not in on_time
    detail = client.get(reverse("petitions:detail", args=[petition.pk])).content.decode()
    assert "08/05/2026" in detail and "Điều 40 Luật Tố cáo" in detail
    assert reverse("petitions:action", args=[petition.pk, "publish-conclusion"]) in detail
    petition_duty_record(petition=petition, duty=Duty.NOTIFY_CONCLUSION, note="TB 20", actor=None)
    petition_duty_record(
        petition=petition,
        duty=Duty.PUBLISH_CONCLUSION,
        note="Niêm yết",
        published_text="Kết luận số 15/KL-UBND.",
        actor=None,
    )
    assert petition.ref not in client.get(reverse("petitions:queue")).content.decode()


def test_the_publish_page_refuses_identity_and_keeps_the_input(client, commune, handler):
    petition = concluded(commune)
    client.force_login(handler)
    url = reverse("petitions:action", args=[petition.pk, "publish-conclusion"])
    response = client.post(
        url, {"on": "2026-05-06", "note": "Niêm yết", "published_text": f"Người tố cáo {NAME} đã tố cáo đúng."}
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors(), "the refusal is shown on the form"
    assert response.context["form"]["published_text"].value().startswith("Người tố cáo"), "the input is kept"
    assert not PetitionDuty.objects.filter(petition=petition, duty=Duty.PUBLISH_CONCLUSION, done_on__isnull=False)


def test_the_denouncer_sees_the_notice_and_publication_in_the_public_timeline_without_details(commune):
    from petitions.selectors import petition_public_tracking

    petition = concluded(commune)
    before = [step.text for step in petition_public_tracking(petition=petition).timeline]
    petition_duty_record(petition=petition, duty=Duty.NOTIFY_ACCEPTANCE, note="TB số 3 của cán bộ Lê", actor=None)
    petition_duty_record(
        petition=petition, duty=Duty.PUBLISH_CONCLUSION, note="Niêm yết", published_text="KL 15.", actor=None
    )
    after = [step.text for step in petition_public_tracking(petition=petition).timeline]
    added = after[len(before) :]
    assert after[: len(before)] == before and len(added) == 2 and added[0] != added[1]
    assert not any("cán bộ Lê" in t or "KL 15" in t for t in added), "no internal note, no handler"
