"""Production never writes a citizen's messages to a log (issue 17, finding 3): `check --deploy`
fails on the console SMS and e-mail senders, and the outbox logs message ids only."""

import logging
import smtplib
from datetime import date

import pytest

from core import outbox
from core.choices import PetitionKind
from petitions.models import Notification
from tests.petitions.factories import receive
from tests.petitions.test_sms_gateway import Gateway
from tests.security.test_headers_and_deploy import manage, production_env

pytestmark = pytest.mark.django_db
LABEL = Notification._meta.label_lower
PHONE, EMAIL = "0977111222", "to.giac@example.vn"


def test_the_deploy_check_fails_on_the_console_senders_and_names_the_setting():
    env = production_env()
    for name in ("EMAIL_URL", "PETITIONS_SMS_BACKEND", "PETITIONS_SMS_URL"):
        del env[name]  # what base.py falls back to: the console for both
    result = manage("check", "--deploy", env=env)
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "civicdesk.E001" in output and "EMAIL_URL" in output
    assert "civicdesk.E002" in output and "PETITIONS_SMS_BACKEND" in output


def test_the_deploy_check_fails_on_an_explicit_console_mail_or_a_gateway_without_address():
    env = production_env(EMAIL_URL="consolemail://", PETITIONS_SMS_URL="")
    result = manage("check", "--deploy", env=env)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "civicdesk.E001" in output and "civicdesk.E003" in output and "civicdesk.E002" not in output


class RefusingMailServer:
    """A mail server that refuses the recipient, quoting the address as SMTP servers do."""

    def __init__(self, **kwargs: object) -> None:
        pass

    def send_messages(self, messages: list) -> int:
        raise smtplib.SMTPRecipientsRefused({EMAIL: (550, b"5.1.1 <to.giac@example.vn>: user unknown")})


def _denunciation(unit):
    return receive(
        unit,
        kind=PetitionKind.DENUNCIATION,
        received_on=date(2026, 3, 2),
        petitioner_name="Hoàng Đình Tố Giác",
        petitioner_phone=PHONE,
        petitioner_email=EMAIL,
    )


def test_the_outbox_logs_message_ids_never_bodies_or_contacts(commune, settings, caplog):
    gateway = Gateway()
    settings.PETITIONS_SMS_BACKEND = "petitions.notify.HttpSmsBackend"
    settings.PETITIONS_SMS_URL = gateway.url
    settings.EMAIL_BACKEND = "tests.security.test_message_senders.RefusingMailServer"
    try:
        with caplog.at_level(logging.DEBUG):
            petition = _denunciation(commune)
            rows = list(Notification.objects.filter(sent_at__isnull=True))
            gateway.status = 503
            outbox.deliver(LABEL, [r.pk for r in rows])  # both refused
            gateway.status = 200
            outbox.deliver(LABEL, [r.pk for r in rows])  # the SMS goes
    finally:
        gateway.close()
    sms = next(r for r in rows if r.channel == Notification.Channel.SMS)
    email = next(r for r in rows if r.channel == Notification.Channel.EMAIL)
    assert gateway.received and PHONE in gateway.received[-1]["json"]["to"]
    log = caplog.text
    assert f"#{sms.pk} sent" in log and f"#{email.pk} failed: SMTPRecipientsRefused" in log
    secret_words = [PHONE, EMAIL, "to.giac", "Tố Giác", petition.tracking_code, "Mã tra cứu", "Tracking code", "Secret"]
    assert not [w for w in secret_words if w in log], log
