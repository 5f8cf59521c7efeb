"""Urging (đôn đốc) in a browser: the ward's officer finds the city's request in "Việc của tôi",
opens it on a phone and records the answer; the city's officer reads it on the petition's page.
Each page checked with axe-core and photographed (test-artifacts/)."""

from datetime import date

import pytest
from playwright.sync_api import expect

from core.choices import PetitionKind
from core.models import Role
from petitions.services import petition_urge
from tests.e2e.conftest import assert_accessible
from tests.factories import MembershipFactory, UserFactory
from tests.petitions.factories import classify, receive

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 768}


def test_the_ward_answers_the_citys_urging_and_the_city_reads_it(
    browser, live_server, login_as, city, commune, officer
):
    city_officer = UserFactory(username="canbo.thanhpho")
    city_officer.set_password("Secret-pass-2026")
    city_officer.save()
    MembershipFactory(user=city_officer, unit=city, role=Role.OFFICER)
    petition = classify(
        receive(city, kind=PetitionKind.RECOMMENDATION, received_on=date(2026, 11, 2), subject="Tiếng ồn công trình"),
        competent=False,
    )
    urge = petition_urge(
        petition=petition,
        expected_version=None,
        to_unit=commune,
        request="Đề nghị phường báo cáo kết quả giải quyết kiến nghị về tiếng ồn công trình ban đêm.",
        actor=city_officer,
    )
    phone = browser.new_context(viewport=PHONE, locale="vi-VN", is_mobile=True)
    page = phone.new_page()
    try:
        login_as(page, "canbo")
        expect(page.locator("#my-work")).to_contain_text(petition.ref)
        page.goto(f"{live_server.url}/petitions/urging/")
        expect(page.locator("#urge-received")).to_contain_text(city.name)
        assert_accessible(page, "urging-list-phone")
        page.goto(f"{live_server.url}{urge.get_absolute_url()}")
        assert_accessible(page, "urging-request-phone")
        page.get_by_label("Nội dung trả lời: đơn vị đã làm gì hoặc quyết định gì").fill(
            "Đã làm việc với nhà thầu, không thi công sau 22 giờ; đã trả lời công dân."
        )
        page.get_by_role("button", name="Ghi nhận trả lời").click()
        expect(page.get_by_text("Đã ghi nhận trả lời; đơn vị đôn đốc có thể xem.")).to_be_visible()
        expect(page.locator("#urge-answer")).to_contain_text("22 giờ")
    finally:
        phone.close()
    desk = browser.new_context(viewport=DESKTOP, locale="vi-VN")
    page = desk.new_page()
    try:
        login_as(page, "canbo.thanhpho")
        page.goto(f"{live_server.url}{petition.get_absolute_url()}")
        expect(page.locator("#urges")).to_contain_text("22 giờ")
        assert_accessible(page, "urging-petition-desktop")
    finally:
        desk.close()
