"""The look, as users see it: on a 360 px phone every public page and the main staff pages of
the one-stop shop and the reports fit the screen (no sideways scrolling of the whole page: wide
tables scroll inside their own box) and pass axe-core (no serious or critical violations).
The printed receipt reads like the paper Mẫu 01, and the staff nav says where you are."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from adminreform.services import (
    Applicant,
    dossier_apologise,
    dossier_assign,
    dossier_receive,
    dossier_request_supplement,
    dossier_stop,
)
from core.selectors import deadline_for
from reports.periods import Period
from reports.services import report_compile_now
from tests.adminreform.factories import ProcedureDocumentFactory, ProcedureFactory
from tests.e2e.conftest import PHONE, assert_accessible
from tests.reports.factories import dossiers, save, visits
from tests.rules import seed_deadline_rules

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
Q1 = Period(date(2024, 1, 1), date(2024, 3, 31))


@pytest.fixture(autouse=True)
def deadline_rules(transactional_db):
    """core's data migration seeds the deadline rules; the flush after each transactional test
    erases them: put them back (the seed is idempotent)."""
    seed_deadline_rules()


@pytest.fixture
def procedure(db):
    p = ProcedureFactory(code="1.001193", name="Đăng ký khai sinh", processing_days=5, online_service="fully")
    ProcedureDocumentFactory(procedure=p, name="Tờ khai đăng ký khai sinh", position=1)
    ProcedureDocumentFactory(procedure=p, name="Giấy chứng sinh", position=2)
    return p


@pytest.fixture
def receive(commune, officer, procedure):
    def make(name: str = "Nguyễn Văn Dân"):
        return dossier_receive(
            unit=commune,
            procedure=procedure,
            applicant=Applicant(name=name, phone="0912345678", id_number="001099012345"),
            documents=list(procedure.documents.all()),
            actor=officer,
        )

    return make


def fits_the_phone_and_is_accessible(page, name: str) -> None:
    """The page as it is now: nothing wider than the phone, and axe-core finds nothing serious."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{name}: the page scrolls sideways ({width} px on a {PHONE['width']} px phone)"
    assert_accessible(page, f"review-{name}")


def test_public_pages_fit_a_phone_and_are_accessible(live_server, phone_page, receive, procedure):
    dossier = receive()
    pages = {
        "home": reverse("core:home"),
        "login": reverse("login"),
        "dossier-lookup": reverse("adminreform:lookup"),
        "online-list": reverse("adminreform:online_list"),
        "online-submit": reverse("adminreform:online_submit", args=[procedure.pk]),
        "petition-file": reverse("petitions:file"),
        "petition-track": reverse("petitions:track"),
        "reception-schedule": reverse("reception:schedule"),
    }
    for name, url in pages.items():
        phone_page.goto(live_server.url + url)
        assert phone_page.locator("html").get_attribute("lang") == "vi"
        fits_the_phone_and_is_accessible(phone_page, f"public-{name}")

    # A citizen looks the dossier up from the receipt: the menu says where they are, the status shows.
    phone_page.goto(live_server.url + reverse("adminreform:lookup"))
    current = phone_page.locator("#main-nav a[aria-current='page']")
    assert current.count() == 1 and current.text_content() == "Tra cứu hồ sơ"
    phone_page.get_by_label("Mã hồ sơ").fill(dossier.ref)
    phone_page.get_by_label("Mã PIN").fill(dossier.lookup_pin)
    phone_page.get_by_role("button", name="Tra cứu").click()
    assert phone_page.locator("#public-status").inner_text() == "Đã tiếp nhận"
    fits_the_phone_and_is_accessible(phone_page, "public-dossier-lookup-result")


def test_one_stop_staff_pages_fit_a_phone_and_say_where_you_are(
    live_server, phone_page, login_as, officer, handler, receive, procedure
):
    today = timezone.localdate()
    dossier = receive("Trần Thị Bình")
    supplemented = dossier_request_supplement(
        dossier=receive("Lê Văn Cường"), missing=["Bản sao giấy chứng sinh"], actor=officer, on=today
    )
    late = dossier_assign(dossier=receive("Phạm Thu Dung"), assignee=handler, actor=officer)
    apologised = dossier_apologise(
        dossier=late,
        new_due_on=deadline_for(code="dossier.resolve", start=late.due_on, amount=3).due_on,
        reason="Cần xác minh thêm với cơ quan liên quan",
        actor=handler,
        on=today,
    )
    stopped = dossier_stop(dossier=receive("Hoàng Minh Em"), reason="Người nộp đề nghị dừng", actor=officer)

    page = phone_page
    login_as(page, "canbo")
    fits_the_phone_and_is_accessible(page, "staff-home")
    pages = {
        "queue": reverse("adminreform:dossier_list"),
        "intake-search": reverse("adminreform:intake_search") + "?q=khai+sinh",
        "intake-form": reverse("adminreform:intake", args=[procedure.pk]),
        "dossier": reverse("adminreform:dossier_detail", args=[dossier.pk]),
        "mau-01": reverse("adminreform:dossier_receipt", args=[dossier.pk]),
        "mau-02": reverse("adminreform:dossier_print", args=[supplemented.pk, "supplement"]),
        "mau-04": reverse("adminreform:dossier_print", args=[apologised.pk, "apology"]),
        "mau-05": reverse("adminreform:dossier_print", args=[stopped.pk, "stop"]),
        "mau-06": reverse("adminreform:dossier_print", args=[dossier.pk, "control"]),
        "register": reverse("adminreform:register"),
        "catalogue": reverse("adminreform:procedure_list"),
    }
    for name, url in pages.items():
        page.goto(live_server.url + url)
        fits_the_phone_and_is_accessible(page, f"adminreform-{name}")
        # Every one-stop page lights up its section of the menu, for screen readers too.
        current = page.locator("#main-nav a[aria-current='page']")
        assert current.count() == 1 and current.inner_text() == "Bộ phận một cửa", name

    # The apology letter is addressed the Vietnamese way.
    page.goto(live_server.url + pages["mau-04"])
    expect(page.get_by_text("Kính gửi: Phạm Thu Dung")).to_be_visible()


def test_the_receipt_reads_like_the_paper_form(live_server, desktop_page, login_as, officer, receive):
    dossier = receive("Nguyễn Thị Hoa")
    page = desktop_page
    login_as(page, "canbo")
    page.goto(live_server.url + reverse("adminreform:dossier_receipt", args=[dossier.pk]))
    slip = page.locator("article.print-form")
    expect(slip.get_by_text("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")).to_be_visible()
    expect(slip.get_by_text("Độc lập - Tự do - Hạnh phúc")).to_be_visible()
    expect(slip.get_by_text("PHƯỜNG HOÀN KIẾM")).to_be_visible()
    expect(slip.get_by_text("Mẫu số 01")).to_be_visible()
    expect(slip.get_by_role("heading", name="GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ")).to_be_visible()
    received = dossier.received_at or dossier.received_on
    day = timezone.localtime(received) if hasattr(received, "hour") else received
    expect(slip.get_by_text(f"Ngày {day:%d} tháng {day:%m} năm {day:%Y}")).to_be_visible()
    assert slip.locator("#appointment").inner_text() == dossier.appointment_on.strftime("%d/%m/%Y")
    assert slip.get_by_text("Ký và ghi rõ họ tên").count() == 2
    assert_accessible(page, "review-mau-01-desktop")


def test_reports_pages_fit_a_phone(live_server, phone_page, login_as, city, commune, city_leader):
    save(
        visits(commune, 1634, on=date(2024, 2, 15)),
        [],
        dossiers(commune, 968, on=date(2024, 1, 10), due=date(2024, 1, 20), resolved_on=date(2024, 1, 18))
        + dossiers(commune, 32, on=date(2024, 1, 10), due=date(2024, 1, 20), resolved_on=date(2024, 1, 25)),
    )
    for unit in (city, commune):
        report = report_compile_now(unit=unit, period=Q1, kind="quarter", convention="calendar", actor=None)
    page = phone_page
    login_as(page, "lanhdao")
    query = "kind=quarter&year=2024&number=1"
    pages = {
        "dashboard": f"{reverse('reports:dashboard')}?{query}",
        "drill-down": f"{reverse('reports:dashboard')}?unit={commune.code}&{query}",
        "report": reverse("reports:report_detail", args=[report.pk]),
    }
    for name, url in pages.items():
        page.goto(live_server.url + url)
        fits_the_phone_and_is_accessible(page, f"reports-{name}")
        current = page.locator("#main-nav a[aria-current='page']")
        assert current.count() == 1 and current.inner_text() == "Báo cáo", name
    # Vietnamese number format on the drill-down.
    page.goto(live_server.url + pages["drill-down"])
    expect(page.get_by_role("cell", name="1.634").first).to_be_visible()
