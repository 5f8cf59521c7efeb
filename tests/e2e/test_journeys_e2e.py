"""The three journeys of issue [5/7], end to end in Chromium, axe on every page visited:

1. a citizen on a 390×844 phone files (the browser refuses an oversize file before sending it),
   tracks, and reads the answer with its reply letter;
2. an officer logs a reception where a delegation files a petition, and a handler resolves it
   with a letter from "Việc của tôi";
3. an applicant's dossier notifies them at each step (the outbox rows checked).
"""

from datetime import date

import pytest
from playwright.sync_api import expect

from adminreform.models import DossierNotification
from petitions.models import Attachment, Notification, Petition
from tests.e2e.conftest import assert_accessible

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True), pytest.mark.long]

PHONE_390 = {"width": 390, "height": 844}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def deadline_rules(transactional_db):
    """Transactional tests flush the tables between tests, seeded rules included: seed them again."""
    from importlib import import_module

    from django.apps import apps

    import_module("core.migrations.0002_seed_deadline_rules").seed(apps, None)
    import_module("petitions.migrations.0005_seed_petition_rules").seed(apps, None)
    import_module("petitions.migrations.0013_complaint_decision_sending_rule").seed(apps, None)


@pytest.fixture
def phone_390(browser):
    context = browser.new_context(viewport=PHONE_390, locale="vi-VN", is_mobile=True, has_touch=True)
    page = context.new_page()
    yield page
    context.close()


def letter(tmp_path, name="45-UBND-QLDT.pdf"):
    path = tmp_path / name
    path.write_bytes(PDF)
    return path


def test_a_citizen_files_on_a_phone_tracks_and_reads_the_answer_with_its_letter(
    live_server, phone_390, desktop_page, login_as, deadline_rules, commune, handler, tmp_path
):
    page = phone_390
    page.goto(f"{live_server.url}/petitions/file/")
    assert_accessible(page, "journey1-file-phone")
    page.get_by_role("radio", name="Kiến nghị").check()
    page.locator("#id_petitioner_name").fill("Trần Thị Bình")
    page.locator("#id_petitioner_address").fill("5 Lý Thái Tổ, Hoàn Kiếm")
    page.locator("#id_petitioner_phone").fill("0987 654 321")
    page.locator("#id_unit").select_option("00070")
    page.locator("#id_subject").fill("Đề nghị lắp đèn chiếu sáng ngõ 12")
    page.locator("#id_content").fill("Ngõ 12 phố Hàng Bạc không có đèn chiếu sáng ban đêm.")
    # A 20 MB photo is refused by the browser before anything is sent.
    big = tmp_path / "anh-ngo.jpg"
    big.write_bytes(b"\xff\xd8\xff" + b"\x00" * (20 * 1024 * 1024))
    page.locator("#id_attachments").set_input_files([str(big), str(letter(tmp_path, "ban-ve.pdf"))])
    assert "vượt mức" in page.locator("#id_attachments-check").inner_text()
    assert page.evaluate("document.getElementById('id_attachments').files.length") == 1
    assert_accessible(page, "journey1-file-refused-phone")
    page.locator("#id_consent").check()
    page.get_by_role("button", name="Gửi đơn").click()
    page.wait_for_url(f"{live_server.url}/petitions/file/done/")
    code = page.locator("#tracking-code").inner_text().strip()
    secret = page.locator("#tracking-secret").inner_text().strip()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert_accessible(page, "journey1-filed-phone")
    petition = Petition.objects.get(tracking_code=code)
    assert [a.original_name for a in Attachment.objects.filter(petition=petition)] == ["ban-ve.pdf"]

    # The committee accepts it and the handler answers with the signed letter.
    from petitions.services import petition_accept, petition_classify

    petition = petition_classify(
        petition=petition,
        expected_version=None,
        eligible=True,
        competent=True,
        kind=petition.kind,
        signers=1,
        has_originals=False,
        anonymous=False,
        over_level=False,
        actor=None,
    )
    petition_accept(petition=petition, expected_version=None, actor=None)
    desk = desktop_page
    login_as(desk, "xuly")
    desk.goto(f"{live_server.url}/petitions/{petition.pk}/resolve/")
    assert_accessible(desk, "journey1-resolve-desktop")
    desk.locator("#id_result").select_option("answered")
    desk.locator("#id_note").fill("Văn bản số 45/UBND-QLĐT: sẽ lắp đèn trong tháng 4/2026.")
    desk.locator("#id_reply_letter").set_input_files(str(letter(tmp_path)))
    desk.get_by_role("button", name="Ghi kết quả giải quyết").click()
    desk.wait_for_url(f"{live_server.url}/petitions/{petition.pk}/")
    expect(desk.locator("#result").get_by_text("45-UBND-QLDT.pdf")).to_be_visible()

    # The citizen tracks it and reads the answer, then downloads the letter.
    page.goto(f"{live_server.url}/petitions/track/")
    page.get_by_label("Mã tra cứu").fill(code.lower())
    page.get_by_label("Mật mã").fill(secret)
    page.get_by_role("button", name="Tra cứu").click()
    assert "45/UBND-QLĐT" in page.locator("#answer-text").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert_accessible(page, "journey1-answer-phone")
    with page.expect_download() as download:
        page.locator("#download-letter").click()
    assert download.value.suggested_filename == "45-UBND-QLDT.pdf"
    assert download.value.path().read_bytes() == PDF
    sent = set(Notification.objects.filter(petition=petition).values_list("template", "channel"))
    assert ("answered", "sms") in sent


def test_an_applicants_dossier_notifies_at_each_step(live_server, desktop_page, login_as, deadline_rules, officer):
    from adminreform.models import Dossier
    from adminreform.services import dossier_apologise
    from tests.adminreform.factories import ProcedureDocumentFactory, ProcedureFactory

    procedure = ProcedureFactory(code="1.001193", name="Đăng ký khai sinh", processing_days=5)
    ProcedureDocumentFactory(procedure=procedure, name="Tờ khai đăng ký khai sinh", position=1)
    page = desktop_page
    login_as(page, "canbo")
    page.goto(live_server.url + "/dossiers/intake/")
    page.get_by_label("Thủ tục").fill("khai sinh")
    page.get_by_role("link", name="Đăng ký khai sinh").click()
    assert_accessible(page, "journey3-intake-desktop")
    page.get_by_label("Tờ khai đăng ký khai sinh").check()
    page.get_by_label("Họ và tên người nộp").fill("Nguyễn Văn Dân")
    page.get_by_label("Số điện thoại").fill("0912 345 678")
    page.get_by_label("Thư điện tử").fill("dan@example.vn")
    page.get_by_role("button", name="Lưu").click()
    page.wait_for_url("**/print/receipt/")
    dossier = Dossier.objects.get()

    def sent() -> list[tuple[str, str]]:
        rows = DossierNotification.objects.filter(dossier=dossier, sent_at__isnull=False)
        return sorted(rows.values_list("template", "channel"))

    assert sent() == [("received", "email"), ("received", "sms")]
    assert dossier.applicant_phone == "0912345678"
    dossier_apologise(
        dossier=dossier,
        new_due_on=date(2099, 1, 2),
        reason="Chờ xác minh hộ tịch",
        actor=officer,
        on=dossier.received_on,
    )
    assert ("apology", "sms") in sent()
    page.get_by_role("link", name="Quay lại hồ sơ").click()
    page.locator("form[action$='/do/assign/'] button").click()
    page.locator("form[action$='/do/result/'] button").click()
    expect(page.get_by_text("Đã có kết quả").first).to_be_visible()
    assert_accessible(page, "journey3-result-ready-desktop")
    assert ("result_ready", "email") in sent() and ("result_ready", "sms") in sent()
    assert not DossierNotification.objects.filter(dossier=dossier, sent_at__isnull=True).exists()


def test_a_delegation_files_a_petition_and_a_handler_resolves_it_from_my_work(
    live_server, desktop_page, browser, login_as, deadline_rules, commune, officer, handler, tmp_path
):
    from reception.models import Visit

    page = desktop_page
    login_as(page, "canbo")
    page.goto(f"{live_server.url}/reception/sessions/")
    page.get_by_role("button", name="Ghi sổ tiếp hôm nay").click()
    page.wait_for_url("**/reception/sessions/*/")
    assert_accessible(page, "journey2-session-desktop")
    page.get_by_label("Họ tên công dân").fill("Lê Văn Cường")
    # From 1/7/2026 a visitor must give identification (Law 136/2025).
    page.locator("#id_identity_number").fill("001090001234")
    page.locator("#id_people").fill("8")
    page.get_by_label("Số người đại diện", exact=True).fill("2")
    page.locator("#id_representative_names").fill("Lê Văn Cường, Phạm Thị Dung")
    page.locator("#id_kind").select_option("complaint")
    page.get_by_label("Nội dung").fill("Khiếu nại việc thu hồi đất làm đường ngõ 12 Hàng Bạc")
    page.locator("#id_outcome").select_option("petition")
    page.get_by_role("button", name="Lưu và xem lượt tiếp").click()
    page.wait_for_url("**/reception/visits/*/")
    assert_accessible(page, "journey2-visit-desktop")
    visit = Visit.objects.get()
    petition = Petition.objects.get(ref=visit.petition_ref, unit=commune)
    assert petition.signers == 8 or visit.people == 8

    # The desk classifies it and gives it to the handler.
    from petitions.services import petition_assign, petition_classify

    petition = petition_classify(
        petition=petition,
        expected_version=None,
        eligible=True,
        competent=True,
        kind=petition.kind,
        signers=8,
        has_originals=False,
        anonymous=False,
        over_level=False,
        actor=officer,
    )
    petition_assign(petition=petition, assignee=handler, expected_version=None, actor=officer)

    # The handler finds it in "Việc của tôi", accepts it and resolves it with the letter.
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="vi-VN")
    desk = context.new_page()
    login_as(desk, "xuly")
    assert_accessible(desk, "journey2-my-work-desktop")
    assert "Mới: 1" in desk.locator("#work-counts").inner_text()
    desk.locator("#my-work").get_by_role("link", name=f"{petition.ref} · ").click()
    desk.wait_for_url(f"{live_server.url}/petitions/{petition.pk}/")
    desk.get_by_role("link", name="Thụ lý", exact=True).click()
    desk.get_by_role("button", name="Thụ lý giải quyết").click()
    desk.get_by_role("link", name="Ghi kết quả giải quyết").click()
    assert_accessible(desk, "journey2-resolve-desktop")
    desk.locator("#id_result").select_option("wrong")
    desk.locator("#id_note").fill("Quyết định số 12/QĐ-UBND ngày 20/03/2026: giữ nguyên quyết định thu hồi đất.")
    desk.locator("#id_reply_letter").set_input_files(str(letter(tmp_path, "12-QD-UBND.pdf")))
    desk.get_by_role("button", name="Ghi kết quả giải quyết").click()
    desk.wait_for_url(f"{live_server.url}/petitions/{petition.pk}/")
    expect(desk.locator("#result").get_by_text("12-QD-UBND.pdf")).to_be_visible()
    assert_accessible(desk, "journey2-resolved-desktop")
    petition.refresh_from_db()
    assert petition.status == "resolved" and petition.attachments.filter(is_reply=True).exists()
    context.close()
