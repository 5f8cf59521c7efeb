"""The loop closed: the handler resolves with the signed reply letter; the citizen reads the
answer and downloads the letter on the tracking page (code + secret), and receives it by the
channels they gave. A denouncer gets only the conclusion notice."""

import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from core.choices import PetitionKind
from petitions.models import Attachment, Notification, Petition
from petitions.services import petition_accept
from tests.petitions.factories import classify, receive

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
ANSWER = "Văn bản số 45/UBND-QLĐT ngày 20/03/2026: giữ nguyên quyết định thu hồi đất."


@pytest.fixture(autouse=True)
def _clear_rate_limits():
    cache.clear()
    yield
    cache.clear()


def accepted(unit, **kwargs):
    """An accepted petition, with the secret its petitioner received kept on it."""
    received = receive(unit, **kwargs)
    petition = petition_accept(petition=classify(received), expected_version=None, actor=None)
    petition.tracking_secret = received.tracking_secret
    return petition


def resolve_with_letter(client, handler, petition, result, *, note=ANSWER):
    client.force_login(handler)
    letter = SimpleUploadedFile("45-UBND-QLDT.pdf", PDF, "application/pdf")
    response = client.post(
        reverse("petitions:action", args=[petition.pk, "resolve"]),
        {"version": petition.version, "result": result, "note": note, "reply_letter": letter},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    client.logout()
    return Petition.objects.get(pk=petition.pk)


def track(client, petition, secret):
    return client.post(reverse("petitions:track"), {"code": petition.tracking_code, "secret": secret})


def test_the_handler_attaches_the_letter_and_the_page_has_one_row_per_meaning(
    client, commune, handler, django_capture_on_commit_callbacks
):
    petition = accepted(commune)
    with django_capture_on_commit_callbacks(execute=True):
        petition = resolve_with_letter(client, handler, petition, "wrong")
    letter = Attachment.objects.get(petition=petition)
    assert letter.is_reply and letter.original_name == "45-UBND-QLDT.pdf" and letter.mime == "application/pdf"
    client.force_login(handler)
    html = client.get(reverse("petitions:detail", args=[petition.pk])).content.decode()
    labels = re.findall(r'<dt class="col-sm-4">([^<]*)</dt>', html)
    assert "Kết quả giải quyết" in labels and "Kết quả xử lý đơn" in labels
    assert labels.count("Kết quả") == 0 and len(labels) == len(set(labels))
    assert reverse("petitions:attachment", args=[petition.pk, letter.pk]) in html and ANSWER in html


def test_the_citizen_reads_the_answer_and_downloads_the_letter_with_code_and_secret(client, commune, handler):
    petition = accepted(commune)
    secret = petition.tracking_secret
    resolve_with_letter(client, handler, petition, "wrong")
    html = track(client, petition, secret).content.decode()
    assert 'id="answer"' in html and ANSWER in html and "Khiếu nại sai" in html
    assert 'id="download-letter"' in html
    response = client.post(reverse("petitions:track_letter"), {"code": petition.tracking_code, "secret": secret})
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert "attachment" in response["Content-Disposition"] and "45-UBND-QLDT.pdf" in response["Content-Disposition"]


def test_the_letter_form_carries_the_pages_csrf_token(client, commune, handler):
    """With CSRF checks on, as in production: the download form under the answer (drawn in
    Python, petitions.fastpath.tracking_html) is sent as it is and gives the letter."""
    petition = accepted(commune)
    secret = petition.tracking_secret
    resolve_with_letter(client, handler, petition, "wrong")
    citizen = Client(enforce_csrf_checks=True)
    page = citizen.get(reverse("petitions:track")).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    html = citizen.post(
        reverse("petitions:track"), {"csrfmiddlewaretoken": token, "code": petition.tracking_code, "secret": secret}
    ).content.decode()
    form = re.search(r'<form method="post" action="([^"]+)">(.*?)</form>', html, re.S)
    assert form and 'id="download-letter"' in form.group(2)
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', form.group(2)))
    assert set(fields) == {"csrfmiddlewaretoken", "code", "secret"} and fields["code"] == petition.tracking_code
    response = citizen.post(form.group(1), fields)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF


def test_the_letter_needs_the_right_secret(client, commune, handler):
    petition = accepted(commune)
    resolve_with_letter(client, handler, petition, "wrong")
    response = client.post(reverse("petitions:track_letter"), {"code": petition.tracking_code, "secret": "WRONG12345"})
    assert response.status_code == 200 and "Content-Disposition" not in response
    assert "Không tìm thấy" in response.content.decode() or "Không có đơn" in response.content.decode()
    assert client.get(reverse("petitions:track_letter")).status_code == 405


def test_the_answer_goes_by_email_with_the_letter_and_by_sms_with_the_link(
    client, commune, handler, mocker, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://tiepcongdan.hanoi.gov.vn"
    sms = mocker.patch("petitions.notify.ConsoleSmsBackend.send")
    petition = accepted(commune)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        resolve_with_letter(client, handler, petition, "partly_correct")
    [email] = [m for m in mail.outbox if m.to == ["an@example.vn"]]
    assert ANSWER in email.body and "Khiếu nại đúng một phần" in email.body
    assert email.attachments[0][0] == "45-UBND-QLDT.pdf" and email.attachments[0][1] == PDF
    body = sms.call_args.kwargs["body"]
    assert "https://tiepcongdan.hanoi.gov.vn/petitions/track/" in body and petition.tracking_code in body
    assert ANSWER not in body  # the SMS points to the answer, it does not carry it
    last = Notification.objects.filter(petition=petition).order_by("-pk")[:2]
    assert {n.template for n in last} == {"answered"}  # one e-mail and one SMS, no second "status"


def test_a_denouncer_sees_the_conclusion_notice_and_nothing_more(
    client, commune, handler, head, django_capture_on_commit_callbacks
):
    petition = accepted(commune, kind=PetitionKind.DENUNCIATION)
    secret = petition.tracking_secret
    mail.outbox.clear()
    inner = "Ông Trần Văn Bị đã nhận 20 triệu đồng; đề nghị kỷ luật."
    with django_capture_on_commit_callbacks(execute=True):
        resolve_with_letter(client, head, petition, "partly_true", note=inner)
    html = track(client, petition, secret).content.decode()
    assert "Kết luận nội dung tố cáo" in html and "Tố cáo đúng một phần" in html
    assert inner not in html and "Tải thông báo kết luận" in html
    [email] = [m for m in mail.outbox if m.to == ["an@example.vn"]]
    assert inner not in email.body and "thông báo kết luận" in email.body.lower()
    assert email.attachments and email.attachments[0][1] == PDF


def test_a_letter_that_is_not_a_document_is_refused_next_to_the_field(client, commune, handler):
    petition = accepted(commune)
    client.force_login(handler)
    exe = SimpleUploadedFile("traloi.pdf", b"MZ\x90\x00" + b"\x00" * 100, "application/pdf")
    response = client.post(
        reverse("petitions:action", args=[petition.pk, "resolve"]),
        {"version": petition.version, "result": "wrong", "note": ANSWER, "reply_letter": exe},
    )
    assert response.status_code == 200
    assert Petition.objects.get(pk=petition.pk).result == "" and not Attachment.objects.exists()
    assert ANSWER in response.content.decode()
