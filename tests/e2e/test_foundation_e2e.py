"""The home page on a phone, in Vietnamese, and a staff login, as a person uses them."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_home_page_on_a_phone_is_vietnamese_and_accessible(live_server, phone_page):
    phone_page.goto(live_server.url + "/")
    assert phone_page.locator("html").get_attribute("lang") == "vi"
    expect(phone_page.get_by_role("heading", name="Dịch vụ công của Ủy ban nhân dân")).to_be_visible()
    expect(phone_page.get_by_text("Nộp đơn", exact=True)).to_be_visible()
    # Nothing wider than the phone: no sideways scrolling.
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 360
    assert_accessible(phone_page, "home-phone")


def test_home_page_switches_to_english(live_server, phone_page):
    phone_page.goto(live_server.url + "/")
    phone_page.get_by_role("button", name="Mở danh mục điều hướng").click()
    phone_page.get_by_label("Ngôn ngữ").select_option("en")
    phone_page.get_by_role("button", name="Đổi").click()
    expect(phone_page.get_by_role("heading", name="Public services of the People's Committee")).to_be_visible()


def test_staff_login_with_the_keyboard_reaches_the_staff_home(live_server, desktop_page, officer):
    page = desktop_page
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill("canbo")
    page.keyboard.press("Tab")
    page.keyboard.type("Secret-pass-2026")
    page.keyboard.press("Enter")
    page.wait_for_url(live_server.url + "/staff/")
    expect(page.get_by_text("Phường Hoàn Kiếm")).to_be_visible()
    assert_accessible(page, "staff-home-desktop")
