"""Deployment checks (`manage.py check --deploy`): production never writes a citizen's messages
to the console. The console SMS and e-mail senders print the whole message (a tracking code and
its secret, the recipient's phone or address) into the worker's log, where anyone who reads logs
would find a denouncer; so under `--deploy` they are errors, not warnings."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks
from django.utils.module_loading import import_string

# Django's senders that never deliver: the console prints, the file backend writes to disk,
# locmem and dummy keep or drop the message.
UNDELIVERED_EMAIL_BACKENDS = {
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.filebased.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
}


@checks.register(checks.Tags.security, deploy=True)
def check_message_senders(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    errors: list[checks.CheckMessage] = []
    if settings.EMAIL_BACKEND in UNDELIVERED_EMAIL_BACKENDS:
        errors.append(
            checks.Error(
                f"E-mail goes to {settings.EMAIL_BACKEND}, not to a mail server.",
                hint="Set EMAIL_URL to the SMTP server, e.g. smtp+tls://user:password@mail.example.gov.vn:587.",
                id="civicdesk.E001",
            )
        )
    path = settings.PETITIONS_SMS_BACKEND
    try:
        backend = import_string(path)
    except ImportError:
        errors.append(checks.Error(f"PETITIONS_SMS_BACKEND {path!r} cannot be imported.", id="civicdesk.E002"))
        return errors
    if getattr(backend, "development_only", False):
        errors.append(
            checks.Error(
                f"SMS goes to {path}, which writes messages and phone numbers to the log.",
                hint="Set PETITIONS_SMS_BACKEND=petitions.notify.HttpSmsBackend and PETITIONS_SMS_URL.",
                id="civicdesk.E002",
            )
        )
    elif getattr(backend, "needs_url", False) and not settings.PETITIONS_SMS_URL.startswith(("https://", "http://")):
        errors.append(
            checks.Error(
                "PETITIONS_SMS_URL is not the SMS gateway's http(s) address.",
                hint="Set PETITIONS_SMS_URL (and PETITIONS_SMS_TOKEN) to the gateway's.",
                id="civicdesk.E003",
            )
        )
    return errors
