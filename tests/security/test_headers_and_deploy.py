"""S1: production settings pass Django's deployment checklist, and every response
carries the security headers a browser needs to protect officials and citizens."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
FERNET_KEY = "cHJvZHVjdGlvbi1saWtlLWtleS0wMTIzNDU2Nzg5YWI="


def production_env(**extra: str) -> dict[str, str]:
    """The environment of a production deployment: base.py's secure defaults, only the required
    values set (and the mail server and SMS gateway, without which `check --deploy` fails)."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "CIVICDESK_", "AXES_")) and k not in {"DATABASE_URL", "REDIS_URL"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="civicdesk.settings.base",
        DJANGO_SECRET_KEY="prod-like-5Qk9vX2mB7rT4wZ8nL1pH6jF3dS0aG9cV2bN5mK8qW1eR4tY7uI0oP",
        DJANGO_ALLOWED_HOSTS="civicdesk.example.gov.vn",
        CIVICDESK_SITE_URL="https://civicdesk.example.gov.vn",
        CIVICDESK_FIELD_ENCRYPTION_KEY=FERNET_KEY,
        EMAIL_URL="smtp+tls://civicdesk:secret@mail.example.gov.vn:587",
        PETITIONS_SMS_BACKEND="petitions.notify.HttpSmsBackend",
        PETITIONS_SMS_URL="https://sms.example.gov.vn/api/sms",
    )
    env.update(extra)
    return env


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_production_settings_pass_the_deployment_checklist_without_a_single_warning():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_its_secret_key():
    env = production_env()
    del env["DJANGO_SECRET_KEY"]
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


@pytest.fixture
def production_like(settings):
    """The HTTPS parts the test settings turn off, turned back on as in production."""
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    return settings


def test_plain_http_is_redirected_to_https(client, production_like):
    response = client.get("/")
    assert response.status_code == 301
    assert response["Location"].startswith("https://")


PUBLIC_PAGES = [
    "core:home",
    "login",
    "petitions:file",
    "petitions:track",
    "adminreform:lookup",
    "adminreform:online_list",
    "reception:schedule",
]
STAFF_PAGES = [
    "core:staff_home",
    "petitions:queue",
    "petitions:desk",
    "adminreform:dossier_list",
    "adminreform:register",
    "reception:session_list",
    "reports:dashboard",
    "two_factor",
    "password_change",
    "audit_log",
]


def assert_security_headers(response) -> None:
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    policy = csp_directives(response)
    assert policy["frame-ancestors"] == ["'none'"] and policy["script-src"] == ["'self'"]
    assert "unsafe-inline" not in response["Content-Security-Policy"]


@pytest.mark.parametrize("url_name", PUBLIC_PAGES)
def test_pages_carry_the_security_headers(client, production_like, url_name):
    response = client.get(reverse(url_name), secure=True)
    assert response.status_code == 200
    assert_security_headers(response)


@pytest.mark.parametrize("url_name", STAFF_PAGES)
def test_staff_pages_carry_the_security_headers(client, production_like, officer, head, admin_user, url_name):
    """The same headers on the officials' pages (as an administrator with a role, so that
    every page opens), and on an error page."""
    from core.models import Role, Unit
    from tests.factories import MembershipFactory

    MembershipFactory(user=admin_user, unit=Unit.objects.get(code="00070"), role=Role.HEAD)
    client.force_login(admin_user)
    response = client.get(reverse(url_name), secure=True)
    assert response.status_code == 200, response.status_code
    assert_security_headers(response)


def test_error_pages_carry_the_security_headers(client, production_like, officer):
    client.force_login(officer)
    response = client.get("/dossiers/999999/", secure=True)
    assert response.status_code == 404
    assert_security_headers(response)


def _error_response(kind: str, client, settings, officer):
    """One response of each kind of error, as the middleware and handlers answer it."""
    from django.test import Client

    if kind == "400":  # a NUL byte in the query string (core.middleware)
        return client.get("/petitions/track/", {"code": "\x00"}, secure=True)
    if kind == "403":
        settings.ROOT_URLCONF = "tests.security.error_urls"
        return client.get("/test-forbidden/", secure=True)
    if kind == "404":
        return client.get("/no-such-page/", secure=True)
    if kind == "413":  # a body larger than any form takes, refused before it is read
        return client.post(
            "/petitions/file/", b"", content_type="application/octet-stream", CONTENT_LENGTH=str(10**10), secure=True
        )
    if kind == "500":
        settings.ROOT_URLCONF = "tests.security.error_urls"
        client.raise_request_exception = False
        return client.get("/test-broken/", secure=True)
    if kind == "csrf":
        return Client(enforce_csrf_checks=True).post(reverse("login"), {"username": "x", "password": "y"}, secure=True)
    if kind == "429":
        settings.CIVICDESK_RATELIMIT_BURST = 1
        for _ in range(3):
            response = client.post(reverse("petitions:track"), {"code": "PAZZZZ2345", "secret": "x"}, secure=True)
        return response
    raise AssertionError(kind)


@pytest.mark.parametrize("kind", ["400", "403", "404", "413", "500", "csrf", "429"])
def test_every_error_response_carries_the_security_headers(client, production_like, officer, kind):
    response = _error_response(kind, client, production_like, officer)
    expected = {"csrf": 403}.get(kind, int(kind) if kind.isdigit() else 0)
    assert response.status_code == expected
    assert_security_headers(response)


def csp_directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


def test_the_content_security_policy_allows_no_inline_script_or_style_and_no_framing(client, production_like):
    response = client.get(reverse("login"), secure=True)
    policy = csp_directives(response)
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "unsafe-eval" not in response["Content-Security-Policy"]
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]


def test_session_and_csrf_cookies_are_secure_and_the_session_cookie_is_out_of_scripts_reach(
    client, production_like, officer
):
    page = client.get(reverse("login"), secure=True)
    assert page.cookies["csrftoken"]["secure"]
    response = client.post(reverse("login"), {"username": "canbo", "password": "Secret-pass-2026"}, secure=True)
    assert response.status_code == 302
    session_cookie = response.cookies["sessionid"]
    assert session_cookie["secure"] and session_cookie["httponly"]
