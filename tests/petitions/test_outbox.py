"""Notifications go through the outbox: a broker outage delays them, never loses them,
never fails the request, and nothing is sent twice."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from civicdesk.celery import app
from core import outbox
from core.outbox import handover
from petitions.models import Notification, Petition
from tests.broker import celery_publishing_to
from tests.petitions.fixtures import filing

pytestmark = pytest.mark.django_db

CLOSED_PORT_BROKER = "redis://127.0.0.1:6399/0"  # nothing listens there
LABEL = Notification._meta.label_lower


@pytest.fixture
def broker_down():
    """Celery pointed at a closed port, for real (no mock), then restored to eager mode."""
    with celery_publishing_to(CLOSED_PORT_BROKER):
        yield


def test_redis_unreachable_the_petition_is_saved_and_its_code_shown_then_the_sweeper_sends_once(
    client, commune, broker_down, django_capture_on_commit_callbacks
):
    cache.clear()
    # when a citizen files while the broker is unreachable
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("petitions:file"), filing(commune, petitioner_phone=""), follow=True)
    # then the petition is saved and its code is on the screen
    petition = Petition.objects.get()
    assert response.status_code == 200 and petition.tracking_code in response.content.decode()
    # and the acknowledgement waits in the outbox, unsent
    assert mail.outbox == []
    waiting = Notification.objects.get()
    assert waiting.sent_at is None and waiting.template == "received"

    # when the broker is back (eager mode) and the sweeper runs, twice
    handover.flush()  # the handover thread tries the closed port too (or already has)
    app.conf.update(task_always_eager=True)
    assert outbox.sweep() == 1
    assert outbox.sweep() == 0
    assert outbox.deliver(LABEL, [waiting.pk]) == 0
    # then the message went exactly once, with the code and the secret
    assert len(mail.outbox) == 1
    secret = re.search(r'id="tracking-secret">(\w+)<', response.content.decode()).group(1)
    assert petition.tracking_code in mail.outbox[0].body and secret in mail.outbox[0].body
    # and the secret no longer sits in the outbox
    waiting.refresh_from_db()
    assert waiting.sent_at is not None and "secret_enc" not in waiting.context


def test_a_failing_sender_leaves_the_row_unsent_for_the_next_sweep(commune, mocker):
    from tests.petitions.factories import receive

    receive(commune, petitioner_phone="")
    send = mocker.patch("petitions.notify.send_email", side_effect=OSError("SMTP down"))
    assert outbox.sweep() == 0
    row = Notification.objects.get()
    assert (row.sent_at, row.attempts, row.last_error) == (None, 1, "SMTP down")
    send.side_effect = None
    # the next sweep after the row's wait (core.outbox.backoff) sends it
    with time_machine.travel(row.next_attempt_at + timedelta(seconds=1)):
        assert outbox.sweep() == 1 and send.call_count == 2


def test_sms_goes_through_the_pluggable_backend(commune, mocker, django_capture_on_commit_callbacks):
    from tests.petitions.factories import receive

    sms = mocker.patch("petitions.notify.ConsoleSmsBackend.send")
    with django_capture_on_commit_callbacks(execute=True):
        petition = receive(commune, petitioner_email="")
    sms.assert_called_once()
    assert sms.call_args.kwargs["to"] == "0912345678" and petition.tracking_code in sms.call_args.kwargs["body"]


def test_a_denouncer_is_notified_without_their_contact_leaving_the_vault(commune, django_capture_on_commit_callbacks):
    from core.choices import PetitionKind
    from tests.petitions.factories import receive

    with django_capture_on_commit_callbacks(execute=True):
        receive(commune, kind=PetitionKind.DENUNCIATION, petitioner_email="antoan@example.vn", petitioner_phone="")
    assert mail.outbox[0].to == ["antoan@example.vn"]
    assert "antoan" not in str(Notification.objects.get().context)


def test_every_link_a_message_carries_is_absolute(
    commune, handler, head, settings, mocker, django_capture_on_commit_callbacks
):
    """A link in an e-mail or SMS is read outside the portal: the citizen's leads to the
    tracking page, the official's to the petition's page, both from SITE_URL."""
    from datetime import date

    from core.choices import PetitionKind
    from petitions.services import deadline_sweep
    from tests.petitions.factories import receive

    settings.SITE_URL = "https://tiepdan.example.gov.vn"
    handler.email = "xuly@ubnd.vn"
    handler.save()
    sms = mocker.patch("petitions.notify.ConsoleSmsBackend.send")
    with django_capture_on_commit_callbacks(execute=True):
        petition = receive(commune, kind=PetitionKind.FEEDBACK, received_on=date(2026, 3, 2))
        deadline_sweep(today=date(2026, 3, 11))  # 3 working days before its deadline: a reminder
    [to_citizen, to_official] = mail.outbox
    track = "https://tiepdan.example.gov.vn/petitions/track/"
    assert track in to_citizen.body and track in sms.call_args.kwargs["body"]
    assert to_official.to == ["xuly@ubnd.vn"]
    assert f"https://tiepdan.example.gov.vn/petitions/{petition.pk}/" in to_official.body
