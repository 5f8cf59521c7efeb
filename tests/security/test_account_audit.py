"""S6 for the account pages: turning two-step login on or off and changing one's password each
write a `core.AccountEvent` (who, when, what, before/after, address), and a refused attempt
writes none. No secret (code, key, password) is ever in the row."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.models import AccountEvent
from tests.security.totp import secret_of, totp

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 2, 2, 0, 10, tzinfo=UTC)
ADDRESS = "203.0.113.21"
NEW_PASSWORD = "Mật-khẩu-mới-2026!"


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def client_for(user) -> Client:
    client = Client(REMOTE_ADDR=ADDRESS)
    client.force_login(user)
    return client


def no_secret_in(event: AccountEvent, *secrets: str) -> bool:
    text = f"{event.data} {event.reason} {event.from_status} {event.to_status}"
    return not any(secret in text for secret in secrets)


def test_turning_two_step_login_on_is_audited_with_who_when_and_where(head, clock):
    client = client_for(head)
    client.get(reverse("two_factor"))
    secret = secret_of(TOTPDevice.objects.get(user=head))
    code = totp(secret)
    assert client.post(reverse("two_factor"), {"otp_token": code}).status_code == 302
    event = AccountEvent.objects.get()
    assert (event.user, event.actor, event.kind, event.ip_address) == (head, head, "second_factor_on", ADDRESS)
    assert (event.from_status, event.to_status, event.occurred_at) == ("off", "on", NOW)
    assert no_secret_in(event, secret, code)


def test_a_wrong_code_changes_nothing_and_writes_no_event(head, clock):
    client = client_for(head)
    client.get(reverse("two_factor"))
    client.post(reverse("two_factor"), {"otp_token": "000000"})
    assert not AccountEvent.objects.exists()


def test_turning_two_step_login_off_is_audited(head, clock):
    device = TOTPDevice.objects.create(user=head, name="CivicDesk", confirmed=True)
    code = totp(secret_of(device))
    assert client_for(head).post(reverse("two_factor"), {"otp_token": code}).status_code == 302
    event = AccountEvent.objects.get()
    assert (event.user, event.actor, event.kind, event.ip_address) == (head, head, "second_factor_off", ADDRESS)
    assert (event.from_status, event.to_status) == ("on", "off")


def test_changing_ones_password_is_audited_without_the_password(officer, clock):
    client = client_for(officer)
    data = {"old_password": "Secret-pass-2026", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    response = client.post(reverse("password_change"), data)
    assert response.status_code == 302 and response["Location"] == reverse("password_change_done")
    officer.refresh_from_db()
    assert officer.check_password(NEW_PASSWORD)
    event = AccountEvent.objects.get()
    assert (event.user, event.actor, event.kind, event.ip_address) == (officer, officer, "password_changed", ADDRESS)
    assert event.occurred_at == NOW and no_secret_in(event, NEW_PASSWORD, "Secret-pass-2026")


def test_a_refused_password_change_writes_no_event(officer, clock):
    data = {"old_password": "sai-mat-khau", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    assert client_for(officer).post(reverse("password_change"), data).status_code == 200
    assert not AccountEvent.objects.exists()


def test_account_events_are_in_the_audit_log_for_administrators(officer, admin_client):
    client_for(officer).post(
        reverse("password_change"),
        {"old_password": "Secret-pass-2026", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    page = admin_client.get(reverse("audit_log")).content.decode()
    assert "password_changed" in page and officer.username in page
