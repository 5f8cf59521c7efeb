"""Pluggable senders for the outbox: e-mail through Django's mail, SMS through a small interface."""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request
from typing import Protocol

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import send_mail
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)


class SmsBackend(Protocol):
    def send(self, *, to: str, body: str) -> None: ...


class ConsoleSmsBackend:
    """Development sender: writes the SMS to the log. `check --deploy` refuses it (core.checks)."""

    development_only = True

    def send(self, *, to: str, body: str) -> None:
        logger.info("SMS to %s: %s", to, body)


class SmsError(RuntimeError):
    """The gateway did not take the message; the outbox keeps it and tries again later."""


class HttpSmsBackend:
    """An HTTP SMS gateway: POST `{"to", "from", "text"}` as JSON to PETITIONS_SMS_URL with
    `Authorization: Bearer PETITIONS_SMS_TOKEN`, within PETITIONS_SMS_TIMEOUT seconds. Any
    answer but 2xx, a timeout or a network error raises SmsError: the outbox row stays unsent,
    counts the attempt and is sent again by the sweeper (never lost, never sent twice by us)."""

    needs_url = True

    def __init__(self) -> None:
        self.url = settings.PETITIONS_SMS_URL
        self.token = settings.PETITIONS_SMS_TOKEN
        self.sender = settings.PETITIONS_SMS_SENDER
        self.timeout = float(settings.PETITIONS_SMS_TIMEOUT)
        if not self.url.startswith(("https://", "http://")):
            raise ImproperlyConfigured("PETITIONS_SMS_URL must be the gateway's http(s) address.")

    def send(self, *, to: str, body: str) -> None:
        payload = json.dumps({"to": to, "from": self.sender, "text": body}, ensure_ascii=False).encode()
        request = urllib.request.Request(  # noqa: S310 (the scheme is checked above)
            self.url,
            data=payload,
            method="POST",
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "Accept": "application/json",
                "Authorization": f"Bearer {self.token}",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                status = response.status
        except urllib.error.HTTPError as exc:
            # The error text never carries the token or the message (it ends up in last_error).
            raise SmsError(f"SMS gateway answered {exc.code}") from None
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise SmsError(f"SMS gateway unreachable: {type(reason).__name__}") from None
        if not 200 <= status < 300:
            raise SmsError(f"SMS gateway answered {status}")


def sms_backend() -> SmsBackend:
    backend: SmsBackend = import_string(settings.PETITIONS_SMS_BACKEND)()
    return backend


def send_email(*, to: str, subject: str, body: str) -> None:
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to], fail_silently=False)


def send_sms(*, to: str, body: str) -> None:
    sms_backend().send(to=to, body=body)


# template -> (subject, body); bodies are formatted with the notification's context.
MESSAGES = {
    "received": (
        _("Your petition %(ref)s has been received"),
        _(
            "Your petition has been received on %(received_on)s.\n"
            "Tracking code: %(code)s\nSecret: %(secret)s\n"
            "Keep them to follow your petition at %(track_url)s. Do not share the secret."
        ),
    ),
    "status": (
        _("Your petition %(code)s: %(status)s"),
        _("The status of your petition %(code)s is now: %(status)s.\nFollow it at %(track_url)s."),
    ),
    "reminder": (
        _("Deadline soon: petition %(ref)s"),
        _("The deadline of petition %(ref)s (%(step)s) is %(due_on)s.\n%(url)s"),
    ),
    "escalation": (
        _("Overdue: petition %(ref)s"),
        _("Petition %(ref)s of %(unit)s is overdue: %(step)s was due on %(due_on)s.\n%(url)s"),
    ),
}
