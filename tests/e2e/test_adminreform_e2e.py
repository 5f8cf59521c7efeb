"""One-stop shop in a browser: an official takes a dossier in at the counter, prints the
slip, returns the result; the citizen looks it up on a phone and rates the service."""

import pytest
from playwright.sync_api import expect

from adminreform.models import Dossier
from tests.adminreform.factories import ProcedureDocumentFactory, ProcedureFactory
from tests.e2e.conftest import assert_accessible
from tests.rules import seed_deadline_rules

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def deadline_rules(transactional_db):
    """The deadline rules come from core's data migration, which the flush after each
    transactional test erases: put them back (the seed is idempotent)."""
    seed_deadline_rules()


def test_counter_intake_to_citizen_rating(live_server, desktop_page, phone_page, login_as, officer):
    procedure = ProcedureFactory(code="1.001193", name="Đăng ký khai sinh", processing_days=3)
    ProcedureDocumentFactory(procedure=procedure, name="Tờ khai đăng ký khai sinh", position=1)
    ProcedureDocumentFactory(procedure=procedure, name="Giấy chứng sinh", position=2)
    page = desktop_page
    login_as(page, "canbo")

    # The official finds the procedure by typing without diacritics.
    page.goto(live_server.url + "/dossiers/intake/")
    page.get_by_label("Thủ tục").fill("khai sinh")
    page.get_by_role("link", name="Đăng ký khai sinh").click()
    assert_accessible(page, "adminreform-intake-form")
    page.get_by_label("Tờ khai đăng ký khai sinh").check()
    page.get_by_label("Giấy chứng sinh").check()
    page.get_by_label("Họ và tên người nộp").fill("Nguyễn Thị Hoa")
    page.get_by_label("Số điện thoại").fill("0912345678")
    page.get_by_role("button", name="Lưu").click()

    # The receipt and appointment slip (Mẫu 01) shows the code as text and QR, and the PIN.
    page.wait_for_url("**/print/receipt/")
    dossier = Dossier.objects.get()
    assert page.locator("#dossier-code").inner_text() == dossier.ref
    expect(page.get_by_role("img", name=f"Mã QR của hồ sơ {dossier.ref}")).to_be_visible()
    pin = page.locator("#lookup-pin").inner_text()
    assert_accessible(page, "adminreform-receipt")

    # Processing: assign, result ready, return.
    page.get_by_role("link", name="Quay lại hồ sơ").click()
    assert_accessible(page, "adminreform-dossier-detail")
    page.locator("form[action$='/do/assign/'] button").click()
    expect(page.get_by_text("Đang giải quyết").first).to_be_visible()
    expect(page.get_by_role("cell", name="Đã phân công xử lý")).to_be_visible()  # a Mẫu 06 line
    page.locator("form[action$='/do/result/'] button").click()
    page.locator("form[action$='/do/return/'] button").click()
    expect(page.get_by_text("Đã trả kết quả").first).to_be_visible()
    page.goto(live_server.url + "/dossiers/")
    assert_accessible(page, "adminreform-dossier-list")

    # The citizen looks it up on a phone and rates the service.
    phone = phone_page
    phone.goto(live_server.url + "/dossiers/lookup/")
    phone.get_by_label("Mã hồ sơ").fill(dossier.ref)
    phone.get_by_label("Mã PIN").fill(pin)
    phone.get_by_role("button", name="Tra cứu").click()
    assert phone.locator("#public-status").inner_text() == "Đã trả kết quả"
    assert "Nguyễn Thị Hoa" not in phone.content()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    assert_accessible(phone, "adminreform-lookup-phone")
    phone.get_by_label("Rất hài lòng").check()
    phone.get_by_role("button", name="Gửi đánh giá").click()
    expect(phone.get_by_text("Cảm ơn ông/bà đã đánh giá.")).to_be_visible()
    assert_accessible(phone, "adminreform-rated-phone")
    dossier.refresh_from_db()
    assert (dossier.rating_score, dossier.rating_visits) == (3, 1)


def test_citizen_submits_online_on_a_phone(live_server, phone_page, commune, officer, tmp_path):
    procedure = ProcedureFactory(code="1.004873", name="Cấp giấy xác nhận tình trạng hôn nhân", processing_days=3)
    ProcedureDocumentFactory(procedure=procedure, name="Tờ khai theo mẫu", position=1)
    pdf = tmp_path / "to-khai.pdf"
    pdf.write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")
    page = phone_page
    page.goto(live_server.url + "/dossiers/online/")
    assert_accessible(page, "adminreform-online-list-phone")
    page.get_by_role("link", name="Cấp giấy xác nhận tình trạng hôn nhân").click()
    page.get_by_label("Họ và tên người nộp").fill("Trần Văn Nam")
    page.get_by_label("Số điện thoại").fill("0988111222")
    page.get_by_label("Nơi nộp hồ sơ").select_option(label="Phường Hoàn Kiếm")
    page.get_by_label("Tờ khai theo mẫu").set_input_files(str(pdf))
    page.get_by_label("Tôi đồng ý").check()
    assert_accessible(page, "adminreform-online-form-phone")
    page.get_by_role("button", name="Nộp hồ sơ").click()
    page.get_by_role("heading", name="Đã nộp hồ sơ").wait_for()
    dossier = Dossier.objects.get()
    assert page.locator("#dossier-code").inner_text() == dossier.ref
    assert dossier.channel == "online"
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert_accessible(page, "adminreform-online-done-phone")


def test_official_opens_register_and_catalogue(live_server, desktop_page, login_as, officer, commune):
    ProcedureFactory(code="1.001193", name="Đăng ký khai sinh", online_service="fully")
    page = desktop_page
    login_as(page, "canbo")
    page.goto(live_server.url + "/dossiers/intake/")
    assert_accessible(page, "adminreform-intake-search")
    page.goto(live_server.url + "/dossiers/register/")
    expect(page.get_by_role("heading", name="Sổ theo dõi hồ sơ (Mẫu 07)")).to_be_visible()
    assert_accessible(page, "adminreform-register")
    page.goto(live_server.url + "/dossiers/procedures/")
    assert "1 thủ tục, trong đó 1 dịch vụ công trực tuyến toàn trình" in page.locator("#catalogue-stats").inner_text()
    assert_accessible(page, "adminreform-catalogue")


def test_the_browser_refuses_a_20_mb_file_on_the_online_dossier_and_a_kept_file_survives_an_error(
    live_server, phone_page, commune, officer, tmp_path
):
    procedure = ProcedureFactory(code="1.001193", name="Đăng ký khai sinh", processing_days=3)
    ProcedureDocumentFactory(procedure=procedure, name="Tờ khai đăng ký khai sinh", position=1)
    ProcedureDocumentFactory(procedure=procedure, name="Giấy chứng sinh", position=2)
    form_paper, birth_paper = (f"#id_doc_{d.pk}" for d in procedure.documents.order_by("position"))
    big = tmp_path / "anh-to-khai.jpg"
    big.write_bytes(b"\xff\xd8\xff" + b"\x00" * (20 * 1024 * 1024))
    pdf = tmp_path / "chung-sinh.pdf"
    pdf.write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")
    sent: list[int] = []
    page = phone_page
    page.on("request", lambda r: sent.append(len(r.post_data_buffer or b"")) if r.method == "POST" else None)
    page.goto(f"{live_server.url}/dossiers/online/{procedure.pk}/")

    # A 20 MB photo is refused by the browser, in Vietnamese under its paper, before any sending.
    page.locator(form_paper).set_input_files(str(big))
    expect(page.locator(f"{form_paper}-check")).to_contain_text("vượt mức 10,0 MB")
    assert page.evaluate(f"document.querySelector('{form_paper}').files.length") == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert_accessible(page, "adminreform-online-refused-phone")

    # The other paper is chosen, the consent forgotten: the page comes back and keeps that file.
    page.get_by_label("Họ và tên người nộp").fill("Trần Văn Nam")
    page.get_by_label("Số điện thoại").fill("0988111222")
    page.get_by_label("Nơi nộp hồ sơ").select_option(label="Phường Hoàn Kiếm")
    page.locator(birth_paper).set_input_files(str(pdf))
    page.get_by_role("button", name="Nộp hồ sơ").click()
    expect(page.locator("#held-files")).to_contain_text("chung-sinh.pdf")
    expect(page.locator("#div_id_consent .invalid-feedback")).to_be_visible()
    assert page.get_by_label("Họ và tên người nộp").input_value() == "Trần Văn Nam"
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert_accessible(page, "adminreform-online-kept-phone")

    # Corrected, with the first paper now a small file: the dossier has both, nothing was 20 MB.
    page.locator(form_paper).set_input_files(str(pdf))
    page.get_by_label("Tôi đồng ý").check()
    page.get_by_role("button", name="Nộp hồ sơ").click()
    page.get_by_role("heading", name="Đã nộp hồ sơ").wait_for()
    dossier = Dossier.objects.get()
    papers = sorted(d.name for d in dossier.documents.exclude(file=""))
    assert papers == ["Giấy chứng sinh", "Tờ khai đăng ký khai sinh"]
    assert sent and max(sent) < 1024 * 1024
