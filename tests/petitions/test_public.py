"""Citizen pages: filing online (no account) and tracking with code and secret."""

import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from petitions.models import Petition, PetitionStatus
from petitions.services import petition_accept, petition_refuse
from tests.files import png_bytes
from tests.petitions.factories import classify, receive
from tests.petitions.fixtures import filing

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = png_bytes()


@pytest.fixture(autouse=True)
def _clear_rate_limits():
    cache.clear()
    yield
    cache.clear()


def test_filing_page_explains_each_kind_in_plain_vietnamese(client, commune):
    response = client.get(reverse("petitions:file"))
    html = response.content.decode()
    assert response.status_code == 200
    for word in ("Khiếu nại", "Tố cáo", "Kiến nghị", "Phản ánh", "91/2025"):
        assert word in html


def test_a_citizen_files_online_and_gets_code_and_secret_on_screen_and_by_email(
    client, commune, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("petitions:file"), filing(commune), follow=True)
    petition = Petition.objects.get()
    html = response.content.decode()
    assert (petition.unit, petition.channel, petition.kind, petition.status) == (
        commune,
        "online",
        "complaint",
        PetitionStatus.RECEIVED,
    )
    assert re.fullmatch(r"PA[A-HJKMNP-Z2-9]{8}", petition.tracking_code)
    assert petition.tracking_code in html
    secret = re.search(r'id="tracking-secret">(\w+)<', html).group(1)
    assert secret not in petition.tracking_secret_hash
    assert len(mail.outbox) == 1 and petition.tracking_code in mail.outbox[0].body and secret in mail.outbox[0].body
    # shown once: a reload no longer shows the secret
    assert secret not in client.get(reverse("petitions:filed"), follow=True).content.decode()


def test_a_double_clicked_submit_creates_one_petition_and_shows_the_same_code(client, commune):
    first = client.post(reverse("petitions:file"), filing(commune), follow=True).content.decode()
    second = client.post(reverse("petitions:file"), filing(commune), follow=True).content.decode()
    assert Petition.objects.count() == 1
    code = Petition.objects.get().tracking_code
    secret_1 = re.search(r'id="tracking-secret">(\w+)<', first).group(1)
    secret_2 = re.search(r'id="tracking-secret">(\w+)<', second).group(1)
    assert code in first and code in second and secret_1 == secret_2


def test_errors_keep_what_was_typed_and_say_good_files_are_kept(client, commune):
    response = client.post(reverse("petitions:file"), filing(commune, petitioner_address="", consent=""))
    html = response.content.decode()
    assert Petition.objects.count() == 0
    assert "Khiếu nại quyết định xử phạt" in html and "Trần Thị Bình" in html
    assert "các tệp hợp lệ cũng vậy" in html


def test_an_executable_renamed_pdf_is_refused_with_a_clear_error(client, commune):
    exe = SimpleUploadedFile("hoso.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200, "application/pdf")
    response = client.post(reverse("petitions:file"), {**filing(commune), "attachments": [exe]})
    html = response.content.decode()
    assert Petition.objects.count() == 0
    assert "hoso.pdf" in html and "không phải" in html


def test_an_oversize_file_is_refused_with_its_size_and_the_limit(client, commune):
    big = SimpleUploadedFile("scan.pdf", PDF + b"0" * (10 * 1024 * 1024), "application/pdf")
    response = client.post(reverse("petitions:file"), {**filing(commune), "attachments": [big]})
    html = response.content.decode()
    assert Petition.objects.count() == 0
    assert "scan.pdf" in html and "10,0" in html


def test_good_attachments_are_kept_with_their_detected_type(client, commune):
    files = [SimpleUploadedFile("a.pdf", PDF), SimpleUploadedFile("anh.png", PNG)]
    client.post(reverse("petitions:file"), {**filing(commune), "attachments": files})
    assert sorted(Petition.objects.get().attachments.values_list("mime", flat=True)) == [
        "application/pdf",
        "image/png",
    ]


def test_more_than_five_files_are_refused(client, commune):
    files = [SimpleUploadedFile(f"{i}.pdf", PDF) for i in range(6)]
    response = client.post(reverse("petitions:file"), {**filing(commune), "attachments": files})
    assert Petition.objects.count() == 0 and "5" in response.content.decode()


def test_the_honeypot_silently_drops_a_bot(client, commune):
    client.post(reverse("petitions:file"), filing(commune, website="http://spam.example"))
    assert Petition.objects.count() == 0


def test_filing_is_rate_limited_per_ip(client, commune, settings):
    settings.PETITIONS_FILE_RATE = 2
    for i in range(2):
        client.post(reverse("petitions:file"), filing(commune, idempotency_key=f"{i:032x}"))
    response = client.post(reverse("petitions:file"), filing(commune, idempotency_key=f"{9:032x}"))
    assert Petition.objects.count() == 2
    assert "Quá nhiều" in response.content.decode()


def test_tracking_shows_status_deadline_and_timeline_but_no_identity_or_notes(client, commune, handler):
    petition = receive(commune, petitioner_name="Lê Văn Cường")
    code, secret = petition.tracking_code, petition.tracking_secret
    petition = classify(petition, note="Ghi chú nội bộ: người này hay khiếu nại")
    petition_accept(petition=petition, expected_version=None, actor=handler)
    response = client.post(reverse("petitions:track"), {"code": code.lower(), "secret": secret})
    html = response.content.decode()
    assert "Đã thụ lý" in html or "thụ lý" in html
    assert "Lê Văn Cường" not in html and "Ghi chú nội bộ" not in html
    assert handler.last_name not in html
    assert "Đơn của bạn đã được tiếp nhận" in html


def test_tracking_gives_the_same_answer_for_a_wrong_code_and_a_wrong_secret(client, commune):
    petition = receive(commune)
    wrong_secret = client.post(reverse("petitions:track"), {"code": petition.tracking_code, "secret": "AAAAAAAAAA"})
    wrong_code = client.post(reverse("petitions:track"), {"code": "PAAAAAAAAA", "secret": petition.tracking_secret})

    def message(r):
        return re.search(r"alert-danger[^>]*>(.*?)</div>", r.content.decode(), re.S).group(1).strip()

    assert wrong_secret.status_code == wrong_code.status_code == 200
    assert message(wrong_secret) == message(wrong_code)


def test_tracking_shows_refusal_reasons_to_the_citizen(client, commune):
    petition = receive(commune)
    code, secret = petition.tracking_code, petition.tracking_secret
    petition_refuse(petition=classify(petition), expected_version=None, reason="Đã hết thời hiệu", actor=None)
    html = client.post(reverse("petitions:track"), {"code": code, "secret": secret}).content.decode()
    assert "Đã hết thời hiệu" in html


def test_tracking_is_rate_limited(client, commune, settings):
    settings.PETITIONS_TRACK_RATE = 3
    for _ in range(3):
        client.post(reverse("petitions:track"), {"code": "PAAAAAAAAA", "secret": "X"})
    response = client.post(reverse("petitions:track"), {"code": "PAAAAAAAAA", "secret": "X"})
    assert "Quá nhiều" in response.content.decode()
