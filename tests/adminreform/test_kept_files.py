"""The online dossier and a form error: a paper's file that passed the checks is kept for the
browser that chose it and goes with the dossier once the error is fixed; the browser is told
the limits first; a file too big is refused in Vietnamese next to its paper."""

import re

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from adminreform.models import Dossier, DossierDocument
from core.models import HeldUpload
from tests.files import png_bytes

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
KEY = "3f2b9c1e8a7d4f60b5e2c9a1d7f3e8b4"


@pytest.fixture(autouse=True)
def _clear_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def papers(procedure):
    """Tờ khai đăng ký khai sinh, then Giấy chứng sinh: both mandatory."""
    return [f"doc_{d.pk}" for d in procedure.documents.order_by("position")]


@pytest.fixture
def url(procedure, officer):  # the officer makes the commune run its one-stop shop on CivicDesk
    return reverse("adminreform:online_submit", args=[procedure.pk])


def applicant(commune, **changes):
    return {
        "applicant_name": "Phạm Thu Hằng",
        "applicant_phone": "0911222333",
        "applicant_address": "12 Hàng Bạc",
        "unit": commune.pk,
        "consent": "on",
        "form_key": KEY,
        **changes,
    }


def pdf(name="to-khai.pdf"):
    return SimpleUploadedFile(name, PDF, "application/pdf")


def png(name="chung-sinh.png"):
    return SimpleUploadedFile(name, png_bytes(), "image/png")


def field_block(html: str, field: str) -> str:
    match = re.search(rf'<div id="div_id_{field}".*?(?=<div id="div_id_|</form>)', html, re.S)
    assert match, f"no field {field} on the page"
    return match.group(0)


def test_the_form_tells_the_browser_the_limits_of_each_paper_and_loads_the_check(client, url, papers):
    html = client.get(url).content.decode()
    for paper in papers:
        block = field_block(html, paper)
        assert 'data-max-bytes="10485760"' in block and 'data-max-files="1"' in block
        assert 'accept=".pdf,.jpg,.jpeg,.png,.doc,.docx"' in block and "vượt mức" in block
    assert "js/file_check.js" in html
    assert re.search(r'name="form_key" value="[0-9a-f]{32}"', html)


def test_a_good_file_survives_a_field_error_and_is_filed_with_the_dossier(client, commune, url, papers):
    # given the applicant chose both papers but forgot the consent
    first = client.post(url, {**applicant(commune, consent=""), papers[0]: pdf(), papers[1]: png()})
    html = first.content.decode()
    assert first.status_code == 400 and not Dossier.objects.exists()
    # then the page says so next to the consent, and lists both files as received
    assert "invalid-feedback" in field_block(html, "consent")
    assert 'id="held-files"' in html and 'name="held" value="1"' in html
    assert "to-khai.pdf" in html and "chung-sinh.png" in html
    assert "Đã nhận tệp “to-khai.pdf”" in field_block(html, papers[0])
    assert "Phạm Thu Hằng" in html  # what was typed is kept
    # when she ticks the consent and sends again without choosing the files
    done = client.post(url, {**applicant(commune), "held": "1"})
    # then the dossier is received with both files, and nothing stays kept
    dossier = Dossier.objects.get()
    assert dossier.ref in done.content.decode()
    files = {d.name: d for d in DossierDocument.objects.filter(dossier=dossier)}
    assert set(files) == {"Tờ khai đăng ký khai sinh", "Giấy chứng sinh"}
    assert files["Tờ khai đăng ký khai sinh"].file.read() == PDF
    assert files["Giấy chứng sinh"].content_type == "image/png"
    assert not HeldUpload.objects.exists()


def test_a_file_chosen_again_replaces_the_kept_one_and_a_removed_one_must_be_chosen_again(client, commune, url, papers):
    client.post(url, {**applicant(commune, applicant_phone="12ab"), papers[0]: pdf("cu.pdf"), papers[1]: png()})
    assert sorted(HeldUpload.objects.values_list("original_name", flat=True)) == ["chung-sinh.png", "cu.pdf"]
    # a new file for the first paper, the phone still wrong: the new file takes the old one's place
    client.post(url, {**applicant(commune, applicant_phone="12ab"), "held": "1", papers[0]: pdf("moi.pdf")})
    assert sorted(HeldUpload.objects.values_list("original_name", flat=True)) == ["chung-sinh.png", "moi.pdf"]
    # the birth certificate's file is removed: that paper is required again, next to its field
    removed = HeldUpload.objects.get(original_name="chung-sinh.png")
    page = client.post(url, {**applicant(commune), "held": "1", "drop_held": [str(removed.pk)]})
    assert page.status_code == 400 and not Dossier.objects.exists()
    assert "invalid-feedback" in field_block(page.content.decode(), papers[1])
    client.post(url, {**applicant(commune), "held": "1", papers[1]: png("giay-chung-sinh.png")})
    dossier = Dossier.objects.get()
    assert sorted(d.name for d in dossier.documents.all()) == ["Giấy chứng sinh", "Tờ khai đăng ký khai sinh"]
    assert DossierDocument.objects.get(dossier=dossier, name="Tờ khai đăng ký khai sinh").file.read() == PDF
    assert not HeldUpload.objects.exists()


def test_another_browser_with_the_same_form_key_neither_sees_nor_takes_the_kept_files(client, commune, url, papers):
    client.post(url, {**applicant(commune, consent=""), papers[0]: pdf("cccd-pham-thu-hang.pdf"), papers[1]: png()})
    assert HeldUpload.objects.count() == 2
    # someone else, in another browser, sends the same form key saying it has kept files
    stranger = Client()
    page = stranger.post(url, {**applicant(commune, applicant_name="Kẻ lạ", consent=""), "held": "1"})
    sent = stranger.post(url, {**applicant(commune, applicant_name="Kẻ lạ"), "held": "1"})
    html = page.content.decode() + sent.content.decode()
    assert "cccd-pham-thu-hang.pdf" not in html and "chung-sinh.png" not in html
    # his dossier is refused for its missing papers, and her files stay kept for her
    assert sent.status_code == 400 and not Dossier.objects.exists()
    assert HeldUpload.objects.count() == 2
    client.post(url, {**applicant(commune), "held": "1"})
    assert Dossier.objects.get().applicant_name == "Phạm Thu Hằng"


def test_a_file_too_big_is_refused_in_vietnamese_next_to_its_paper_and_the_other_is_kept(client, commune, url, papers):
    big = SimpleUploadedFile("anh-to-khai.pdf", PDF + b"\0" * (10 * 1024 * 1024), "application/pdf")
    response = client.post(url, {**applicant(commune), papers[0]: big, papers[1]: png()})
    html = response.content.decode()
    assert response.status_code == 400 and not Dossier.objects.exists()
    errors = re.findall(r'class="invalid-feedback"[^>]*>(.*?)</', field_block(html, papers[0]), re.S)
    assert any("anh-to-khai.pdf" in e and "giới hạn" in e for e in errors), errors
    assert list(HeldUpload.objects.values_list("original_name", flat=True)) == ["chung-sinh.png"]
