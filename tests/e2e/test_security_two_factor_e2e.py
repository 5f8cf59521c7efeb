"""Two-step login in the browser: a head turns it on with the QR page, and a head
with an authenticator app logs in with the code. Each page checked with axe-core."""

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible
from tests.security.totp import secret_of, totp

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def log_in_with_password(page, live_server, username="chutich"):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill("Secret-pass-2026")
    page.get_by_role("button", name="Đăng nhập").click()


def test_a_head_turns_on_two_step_login_on_a_phone(live_server, phone_page, head):
    page = phone_page
    log_in_with_password(page, live_server)
    page.wait_for_url(f"{live_server.url}/staff/")
    page.get_by_role("link", name="Đăng nhập hai bước (mã trên điện thoại)").click()
    qr = page.get_by_role("img", name="Mã QR để thêm CivicDesk vào ứng dụng xác thực")
    expect(qr).to_be_visible()
    expect(qr).to_have_js_property("complete", True)
    assert qr.evaluate("img => img.naturalWidth") > 0, "the data: QR image is allowed by the CSP and renders"
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert_accessible(page, "two-step-enrol-phone")

    secret = page.locator("code").inner_text()
    page.get_by_label("Mã 6 chữ số").fill(totp(secret))
    page.get_by_role("button", name="Bật đăng nhập hai bước").click()
    expect(page.get_by_text("Đăng nhập hai bước đang bật")).to_be_visible()
    assert TOTPDevice.objects.get(user=head).confirmed
    assert_accessible(page, "two-step-on-phone")


def test_a_head_with_the_app_logs_in_with_the_code(live_server, desktop_page, head):
    device = TOTPDevice.objects.create(user=head, name="CivicDesk", confirmed=True)
    page = desktop_page
    log_in_with_password(page, live_server)
    page.wait_for_url(f"{live_server.url}/accounts/login/code/")
    assert_accessible(page, "two-step-code-desktop")
    page.get_by_label("Mã 6 chữ số").fill(totp(secret_of(device)))
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{live_server.url}/staff/")
    expect(page.get_by_text("Phường Hoàn Kiếm")).to_be_visible()
