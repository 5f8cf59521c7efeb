"""Webhooks and the portal sync, against local stand-in servers: signed deliveries of the
status changes in a key's scope, retried through the outbox (a receiver down for an hour loses
nothing), a delivery log with the last answer, replay; dossiers pushed to the portal with an
idempotency key per change."""

import hashlib
import hmac
import json
from datetime import date, timedelta

import pytest
import time_machine
from django.utils import timezone

from adminreform.services import Applicant, dossier_receive
from api import services
from api.models import PortalSync, WebhookDelivery
from core import outbox
from core.choices import PetitionKind
from tests.adminreform.factories import ProcedureDocumentFactory, ProcedureFactory
from tests.api.standin import StandIn
from tests.petitions.factories import receive

pytestmark = pytest.mark.django_db
WEBHOOKS = WebhookDelivery._meta.label_lower
PORTAL = PortalSync._meta.label_lower


@pytest.fixture
def receiver():
    standin = StandIn()
    yield standin
    standin.close()


@pytest.fixture
def subscribed(read_key, city_admin, receiver):
    subscription, secret = services.webhook_subscribe(key=read_key, url=receiver.url, actor=city_admin)
    return subscription, secret


def _verify(request, secret):
    """What a receiver does (docs/api.md)."""
    timestamp = request["headers"]["X-CivicDesk-Timestamp"]
    expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + request["body"], hashlib.sha256).hexdigest()
    return hmac.compare_digest(request["headers"]["X-CivicDesk-Signature"], f"v1={expected}")


def test_a_status_change_in_scope_is_delivered_signed(commune, other_commune, subscribed, receiver):
    _subscription, secret = subscribed
    petition = receive(commune, kind=PetitionKind.FEEDBACK, received_on=date(2026, 3, 2))
    receive(other_commune, kind=PetitionKind.FEEDBACK)  # not in the key's scope
    [row] = WebhookDelivery.objects.all()
    assert outbox.deliver(WEBHOOKS, [row.pk]) == 1
    [request] = receiver.received
    assert _verify(request, secret)
    body = json.loads(request["body"])
    assert body["event"] == "petition.status_changed" and body["to_status"] == "received"
    assert body["petition"]["tracking_code"] == petition.tracking_code and body["petition"]["unit"] == "00070"
    assert "Nguyễn Văn An" not in request["body"].decode() and "001085012345" not in request["body"].decode()
    row.refresh_from_db()
    assert row.sent_at is not None and row.last_status == 200 and '"answered": 200' in row.last_response
    tampered = {**request, "body": request["body"].replace(b"received", b"resolved")}
    assert not _verify(tampered, secret)


def test_a_receiver_down_for_an_hour_loses_nothing(commune, subscribed, receiver):
    receiver.statuses = [503]
    receive(commune, kind=PetitionKind.FEEDBACK)
    row = WebhookDelivery.objects.get()
    start = timezone.now()
    assert outbox.deliver(WEBHOOKS, [row.pk]) == 0
    # the sweeper tries every 15 s for an hour and more; each row waits its own backoff
    minute = 0
    while minute <= 75:
        with time_machine.travel(start + timedelta(minutes=minute)):
            outbox.sweep()
        minute += 1
    row.refresh_from_db()
    assert row.sent_at is None and "503" in row.last_error and 5 <= row.attempts < 25
    receiver.statuses = [200]
    with time_machine.travel(row.next_attempt_at + timedelta(seconds=1)):
        assert outbox.sweep() == 1
    row.refresh_from_db()
    assert row.sent_at is not None and row.last_status == 200
    assert len(receiver.received) == row.attempts + 1


def test_a_refusal_is_kept_in_the_log_and_a_delivery_can_be_replayed(commune, subscribed, receiver, city_admin):
    receiver.statuses = [410, 200]
    receive(commune, kind=PetitionKind.FEEDBACK)
    row = WebhookDelivery.objects.get()
    assert outbox.deliver(WEBHOOKS, [row.pk]) == 0
    row.refresh_from_db()
    assert row.attempts == 25 and "410" in row.last_error  # given up: not asked again and again
    outbox.sweep()
    assert len(receiver.received) == 1
    again = services.webhook_replay(delivery=row, actor=city_admin)
    assert outbox.deliver(WEBHOOKS, [again.pk]) == 1
    assert json.loads(receiver.received[-1]["body"])["replay_of"] == row.pk


def test_a_revoked_key_stops_its_webhooks(commune, subscribed, read_key, city_admin, receiver):
    services.api_key_revoke(key=read_key, actor=city_admin)
    receive(commune, kind=PetitionKind.FEEDBACK)
    assert not WebhookDelivery.objects.exists()


@pytest.fixture
def portal(settings):
    standin = StandIn()
    settings.API_PORTAL_URL = standin.url
    settings.API_PORTAL_TOKEN = "portal-token"
    yield standin
    standin.close()


@pytest.fixture
def dossier_of(commune, officer):
    procedure = ProcedureFactory(code="1.001193", processing_days=3)
    ProcedureDocumentFactory(procedure=procedure, name="Tờ khai", position=1)

    def make():
        return dossier_receive(
            unit=commune,
            procedure=procedure,
            applicant=Applicant(name="Lê Văn Cường", id_number="001090012345"),
            documents=list(procedure.documents.all()),
            actor=officer,
            received_on=date(2026, 3, 2),
        )

    return make


def test_a_dossier_is_pushed_to_the_portal_and_an_outage_loses_nothing(dossier_of, portal):
    portal.statuses = [502, 200]
    dossier = dossier_of()
    row = PortalSync.objects.get()
    assert outbox.deliver(PORTAL, [row.pk]) == 0
    row.refresh_from_db()
    with time_machine.travel(row.next_attempt_at + timedelta(seconds=1)):
        assert outbox.sweep() == 1
    first, second = portal.received
    assert first["headers"]["Idempotency-Key"] == second["headers"]["Idempotency-Key"] == row.dedupe_key
    assert second["headers"]["Authorization"] == "Bearer portal-token"
    body = json.loads(second["body"])
    assert body == {
        "dossier_code": dossier.ref,
        "procedure_code": "1.001193",
        "unit_code": "00070",
        "channel": "counter",
        "status": "received",
        "received_on": "2026-03-02",
        "due_on": dossier.due_on.isoformat(),
        "resolved_on": None,
        "returned_on": None,
        "changed_at": body["changed_at"],
        "reason": "",
    }
    assert "Lê Văn Cường" not in second["body"].decode()


def test_no_portal_configured_sends_nothing(dossier_of, settings):
    settings.API_PORTAL_URL = ""
    dossier_of()
    assert not PortalSync.objects.exists()


def test_an_administrator_adds_a_webhook_typed_without_its_scheme_as_https(client, admin_user, read_key):
    from django.urls import reverse

    from api.models import WebhookSubscription

    client.force_login(admin_user)
    response = client.post(
        reverse("admin:api_webhooksubscription_add"), {"api_key": read_key.pk, "url": "hooks.hoankiem.gov.vn/civicdesk"}
    )

    assert response.status_code == 302
    assert WebhookSubscription.objects.get().url == "https://hooks.hoankiem.gov.vn/civicdesk"
