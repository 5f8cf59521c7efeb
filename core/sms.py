"""SMS senders shared by every app's outbox (petitions, the one-stop shop), chosen by the
setting PETITIONS_SMS_BACKEND (a dotted path; the name predates the one-stop shop's messages):

- `ConsoleSmsBackend` writes the message to the log: development only (`check --deploy`
  refuses it, core.checks).
- `HttpSmsBackend`: a plain JSON gateway, `{"to", "from", "text"}` with a bearer token.
- `BrandnameSmsBackend`: a Vietnamese brand-name SMS provider's JSON API (the sender shows as
  the committee's registered brand name, e.g. "UBND-HK"), with the provider's message id kept
  and its delivery report received at `/sms/delivery-report/` (`SmsReceipt`).

How a failure is told apart: an error a later try may cure (5xx, 408, 429, a timeout, the
network) raises `SmsError`, and the outbox keeps the row and tries again with its growing wait;
a refusal of the message itself (another 4xx: a bad number, a rejected text, a wrong key)
raises `SmsRefused` (core.outbox.Undeliverable), and the row is given up with the answer kept
in `last_error`, not sent again and again to be refused each time.

Every message is Vietnamese with diacritics, so it travels as UCS-2: `segments(text)` counts
what a phone receives (70 characters in one segment, 67 a segment beyond). Messages are kept to
one or two segments (tests/core/test_sms.py holds every template to it).
"""

from __future__ import annotations

import hmac
import json
import logging
import urllib.error
import urllib.request
from typing import Any, Protocol

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from .contact import sms_number
from .links import absolute_url
from .models import SmsReceipt
from .outbox import Undeliverable

logger = logging.getLogger(__name__)

# 3GPP TS 23.038: the GSM 7-bit default alphabet, and its extension (two septets each).
GSM_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENSION = set("^{}\\[~]|€\f")
# Transient answers: the provider is busy or timed out on its side; everything else 4xx is final.
RETRYABLE_4XX = {408, 425, 429}


def segments(text: str) -> int:
    """How many SMS segments `text` takes: GSM-7 (160, or 153 a part) when every character is in
    the GSM alphabet, else UCS-2 (70, or 67 a part), counted in UTF-16 code units."""
    if all(ch in GSM_BASIC or ch in GSM_EXTENSION for ch in text):
        septets = sum(2 if ch in GSM_EXTENSION else 1 for ch in text)
        return 1 if septets <= 160 else -(-septets // 153)
    units = len(text.encode("utf-16-le")) // 2
    return 1 if units <= 70 else -(-units // 67)


class SmsBackend(Protocol):
    def send(self, *, to: str, body: str, request_id: str = "") -> None: ...


class SmsError(RuntimeError):
    """The gateway did not take the message now; the outbox keeps it and tries again later."""


class SmsRefused(Undeliverable):
    """The gateway refused this message for good (4xx); the outbox gives it up."""


class ConsoleSmsBackend:
    """Development sender: writes the SMS to the log. `check --deploy` refuses it (core.checks)."""

    development_only = True

    def send(self, *, to: str, body: str, request_id: str = "") -> None:
        logger.info("SMS to %s: %s", to, body)


class _JsonGateway:
    """POST a JSON body within PETITIONS_SMS_TIMEOUT seconds; sort the failures (module doc)."""

    needs_url = True

    def __init__(self) -> None:
        self.url = settings.PETITIONS_SMS_URL
        self.token = settings.PETITIONS_SMS_TOKEN
        self.sender = settings.PETITIONS_SMS_SENDER
        self.timeout = float(settings.PETITIONS_SMS_TIMEOUT)
        if not self.url.startswith(("https://", "http://")):
            raise ImproperlyConfigured("PETITIONS_SMS_URL must be the gateway's http(s) address.")

    def post(self, payload: dict[str, Any], headers: dict[str, str]) -> bytes:
        request = urllib.request.Request(  # noqa: S310 (the scheme is checked above)
            self.url,
            data=json.dumps(payload, ensure_ascii=False).encode(),
            method="POST",
            headers={"Content-Type": "application/json; charset=utf-8", "Accept": "application/json", **headers},
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                status, body = response.status, response.read()
        except urllib.error.HTTPError as exc:
            # The error text never carries the token or the message (it ends up in last_error).
            if 400 <= exc.code < 500 and exc.code not in RETRYABLE_4XX:
                raise SmsRefused(f"SMS gateway refused the message: {exc.code}") from None
            raise SmsError(f"SMS gateway answered {exc.code}") from None
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise SmsError(f"SMS gateway unreachable: {type(reason).__name__}") from None
        if not 200 <= status < 300:
            raise SmsError(f"SMS gateway answered {status}")
        return body


class HttpSmsBackend(_JsonGateway):
    """A plain HTTP SMS gateway: POST `{"to", "from", "text"}` as JSON to PETITIONS_SMS_URL with
    `Authorization: Bearer PETITIONS_SMS_TOKEN`."""

    def send(self, *, to: str, body: str, request_id: str = "") -> None:
        self.post({"to": to, "from": self.sender, "text": body}, {"Authorization": f"Bearer {self.token}"})


class BrandnameSmsBackend(_JsonGateway):
    """A Vietnamese brand-name SMS API. POST to PETITIONS_SMS_URL with `X-Api-Key:
    PETITIONS_SMS_TOKEN`:

        {"brandname": "UBND-HK", "phone": "84912345678", "message": "…", "unicode": true,
         "request_id": "petitions.notification#12", "callback_url": "https://…/sms/delivery-report/"}

    answered `{"message_id": "…"}`. `request_id` names the outbox row: a provider that saw it
    already does not send it again, so a try whose answer was lost (a timeout after the provider
    took it) does not reach the phone twice. The message id is kept in an `SmsReceipt`, which the
    provider's delivery report later marks delivered or failed."""

    def send(self, *, to: str, body: str, request_id: str = "") -> None:
        answer = self.post(
            {
                "brandname": self.sender,
                "phone": sms_number(to),
                "message": body,
                "unicode": True,
                "request_id": request_id,
                "callback_url": absolute_url("sms-delivery-report"),
            },
            {"X-Api-Key": self.token},
        )
        try:
            message_id = str(json.loads(answer or b"{}").get("message_id") or "")
        except (ValueError, AttributeError):
            message_id = ""
        if request_id:
            SmsReceipt.objects.update_or_create(
                request_id=request_id,
                defaults={"message_id": message_id[:100], "status": SmsReceipt.Status.ACCEPTED, "error": ""},
            )


def sms_backend() -> SmsBackend:
    backend: SmsBackend = import_string(settings.PETITIONS_SMS_BACKEND)()
    return backend


def send_sms(*, to: str, body: str, request_id: str = "") -> None:
    sms_backend().send(to=to, body=body, request_id=request_id)


def delivery_report_authentic(key: str) -> bool:
    """The provider's report carries the same key we send it (constant-time comparison)."""
    token = settings.PETITIONS_SMS_TOKEN
    return bool(token) and hmac.compare_digest(key.encode(), token.encode())


def delivery_report_record(*, request_id: str, message_id: str, status: str, error: str = "") -> bool:
    """Record the provider's delivery report for one message; False when we never sent it."""
    receipts = SmsReceipt.objects.all()
    receipt = (
        receipts.filter(request_id=request_id).first()
        if request_id
        else receipts.filter(message_id=message_id).first()
        if message_id
        else None
    )
    if receipt is None:
        return False
    receipt.status = SmsReceipt.Status.DELIVERED if status == "delivered" else SmsReceipt.Status.FAILED
    receipt.error = error[:500]
    receipt.save(update_fields=["status", "error", "updated_at"])
    return True
