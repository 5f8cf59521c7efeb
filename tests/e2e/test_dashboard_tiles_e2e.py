"""A leader reads the dashboard's tiles at 1366×768 without scrolling, opens each tile's rows
(as many as the tile says, never a 404 for a city leader), and on a phone."""

from datetime import date

import pytest
from playwright.sync_api import expect

from reports.periods import Period
from reports.services import report_compile_now
from tests.e2e.conftest import ARTIFACTS, assert_accessible
from tests.reports.factories import dossiers, petitions, save, visits

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
Q1 = Period(date(2024, 1, 1), date(2024, 3, 31))
DASHBOARD = "/reports/dashboard/?kind=quarter&year=2024&number=1"


@pytest.fixture(autouse=True)
def _no_cached_figures():
    """Live figures and charts are cached by unit and period: a test's units reuse the ids of
    an earlier test's, so each starts with an empty cache."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def records(city, commune, other_commune):
    save(
        visits(city, 12, on=date(2024, 1, 15), received_by="head")
        + visits(commune, 64, on=date(2024, 2, 15), repeat=True)
        + visits(other_commune, 9, on=date(2024, 3, 15))
        + visits(commune, 30, on=date(2023, 2, 15)),
        petitions(commune, 40, on=date(2024, 2, 1), resolved_on=date(2024, 2, 20))
        + petitions(other_commune, 7, on=date(2024, 3, 1))
        + petitions(commune, 30, on=date(2023, 2, 1)),
        dossiers(commune, 68, on=date(2024, 1, 10), due=date(2024, 1, 20), resolved_on=date(2024, 1, 18))
        + dossiers(commune, 2, on=date(2024, 1, 10), due=date(2024, 1, 20), resolved_on=date(2024, 1, 25)),
    )


def test_a_city_leader_reads_the_tiles_and_opens_each_ones_rows(
    live_server, browser, login_as, city_leader, city, records
):
    report_compile_now(unit=city, period=Q1, kind="quarter", convention="calendar", actor=None)
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="vi-VN")
    page = context.new_page()
    login_as(page, "lanhdao")
    page.goto(f"{live_server.url}{DASHBOARD}")
    # every tile is above the fold, without scrolling
    tiles = page.locator("[data-tile]")
    assert tiles.count() == 8  # visits, received, in progress, overdue, cases, dossiers, satisfaction, dialogues
    for i in range(8):
        box = tiles.nth(i).bounding_box()
        assert box is not None and box["y"] + box["height"] <= 768, tiles.nth(i).get_attribute("data-tile")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "reports-tiles-1366.png"))
    assert page.locator('[data-tile="visits"] .tile-link').inner_text() == "85"
    assert page.locator('[data-tile="received"] .tile-change').inner_text() == "+56,7%"
    assert page.locator('[data-tile="dossiers"]').get_by_text("−").count() == 0  # no last year: no change
    assert_accessible(page, "reports-dashboard-tiles")
    assert_no_landmark_warnings(page)

    # each tile's links land on as many rows as the tile says, for the city leader
    links = page.locator("[data-tile] a")
    targets = [(links.nth(i).get_attribute("href"), links.nth(i).inner_text()) for i in range(links.count())]
    assert len(targets) == 13
    for href, shown in targets:
        response = page.goto(f"{live_server.url}{href}")
        assert response is not None and response.status == 200, href
        total = int(page.locator("[data-total]").get_attribute("data-total"))
        listed = page.locator("tr.drill-row").count()
        while page.get_by_role("link", name="Trang sau").count():
            # follow the link and wait for its page (a click returns before the next page loads)
            with page.expect_navigation():
                page.get_by_role("link", name="Trang sau").click()
            listed += page.locator("tr.drill-row").count()
        assert listed == total, href
        if "(" in shown:  # "97,1% (68/70)": the rows are the numerator's
            assert int(shown.split("(")[1].split("/")[0].replace(".", "")) == total, href
        elif shown == "—":  # a rate without a denominator: nothing behind it
            assert total == 0, href
        elif not shown.endswith("%"):
            assert int(shown.replace(".", "")) == total, href
    page.goto(f"{live_server.url}{targets[0][0]}")
    assert_accessible(page, "reports-drill-rows")
    context.close()


def test_the_tiles_on_a_phone(live_server, phone_page, login_as, city_leader, records):
    page = phone_page
    login_as(page, "lanhdao")
    page.goto(f"{live_server.url}{DASHBOARD}")  # not compiled: live figures
    expect(page.get_by_text("Số liệu tức thời: chưa tổng hợp")).to_be_visible()
    assert page.locator('[data-tile="visits"] .tile-link').inner_text() == "85"
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert_accessible(page, "reports-tiles-phone")


def assert_no_landmark_warnings(page) -> None:
    """axe's landmark rules at any impact (duplicate or unnamed landmarks)."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    landmark = [v["id"] for v in results.response["violations"] if v["id"].startswith("landmark")]
    assert landmark == []
