"""The tracking secret: stored as a keyed HMAC, checked without a slow password hash, and
petitions stored before (Django password hashes) still found with their secret."""

import pytest
from django.contrib.auth.hashers import BasePasswordHasher, PBKDF2PasswordHasher
from django.core.cache import cache
from django.urls import reverse

from petitions.models import Petition
from petitions.services import petition_check_secret
from petitions.text import derived_secret
from tests.petitions.factories import receive
from tests.petitions.fixtures import filing

pytestmark = pytest.mark.django_db

FAILED = "Không tìm thấy đơn với mã tra cứu và mật mã này"  # "No petition matches this code and secret"


class ForbiddenHasher(BasePasswordHasher):
    """Stands in for every Django password hasher: the public path must never reach one."""

    algorithm = "forbidden"

    def encode(self, password, salt):
        raise AssertionError("a password hasher was called for a tracking secret")

    def verify(self, password, encoded):
        raise AssertionError("a password hasher was called for a tracking secret")

    def safe_summary(self, encoded):
        return {}


@pytest.fixture(autouse=True)
def _clear_rate_limits():
    cache.clear()
    yield
    cache.clear()


def track(client, code, secret):
    return client.post(reverse("petitions:track"), {"code": code, "secret": secret}).content.decode()


def legacy_row(petition, secret):
    """The petition as stored before HMAC digests: a PBKDF2 password hash of the secret
    (few iterations, so the test is quick; the stored value carries its iteration count)."""
    encoded = PBKDF2PasswordHasher().encode(secret, "legacysalt0123", iterations=1000)
    Petition.objects.filter(pk=petition.pk).update(tracking_secret_hash=encoded)
    return encoded


def test_the_secret_is_stored_as_a_keyed_digest_never_in_clear(commune):
    petition = receive(commune)
    stored = Petition.objects.get(pk=petition.pk).tracking_secret_hash
    assert stored.startswith("hmac_sha256$") and len(stored) == len("hmac_sha256$") + 64
    assert petition.tracking_secret and petition.tracking_secret not in stored


def test_the_right_secret_shows_the_petition_and_a_wrong_one_is_refused(client, commune, settings):
    settings.CIVICDESK_RATELIMIT_BURST = 100  # six lookups in a row from one address: not what this tests
    petition = receive(commune)
    code, secret = petition.tracking_code, petition.tracking_secret
    assert "Đơn của bạn đã được tiếp nhận" in track(client, code, secret)
    assert "Đơn của bạn đã được tiếp nhận" in track(client, code.lower(), " ".join(secret.lower()))
    for wrong in ("AAAAAAAAAA", secret[:-1], secret + "A", secret[::-1]):
        html = track(client, code, wrong)
        assert FAILED in html and "Đơn của bạn đã được tiếp nhận" not in html


def stored_digest(petition):
    return Petition.objects.get(pk=petition.pk).tracking_secret_hash


def test_a_petition_without_tracking_matches_no_secret(commune):
    petition = receive(commune)
    Petition.objects.filter(pk=petition.pk).update(tracking_secret_hash="")
    petition.refresh_from_db()
    assert not petition_check_secret(petition=petition, secret="")
    assert not petition_check_secret(petition=petition, secret=petition.tracking_secret or "AAAAAAAAAA")
    assert not petition_check_secret(petition=None, secret="AAAAAAAAAA")


def test_a_petition_stored_with_the_old_password_hash_is_still_found_and_then_restored(client, commune, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    petition = receive(commune)
    code, secret = petition.tracking_code, petition.tracking_secret
    old = legacy_row(petition, secret)

    assert FAILED in track(client, code, "AAAAAAAAAA")
    assert stored_digest(petition) == old  # a wrong secret changes nothing

    assert "Đơn của bạn đã được tiếp nhận" in track(client, code, secret.lower())
    assert stored_digest(petition).startswith("hmac_sha256$")  # re-stored the fast way
    settings.PASSWORD_HASHERS = ["tests.petitions.test_tracking_secret.ForbiddenHasher"]
    assert "Đơn của bạn đã được tiếp nhận" in track(client, code, secret)
    assert FAILED in track(client, code, "AAAAAAAAAA")


def test_secrets_survive_a_rotation_of_the_secret_key(client, commune, settings):
    petition = receive(commune)
    code, secret = petition.tracking_code, petition.tracking_secret
    old_key = settings.SECRET_KEY
    settings.SECRET_KEY = "rotated-" + old_key
    assert FAILED in track(client, code, secret)  # the old key is no longer trusted
    settings.SECRET_KEY_FALLBACKS = [old_key]
    assert "Đơn của bạn đã được tiếp nhận" in track(client, code, secret)


def test_a_dedicated_tracking_key_replaces_the_secret_key(commune, settings):
    settings.PETITIONS_TRACKING_KEY = "a-dedicated-tracking-key-0123456789"
    petition = receive(commune)
    secret = petition.tracking_secret
    petition.refresh_from_db()
    assert petition_check_secret(petition=petition, secret=secret)
    settings.PETITIONS_TRACKING_KEY = "another-key-0123456789-0123456789"
    assert not petition_check_secret(petition=petition, secret=secret)


def test_filing_and_looking_up_never_call_a_password_hasher(client, commune, settings):
    """PBKDF2 cost about a second of CPU per request (issue 7): neither the filing, nor a
    lookup found or not found, may reach one of Django's password hashers."""
    settings.PASSWORD_HASHERS = ["tests.petitions.test_tracking_secret.ForbiddenHasher"]
    response = client.post(reverse("petitions:file"), filing(commune), follow=True)
    html = response.content.decode()
    assert 'id="tracking-secret"' in html
    petition = Petition.objects.get()
    secret = derived_secret(filing(commune)["idempotency_key"])
    assert "Đơn của bạn đã được tiếp nhận" in track(client, petition.tracking_code, secret)
    assert FAILED in track(client, petition.tracking_code, "AAAAAAAAAA")
    assert FAILED in track(client, "PAAAAAAAAA", secret)
