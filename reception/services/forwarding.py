"""Matters forwarded at reception (a visit answered "forwarded", Luật TCD art. 28(1)(d)): the
competent body's result, recorded when it comes back, and the notice to the citizen. When the
citizen asked to be told, the receiving body tells them within 5 working days of the result's
arrival (rule `reception.notify_forwarded_result`; Luật TCD art. 27(2), 28(2)); a notice given
later is recorded, and shown, as late. A denunciation's result and notice never carry the
denouncer's identity (Luật Tố cáo art. 47): a text that does is refused."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from civicdesk.exceptions import DomainError, InvalidTransition
from core.selectors import deadline_for
from petitions import services as petition_services

from ..models import ForwardedResult, NoticeChannel, ReceptionEvent, Visit, VisitAnswer, VisitDenouncerIdentity
from ..policies import POLICY
from .vault import decrypt_visit_identity
from .workflows import VISIT

NOTICE_RULE = "reception.notify_forwarded_result"


def forwarded_notice_deadline(*, result_on: date) -> tuple[date, int | None]:
    """The day the citizen must be told the result by, and the rule's id: 5 working days after
    the result came back (Luật TCD art. 27(2), 28(2)), holidays and Tết skipped."""
    deadline = deadline_for(code=NOTICE_RULE, start=result_on)
    return deadline.due_on, deadline.rule.rule_id


def forwarded_notice_draft(result: ForwardedResult) -> str:
    """A first wording of the notice, in the citizen's language (Vietnamese), for the official
    to edit: the visit's reference and date, the body and what its result says. It names
    nobody, so a denunciation's notice starts without the denouncer's identity."""
    visit = result.visit
    with translation.override(settings.LANGUAGE_CODE):
        return _(
            "Regarding the matter you raised at the citizen reception of %(unit)s on %(day)s "
            "(reference %(ref)s), forwarded to %(body)s: on %(result_on)s it sent back its result: %(summary)s"
        ) % {
            "unit": visit.unit.name,
            "day": date_format(visit.received_on, "d/m/Y"),
            "ref": visit.ref,
            "body": result.body,
            "result_on": date_format(result.received_on, "d/m/Y"),
            "summary": result.summary,
        }


def _check_secrecy(visit: Visit, text: str, field: str) -> None:
    """Refuse, on a denunciation's visit, a text carrying the denouncer's name, number or address
    (read from the vault in memory to compare, never shown, so no reveal is recorded)."""
    if not visit.is_denunciation or not text:
        return
    vault = VisitDenouncerIdentity.objects.filter(visit=visit).first()
    if vault is None:
        return
    kept = decrypt_visit_identity(vault.ciphertext)
    identity = petition_services.Identity(name=kept.name, id_number=kept.id_number, address=kept.address)
    names = [n.strip() for n in kept.representative_names.split(",") if n.strip()]
    if petition_services.text_reveals_identity(text=text, identity=identity) or any(
        petition_services.text_reveals_identity(text=text, identity=petition_services.Identity(name=n)) for n in names
    ):
        raise DomainError(
            _("This text contains the denouncer's identity. Remove it: the law forbids revealing it."), code=field
        )


@transaction.atomic
def forwarded_result_record(
    *,
    visit: Visit,
    expected_version: int,
    received_on: date,
    summary: str,
    body: str = "",
    citizen_asked: bool = True,
    actor: User,
    ip_address: str | None = None,
) -> ForwardedResult:
    """Record that the competent body's result on a forwarded visit came back: the day it
    arrived, the body (by default the one the visit was forwarded to) and what it says. When the
    citizen asked to be told, the notice is due 5 working days later (NOTICE_RULE). Recorded once.
    Raises StaleEdit, NotAllowed, InvalidTransition (not forwarded, or recorded already), or
    DomainError (no text, a date before the answer or in the future, the denouncer named)."""
    visit = VISIT.lock(visit, expected_version=expected_version)
    POLICY.authorize(actor=actor, action="forwarded_result", unit=visit.unit)
    if visit.answer != VisitAnswer.FORWARDED:
        raise InvalidTransition(_("Only a matter forwarded to the competent body has a result to record."))
    if ForwardedResult.objects.filter(visit=visit).exists():
        raise InvalidTransition(_("The result of this forwarded matter has already been recorded."))
    summary, body = summary.strip(), (body.strip() or visit.guided_to)[:300]
    if not summary:
        raise DomainError(_("Write what the competent body's result says."), code="summary")
    if received_on < (visit.answered_on or visit.received_on):
        raise DomainError(_("The result cannot have come back before the matter was forwarded."), code="received_on")
    if received_on > timezone.localdate():
        raise DomainError(_("The result cannot come back in the future."), code="received_on")
    _check_secrecy(visit, summary, "summary")
    result = ForwardedResult(
        visit=visit,
        received_on=received_on,
        body=body or "—",
        summary=summary,
        citizen_asked=citizen_asked,
        recorded_by=actor,
    )
    if citizen_asked:
        result.notice_due_on, result.notice_rule_id = forwarded_notice_deadline(result_on=received_on)
    result.save()
    VISIT.change(
        visit,
        kind=ReceptionEvent.Kind.FORWARDED_RESULT_RECORDED,
        actor=actor,
        ip_address=ip_address,
        data={
            "result": result.pk,
            "received_on": received_on.isoformat(),
            "citizen_asked": citizen_asked,
            "notice_due_on": result.notice_due_on.isoformat() if result.notice_due_on else "",
        },
        update_fields=[],
    )
    return result


@transaction.atomic
def forwarded_notice_record(
    *,
    visit: Visit,
    expected_version: int,
    notified_on: date,
    channel: str,
    text: str,
    actor: User,
    ip_address: str | None = None,
) -> ForwardedResult:
    """Record that the citizen was told the result of their forwarded matter: the day, how
    (NoticeChannel) and what they were told; late when after the notice's due day. Recorded once.
    Raises StaleEdit, NotAllowed, InvalidTransition (no result yet, or told already), or
    DomainError (no text, an unknown channel, a date before the result or in the future, the
    denouncer named)."""
    visit = VISIT.lock(visit, expected_version=expected_version)
    POLICY.authorize(actor=actor, action="notify_citizen", unit=visit.unit)
    result = ForwardedResult.objects.select_for_update().filter(visit=visit).first()
    if result is None:
        raise InvalidTransition(_("Record the competent body's result first."))
    if result.notified_on is not None:
        raise InvalidTransition(_("The citizen has already been told the result."))
    text = text.strip()
    if channel not in NoticeChannel.values:
        raise DomainError(_("Choose how the citizen was told."), code="channel")
    if not text:
        raise DomainError(_("Write what the citizen was told."), code="text")
    if notified_on < result.received_on:
        raise DomainError(_("The citizen cannot be told before the result came back."), code="notified_on")
    if notified_on > timezone.localdate():
        raise DomainError(_("The notice cannot be dated in the future."), code="notified_on")
    _check_secrecy(visit, text, "text")
    result.notified_on, result.notice_channel, result.notice_text, result.notified_by = (
        notified_on,
        channel,
        text,
        actor,
    )
    result.save(update_fields=["notified_on", "notice_channel", "notice_text", "notified_by", "updated_at"])
    VISIT.change(
        visit,
        kind=ReceptionEvent.Kind.CITIZEN_NOTIFIED,
        actor=actor,
        ip_address=ip_address,
        reason=text,
        data={
            "result": result.pk,
            "notified_on": notified_on.isoformat(),
            "channel": channel,
            "late": result.notified_late,
        },
        update_fields=[],
    )
    return result
