"""A city leader opens the reports dashboard, drills into a commune and downloads the XLSX."""

import io
from datetime import date

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from reports.models import CompiledReport
from reports.periods import Period
from reports.services import report_compile_now, report_run
from tests.e2e.conftest import assert_accessible
from tests.reports.factories import dossiers, petitions, save, visits

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
Q1 = Period(date(2024, 1, 1), date(2024, 3, 31))


@pytest.fixture
def compiled(city, commune, other_commune):
    save(
        visits(city, 12, on=date(2024, 1, 15), received_by="head")
        + visits(commune, 1634, on=date(2024, 2, 15))
        + visits(other_commune, 9, on=date(2024, 3, 15)),
        petitions(commune, 40, on=date(2024, 2, 1), resolved_on=date(2024, 2, 20))
        + petitions(commune, 30, on=date(2023, 2, 1)),
        dossiers(commune, 968, on=date(2024, 1, 10), due=date(2024, 1, 20), resolved_on=date(2024, 1, 18))
        + dossiers(commune, 32, on=date(2024, 1, 10), due=date(2024, 1, 20), resolved_on=date(2024, 1, 25))
        + dossiers(other_commune, 5, on=date(2024, 3, 10), due=date(2024, 3, 20)),
    )
    for unit in (city, commune):
        report_compile_now(unit=unit, period=Q1, kind="quarter", convention="calendar", actor=None)


def test_leader_drills_into_a_commune_and_downloads_the_xlsx(
    live_server, desktop_page, login_as, city_leader, compiled
):
    page = desktop_page
    login_as(page, "lanhdao")
    page.goto(f"{live_server.url}/reports/dashboard/?kind=quarter&year=2024&number=1")
    expect(page.get_by_role("heading", name="Báo cáo: Thành phố Hà Nội")).to_be_visible()
    expect(page.get_by_text("Tổng số đã tiếp 1.655 lượt công dân")).to_be_visible()
    table = page.get_by_role("table").filter(has_text="Phường Hoàn Kiếm")
    assert table.get_by_role("row", name="Phường Hoàn Kiếm").get_by_role("cell").first.inner_text() == "1.634"
    assert_accessible(page, "reports-dashboard-city")
    # printed: no menus or buttons, the figures and charts stay
    page.emulate_media(media="print")
    assert not page.get_by_role("button", name="Xem").is_visible()
    expect(page.get_by_role("img", name="Lượt tiếp công dân theo tháng")).to_be_visible()
    page.screenshot(path="test-artifacts/reports-dashboard-print.png", full_page=True)
    page.emulate_media(media="screen")

    # sort the units below by visits, most first
    page.get_by_role("link", name="Lượt tiếp", exact=True).click()
    rows = page.get_by_role("table").last.get_by_role("row")
    assert "Phường Hoàn Kiếm" in rows.nth(1).inner_text()

    page.get_by_role("link", name="Phường Hoàn Kiếm").click()
    expect(page.get_by_role("heading", name="Báo cáo: Phường Hoàn Kiếm")).to_be_visible()
    expect(page.get_by_text("tỷ lệ giải quyết đúng hạn 96,8%")).to_be_visible()
    assert_accessible(page, "reports-dashboard-commune")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Tải XLSX (theo biểu mẫu)").click()
    download = download_info.value
    assert download.suggested_filename == "bao-cao-00070-20240101-20240331-v1-du-thao.xlsx"
    wb = load_workbook(io.BytesIO(download.path().read_bytes()))
    vpcp = {r[1]: r[2:] for r in wb["06-VPCP"].iter_rows(min_row=8, values_only=True) if r[1]}
    assert vpcp["Tổng cộng"][4:8] == (1000, 968, 0, 32)


def test_the_dashboard_on_a_phone(live_server, phone_page, login_as, city_leader, compiled):
    page = phone_page
    login_as(page, "lanhdao")
    page.goto(f"{live_server.url}/reports/dashboard/?kind=quarter&year=2024&number=1")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert_accessible(page, "reports-dashboard-phone")


def test_on_demand_compilation_shows_progress_then_the_report(
    live_server, desktop_page, login_as, city_leader, compiled
):
    page = desktop_page
    login_as(page, "lanhdao")
    page.goto(f"{live_server.url}/reports/dashboard/?unit=00004&kind=quarter&year=2024&number=1")
    # before it is compiled, the figures are counted live
    expect(page.get_by_text("Số liệu tức thời: chưa tổng hợp")).to_be_visible()
    assert page.locator('[data-tile="visits"] .tile-link').inner_text() == "9"
    page.get_by_role("button", name="Tổng hợp ngay").click()
    # "compile now" comes back to the dashboard of the same unit and period
    page.get_by_role("heading", name="Báo cáo: Phường Ba Đình").wait_for()
    assert "unit=00004" in page.url and "year=2024" in page.url
    assert_accessible(page, "reports-compile-progress")
    # Without a broker Celery compiled it at once; with one, this is the worker's job (a no-op
    # if it already ran).
    report_run(report_id=CompiledReport.objects.get(unit__code="00004").pk)
    page.reload()
    expect(page.get_by_text("Tổng số đã tiếp 9 lượt công dân")).to_be_visible()
    assert not page.get_by_text("Số liệu tức thời: chưa tổng hợp").is_visible()


def test_progress_is_shown_until_the_worker_finishes(
    live_server, desktop_page, login_as, city_leader, commune, compiled
):
    # given a compilation waiting for a worker
    pending = CompiledReport.objects.create(
        unit=commune, period_from=date(2024, 4, 1), period_to=date(2024, 6, 30), kind="quarter"
    )
    page = desktop_page
    login_as(page, "lanhdao")
    page.goto(f"{live_server.url}/reports/{pending.pk}/")
    expect(page.get_by_label("Đang tổng hợp báo cáo…")).to_be_visible()
    assert_accessible(page, "reports-progress-waiting")
    # when the worker compiles it, the page notices by itself
    report_run(report_id=pending.pk)
    page.get_by_role("heading", name="Tóm tắt").wait_for(timeout=20000)
    expect(page.get_by_role("link", name="Tải XLSX (theo biểu mẫu)")).to_be_visible()
