"""Two-step login is required of superusers and of whoever may open a denouncer's identity
(issue 17, finding 14): at their next login they are sent to turn it on, and no other page
opens until they have; they cannot turn it off. Others keep it optional, unless
CIVICDESK_SECOND_FACTOR_FOR_ALL_STAFF requires it of every official."""

import re
from datetime import UTC, datetime

import pytest
import time_machine
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from petitions.services import identity_reveal_grant
from tests.factories import UserFactory
from tests.security.totp import secret_of, totp

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 3, 2, 2, 0, 10, tzinfo=UTC)


@pytest.fixture(autouse=True)
def required(settings):
    settings.CIVICDESK_SECOND_FACTOR_REQUIRED = True
    with time_machine.travel(NOW, tick=False):
        yield settings


def login(client, username: str):
    return client.post(reverse("login"), {"username": username, "password": "Secret-pass-2026"})


def enrol(client) -> str:
    page = client.get(reverse("two_factor")).content.decode()
    secret = re.search(r"<code[^>]*>([A-Z2-7 ]+)</code>", page).group(1)
    assert client.post(reverse("two_factor"), {"otp_token": totp(secret)}).status_code == 302
    return secret


def test_a_superuser_must_turn_it_on_at_the_next_login_before_any_other_page(client):
    UserFactory(username="quantri", is_superuser=True, is_staff=True)
    login(client, "quantri")
    for page in (reverse("core:staff_home"), reverse("petitions:queue"), "/admin/"):
        response = client.get(page)
        assert response.status_code == 302 and response["Location"] == reverse("two_factor"), page
    page = client.get(reverse("two_factor")).content.decode()
    assert "phải dùng đăng nhập hai bước" in page
    enrol(client)
    assert client.get(reverse("core:staff_home")).status_code == 200
    # from now on the login asks for the code
    client.logout()
    assert login(client, "quantri")["Location"] == reverse("login_second_factor")


def test_a_reveal_grant_holder_must_turn_it_on_and_cannot_turn_it_off(client, commune, head):
    identity_reveal_grant(user=head, unit=commune, note="QĐ 12", actor=None)
    login(client, head.username)
    assert client.get(reverse("petitions:queue"))["Location"] == reverse("two_factor")
    enrol(client)
    assert client.get(reverse("petitions:queue")).status_code == 200
    device = TOTPDevice.objects.get(user=head, confirmed=True)
    page = client.get(reverse("two_factor")).content.decode()
    assert "không thể tắt" in page and "otp_token" not in page
    client.post(reverse("two_factor"), {"otp_token": totp(secret_of(device))})
    assert TOTPDevice.objects.filter(user=head, confirmed=True).exists()


def test_others_keep_it_optional_unless_the_setting_requires_it_of_all_staff(client, officer, head, required):
    login(client, officer.username)
    assert client.get(reverse("core:staff_home")).status_code == 200
    login(client, head.username)  # a head may turn it on, is not made to
    assert client.get(reverse("core:staff_home")).status_code == 200
    required.CIVICDESK_SECOND_FACTOR_FOR_ALL_STAFF = True
    client.logout()
    login(client, officer.username)
    assert client.get(reverse("core:staff_home"))["Location"] == reverse("two_factor")
    enrol(client)
    assert client.get(reverse("core:staff_home")).status_code == 200


def test_with_the_requirement_switched_off_nobody_is_held(client, required):
    required.CIVICDESK_SECOND_FACTOR_REQUIRED = False
    UserFactory(username="quantri", is_superuser=True, is_staff=True)
    login(client, "quantri")
    assert client.get(reverse("core:staff_home")).status_code == 200
