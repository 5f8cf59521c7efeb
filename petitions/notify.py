"""Pluggable senders for the outbox: e-mail through Django's mail, SMS through a small interface."""

from __future__ import annotations

import logging
from typing import Protocol

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)


class SmsBackend(Protocol):
    def send(self, *, to: str, body: str) -> None: ...


class ConsoleSmsBackend:
    """Development sender: writes the SMS to the log."""

    def send(self, *, to: str, body: str) -> None:
        logger.info("SMS to %s: %s", to, body)


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
