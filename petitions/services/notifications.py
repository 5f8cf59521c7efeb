"""What the petitions outbox sends (core.outbox): the rows a change writes in its own
transaction (`notify_petitioner`, `notify_status`, `notify_officials`), and how one row becomes
an e-mail or SMS once that transaction has committed (`send`, registered from apps.py).

No contact data is copied into a row: the petitioner's address is read at send time (a
denouncer's from the vault), so it never leaves the vault early. Every link is absolute
(core.links): the tracking page for citizens, the petition's page for officials.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.conf import settings
from django.contrib.auth.models import User
from django.utils import translation

from civicdesk.crypto import fernet
from civicdesk.db import OutboxBase
from core import outbox
from core.contact import is_mobile
from core.links import absolute_url
from core.prepared import new_row

from .. import notify
from ..choices import Result, Step
from ..models import Duty, Notification, Petition, PetitionStatus
from .vault import Identity, petitioner_contact

# The templates written to the petitioner (a tracking link) and to officials (the petition's page).
CITIZEN_TEMPLATES = ("received", "status", "answered", "concluded")
STAFF_TEMPLATES = ("reminder", "escalation")


def notify_petitioner(petition: Petition, template: str, context: Mapping[str, str]) -> None:
    """An e-mail and an SMS to the petitioner, for each address they gave (an SMS only to a
    mobile number: a landline cannot receive one)."""
    outbox.enqueue(petitioner_notifications(petition, petitioner_contact(petition), template, context))


def petitioner_notifications(
    petition: Petition, contact: Identity, template: str, context: Mapping[str, str]
) -> list[Notification]:
    """`notify_petitioner`'s rows, not written, for a petitioner whose contact is `contact`:
    a new petition's are written with it in one statement (intake.register)."""
    channels = [Notification.Channel.EMAIL] if contact.email else []
    channels += [Notification.Channel.SMS] if contact.phone and is_mobile(contact.phone) else []
    return [
        new_row(Notification, petition=petition, channel=c, template=template, context=dict(context)) for c in channels
    ]


def notify_status(petition: Petition) -> None:
    """Tell a tracked petition's petitioner its new status."""
    if petition.tracking_code:
        notify_petitioner(petition, "status", {"code": petition.tracking_code, "status": petition.status})


def notify_answer(petition: Petition) -> None:
    """Tell a tracked petition's petitioner it was resolved: the result and the answer (the
    e-mail carries the reply letter); a denouncer, only that the conclusion notice is ready."""
    if not petition.tracking_code:
        return
    template = "concluded" if petition.is_denunciation else "answered"
    notify_petitioner(petition, template, {"code": petition.tracking_code, "result": petition.result})


def notify_officials(
    petition: Petition, users: Iterable[User], *, template: str, context: Mapping[str, str], key: str
) -> None:
    """An e-mail to each official, once per `key` and official (the outbox's dedupe key)."""
    outbox.enqueue(
        [
            Notification(
                petition=petition,
                user=user,
                channel=Notification.Channel.EMAIL,
                template=template,
                context=dict(context),
                dedupe_key=f"{key}:{user.pk}",
            )
            for user in users
        ]
    )


def render(notification: Notification) -> tuple[str, str]:
    """The subject and body of a row's e-mail, in the site's language, with absolute links."""
    subject, body = notify.MESSAGES[notification.template]
    context = _context(notification)
    with translation.override(settings.LANGUAGE_CODE):
        return str(subject) % context, str(body) % context


def render_sms(notification: Notification) -> str:
    """A row's SMS: short (one or two segments), in the site's language, with an absolute link."""
    context = _context(notification)
    with translation.override(settings.LANGUAGE_CODE):
        return str(notify.SMS[notification.template]) % context


def _context(notification: Notification) -> dict[str, str]:
    """The row's context made readable: the secret decrypted, labels in the site's language,
    the absolute link of its page."""
    context = dict(notification.context)
    if "secret_enc" in context:
        context["secret"] = fernet().decrypt(str(context.pop("secret_enc")).encode()).decode()
    with translation.override(settings.LANGUAGE_CODE):
        if "status" in context:
            context["status"] = str(PetitionStatus(context["status"]).label)
        if "step" in context:
            context["step"] = str(Step(context["step"]).label)
        if "duty" in context:
            context["step"] = str(Duty(context.pop("duty")).label)
        if "result" in context:
            context["result"] = str(Result(context["result"]).label)
    if notification.template == "answered":
        petition = notification.petition
        context["answer"] = petition.result_note if petition is not None else ""
    if notification.template in CITIZEN_TEMPLATES:
        context["track_url"] = absolute_url("petitions:track")
    elif notification.template in STAFF_TEMPLATES and notification.petition_id:
        context["url"] = absolute_url("petitions:detail", notification.petition_id)
    return {k: str(v) for k, v in context.items()}


def send(row: OutboxBase) -> None:
    """Send one row (core.outbox calls it once the row is locked and marked sent; raising
    rolls that back and the row is tried again later). The tracking secret an acknowledgement
    carries is removed from the row as it goes."""
    assert isinstance(row, Notification)
    if "secret_enc" in row.context:
        scrubbed = {k: v for k, v in row.context.items() if k != "secret_enc"}
        Notification.objects.filter(pk=row.pk).update(context=scrubbed)
    if row.user_id:
        user = row.user
        if user is not None and user.email:
            subject, body = render(row)
            notify.send_email(to=user.email, subject=subject, body=body)
        return
    if row.petition is None:
        return
    contact = petitioner_contact(row.petition)
    if row.channel == Notification.Channel.EMAIL and contact.email:
        subject, body = render(row)
        notify.send_email(to=contact.email, subject=subject, body=body, attachments=_letters(row))
    elif row.channel == Notification.Channel.SMS and contact.phone:
        notify.send_sms(to=contact.phone, body=render_sms(row), request_id=f"{row._meta.label_lower}#{row.pk}")


def _letters(row: Notification) -> list[tuple[str, bytes, str]]:
    """The reply letter an answer's e-mail carries (name, content, type)."""
    if row.template not in ("answered", "concluded") or row.petition is None:
        return []
    letter = row.petition.attachments.filter(is_reply=True).order_by("-pk").first()
    if letter is None:
        return []
    with letter.file.open("rb") as f:
        return [(letter.original_name, f.read(), letter.mime)]


OUTBOX = outbox.Outbox(model=Notification, send=send, related=("petition", "user"))
