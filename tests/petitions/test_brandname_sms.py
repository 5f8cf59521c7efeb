"""The brand-name SMS adapter (core.sms.BrandnameSmsBackend) against a local stand-in for the
provider: what it sends, the delivery report it gets back, a retry on 5xx through the outbox's
wait, none on 4xx, and an outage where nothing is lost and nothing reaches the phone twice."""

import json
import threading
import time
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import time_machine
from django.urls import reverse

from core import outbox
from core.choices import PetitionKind
from core.models import SmsReceipt
from petitions.models import Notification
from tests.petitions.factories import receive

pytestmark = pytest.mark.django_db
KEY = "brandname-key-8c1d"
LABEL = Notification._meta.label_lower


class Provider:
    """A stand-in brand-name provider. It answers `status` (after `delay` s); like the real
    ones it takes each request_id once, so `phone` lists what reached the handset."""

    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.phone: list[str] = []
        self.status = 200
        self.delay = 0.0
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                provider.requests.append({"key": self.headers["X-Api-Key"], "json": body})
                if provider.status == 200 and body["request_id"] not in {r for r, _ in provider.taken}:
                    provider.taken.append((body["request_id"], body["message"]))
                    provider.phone.append(body["message"])
                time.sleep(provider.delay)
                self.send_response(provider.status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(json.dumps({"message_id": f"MSG-{len(provider.requests)}"}).encode())

            def log_message(self, *args: object) -> None:
                pass

        self.taken: list[tuple[str, str]] = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1/sms/send"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def provider(settings):
    p = Provider()
    settings.PETITIONS_SMS_BACKEND = "core.sms.BrandnameSmsBackend"
    settings.PETITIONS_SMS_URL = p.url
    settings.PETITIONS_SMS_TOKEN = KEY
    settings.PETITIONS_SMS_SENDER = "UBND-HK"
    settings.PETITIONS_SMS_TIMEOUT = 2
    settings.SITE_URL = "https://tiepcongdan.hanoi.gov.vn"
    yield p
    p.close()


def sms_waiting(unit) -> Notification:
    receive(unit, kind=PetitionKind.FEEDBACK, received_on=date(2026, 3, 2), petitioner_email="")
    return Notification.objects.get(channel=Notification.Channel.SMS)


def test_sends_brandname_phone_in_international_form_and_a_request_id(commune, provider):
    row = sms_waiting(commune)
    assert outbox.deliver(LABEL, [row.pk]) == 1
    [request] = provider.requests
    sent = request["json"]
    assert request["key"] == KEY and sent["brandname"] == "UBND-HK"
    assert sent["phone"] == "84912345678" and sent["unicode"] is True
    assert sent["request_id"] == f"{LABEL}#{row.pk}"
    assert sent["callback_url"] == "https://tiepcongdan.hanoi.gov.vn/sms/delivery-report/"
    assert "https://tiepcongdan.hanoi.gov.vn/petitions/track/" in sent["message"]
    receipt = SmsReceipt.objects.get()
    assert (receipt.request_id, receipt.message_id, receipt.status) == (sent["request_id"], "MSG-1", "accepted")


def report(client, body, key=KEY):
    return client.post(
        reverse("sms-delivery-report"), data=json.dumps(body), content_type="application/json", HTTP_X_API_KEY=key
    )


def test_the_delivery_report_marks_the_message_delivered_or_failed(client, commune, provider):
    row = sms_waiting(commune)
    outbox.deliver(LABEL, [row.pk])
    assert report(client, {"message_id": "MSG-1", "status": "delivered"}).status_code == 204
    assert SmsReceipt.objects.get().status == SmsReceipt.Status.DELIVERED
    failed = {"request_id": f"{LABEL}#{row.pk}", "status": "failed", "error": "handset off"}
    assert report(client, failed).status_code == 204
    receipt = SmsReceipt.objects.get()
    assert (receipt.status, receipt.error) == (SmsReceipt.Status.FAILED, "handset off")


def test_a_delivery_report_with_a_wrong_key_or_for_an_unknown_message_changes_nothing(client, commune, provider):
    row = sms_waiting(commune)
    outbox.deliver(LABEL, [row.pk])
    assert report(client, {"message_id": "MSG-1", "status": "failed"}, key="guess").status_code == 403
    assert report(client, {"message_id": "MSG-999", "status": "failed"}).status_code == 404
    assert report(client, {"status": "failed"}).status_code == 400
    assert client.get(reverse("sms-delivery-report")).status_code == 405
    assert SmsReceipt.objects.get().status == SmsReceipt.Status.ACCEPTED


def test_a_5xx_is_tried_again_after_the_outbox_wait_and_reaches_the_phone_once(commune, provider):
    row = sms_waiting(commune)
    provider.status = 502
    assert outbox.deliver(LABEL, [row.pk]) == 0
    row.refresh_from_db()
    assert (row.sent_at, row.attempts) == (None, 1) and "502" in row.last_error and KEY not in row.last_error
    provider.status = 200
    assert outbox.sweep() == 0  # still waiting
    with time_machine.travel(row.next_attempt_at + timedelta(seconds=1)):
        assert outbox.sweep() == 1
        assert outbox.sweep() == 0
    assert len(provider.phone) == 1


def test_a_4xx_gives_the_message_up_without_trying_again(commune, provider):
    row = sms_waiting(commune)
    provider.status = 400
    assert outbox.deliver(LABEL, [row.pk]) == 0
    row.refresh_from_db()
    assert row.sent_at is None and row.attempts == outbox.MAX_ATTEMPTS and "400" in row.last_error
    provider.status = 200
    with time_machine.travel(date.today() + timedelta(days=2)):
        assert outbox.sweep() == 0
    assert len(provider.requests) == 1 and provider.phone == []


def test_a_429_is_tried_again(commune, provider):
    row = sms_waiting(commune)
    provider.status = 429
    outbox.deliver(LABEL, [row.pk])
    row.refresh_from_db()
    assert row.attempts == 1 and row.next_attempt_at is not None


def test_an_outage_loses_nothing_and_sends_nothing_twice(commune, provider, settings):
    url = provider.url
    settings.PETITIONS_SMS_URL = "http://127.0.0.1:9/v1/sms/send"  # the provider is down
    for _ in range(2):
        receive(commune, kind=PetitionKind.FEEDBACK, received_on=date(2026, 3, 2), petitioner_email="")
    ids = list(Notification.objects.filter(channel=Notification.Channel.SMS).values_list("pk", flat=True))
    assert outbox.deliver(LABEL, ids) == 0
    assert Notification.objects.filter(pk__in=ids, sent_at__isnull=True).count() == 2
    settings.PETITIONS_SMS_URL = url  # back
    later = max(Notification.objects.filter(pk__in=ids).values_list("next_attempt_at", flat=True))
    with time_machine.travel(later + timedelta(seconds=1)):
        assert outbox.sweep() == 2
        assert outbox.sweep() == 0
    assert len(provider.phone) == 2 and len(set(provider.phone)) == 2


def test_an_answer_lost_in_a_timeout_does_not_reach_the_phone_twice(commune, provider, settings):
    settings.PETITIONS_SMS_TIMEOUT = 0.3
    provider.delay = 1.0  # the provider takes the message but answers too late
    row = sms_waiting(commune)
    assert outbox.deliver(LABEL, [row.pk]) == 0
    row.refresh_from_db()
    assert row.sent_at is None
    provider.delay = 0.0
    with time_machine.travel(row.next_attempt_at + timedelta(seconds=1)):
        assert outbox.sweep() == 1
    assert len(provider.requests) == 2 and len(provider.phone) == 1  # the same request_id twice
