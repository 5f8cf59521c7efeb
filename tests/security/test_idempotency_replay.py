"""A filing's idempotency key is stored hashed and bound to the browser that sent it (issue 17,
finding 4): a double click gets its petition back; the key replayed from another browser, or
resent with Back after the confirmation page on a shared computer, creates and shows nothing."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from petitions.models import Petition
from petitions.text import idempotency_digest
from tests.petitions.fixtures import filing

pytestmark = pytest.mark.django_db

KEY = "5f0b8c1e2d3a4b5c6d7e8f9012345678"


def _filed_page(client: Client) -> str:
    return client.get(reverse("petitions:filed")).content.decode()


def _first_filing(client: Client, commune) -> tuple[Petition, str]:
    client.get(reverse("petitions:file"))  # the form page gives the browser its filer value
    assert client.post(reverse("petitions:file"), filing(commune, idempotency_key=KEY)).status_code == 302
    petition = Petition.objects.get()
    return petition, _filed_page(client)


def test_the_key_is_stored_as_a_keyed_digest(client, commune):
    _first_filing(client, commune)
    with connection.cursor() as cursor:
        cursor.execute("SELECT idempotency_key, idempotency_owner FROM petitions_petition")
        stored, owner = cursor.fetchone()
    assert stored == idempotency_digest(KEY) and KEY not in stored
    assert len(owner) == 64 and client.cookies["filer"].value not in owner


def test_a_double_click_from_the_same_browser_gets_the_same_petition_and_secret(client, commune):
    client.get(reverse("petitions:file"))
    url = reverse("petitions:file")
    assert client.post(url, filing(commune, idempotency_key=KEY)).status_code == 302
    assert client.post(url, filing(commune, idempotency_key=KEY)).status_code == 302
    petition = Petition.objects.get()
    assert petition.tracking_code in _filed_page(client)


def test_a_replay_from_another_browser_creates_nothing_and_shows_nothing(client, commune):
    petition, page = _first_filing(client, commune)
    assert petition.tracking_code in page
    secret = re.search(r'id="tracking-secret">([^<]+)<', page).group(1).strip()
    other = Client()
    other.get(reverse("petitions:file"))
    replay = other.post(
        reverse("petitions:file"),
        filing(commune, idempotency_key=KEY, subject="Nội dung khác hẳn", petitioner_name="Kẻ Thử"),
    )
    assert replay.status_code == 409
    html = replay.content.decode()
    assert petition.tracking_code not in html and secret not in html
    assert "Biểu mẫu này đã được gửi" in html
    assert "Nội dung khác hẳn" in html  # what was typed is kept
    assert KEY not in html  # and the form carries a new key to send it anew
    assert Petition.objects.count() == 1
    assert petition.tracking_code not in _filed_page(other)
    # Without any cookie at all (a script), the same.
    bare = Client()
    assert bare.post(reverse("petitions:file"), filing(commune, idempotency_key=KEY)).status_code == 409
    assert Petition.objects.count() == 1


def test_back_and_resend_after_the_confirmation_shows_the_next_person_nothing(client, commune):
    petition, page = _first_filing(client, commune)
    assert petition.tracking_code in page
    # The next person at the same computer presses Back and sends the form again.
    again = client.post(reverse("petitions:file"), filing(commune, idempotency_key=KEY))
    assert again.status_code == 409 and petition.tracking_code not in again.content.decode()
    assert petition.tracking_code not in _filed_page(client)
    assert Petition.objects.count() == 1


def test_the_filing_form_is_not_kept_by_the_browser(client):
    assert client.get(reverse("petitions:file"))["Cache-Control"] == "no-store"
