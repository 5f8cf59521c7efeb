"""What the one-stop shop tells an applicant (core.outbox): a row per channel the applicant
gave, written in the transaction of the change (`notify_applicant`), and how one row becomes an
e-mail or SMS once that transaction has committed (`send`, registered from apps.py).

Five moments: the dossier is received (its code, PIN and appointment date), its PIN is
reissued, a supplement is requested (what to add), the result is ready to collect, and the
apology with a new date (Mẫu 04). The applicant's address is read from the dossier at send
time; the PIN, of which the dossier keeps only a digest, travels in the row encrypted
(`pin_enc`); every link is absolute (core.links); an SMS goes to a mobile number only, in one
or two segments.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from civicdesk.crypto import decrypt_text
from civicdesk.db import OutboxBase
from core import outbox
from core.contact import is_mobile
from core.links import absolute_url
from core.sms import send_sms

from ..models import Dossier, DossierNotification

Channel = DossierNotification.Channel

# template -> (e-mail subject, e-mail body, SMS). Formatted with the row's context plus `ref`,
# `pin` and `lookup_url`.
MESSAGES = {
    "received": (
        _("Dossier %(ref)s received"),
        _(
            "Your dossier %(ref)s (%(procedure)s) was received on %(received_on)s.\n"
            "Appointment to collect the result: %(due_on)s.\n"
            "Follow it at %(lookup_url)s with the dossier code %(ref)s and the PIN %(pin)s."
        ),
        _("Dossier %(ref)s received. Result on %(due_on)s. PIN %(pin)s. %(lookup_url)s"),
    ),
    "supplement": (
        _("Dossier %(ref)s: documents to add"),
        _(
            "Your dossier %(ref)s needs to be completed: %(missing)s.\n"
            "Bring or send them; the time limit runs again once the dossier is complete.\n"
            "Details at %(lookup_url)s with the dossier code %(ref)s and the PIN on your receipt."
        ),
        _("Dossier %(ref)s needs documents added. Details: %(lookup_url)s"),
    ),
    "pin_reissued": (
        _("Dossier %(ref)s: new PIN"),
        _(
            "A new PIN was issued for your dossier %(ref)s at the one-stop counter: %(pin)s.\n"
            "The old PIN no longer works. Follow the dossier at %(lookup_url)s.\n"
            "If you did not ask for it, tell the one-stop counter of %(unit)s."
        ),
        _("Dossier %(ref)s: new PIN %(pin)s; the old one no longer works. %(lookup_url)s"),
    ),
    "result_ready": (
        _("Dossier %(ref)s: the result is ready"),
        _(
            "The result of your dossier %(ref)s is ready. Collect it at the one-stop counter of "
            "%(unit)s, bringing the receipt or your identity card.\n%(lookup_url)s"
        ),
        _("The result of dossier %(ref)s is ready at the counter. %(lookup_url)s"),
    ),
    "apology": (
        _("Dossier %(ref)s: apology and new appointment"),
        _(
            "We apologise: your dossier %(ref)s will not be ready by %(due_on)s. Reason: %(reason)s.\n"
            "New appointment: %(new_due_on)s.\n%(lookup_url)s"
        ),
        _("Sorry: dossier %(ref)s is delayed. New appointment %(new_due_on)s. %(lookup_url)s"),
    ),
}


def notify_applicant(dossier: Dossier, template: str, context: Mapping[str, str] | None = None) -> None:
    """An e-mail and an SMS to the applicant, for each address they gave (an SMS to a mobile
    number only), in the caller's transaction."""
    channels = [Channel.EMAIL] if dossier.applicant_email else []
    channels += [Channel.SMS] if dossier.applicant_phone and is_mobile(dossier.applicant_phone) else []
    outbox.enqueue(
        [
            DossierNotification(dossier=dossier, channel=c, template=template, context=dict(context or {}))
            for c in channels
        ]
    )


def render(row: DossierNotification) -> tuple[str, str, str]:
    """The e-mail subject and body and the SMS of a row, in the site's language."""
    subject, body, sms = MESSAGES[row.template]
    dossier = row.dossier
    context = {k: str(v) for k, v in row.context.items()}
    # The PIN travels encrypted in the row (only its digest is on the dossier).
    pin_enc = context.pop("pin_enc", "")
    context |= {
        "ref": dossier.ref,
        "pin": decrypt_text(pin_enc) if pin_enc else "",
        "lookup_url": absolute_url("adminreform:lookup"),
    }
    with translation.override(settings.LANGUAGE_CODE):
        return str(subject) % context, str(body) % context, str(sms) % context


def send(row: OutboxBase) -> None:
    """Send one row (core.outbox calls it with the row locked and marked sent; raising rolls
    that back and the row is tried again later)."""
    assert isinstance(row, DossierNotification)
    dossier = row.dossier
    subject, body, sms = render(row)
    if row.channel == Channel.EMAIL and dossier.applicant_email:
        EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [dossier.applicant_email]).send(fail_silently=False)
    elif row.channel == Channel.SMS and dossier.applicant_phone:
        send_sms(to=dossier.applicant_phone, body=sms, request_id=f"{row._meta.label_lower}#{row.pk}")


OUTBOX = outbox.Outbox(model=DossierNotification, send=send, related=("dossier",))
