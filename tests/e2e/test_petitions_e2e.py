"""A citizen files a petition on a phone, an official classifies and accepts it, the
citizen tracks it: every page accessible."""

import pytest
from playwright.sync_api import expect

from petitions.models import Petition
from tests.e2e.conftest import assert_accessible
from tests.rules import seed_deadline_rules

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def deadline_rules(transactional_db):
    """Transactional tests flush the tables between tests, seeded rules included: seed them again."""
    seed_deadline_rules()


def test_file_classify_accept_and_track(
    live_server, phone_page, desktop_page, login_as, deadline_rules, commune, officer
):
    # The citizen files on a phone.
    page = phone_page
    page.goto(f"{live_server.url}/petitions/file/")
    assert_accessible(page, "petition-file-phone")
    page.get_by_role("radio", name="Khiếu nại").check()
    page.locator("#id_petitioner_name").fill("Trần Thị Bình")
    page.locator("#id_petitioner_id_number").fill("001190000111")
    page.locator("#id_petitioner_address").fill("5 Lý Thái Tổ, Hoàn Kiếm")
    page.locator("#id_petitioner_phone").fill("0987654321")
    page.locator("#id_unit").select_option("00070")
    page.locator("#id_subject").fill("Khiếu nại quyết định xử phạt")
    page.locator("#id_respondent").fill("Quyết định 45/QĐ-XPHC ngày 02/03/2026")
    page.locator("#id_content").fill("Tôi đề nghị xem xét lại quyết định xử phạt.")
    page.locator("#id_consent").check()
    page.get_by_role("button", name="Gửi đơn").click()
    page.wait_for_url(f"{live_server.url}/petitions/file/done/")
    code = page.locator("#tracking-code").inner_text().strip()
    secret = page.locator("#tracking-secret").inner_text().strip()
    assert code.startswith("PA") and len(secret) == 10
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert_accessible(page, "petition-filed-phone")

    # An official classifies and accepts it.
    petition = Petition.objects.get(tracking_code=code)
    desk = desktop_page
    login_as(desk, "canbo")
    desk.goto(f"{live_server.url}/petitions/queue/")
    assert_accessible(desk, "petition-queue-desktop")
    desk.get_by_role("link", name=petition.ref).click()
    assert_accessible(desk, "petition-detail-desktop")
    desk.get_by_role("link", name="Phân loại").click()
    assert_accessible(desk, "petition-classify-desktop")
    desk.get_by_role("button", name="Lưu kết quả phân loại").click()
    desk.get_by_role("link", name="Thụ lý", exact=True).click()
    desk.get_by_role("button", name="Thụ lý giải quyết").click()
    expect(desk.get_by_text("Đã thụ lý, đang giải quyết").first).to_be_visible()

    # The citizen tracks it.
    page.goto(f"{live_server.url}/petitions/track/")
    assert_accessible(page, "petition-track-phone")
    page.get_by_label("Mã tra cứu").fill(code.lower())
    page.get_by_label("Mật mã").fill(secret)
    page.get_by_role("button", name="Tra cứu").click()
    assert page.locator("#tracking-status").inner_text() == "Đã thụ lý, đang giải quyết"
    expect(page.get_by_text("Đơn của bạn đã được thụ lý giải quyết.")).to_be_visible()
    assert "Trần Thị Bình" not in page.content()
    assert_accessible(page, "petition-tracked-phone")
