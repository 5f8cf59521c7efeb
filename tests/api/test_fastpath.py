"""The API's fast paths (api.fastpath) answer exactly what the ORM and DRF answer: the status
lookup's plain calls byte for byte (status, body, content type, Allow, Retry-After) with the
same limits, every other call left to DRF; the Open311 rows as the model-based rows were."""

from __future__ import annotations

import itertools
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from api import fastpath
from petitions.models import OPEN_STATUSES, FeedbackCategory, Petition, PetitionStatus
from tests.api.test_petitions import filing
from tests.petitions.factories import classify, receive

pytestmark = pytest.mark.django_db
STATUS = "/api/v1/petitions/status/"
_addresses = (f"10.0.{n // 250}.{n % 250 + 1}" for n in itertools.count())


@pytest.fixture
def filed(commune) -> dict[str, str]:
    answer = Client().post("/api/v1/petitions/file/", filing(unit=commune.code), content_type="application/json")
    assert answer.status_code == 201, answer.content
    return answer.json()


def _both(monkeypatch, call) -> tuple[Any, Any]:
    """`call(client)` answered by the fast path, then by DRF alone (each from its own address,
    so that neither counts against the other's limits)."""
    fast = call(Client(REMOTE_ADDR=next(_addresses)))
    with monkeypatch.context() as m:
        m.setattr(fastpath, "status_lookup", lambda request: None)
        slow = call(Client(REMOTE_ADDR=next(_addresses)))
    return fast, slow


def _same(fast, slow) -> None:
    assert (fast.status_code, fast.content) == (slow.status_code, slow.content)
    for header in ("Content-Type", "Allow", "Retry-After", "WWW-Authenticate"):
        assert fast.get(header) == slow.get(header), header


def _form(code: str, secret: str, **extra: str):
    return lambda client: client.post(STATUS, {"code": code, "secret": secret}, **extra)


def _json(body: str, **extra: str):
    return lambda client: client.post(STATUS, body, content_type="application/json", **extra)


def test_a_plain_lookup_is_answered_by_the_fast_path_as_drf_answers_it(monkeypatch, filed):
    code, secret = filed["tracking_code"], filed["tracking_secret"]
    calls = [
        _form(code, secret),
        _form(f"  {code.lower()} ", secret),  # trimmed and normalised as the serializer does
        _form(code, secret, HTTP_ACCEPT_LANGUAGE="en"),
        _form(code, "WRONG-SECRET"),
        _form("ZZZZZZZZ", secret),
        _form("ZZZZZZZZ", secret, HTTP_ACCEPT_LANGUAGE="en"),
        _json(f'{{"code": "{code}", "secret": "{secret}"}}'),
        _json(f'{{"code": "{code}", "secret": "{secret}"}}', HTTP_ACCEPT="application/json"),
    ]
    for call in calls:
        fast, slow = _both(monkeypatch, call)
        _same(fast, slow)
    found = _form(code, secret)(Client(REMOTE_ADDR=next(_addresses)))
    assert found.status_code == 200 and found.json()["code"] == code and found.json()["timeline"]
    wrong = _form(code, "WRONG-SECRET")(Client(REMOTE_ADDR=next(_addresses)))
    unknown = _form("ZZZZZZZZ", secret)(Client(REMOTE_ADDR=next(_addresses)))
    assert wrong.status_code == unknown.status_code == 404 and wrong.content == unknown.content


def test_the_fast_path_keeps_both_limits(monkeypatch, settings, filed):
    code, secret = filed["tracking_code"], filed["tracking_secret"]
    settings.API_PUBLIC_RATE_PER_MINUTE = 0
    fast, slow = _both(monkeypatch, _form(code, secret))
    assert fast.status_code == 429 and fast["Retry-After"] == "60"
    _same(fast, slow)
    settings.API_PUBLIC_RATE_PER_MINUTE = 100
    settings.PETITIONS_TRACK_RATE = 0
    fast, slow = _both(monkeypatch, _form(code, secret))
    assert fast.status_code == 429 and fast["Retry-After"] == "3600"
    _same(fast, slow)
    # the web lookup's burst: the sixth lookup of a minute from one address is refused
    settings.PETITIONS_TRACK_RATE = 100
    citizen = Client(REMOTE_ADDR=next(_addresses))
    answers = [_form(code, secret)(citizen).status_code for _ in range(6)]
    assert answers == [200] * 5 + [429]


def test_every_other_call_is_left_to_drf(rf, filed, read_key, commune, officer):
    code, secret = filed["tracking_code"], filed["tracking_secret"]
    form = "application/x-www-form-urlencoded"

    def request(data: str = f"code={code}&secret={secret}", content_type: str = form, **extra: str):
        return rf.post(STATUS, data, content_type=content_type, **extra)

    assert fastpath.status_lookup(request()) is not None
    left = [
        request(HTTP_AUTHORIZATION=f"Bearer {read_key.raw}"),
        request(HTTP_X_API_KEY=read_key.raw),
        request(HTTP_ACCEPT="text/html"),
        request(HTTP_ACCEPT="application/json; indent=4"),
        request(f"code=&secret={secret}"),
        request(f"code={code}"),
        request(f"code={code}&secret={'x' * 101}"),
        request(f"code={code}%00&secret={secret}"),
        request('["not", "an", "object"]', "application/json"),
        request('{"code": 12345678, "secret": "x"}', "application/json"),
        request("{broken", "application/json"),
        request(f"code={code}&secret={secret}", "text/plain"),
        rf.get(STATUS, {"code": code, "secret": secret}),
    ]
    with_session = request()
    with_session.COOKIES["sessionid"] = "anything"
    left.append(with_session)
    assert all(fastpath.status_lookup(r) is None for r in left)


def test_a_staff_session_and_a_key_still_get_drfs_answer(api, filed, read_key, officer):
    code, secret = filed["tracking_code"], filed["tracking_secret"]
    api.credentials(HTTP_AUTHORIZATION="Bearer cdk_not_a_key")
    refused = api.post(STATUS, {"code": code, "secret": secret})
    assert refused.status_code == 401 and refused["Content-Type"] == "application/problem+json"
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {read_key.raw}")
    assert api.post(STATUS, {"code": code, "secret": secret}).json()["code"] == code


def _reference_row(p: Petition) -> dict[str, Any]:
    """A request as the list wrote it from a model instance, before the fast path."""

    def iso(moment):
        if moment is None:
            return None
        if not isinstance(moment, datetime):
            moment = timezone.make_aware(datetime.combine(moment, time(0, 0)))
        return timezone.localtime(moment).isoformat(timespec="seconds")

    closed = p.status not in OPEN_STATUSES
    category = p.category or FeedbackCategory.OTHER
    return {
        "service_request_id": p.tracking_code,
        "status": "closed" if closed else "open",
        "status_notes": str(PetitionStatus(p.status).label),
        "service_name": str(FeedbackCategory(category).label),
        "service_code": category,
        "description": "",
        "agency_responsible": p.unit.name,
        "service_notice": "",
        "requested_datetime": iso(p.created_at),
        "updated_datetime": iso(p.updated_at),
        "expected_datetime": iso(p.due_on) if not closed else None,
        "address": p.location_address,
        "address_id": "",
        "zipcode": "",
        "lat": float(p.latitude) if p.latitude is not None else None,
        "long": float(p.longitude) if p.longitude is not None else None,
        "media_url": "",
    }


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_open311_rows_are_the_model_based_rows(commune, other_commune, language):
    from django.utils import translation

    placed = receive(commune, kind="feedback", received_on=date(2026, 3, 2))
    Petition.objects.filter(pk=placed.pk).update(
        category="roads", latitude=Decimal("21.028511"), longitude=Decimal("105.852020"), location_address="5 Hàng Gai"
    )
    classify(receive(other_commune, kind="feedback", received_on=date(2026, 3, 3)))
    receive(commune, kind="feedback", received_on=date(2026, 1, 5))
    listed = Petition.objects.filter(kind="feedback").exclude(tracking_code=None).order_by("-received_on", "-id")
    assert listed.count() == 3
    with translation.override(language):
        assert fastpath.open311_rows(listed) == [_reference_row(p) for p in listed.select_related("unit")]
