"""What the polish changed, seen in a browser on a phone (390×844) and a desktop, checked
with axe-core and saved as screenshots under test-artifacts/."""

from datetime import date, time, timedelta

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from core.models import Role, UnitLevel
from reception import services as reception_services
from reception.models import ReceivedBy, SessionKind
from reports.periods import Period
from reports.services import report_compile_now
from tests.e2e.conftest import assert_accessible
from tests.factories import MembershipFactory, UnitFactory, UserFactory
from tests.reports.factories import dossiers, save, visits
from tests.rules import seed_deadline_rules

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}
Q1 = Period(date(2024, 1, 1), date(2024, 3, 31))


@pytest.fixture(autouse=True)
def deadline_rules(transactional_db):

    seed_deadline_rules()


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE, locale="vi-VN", is_mobile=True, has_touch=True)
    yield context.new_page()
    context.close()


def test_the_head_moves_a_published_session_on_a_phone(live_server, phone, desktop_page, login_as, head, commune):
    day = timezone.localdate() + timedelta(days=21)
    session = reception_services.session_schedule(
        unit=commune,
        kind=SessionKind.HEAD_PERIODIC,
        day=day,
        start_time=time(8),
        place="Hội trường UBND phường",
        received_by=ReceivedBy.HEAD,
        actor=head,
    )
    reception_services.session_publish(session=session, actor=head)
    login_as(desktop_page, "chutich")
    desktop_page.goto(f"{live_server.url}/reception/sessions/{session.pk}/edit/")
    assert_accessible(desktop_page, "polish-session-edit-desktop")

    page = phone
    login_as(page, "chutich")
    page.goto(f"{live_server.url}/reception/sessions/{session.pk}/")
    page.get_by_role("link", name="Đổi ngày, giờ hoặc địa điểm").click()
    assert_accessible(page, "polish-session-edit-phone")
    page.get_by_label("Ngày").fill((day - timedelta(days=18)).isoformat())
    page.get_by_label("Địa điểm").fill("Nhà văn hoá tổ dân phố số 5")
    page.get_by_label("Lý do thay đổi").fill("Chủ tịch dự họp đột xuất tại Thành phố")
    page.get_by_role("button", name="Lưu thay đổi").click()
    page.wait_for_url(f"**/reception/sessions/{session.pk}/")
    expect(page.get_by_text("công bố muộn").first).to_be_visible()
    expect(page.get_by_text("Nhà văn hoá tổ dân phố số 5")).to_be_visible()
    assert_accessible(page, "polish-session-moved-phone")


def test_a_leader_reads_the_units_below_in_order_and_the_summary_in_english(
    live_server, phone, desktop_page, login_as, city, commune, other_commune
):
    leader = UserFactory(username="lanhdao.tp", first_name="Nguyễn Văn", last_name="Thành")
    MembershipFactory(user=leader, unit=city, role=Role.LEADER_VIEWER)
    for code, name in [("00001", "Phường Đống Đa"), ("00002", "Phường Cầu Giấy"), ("00003", "Phường Bắc Từ Liêm")]:
        UnitFactory(code=code, name=name, parent=city, level=UnitLevel.COMMUNE)
    save(
        visits(commune, 30, on=date(2024, 2, 15)) + visits(commune, 20, on=date(2023, 2, 15)),
        [],
        dossiers(commune, 40, on=date(2024, 1, 10), due=date(2024, 1, 20), resolved_on=date(2024, 1, 18))
        + dossiers(commune, 30, on=date(2023, 1, 10), due=date(2023, 1, 20), resolved_on=date(2023, 1, 18)),
    )
    report_compile_now(unit=city, period=Q1, kind="quarter", convention="calendar", actor=None)
    url = f"{live_server.url}/reports/dashboard/?kind=quarter&year=2024&number=1"
    for page, name in [(desktop_page, "desktop"), (phone, "phone")]:
        login_as(page, "lanhdao.tp")
        page.goto(url)
        names = page.locator("#children-heading ~ div table tbody th").all_inner_texts()
        assert names == [
            "Phường Ba Đình",
            "Phường Bắc Từ Liêm",
            "Phường Cầu Giấy",
            "Phường Đống Đa",
            "Phường Hoàn Kiếm",
        ]
        assert_accessible(page, f"polish-reports-dashboard-{name}")
        page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": live_server.url}])
        page.goto(url)
        expect(page.get_by_text("The official text of the report, in Vietnamese")).to_be_visible()
        assert_accessible(page, f"polish-reports-dashboard-en-{name}")


def test_the_staff_home_shows_a_head_the_reception_days_card(live_server, phone, login_as, head):
    login_as(phone, "chutich")
    expect(phone.get_by_role("link", name="Số ngày tiếp của Chủ tịch")).to_be_visible()
    assert_accessible(phone, "polish-staff-home-head-phone")


def test_the_handler_list_shows_names_on_a_phone(live_server, phone, desktop_page, login_as, officer, handler, commune):
    from adminreform.services import Applicant, dossier_receive
    from tests.adminreform.factories import ProcedureFactory

    procedure = ProcedureFactory(code="1.001193", name="Đăng ký khai sinh", processing_days=3)
    dossier = dossier_receive(
        unit=commune,
        procedure=procedure,
        applicant=Applicant(name="Nguyễn Thị Hoa", phone="0912345678", id_number="001099012345"),
        documents=[],
        actor=officer,
        received_on=timezone.localdate(),
    )
    for page, name in [(desktop_page, "desktop"), (phone, "phone")]:
        login_as(page, "canbo")
        page.goto(f"{live_server.url}/dossiers/{dossier.pk}/")
        options = page.locator("form[action$='/do/assign/'] select option").all_inner_texts()
        assert handler.get_full_name() in options and "xuly" not in options
        assert_accessible(page, f"polish-dossier-assign-{name}")
