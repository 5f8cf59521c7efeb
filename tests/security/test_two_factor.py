"""S3: heads and administrators can turn on a second factor (TOTP); once on, the login
asks for the 6-digit code and refuses a wrong one."""

import base64
import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from axes.models import AccessFailureLog
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.models import Role
from tests.factories import MembershipFactory, UserFactory
from tests.security.totp import secret_of, totp

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 2, 2, 0, 10, tzinfo=UTC)
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def head_with_device(head):
    return head, TOTPDevice.objects.create(user=head, name="CivicDesk", confirmed=True)


def password_step(client, username="chutich"):
    return client.post(reverse("login"), {"username": username, "password": "Secret-pass-2026"})


def is_logged_in(client) -> bool:
    return client.get(reverse("core:staff_home")).status_code == 200


def test_a_head_turns_on_two_step_login_by_scanning_the_qr_code_and_confirming_a_code(client, head, clock):
    client.force_login(head)
    assert "Đăng nhập hai bước" in client.get(reverse("core:staff_home")).content.decode()

    page = client.get(reverse("two_factor")).content.decode()
    qr = re.search(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', page)
    assert qr is not None and base64.b64decode(qr.group(1)).startswith(PNG_SIGNATURE)
    secret = re.search(r"<code[^>]*>([A-Z2-7 ]+)</code>", page).group(1)
    assert not TOTPDevice.objects.filter(user=head, confirmed=True).exists()

    response = client.post(reverse("two_factor"), {"otp_token": totp(secret)})
    assert response.status_code == 302
    device = TOTPDevice.objects.get(user=head)
    assert device.confirmed and secret_of(device) == secret.replace(" ", "")
    assert "Đăng nhập hai bước đang bật" in client.get(reverse("two_factor")).content.decode()


def test_a_wrong_confirmation_code_leaves_two_step_login_off_and_says_so(client, head, clock):
    client.force_login(head)
    client.get(reverse("two_factor"))
    device = TOTPDevice.objects.get(user=head)
    wrong = f"{(int(totp(secret_of(device))) + 1) % 1_000_000:06d}"
    page = client.post(reverse("two_factor"), {"otp_token": wrong}).content.decode()
    assert "Mã không đúng hoặc đã hết hạn" in page
    assert not TOTPDevice.objects.filter(user=head, confirmed=True).exists()
    assert "data:image/png;base64," in page, "the QR code is still there to try again"


def test_an_officer_is_not_offered_two_step_login(client, officer):
    client.force_login(officer)
    assert "Đăng nhập hai bước" not in client.get(reverse("core:staff_home")).content.decode()
    assert client.get(reverse("two_factor")).status_code == 403


def test_an_administrator_can_turn_it_on_too(client, commune, clock):
    admin = UserFactory(username="quantri")
    MembershipFactory(user=admin, unit=commune, role=Role.ADMIN)
    client.force_login(admin)
    assert client.get(reverse("two_factor")).status_code == 200


def test_with_a_device_the_password_alone_does_not_open_a_session(client, head_with_device, clock):
    response = password_step(client)
    assert response.status_code == 302 and response["Location"] == reverse("login_second_factor")
    assert not is_logged_in(client)
    assert "mã gồm 6 chữ số" in client.get(reverse("login_second_factor")).content.decode()


def test_the_right_code_completes_the_login_and_the_session_is_verified(client, head_with_device, clock):
    _head, device = head_with_device
    password_step(client)
    response = client.post(reverse("login_second_factor"), {"otp_token": totp(secret_of(device))})
    assert response.status_code == 302 and response["Location"] == reverse("core:staff_home")
    assert is_logged_in(client)
    assert client.session["otp_device_id"] == device.persistent_id


def test_a_wrong_code_refuses_the_login_and_counts_as_a_failed_login(client, head_with_device, clock):
    _head, device = head_with_device
    password_step(client)
    wrong = f"{(int(totp(secret_of(device))) + 1) % 1_000_000:06d}"
    response = client.post(reverse("login_second_factor"), {"otp_token": wrong})
    assert response.status_code == 200
    assert "Mã không đúng hoặc đã hết hạn" in response.content.decode()
    assert not is_logged_in(client)
    assert AccessFailureLog.objects.filter(username="chutich").count() == 1


def test_a_code_from_another_time_window_is_refused(client, head_with_device, clock):
    _head, device = head_with_device
    password_step(client)
    old_code = totp(secret_of(device), at=(NOW - timedelta(minutes=5)).timestamp())
    client.post(reverse("login_second_factor"), {"otp_token": old_code})
    assert not is_logged_in(client)


def test_five_wrong_codes_lock_the_account(client, head_with_device, clock):
    password_step(client)
    for _ in range(5):
        clock.shift(timedelta(seconds=1))  # past django-otp's own throttle: the lockout is what stops this
        response = client.post(reverse("login_second_factor"), {"otp_token": "000000"})
    assert response.status_code == 429
    clock.shift(timedelta(minutes=1))
    # Even the right password and code are refused while locked.
    assert password_step(client).status_code == 429
    assert not is_logged_in(client)


def test_the_code_step_expires_and_cannot_be_reached_without_the_password(client, head_with_device, clock):
    assert client.get(reverse("login_second_factor"))["Location"] == reverse("login")
    password_step(client)
    clock.shift(timedelta(minutes=6))
    _head, device = head_with_device
    response = client.post(reverse("login_second_factor"), {"otp_token": totp(secret_of(device))})
    assert response["Location"] == reverse("login")
    assert not is_logged_in(client)


def test_enrol_then_log_in_again_with_the_app(client, head, clock):
    client.force_login(head)
    client.get(reverse("two_factor"))
    secret = secret_of(TOTPDevice.objects.get(user=head))
    client.post(reverse("two_factor"), {"otp_token": totp(secret)})
    client.post(reverse("logout"))

    clock.shift(timedelta(seconds=30))  # the next code: a code is never accepted twice
    assert password_step(client)["Location"] == reverse("login_second_factor")
    client.post(reverse("login_second_factor"), {"otp_token": totp(secret)})
    assert is_logged_in(client)


def test_turning_it_off_needs_a_current_code(client, head_with_device, clock):
    head, device = head_with_device
    client.force_login(head)
    client.post(reverse("two_factor"), {"otp_token": "123"})
    assert TOTPDevice.objects.filter(user=head, confirmed=True).exists()
    client.post(reverse("two_factor"), {"otp_token": totp(secret_of(device))})
    assert not TOTPDevice.objects.filter(user=head).exists()
    client.post(reverse("logout"))
    assert password_step(client)["Location"] == reverse("core:staff_home")


def test_the_admin_has_no_login_of_its_own(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"] == reverse("login") + "?next=%2Fadmin%2F"


def test_an_administrator_removes_the_device_of_a_user_who_lost_their_phone(admin_client, head_with_device, client):
    head, device = head_with_device
    response = admin_client.post(f"/admin/otp_totp/totpdevice/{device.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=head).exists()
    assert password_step(client)["Location"] == reverse("core:staff_home")


def test_wrong_confirmation_codes_are_throttled_even_though_the_form_is_refused(client, head, clock):
    client.force_login(head)
    client.get(reverse("two_factor"))
    client.post(reverse("two_factor"), {"otp_token": "000000"})
    device = TOTPDevice.objects.get(user=head)
    assert device.throttling_failure_count == 1
    # Within the throttle delay even the right code is refused: guessing stays slow.
    client.post(reverse("two_factor"), {"otp_token": totp(secret_of(device))})
    assert not TOTPDevice.objects.get(user=head).confirmed
