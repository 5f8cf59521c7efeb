"""One-stop applicants hear from the committee at each step, through the outbox: on receipt
(code, PIN, appointment), on a supplement request, when the result is ready, and with the
apology and its new date; by e-mail and SMS, each once, with absolute links."""

from datetime import date

import pytest
import time_machine
from django.core import mail

from adminreform.models import DossierNotification
from adminreform.services import (
    Applicant,
    dossier_apologise,
    dossier_assign,
    dossier_mark_result_ready,
    dossier_receive,
    dossier_request_supplement,
)
from adminreform.services.notifications import MESSAGES, render
from civicdesk.exceptions import DomainError
from core import outbox
from core.sms import segments

pytestmark = pytest.mark.django_db
SITE = "https://dichvucong.hanoi.gov.vn"
LOOKUP = f"{SITE}/dossiers/lookup/"


@pytest.fixture
def sms(mocker, settings):
    settings.SITE_URL = SITE
    return mocker.patch("core.sms.ConsoleSmsBackend.send")


@pytest.fixture
def dossier(commune, officer, procedure, django_capture_on_commit_callbacks, sms):
    with django_capture_on_commit_callbacks(execute=True):
        return dossier_receive(
            unit=commune,
            procedure=procedure,
            applicant=Applicant(name="Nguyễn Văn Dân", phone="0912345678", email="dan@example.vn"),
            documents=list(procedure.documents.all()),
            actor=officer,
            received_on=date(2026, 3, 2),
        )


def rows(dossier, template):
    return list(DossierNotification.objects.filter(dossier=dossier, template=template).order_by("channel"))


def test_receipt_sends_code_pin_and_appointment_by_email_and_sms(dossier, sms):
    [email_row, sms_row] = rows(dossier, "received")
    assert (email_row.channel, sms_row.channel) == ("email", "sms")
    assert email_row.sent_at and sms_row.sent_at
    [email] = mail.outbox
    assert email.to == ["dan@example.vn"] and dossier.ref in email.subject
    assert dossier.lookup_pin in email.body and "05/03/2026" in email.body and LOOKUP in email.body
    text = sms.call_args.kwargs["body"]
    assert sms.call_args.kwargs["to"] == "0912345678"
    assert dossier.ref in text and dossier.lookup_pin in text and LOOKUP in text and "Mã PIN" in text


def test_supplement_request_says_what_to_add(dossier, handler, django_capture_on_commit_callbacks, sms):
    with django_capture_on_commit_callbacks(execute=True):
        dossier_request_supplement(
            dossier=dossier, missing=["Bản sao CCCD của người đi khai"], actor=handler, on=date(2026, 3, 3)
        )
    assert len(rows(dossier, "supplement")) == 2
    assert "Bản sao CCCD của người đi khai" in mail.outbox[-1].body
    assert "bổ sung" in sms.call_args.kwargs["body"]


def test_result_ready_and_apology_are_sent(dossier, handler, django_capture_on_commit_callbacks, sms):
    with django_capture_on_commit_callbacks(execute=True):
        dossier = dossier_apologise(
            dossier=dossier,
            new_due_on=date(2026, 3, 10),
            reason="Chờ xác minh hộ tịch",
            actor=handler,
            on=date(2026, 3, 3),
        )
    assert "Chờ xác minh hộ tịch" in mail.outbox[-1].body and "10/03/2026" in sms.call_args.kwargs["body"]
    with django_capture_on_commit_callbacks(execute=True):
        dossier = dossier_assign(dossier=dossier, assignee=handler, actor=handler)
        dossier_mark_result_ready(dossier=dossier, actor=handler)
    assert len(rows(dossier, "result_ready")) == 2
    assert "Bộ phận một cửa" in mail.outbox[-1].body and "kết quả" in sms.call_args.kwargs["body"]


def test_a_refused_step_writes_no_message(dossier, handler):
    with pytest.raises(DomainError):
        dossier_request_supplement(dossier=dossier, missing=["x"], actor=handler, on=date(2026, 3, 20))
    assert rows(dossier, "supplement") == []


def test_no_contact_no_message_and_a_landline_gets_no_sms(commune, officer, procedure):
    dossier = dossier_receive(
        unit=commune,
        procedure=procedure,
        applicant=Applicant(name="Lê Thị Hoa", phone="024 3825 3536"),
        documents=list(procedure.documents.all()),
        actor=officer,
        received_on=date(2026, 3, 2),
    )
    assert rows(dossier, "received") == []


def test_a_failed_send_waits_for_the_sweeper_and_goes_once(dossier, sms):
    sms.side_effect = OSError("gateway down")
    row = DossierNotification.objects.create(
        dossier=dossier, channel="sms", template="result_ready", context={"unit": "x"}
    )
    assert outbox.deliver(DossierNotification._meta.label_lower, [row.pk]) == 0
    row.refresh_from_db()
    assert row.sent_at is None and row.attempts == 1
    sms.side_effect = None
    with time_machine.travel(row.next_attempt_at):
        assert outbox.sweep() == 1 and outbox.sweep() == 0


@pytest.mark.parametrize("template", sorted(MESSAGES))
def test_every_sms_fits_two_segments(dossier, template, settings):
    settings.SITE_URL = SITE
    long_values = {
        "due_on": "31/12/2026",
        "new_due_on": "31/12/2026",
        "unit": "Phường Hoàn Kiếm",
        "missing": "x",
        "reason": "x",
        "procedure": "x",
        "received_on": "31/12/2026",
    }
    row = DossierNotification(dossier=dossier, channel="sms", template=template, context=long_values)
    text = render(row)[2]
    assert segments(text) <= 2, (len(text), text)
    assert LOOKUP in text
