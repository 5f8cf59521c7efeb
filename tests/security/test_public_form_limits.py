"""S4: every public form refuses a flood from one address, but not a crowd behind the city's proxy.

For each public form that accepts POST (petition filing, petition tracking, dossier look-up,
satisfaction rating, online dossier submission) and the staff login:

- 100 rapid posts from one address: at least 95 refused (429), each refusal in Vietnamese with
  what the citizen typed still on the page;
- 100 posts from 100 client addresses, arriving through the configured trusted proxy
  (X-Forwarded-For): none refused;
- 100 posts from one untrusted peer, each claiming another address in X-Forwarded-For: the
  header is ignored and the peer is counted, so at least 95 are refused.

The counters live in Django's cache: Redis when REDIS_URL is set (CI), local memory otherwise.
`tests/security/world.py:PUBLIC_URLS` lists every public URL; the test fails when a public URL
that takes POST has no flood case here (or a reason to have none).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from adminreform.models import Dossier
from core.models import Unit
from petitions.models import Petition
from tests.adminreform.factories import ProcedureDocumentFactory, ProcedureFactory
from tests.files import pdf_bytes, png_bytes
from tests.security.world import PUBLIC_URLS, walk_urlconf

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.1"  # the city's reverse proxy, in CIVICDESK_TRUSTED_PROXIES
FLOODER = "203.0.113.50"  # one citizen's (or one bot's) address
UNTRUSTED_PEER = "198.51.100.66"  # not a proxy of ours: its X-Forwarded-For is a lie
POSTS = 100


@pytest.fixture(autouse=True)
def _proxy(settings):
    settings.CIVICDESK_TRUSTED_PROXIES = [PROXY]
    settings.CIVICDESK_RATELIMIT_ENABLED = True


@dataclass
class PublicForm:
    name: str  # the URL's name
    url: str
    data: Callable[[int], dict[str, Any]]  # post number → what the citizen sends
    typed: tuple[str, ...]  # what they typed, which a refusal page must still show
    refusal: str  # the Vietnamese words of the refusal


def petition_data(unit: Unit) -> Callable[[int], dict[str, Any]]:
    def data(i: int) -> dict[str, Any]:
        return {
            "kind": "recommendation",
            "unit": unit.code,
            "petitioner_name": "Trần Thị Bình",
            "petitioner_address": "5 Lý Thái Tổ, Hoàn Kiếm",
            "petitioner_phone": "0987654321",
            "subject": "Đèn đường ngõ 12 hỏng",
            "content": "Đề nghị sửa đèn đường ở ngõ 12 phố Hàng Bạc.",
            "signers": "1",
            "consent": "on",
            "website": "",
            "idempotency_key": f"{i:032x}",
        }

    return data


def submit_data(unit: Unit, documents: list[int]) -> Callable[[int], dict[str, Any]]:
    def data(i: int) -> dict[str, Any]:
        return {
            "applicant_name": "Phạm Thu Hằng",
            "applicant_phone": "0911222333",
            "applicant_address": "12 Hàng Bạc",
            "unit": unit.pk,
            "consent": "on",
            f"doc_{documents[0]}": SimpleUploadedFile("to-khai.pdf", pdf_bytes(), content_type="application/pdf"),
            f"doc_{documents[1]}": SimpleUploadedFile("chung-sinh.png", png_bytes(), content_type="image/png"),
        }

    return data


@pytest.fixture
def public_forms(commune, officer) -> dict[str, PublicForm]:
    procedure = ProcedureFactory(code="1.001193", name="Đăng ký khai sinh", processing_days=3, level=commune.level)
    documents = [
        ProcedureDocumentFactory(procedure=procedure, name="Tờ khai", position=1).pk,
        ProcedureDocumentFactory(procedure=procedure, name="Giấy chứng sinh", position=2).pk,
    ]
    lookup = {"code": "HS-KHONG-CO-9999", "pin": "246810"}
    forms = [
        PublicForm(
            "petitions:file",
            reverse("petitions:file"),
            petition_data(commune),
            ("Đèn đường ngõ 12 hỏng", "Trần Thị Bình"),
            "Quá nhiều đơn được gửi từ kết nối của bạn",
        ),
        PublicForm(
            "petitions:track",
            reverse("petitions:track"),
            lambda i: {"code": "PAZZZZ2345", "secret": "bi-mat"},
            ("PAZZZZ2345",),
            "Quá nhiều lượt tra cứu từ kết nối của bạn",
        ),
        PublicForm(
            "petitions:track_letter",
            reverse("petitions:track_letter"),
            lambda i: {"code": "PAZZZZ2345", "secret": "bi-mat"},
            ("PAZZZZ2345",),
            "Quá nhiều lượt tra cứu từ kết nối của bạn",
        ),
        PublicForm(
            "adminreform:lookup",
            reverse("adminreform:lookup"),
            lambda i: lookup,
            ("HS-KHONG-CO-9999", "246810"),
            "Quá nhiều lần tra cứu từ kết nối này",
        ),
        PublicForm(
            "adminreform:rate",
            reverse("adminreform:rate"),
            lambda i: {**lookup, "rate-score": "3", "rate-visits": "1", "rate-comment": "Cán bộ hướng dẫn tận tình"},
            ("HS-KHONG-CO-9999", "Cán bộ hướng dẫn tận tình"),
            "Quá nhiều lần tra cứu từ kết nối này",
        ),
        PublicForm(
            "adminreform:online_submit",
            reverse("adminreform:online_submit", args=[procedure.pk]),
            submit_data(commune, documents),
            ("Phạm Thu Hằng", "12 Hàng Bạc"),
            "Quá nhiều yêu cầu được gửi từ kết nối của bạn",
        ),
    ]
    return {form.name: form for form in forms}


# Public URLs that take POST without a flood case here, and why.
NO_FLOOD_CASE = {
    "set_language": "changes only the visitor's own language cookie: nothing to flood",
    "logout": "ends the visitor's own session",
    "login": "the staff login: its lockout (axes) is tested below",
    "login_second_factor": "reachable only after a correct password; wrong codes count as failed logins",
    "admin_login_redirect": "a redirect to the staff login",
    "core:health": "the liveness probe: no form, no data",
    "api:not_found": "the API's problem+json answer to an unknown path: it stores nothing",
    "sms-delivery-report": "the SMS provider's delivery reports: refused without the provider's key",
    "api:petition_file": "the API's filing: the web form's per-address limits, answered as a 429 problem "
    "(tests/api/test_petitions.py); a caller with a key meets its key's limit",
    "api:petition_status": "the API's tracking: the tracking form's per-address limit, a 429 problem (tests/api)",
    "open311:discovery": "Open311 discovery: read-only, the API's per-address limit",
    "open311:services": "Open311 services: read-only, the API's per-address limit",
    "open311:request": "Open311's one request: read-only, the API's per-address limit",
    "open311:requests": "Open311 filing takes a key with the write scope and meets its limit (tests/api)",
}
FORM_NAMES = [
    "petitions:file",
    "petitions:track",
    "petitions:track_letter",
    "adminreform:lookup",
    "adminreform:rate",
    "adminreform:online_submit",
]


def test_every_public_form_that_takes_a_post_has_a_flood_case():
    posting = {
        route.name
        for route in walk_urlconf()
        if route.name in PUBLIC_URLS and route.accepts("post") and route.name not in NO_FLOOD_CASE
    }
    assert posting == set(FORM_NAMES), "a public form without a rate limit test: add it to public_forms"


def send(client, form: PublicForm, i: int, **meta: str):
    return client.post(form.url, form.data(i), **meta)


@pytest.mark.parametrize("name", FORM_NAMES)
def test_a_hundred_rapid_posts_from_one_address_are_refused_in_vietnamese_keeping_what_was_typed(
    client, public_forms, name
):
    form = public_forms[name]
    responses = [send(client, form, i, REMOTE_ADDR=FLOODER) for i in range(POSTS)]
    refused = [r for r in responses if r.status_code == 429]
    assert len(refused) >= 95, f"{name}: only {len(refused)} of {POSTS} refused"
    page = refused[-1].content.decode()
    assert form.refusal in page
    for typed in form.typed:
        assert typed in page, f"{name}: {typed!r} was lost on the refusal page"


@pytest.mark.parametrize("name", FORM_NAMES)
def test_a_hundred_citizens_behind_the_trusted_proxy_are_not_refused(client, public_forms, name):
    form = public_forms[name]
    statuses = [
        send(client, form, i, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"100.64.{i // 200}.{i % 200 + 1}").status_code
        for i in range(POSTS)
    ]
    assert 429 not in statuses, f"{name}: {statuses.count(429)} of {POSTS} refused"
    assert len(set(statuses)) == 1, f"{name}: answers differ: {sorted(set(statuses))}"
    # and they got what they asked for: their petitions and dossiers exist
    created = {"petitions:file": Petition, "adminreform:online_submit": Dossier}.get(name)
    if created is not None:
        assert created.objects.count() == POSTS


@pytest.mark.parametrize("name", FORM_NAMES)
def test_a_forged_x_forwarded_for_from_an_untrusted_peer_is_ignored(client, public_forms, name):
    form = public_forms[name]
    responses = [
        send(client, form, i, REMOTE_ADDR=UNTRUSTED_PEER, HTTP_X_FORWARDED_FOR=f"192.0.2.{i + 1}") for i in range(POSTS)
    ]
    refused = sum(r.status_code == 429 for r in responses)
    assert refused >= 95, f"{name}: the forged header let {POSTS - refused} through"


def test_a_flood_straddling_the_edge_of_a_minute_is_still_refused(client, public_forms):
    """The counters slide: a burst that starts just before a new minute does not get a
    second allowance when the minute turns."""
    import time_machine

    form = public_forms["petitions:track"]
    with time_machine.travel(1_800_000_058.0, tick=False) as traveller:  # 2 s before a minute's end
        first = [send(client, form, i, REMOTE_ADDR=FLOODER).status_code for i in range(50)]
        traveller.shift(3)
        second = [send(client, form, i, REMOTE_ADDR=FLOODER).status_code for i in range(50)]
    assert (first + second).count(429) >= 95


# --- the staff login (django-axes) --------------------------------------------------------


def login(client, password: str, username: str = "canbo", **meta: str):
    return client.post(reverse("login"), {"username": username, "password": password}, **meta)


def test_a_hundred_rapid_failed_logins_from_one_address_are_refused(client, officer):
    responses = [login(client, "sai-mat-khau", REMOTE_ADDR=FLOODER) for _ in range(POSTS)]
    locked = [r for r in responses if r.status_code == 429]
    assert len(locked) >= 95
    assert "tài khoản bị khóa trong 15" in locked[-1].content.decode()


def test_failures_behind_the_proxy_lock_that_client_not_everyone_behind_the_proxy(client, officer, other_officer):
    """axes counts the address core.ratelimit.client_ip sees: five failures by one citizen
    behind the proxy do not lock the hundred colleagues who come through the same proxy."""
    for _ in range(5):
        login(client, "sai-mat-khau", username="nobody", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="100.64.9.9")
    assert login(client, "Secret-pass-2026", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="100.64.9.9").status_code == 429
    statuses = []
    for i in range(POSTS):
        statuses.append(
            login(client, "Secret-pass-2026", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"100.64.0.{i + 1}").status_code
        )
        client.logout()
    assert statuses == [302] * POSTS


def test_failed_logins_with_a_forged_x_forwarded_for_from_an_untrusted_peer_are_counted_on_the_peer(client, officer):
    responses = [
        login(
            client, "sai-mat-khau", username=f"user{i}", REMOTE_ADDR=UNTRUSTED_PEER, HTTP_X_FORWARDED_FOR=f"192.0.2.{i}"
        )
        for i in range(POSTS)
    ]
    assert sum(r.status_code == 429 for r in responses) >= 95


def test_the_counters_live_in_redis_when_one_is_configured():
    if not os.environ.get("REDIS_URL"):
        pytest.skip("no REDIS_URL: the local-memory cache counts (CI sets REDIS_URL)")
    assert django_settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
