"""How the petitions outbox's messages leave: e-mail through Django's mail, SMS through the
shared senders of core.sms (re-exported here: PETITIONS_SMS_BACKEND names them by this path).
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils.translation import gettext_lazy as _

from core.sms import (  # noqa: F401  # the setting's dotted paths name them here
    BrandnameSmsBackend,
    ConsoleSmsBackend,
    HttpSmsBackend,
    SmsBackend,
    SmsError,
    SmsRefused,
    send_sms,
    sms_backend,
)


def send_email(*, to: str, subject: str, body: str, attachments: list[tuple[str, bytes, str]] | None = None) -> None:
    message = EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [to])
    for name, content, mime in attachments or []:
        message.attach(name, content, mime)
    message.send(fail_silently=False)


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
    "answered": (
        _("Your petition %(code)s has been answered"),
        _(
            "Your petition %(code)s has been resolved: %(result)s.\n%(answer)s\n"
            "The answer and the reply letter are on the tracking page, %(track_url)s, with your tracking "
            "code and secret; the letter is also attached when there is one."
        ),
    ),
    "concluded": (
        _("Your denunciation %(code)s: conclusion notice"),
        _(
            "The denunciation %(code)s has been concluded: %(result)s.\n"
            "The conclusion notice is on the tracking page, %(track_url)s, with your tracking code and "
            "secret; it is also attached when there is one."
        ),
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

# template -> the SMS: the same news in one or two UCS-2 segments (core.sms.segments), said
# once, with the absolute link. Officials' templates go by e-mail only.
SMS = {
    "received": _("Petition received %(received_on)s. Tracking code %(code)s, secret %(secret)s. %(track_url)s"),
    "status": _("Petition %(code)s: %(status)s. Details: %(track_url)s"),
    "answered": _("Petition %(code)s answered: %(result)s. Answer and letter: %(track_url)s"),
    "concluded": _("Denunciation %(code)s concluded: %(result)s. Notice: %(track_url)s"),
}
