"""The HTTP SMS gateway backend, against a real local HTTP server standing in for the gateway:
what it sends, and that a failure (error answer, timeout, unreachable) leaves the message in the
outbox to be sent later, once."""

import json
import threading
import time
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import time_machine
from django.core.exceptions import ImproperlyConfigured

from core import outbox
from core.choices import PetitionKind
from petitions.models import Notification
from petitions.notify import HttpSmsBackend
from tests.petitions.factories import receive

pytestmark = pytest.mark.django_db
TOKEN = "tok-3f9a-secret"
LABEL = Notification._meta.label_lower


class Gateway:
    """A stand-in SMS gateway: records what it receives and answers `status` after `delay` s."""

    def __init__(self) -> None:
        self.received: list[dict[str, object]] = []
        self.status = 200
        self.delay = 0.0
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                time.sleep(gateway.delay)
                gateway.received.append(
                    {"path": self.path, "auth": self.headers["Authorization"], "json": json.loads(body)}
                )
                self.send_response(gateway.status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b'{"ok": true}')

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/api/sms"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def gateway(settings):
    gw = Gateway()
    settings.PETITIONS_SMS_BACKEND = "petitions.notify.HttpSmsBackend"
    settings.PETITIONS_SMS_URL = gw.url
    settings.PETITIONS_SMS_TOKEN = TOKEN
    settings.PETITIONS_SMS_SENDER = "UBND-HK"
    settings.PETITIONS_SMS_TIMEOUT = 2
    yield gw
    gw.close()


def sms_waiting(unit) -> Notification:
    receive(unit, kind=PetitionKind.FEEDBACK, received_on=date(2026, 3, 2), petitioner_email="")
    return Notification.objects.get(channel=Notification.Channel.SMS)


def test_sends_the_message_to_the_gateway_with_token_and_sender(commune, gateway):
    row = sms_waiting(commune)
    assert outbox.deliver(LABEL, [row.pk]) == 1
    [request] = gateway.received
    assert request["path"] == "/api/sms" and request["auth"] == f"Bearer {TOKEN}"
    assert request["json"]["to"] == "0912345678" and request["json"]["from"] == "UBND-HK"
    assert "PA" in request["json"]["text"]  # the tracking code reaches the citizen
    row.refresh_from_db()
    assert row.sent_at is not None


def test_an_error_answer_keeps_the_message_and_the_sweeper_sends_it_once_later(commune, gateway):
    row = sms_waiting(commune)
    gateway.status = 503
    assert outbox.deliver(LABEL, [row.pk]) == 0
    row.refresh_from_db()
    assert (row.sent_at, row.attempts) == (None, 1)
    assert "503" in row.last_error and TOKEN not in row.last_error
    gateway.status = 200
    with time_machine.travel(row.next_attempt_at + timedelta(seconds=1)):  # after the row's wait
        assert outbox.sweep() == 1
        assert outbox.sweep() == 0
    assert len(gateway.received) == 2  # the refused try, then the one that went


def test_a_gateway_that_does_not_answer_in_time_leaves_the_message_unsent(commune, gateway, settings):
    settings.PETITIONS_SMS_TIMEOUT = 0.2
    gateway.delay = 1.0
    row = sms_waiting(commune)
    assert outbox.deliver(LABEL, [row.pk]) == 0
    row.refresh_from_db()
    assert row.sent_at is None and row.attempts == 1


def test_an_unreachable_gateway_leaves_the_message_unsent(commune, gateway, settings):
    settings.PETITIONS_SMS_URL = "http://127.0.0.1:9/api/sms"  # discard port: nothing answers
    row = sms_waiting(commune)
    assert outbox.deliver(LABEL, [row.pk]) == 0
    row.refresh_from_db()
    assert row.sent_at is None and "unreachable" in row.last_error


def test_a_missing_gateway_address_is_a_configuration_error(settings):
    settings.PETITIONS_SMS_URL = ""
    with pytest.raises(ImproperlyConfigured):
        HttpSmsBackend()
