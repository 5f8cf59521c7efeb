"""Pages as officials and citizens use them: scoping, queue, intake, prints, register,
public lookup and rating, online submission."""

import io
import re
from datetime import date

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from adminreform.models import Dossier, DossierStatus
from adminreform.pins import pin_matches
from adminreform.services import dossier_assign, dossier_mark_result_ready, dossier_return
from tests.adminreform.factories import DossierFactory
from tests.files import png_bytes

pytestmark = pytest.mark.django_db

PNG = png_bytes()


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()


def test_another_units_dossier_is_404(client, receive, other_officer):
    dossier = receive()
    client.force_login(other_officer)
    for name in ("adminreform:dossier_detail", "adminreform:dossier_receipt"):
        assert client.get(reverse(name, args=[dossier.pk])).status_code == 404
    assert dossier.ref not in client.get(reverse("adminreform:dossier_list")).content.decode()


def test_queue_shows_overdue_first_with_text_and_pins_queries(
    client, officer, commune, procedure, django_assert_max_num_queries
):
    DossierFactory(unit=commune, ref="LATER", procedure=procedure, due_on=date(2099, 1, 10))
    DossierFactory(unit=commune, ref="OVERDUE", procedure=procedure, due_on=date(2020, 1, 10))
    for n in range(20):
        DossierFactory(unit=commune, ref=f"X{n}", procedure=procedure, due_on=date(2099, 1, 20))
    client.force_login(officer)
    with django_assert_max_num_queries(8):
        page = client.get(reverse("adminreform:dossier_list")).content.decode()
    assert page.index("OVERDUE") < page.index("LATER")
    assert "Quá hạn" in page


def test_counter_intake_receipt_has_code_qr_and_pin(client, officer, procedure):
    client.force_login(officer)
    docs = [d.pk for d in procedure.documents.all()]
    response = client.post(
        reverse("adminreform:intake", args=[procedure.pk]),
        {
            "applicant_name": "Lê Văn Cư",
            "applicant_phone": "0987654321",
            "channel": "counter",
            "documents": docs,
            "decision": "accept",
        },
    )
    dossier = Dossier.objects.get()
    assert response.status_code == 302
    receipt = client.get(response["Location"]).content.decode()
    shown = re.search(r'id="lookup-pin">(\d{6})<', receipt)
    assert dossier.ref in receipt and shown and pin_matches(shown.group(1), dossier.lookup_pin_digest)
    assert 'src="data:image/png;base64,' in receipt


def test_counter_intake_with_missing_document_keeps_input_and_explains(client, officer, procedure):
    client.force_login(officer)
    response = client.post(
        reverse("adminreform:intake", args=[procedure.pk]),
        {"applicant_name": "Lê Văn Cư", "channel": "counter", "decision": "accept"},
    )
    page = response.content.decode()
    assert response.status_code == 200 and "Lê Văn Cư" in page and "Giấy chứng sinh" in page
    assert not Dossier.objects.exists()
    response = client.post(
        reverse("adminreform:intake", args=[procedure.pk]),
        {"applicant_name": "Lê Văn Cư", "channel": "counter", "decision": "supplement"},
    )
    slip = client.get(response["Location"]).content.decode()
    assert "Mẫu số 02" in slip and "Tờ khai đăng ký khai sinh" in slip and "Giấy chứng sinh" in slip


def test_procedure_search_json_works_without_diacritics(client, officer, procedure):
    client.force_login(officer)
    for text in ("khai sinh", "KHAI SINH", "đăng ký khai"):
        names = [
            r["name"] for r in client.get(reverse("adminreform:procedure_search_json"), {"q": text}).json()["results"]
        ]
        assert names == ["Đăng ký khai sinh"], text
    page = client.get(reverse("adminreform:intake_search"), {"q": "dang ky khai sinh"}).content.decode()
    assert "Đăng ký khai sinh" in page


def test_register_xlsx_opens_with_the_dossiers(client, officer, receive):
    dossier = receive(on=date(2026, 3, 2))
    client.force_login(officer)
    url = reverse("adminreform:register")
    params = {"unit": dossier.unit_id, "start": "2026-03-01", "end": "2026-03-31"}
    assert dossier.ref in client.get(url, params).content.decode()
    default_page = client.get(url).content.decode()  # this month by default, with its XLSX link
    assert "format=xlsx" in default_page and "unit=" in default_page
    response = client.get(url, {**params, "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.getvalue())).active
    refs = [row[1] for row in sheet.iter_rows(min_row=4, values_only=True)]
    assert refs == [dossier.ref]


def test_detail_action_stale_version_is_shown_and_input_kept(client, handler, receive):
    dossier = receive()
    client.force_login(handler)
    url = reverse("adminreform:dossier_action", args=[dossier.pk, "refuse"])
    response = client.post(url, {"version": dossier.version + 5, "reason": "Lý do của tôi"})
    page = response.content.decode()
    assert response.status_code == 400 and "Lý do của tôi" in page and "người khác" in page


def test_public_lookup_shows_status_without_personal_data(client, receive, handler):
    dossier = receive()
    response = client.post(reverse("adminreform:lookup"), {"code": dossier.ref, "pin": dossier.lookup_pin})
    page = response.content.decode()
    assert response.status_code == 200 and "Đã tiếp nhận" in page
    for secret in ("Nguyễn Văn Dân", "0912345678", "001099012345"):
        assert secret not in page


def test_wrong_code_and_wrong_pin_get_the_same_answer(client, receive):
    dossier = receive()
    wrong_pin = client.post(reverse("adminreform:lookup"), {"code": dossier.ref, "pin": "000000"})
    wrong_code = client.post(reverse("adminreform:lookup"), {"code": "00070-000000-9999", "pin": dossier.lookup_pin})
    assert wrong_pin.status_code == wrong_code.status_code == 404
    for response in (wrong_pin, wrong_code):
        page = response.content.decode()
        assert "Không tìm thấy hồ sơ với mã hồ sơ và mã PIN này" in page
        assert "public-status" not in page and "Phường Hoàn Kiếm" not in page


def test_lookup_is_rate_limited_per_ip(client, receive):
    for _ in range(20):
        client.post(reverse("adminreform:lookup"), {"code": "X", "pin": "111111"})
    assert client.post(reverse("adminreform:lookup"), {"code": "X", "pin": "111111"}).status_code == 429


def test_citizen_rates_after_return(client, receive, handler):
    dossier = receive()
    pin = dossier.lookup_pin  # shown once, on receipt
    dossier = dossier_assign(dossier=dossier, assignee=handler, actor=handler)
    dossier = dossier_mark_result_ready(dossier=dossier, actor=handler)
    dossier_return(dossier=dossier, actor=handler)
    response = client.post(
        reverse("adminreform:rate"),
        {"code": dossier.ref, "pin": pin, "rate-score": 3, "rate-visits": 1},
    )
    assert response.status_code == 200
    dossier.refresh_from_db()
    assert (dossier.status, dossier.rating_score, dossier.rating_visits) == (DossierStatus.RETURNED, 3, 1)


def test_online_submission_checks_file_content(client, commune, officer, procedure):
    url = reverse("adminreform:online_submit", args=[procedure.pk])
    docs = list(procedure.documents.all())
    base = {"applicant_name": "Phạm Thu", "applicant_phone": "0911222333", "unit": commune.pk, "consent": "on"}
    fake = SimpleUploadedFile("to-khai.pdf", b"this is not a pdf", content_type="application/pdf")
    good = SimpleUploadedFile("chung-sinh.png", PNG, content_type="image/png")
    response = client.post(url, {**base, f"doc_{docs[0].pk}": fake, f"doc_{docs[1].pk}": good})
    assert response.status_code == 400 and "không phải" in response.content.decode().lower()
    assert not Dossier.objects.exists()
    pdf = SimpleUploadedFile("to-khai.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", content_type="application/pdf")
    good.seek(0)
    response = client.post(url, {**base, f"doc_{docs[0].pk}": pdf, f"doc_{docs[1].pk}": good})
    dossier = Dossier.objects.get()
    assert dossier.channel == "online" and dossier.ref in response.content.decode()
    assert sorted(dossier.documents.values_list("content_type", flat=True)) == ["application/pdf", "image/png"]


def test_catalogue_page_gives_its_figures(client, officer, procedure):
    client.force_login(officer)
    page = client.get(reverse("adminreform:procedure_list")).content.decode()
    assert "1 thủ tục" in page


def test_register_and_catalogue_pages_pin_their_queries(
    client, officer, commune, procedure, django_assert_max_num_queries
):
    for n in range(15):
        DossierFactory(unit=commune, ref=f"R{n}", procedure=procedure, received_on=date(2026, 3, 2))
    client.force_login(officer)
    with django_assert_max_num_queries(10):
        page = client.get(
            reverse("adminreform:register"), {"unit": commune.pk, "start": "2026-03-01", "end": "2026-03-31"}
        )
    assert page.content.decode().count("<tr>") == 16
    with django_assert_max_num_queries(8):
        client.get(reverse("adminreform:procedure_list"))


def test_city_leader_sees_a_commune_dossier_but_cannot_act_on_it(client, city_leader, receive):
    dossier = receive()
    client.force_login(city_leader)
    assert client.get(reverse("adminreform:dossier_detail", args=[dossier.pk])).status_code == 200
    response = client.post(
        reverse("adminreform:dossier_action", args=[dossier.pk, "refuse"]), {"version": dossier.version, "reason": "x"}
    )
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.RECEIVED


def test_transfer_from_the_page_logs_mau_06(client, handler, receive, city):
    dossier = receive()
    client.force_login(handler)
    response = client.post(
        reverse("adminreform:dossier_action", args=[dossier.pk, "transfer"]),
        {"version": dossier.version, "to_unit": city.pk, "note": "Liên thông"},
    )
    assert response.status_code == 302
    control = client.get(reverse("adminreform:dossier_print", args=[dossier.pk, "control"])).content.decode()
    assert "Đã chuyển liên thông" in control and "Thành phố Hà Nội" in control


def test_repealed_and_offline_procedures_are_not_offered(client, officer, commune):
    from tests.adminreform.factories import ProcedureFactory

    repealed = ProcedureFactory(code="OLD", name="Đăng ký khai sinh cũ", valid_to=date(2020, 1, 1))
    offline = ProcedureFactory(code="OFF", name="Chứng thực bản sao", online_service="none")
    client.force_login(officer)
    results = client.get(reverse("adminreform:procedure_search_json"), {"q": "khai sinh"}).json()["results"]
    assert results == []
    client.logout()
    assert client.get(reverse("adminreform:online_submit", args=[offline.pk])).status_code == 404
    assert client.get(reverse("adminreform:online_submit", args=[repealed.pk])).status_code == 404


def test_the_process_control_lines_set_the_official_apart_from_the_unit(client, receive, officer, commune):
    """Mẫu 06 on the dossier page and printed: "Phường Hoàn Kiếm" and the official's name on
    two lines, not run together as one name."""
    dossier = dossier_assign(dossier=receive(), assignee=officer, actor=officer)
    client.force_login(officer)
    for url in (
        reverse("adminreform:dossier_detail", args=[dossier.pk]),
        reverse("adminreform:dossier_print", args=[dossier.pk, "control"]),
    ):
        page = client.get(url).content.decode()
        assert f"{commune.name}<br>{officer.get_full_name()}" in page, url
        assert f"{commune.name} {officer.get_full_name()}" not in page, url
