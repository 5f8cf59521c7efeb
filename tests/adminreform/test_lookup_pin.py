"""The dossier's lookup PIN is stored only as a keyed digest (adminreform.pins): shown once on
receipt (the page, the slip, the receipt message), checked in constant time, and reissued at
the counter by an audited service call when the applicant lost it."""

import re
from datetime import date

import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse

from adminreform import pins
from adminreform.models import Dossier, DossierEvent
from adminreform.selectors import dossier_for_lookup
from adminreform.services import dossier_reissue_pin
from civicdesk.exceptions import DomainError, NotAllowed
from tests.adminreform.factories import DossierFactory

pytestmark = pytest.mark.django_db
SHOWN_PIN = re.compile(r'id="lookup-pin">(\d{6})<')


def _stored(dossier: Dossier) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT lookup_pin_digest FROM adminreform_dossier WHERE id = %s", [dossier.pk])
        return cursor.fetchone()[0]


def _lookup(client, code: str, pin: str):
    return client.post(reverse("adminreform:lookup"), {"code": code, "pin": pin})


def test_only_a_salted_keyed_digest_is_stored_and_the_lookup_still_finds_the_dossier(receive, client):
    dossier = receive()
    pin = dossier.lookup_pin
    stored = _stored(dossier)
    assert len(pin) == 6 and pin.isdigit()
    assert pin not in stored and stored.startswith("h1$")
    assert Dossier.objects.get(pk=dossier.pk).lookup_pin == ""  # read back: nothing to show again
    twin = DossierFactory(unit=dossier.unit, lookup_pin=pin)
    assert _stored(twin) != stored  # the same PIN, an unrelated digest
    assert _lookup(client, dossier.ref, pin).status_code == 200
    wrong_pin = _lookup(client, dossier.ref, f"{(int(pin) + 1) % 10**6:06d}")
    wrong_code = _lookup(client, "00070-000000-9999", pin)
    assert wrong_pin.status_code == wrong_code.status_code == 404


def test_a_wrong_code_costs_the_same_digest_work_as_a_wrong_pin(receive, monkeypatch):
    dossier = receive()
    calls = []
    real = pins._mac
    monkeypatch.setattr(pins, "_mac", lambda *a: calls.append(1) or real(*a))
    assert dossier_for_lookup(code=dossier.ref, pin="000000") is None or dossier.lookup_pin == "000000"
    known = len(calls)
    calls.clear()
    assert dossier_for_lookup(code="00070-000000-9999", pin="000000") is None
    assert len(calls) == known >= 1


def test_a_pin_hashed_under_the_previous_secret_key_still_opens_the_lookup(receive, settings, officer):
    dossier = receive()
    pin = dossier.lookup_pin
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-new-secret-key-after-rotation-0123456789-abcdefghijklmnop"
    assert dossier_for_lookup(code=dossier.ref, pin=pin) == dossier
    settings.SECRET_KEY_FALLBACKS = []
    assert dossier_for_lookup(code=dossier.ref, pin=pin) is None  # the old key retired: reissue
    # A dedicated key, rotated the same way.
    settings.ADMINREFORM_PIN_KEY = "pin-key-2026"
    dossier = dossier_reissue_pin(dossier=dossier, reason="Đổi khóa", actor=officer)
    settings.ADMINREFORM_PIN_KEY, settings.ADMINREFORM_PIN_KEY_FALLBACKS = "pin-key-2027", ["pin-key-2026"]
    assert dossier_for_lookup(code=dossier.ref, pin=dossier.lookup_pin) == dossier


def test_the_receipt_slip_shows_the_pin_once_and_a_reprint_does_not(client, officer, procedure):
    client.force_login(officer)
    response = client.post(
        reverse("adminreform:intake", args=[procedure.pk]),
        {
            "applicant_name": "Lê Văn Cư",
            "applicant_phone": "0987654321",
            "channel": "counter",
            "documents": [d.pk for d in procedure.documents.all()],
            "decision": "accept",
        },
    )
    dossier = Dossier.objects.get()
    first = client.get(response["Location"]).content.decode()
    shown = SHOWN_PIN.search(first)
    assert shown and pins.pin_matches(shown.group(1), dossier.lookup_pin_digest)
    again = client.get(response["Location"]).content.decode()
    assert not SHOWN_PIN.search(again) and shown.group(1) not in again
    assert "cấp lại" in again  # says a lost PIN is reissued at the counter
    assert _lookup(client, dossier.ref, shown.group(1)).status_code == 200


def test_the_counter_reissues_a_lost_pin_the_old_one_stops_and_the_event_says_who_and_why(
    client, officer, receive, django_capture_on_commit_callbacks
):
    dossier = receive()
    old = dossier.lookup_pin
    client.force_login(officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("adminreform:dossier_action", args=[dossier.pk, "reissue_pin"]),
            {"version": Dossier.objects.get(pk=dossier.pk).version, "reason": "Công dân làm mất giấy biên nhận"},
        )
    assert response.status_code == 302 and response["Location"] == reverse(
        "adminreform:dossier_receipt", args=[dossier.pk]
    )
    slip = client.get(response["Location"]).content.decode()
    new = SHOWN_PIN.search(slip).group(1)
    assert _lookup(client, dossier.ref, new).status_code == 200
    assert new == old or _lookup(client, dossier.ref, old).status_code == 404
    event = DossierEvent.objects.get(dossier=dossier, kind=DossierEvent.Kind.PIN_REISSUED)
    assert (event.actor, event.reason) == (officer, "Công dân làm mất giấy biên nhận")
    assert new not in str(event.data) and new not in event.reason
    # the applicant hears of it on the phone they gave (a stranger asking for it would be noticed)
    [sms_body] = [m for m in _sent_sms() if "PIN" in m]
    assert new in sms_body and dossier.ref in sms_body
    assert not mail.outbox or new in mail.outbox[-1].body


_SMS: list[str] = []


@pytest.fixture(autouse=True)
def _sms(mocker):
    _SMS.clear()
    mocker.patch("core.sms.ConsoleSmsBackend.send", side_effect=lambda **kw: _SMS.append(kw["body"]))


def _sent_sms() -> list[str]:
    return [body for body in _SMS if "mới" in body or "new" in body]


def test_a_reissue_needs_a_reason_and_a_desk_role(client, officer, receive, city_leader):
    dossier = receive()
    client.force_login(officer)
    response = client.post(
        reverse("adminreform:dossier_action", args=[dossier.pk, "reissue_pin"]),
        {"version": dossier.version, "reason": "  "},
    )
    assert response.status_code == 400 and response.context["open_action"] == "reissue_pin"
    assert not DossierEvent.objects.filter(kind=DossierEvent.Kind.PIN_REISSUED).exists()
    with pytest.raises(DomainError):
        dossier_reissue_pin(dossier=dossier, reason="", actor=officer)
    with pytest.raises(NotAllowed):
        dossier_reissue_pin(dossier=dossier, reason="Mất", actor=city_leader)
    assert not DossierEvent.objects.filter(kind=DossierEvent.Kind.PIN_REISSUED).exists()


def test_the_online_confirmation_shows_the_pin_that_opens_the_lookup(receive, client):
    # dossier_receive returns the PIN once, for the page that confirms the filing
    dossier = receive(on=date(2026, 3, 2), channel="online")
    assert pins.pin_matches(dossier.lookup_pin, _stored(dossier))
