"""Files and a form error: a file that passed the checks is kept against the form's key and
sent with the petition once the error is fixed; the browser is told the limits first."""

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from core.models import HeldUpload
from petitions.models import Attachment, Petition
from tests.petitions.fixtures import filing

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _clear_rate_limits():
    cache.clear()
    yield
    cache.clear()


def pdf(name="don.pdf"):
    return SimpleUploadedFile(name, PDF, "application/pdf")


def test_the_form_tells_the_browser_the_limits_and_loads_the_check(client, commune):
    html = client.get(reverse("petitions:file")).content.decode()
    assert 'data-max-bytes="10485760"' in html and 'data-max-files="5"' in html
    assert 'data-extensions="pdf,jpg,jpeg,png,doc,docx"' in html and "vượt" in html
    assert "js/file_check.js" in html


def test_a_good_file_survives_a_form_error_and_goes_with_the_petition(client, commune):
    first = client.post(reverse("petitions:file"), {**filing(commune, consent=""), "attachments": [pdf()]})
    html = first.content.decode()
    assert Petition.objects.count() == 0 and HeldUpload.objects.count() == 1
    assert 'id="held-files"' in html and "don.pdf" in html and 'name="held" value="1"' in html
    # the citizen ticks the consent and sends again, without choosing the file
    client.post(reverse("petitions:file"), {**filing(commune), "held": "1"})
    attachment = Attachment.objects.get()
    assert attachment.original_name == "don.pdf" and attachment.file.read() == PDF
    assert HeldUpload.objects.count() == 0


def test_a_bad_file_is_refused_and_the_good_one_beside_it_kept(client, commune):
    exe = SimpleUploadedFile("hoso.pdf", b"MZ\x90\x00" + b"\x00" * 200, "application/pdf")
    response = client.post(reverse("petitions:file"), {**filing(commune), "attachments": [pdf("giay.pdf"), exe]})
    assert Petition.objects.count() == 0
    assert [h.original_name for h in HeldUpload.objects.all()] == ["giay.pdf"]
    assert "hoso.pdf" in response.content.decode()  # the refusal names it
    client.post(reverse("petitions:file"), {**filing(commune), "held": "1"})
    assert [a.original_name for a in Attachment.objects.all()] == ["giay.pdf"]


def test_a_kept_file_can_be_removed(client, commune):
    client.post(reverse("petitions:file"), {**filing(commune, consent=""), "attachments": [pdf()]})
    held = HeldUpload.objects.get()
    client.post(reverse("petitions:file"), {**filing(commune), "held": "1", "drop_held": [str(held.pk)]})
    assert Petition.objects.count() == 1 and not Attachment.objects.exists() and not HeldUpload.objects.exists()


def test_files_are_kept_only_for_their_own_form(client, commune):
    client.post(reverse("petitions:file"), {**filing(commune, consent=""), "attachments": [pdf()]})
    client.post(reverse("petitions:file"), {**filing(commune, idempotency_key="0" * 32), "held": "1"})
    assert not Attachment.objects.exists() and HeldUpload.objects.count() == 1


def test_kept_files_of_a_form_never_sent_are_purged_after_a_day(client, commune):
    import time_machine
    from django.utils import timezone

    client.post(reverse("petitions:file"), {**filing(commune, consent=""), "attachments": [pdf()]})
    path = HeldUpload.objects.get().file.path
    with time_machine.travel(timezone.now() + timezone.timedelta(days=2)):
        call_command("purge_expired", "--commit", verbosity=0)
    assert not HeldUpload.objects.exists()
    import os

    assert not os.path.exists(path)


def test_another_browser_with_the_same_form_key_neither_sees_nor_takes_the_kept_files(client, commune):
    from django.test import Client

    # given a citizen's form came back with an error and kept her file
    key = "7" * 32
    client.post(
        reverse("petitions:file"),
        {**filing(commune, consent="", idempotency_key=key), "attachments": [pdf("so-do-dat.pdf")]},
    )
    assert HeldUpload.objects.count() == 1
    # when someone else, in another browser, sends a form with the same key, saying it has kept files
    stranger = Client()
    page = stranger.post(reverse("petitions:file"), {**filing(commune, consent="", idempotency_key=key), "held": "1"})
    stranger.post(reverse("petitions:file"), {**filing(commune, idempotency_key=key), "held": "1"})
    # then the stranger's page never names her file and his petition carries none of it
    assert "so-do-dat.pdf" not in page.content.decode()
    assert not Attachment.objects.exists() and HeldUpload.objects.count() == 1
