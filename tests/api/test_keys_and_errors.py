"""API keys: issued by an administrator, stored hashed, revocable, last use shown, audited;
errors as RFC 9457 problem details in Vietnamese and English; rate limits per key."""

import hashlib

import pytest
from django.test import override_settings

from api import services
from api.models import ApiKey, ApiKeyEvent, Scope
from civicdesk.exceptions import NotAllowed
from tests.api.conftest import with_key

pytestmark = pytest.mark.django_db


def test_a_key_is_stored_only_as_its_digest(read_key):
    stored = ApiKey.objects.get(pk=read_key.pk)
    secret = read_key.raw.removeprefix("cdk_").partition("_")[2]
    assert secret not in (stored.digest, stored.prefix, stored.name)
    assert stored.digest == hashlib.sha256(secret.encode()).hexdigest()
    issued = ApiKeyEvent.objects.get(api_key=stored, kind="issued")
    assert issued.actor is not None and issued.data == {"unit": "00070", "scope": "read"}


def test_only_an_administrator_issues_a_key(commune, officer):
    with pytest.raises(NotAllowed):
        services.api_key_issue(name="X", unit=commune, scope=Scope.READ, actor=officer)
    assert not ApiKey.objects.exists()


def test_the_key_authenticates_and_its_last_use_is_shown(api, read_key):
    response = with_key(api, read_key).get("/api/v1/units/00070/")
    assert response.status_code == 200
    read_key.refresh_from_db()
    assert read_key.last_used_at is not None and read_key.last_used_ip == "127.0.0.1"


def test_wrong_and_revoked_keys_get_the_same_problem(api, read_key, city_admin):
    wrong = api.get("/api/v1/units/", HTTP_AUTHORIZATION=f"Bearer {read_key.raw}x")
    services.api_key_revoke(key=read_key, actor=city_admin, reason="leaked")
    revoked = with_key(api, read_key).get("/api/v1/units/")
    assert wrong.status_code == revoked.status_code == 401
    assert wrong.json() == revoked.json()
    body = revoked.json()
    assert revoked["Content-Type"] == "application/problem+json"
    assert body["type"] == "urn:civicdesk:problem:unauthenticated"
    assert body["messages"]["vi"]["detail"] != body["messages"]["en"]["detail"]
    assert ApiKeyEvent.objects.filter(api_key=read_key, kind="revoked", reason="leaked").exists()


def test_unknown_address_and_bad_parameter_are_problems_not_pages(api):
    missing = api.get("/api/v1/nothing-here/")
    assert missing.status_code == 404 and missing["Content-Type"] == "application/problem+json"
    bad = api.get("/api/v1/units/", {"on": "31/12/2025"})
    assert bad.status_code == 400
    body = bad.json()
    assert body["errors"]["on"][0]["en"] == "Enter a date as YYYY-MM-DD."
    assert body["errors"]["on"][0]["vi"] != body["errors"]["on"][0]["en"]
    assert bad.json()["title"] == body["messages"]["vi"]["title"]  # Vietnamese first
    english = api.get("/api/v1/units/", {"on": "x"}, HTTP_ACCEPT_LANGUAGE="en")
    assert english.json()["title"] == "The request is not valid"


@override_settings(API_KEY_RATE_PER_MINUTE=3)
def test_each_key_has_its_own_rate_limit(api, read_key, other_key):
    with_key(api, read_key)
    codes = [api.get("/api/v1/units/").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    refused = api.get("/api/v1/units/")
    assert refused["Retry-After"] == "60" and refused.json()["status"] == 429
    assert with_key(api, other_key).get("/api/v1/units/").status_code == 200


def test_the_admin_issues_shows_once_and_revokes(client, admin_user, commune):
    client.force_login(admin_user)
    response = client.post(
        "/admin/api/apikey/add/",
        {"name": "Cổng dịch vụ công tỉnh", "unit": commune.pk, "scope": "write", "rate_per_minute": ""},
        follow=True,
    )
    assert response.status_code == 200
    key = ApiKey.objects.get()
    shown = [str(m) for m in response.context["messages"]]
    assert any(f"cdk_{key.prefix}_" in m for m in shown)
    listing = client.get("/admin/api/apikey/")
    assert "Cổng dịch vụ công tỉnh" in listing.content.decode()
    client.post("/admin/api/apikey/", {"action": "revoke_keys", "_selected_action": [key.pk]})
    key.refresh_from_db()
    assert key.revoked_at is not None
    assert ApiKeyEvent.objects.filter(api_key=key, kind="revoked", actor=admin_user).exists()
