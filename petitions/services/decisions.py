"""The outcome of a classified petition (TT 05/2021): accept (thụ lý), refuse, guide to the
competent body, transfer (once per content), urge a subordinate unit (services.urging), file away, no action;
and the return of the original documents. Each is one save, one event and a notice to the
citizen."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import gettext as _

from civicdesk.exceptions import DomainError
from core.choices import PetitionKind
from core.models import Unit

from ..choices import Step
from ..models import OUTCOME_STATUS, Attachment, Channel, Duty, Outcome, Petition
from ..policies import POLICY
from ..rules import resolve_rule_code
from .deadlines import closing_data, open_duty, set_deadline
from .intake import NewPetition, register
from .notifications import notify_status
from .vault import petitioner_contact
from .workflow import PETITION, Kind, S, today


def _locked(petition: Petition, *, expected_version: int | None, action: str, actor: User | None) -> Petition:
    """The petition locked, checked against the version the official saw, the actor's right to
    take `action` (policies.py) and the transition to its outcome's status."""
    locked = PETITION.lock(petition, expected_version=expected_version)
    POLICY.authorize(actor=actor, action=action, unit=locked.unit)
    PETITION.guard(locked, OUTCOME_STATUS[_OUTCOME_OF[action]])
    return locked


_OUTCOME_OF = {
    "accept": Outcome.ACCEPTED,
    "refuse": Outcome.REFUSED,
    "guide": Outcome.GUIDED,
    "transfer": Outcome.TRANSFERRED,
    "urge": Outcome.URGED,
    "file-away": Outcome.FILED,
    "no-action": Outcome.NO_ACTION,
}


def _decide(
    locked: Petition,
    *,
    outcome: str,
    kind: str,
    reason: str,
    on: date | None,
    actor: User | None,
    ip_address: str | None,
    data: Mapping[str, object] | None = None,
    closes: bool = True,
) -> Petition:
    """Record an outcome on a petition `_locked` gave (the caller may have changed it): one save,
    one event, the citizen notified. A closing outcome keeps the deadline the petition had (its
    step, date and rule), so whether it was closed in time can be counted; urging does not close
    the petition (`closes`): the subordinate's answer does (services.urging)."""
    locked.outcome, locked.outcome_reason = outcome, reason
    if outcome != Outcome.ACCEPTED and closes:
        locked.resolved_on = on or today()
        data = {**(data or {}), **closing_data(locked)}
    PETITION.move(
        locked, to=OUTCOME_STATUS[outcome], kind=kind, actor=actor, reason=reason, data=data, ip_address=ip_address
    )
    notify_status(locked)
    return locked


@transaction.atomic
def petition_accept(
    *,
    petition: Petition,
    expected_version: int | None,
    complex: bool = False,
    on: date | None = None,
    actor: User | None,
    ip_address: str | None = None,
) -> Petition:
    """Accept for resolution (thụ lý): the resolution deadline starts on the acceptance day
    (complaint 30/45, remote 45/60; 2nd time 45/60, remote 60/70; denunciation 30; recommendation
    and feedback `recommendation.resolve`).
    Raises DomainError unless the petition was classified eligible and within competence."""
    locked = _locked(petition, expected_version=expected_version, action="accept", actor=actor)
    if not (locked.eligible and locked.competent):
        raise DomainError(_("Only an eligible petition within this unit's competence can be accepted."))
    on = on or today()
    locked.accepted_on, locked.complex = on, complex
    set_deadline(locked, step=Step.RESOLVE, code=resolve_rule_code(locked), start=on)
    if locked.is_denunciation:
        open_duty(locked, Duty.NOTIFY_ACCEPTANCE, start=on)
    return _decide(
        locked,
        outcome=Outcome.ACCEPTED,
        kind=Kind.ACCEPTED,
        reason="",
        on=on,
        actor=actor,
        ip_address=ip_address,
        data={"complex": complex, "due_on": locked.due_on.isoformat() if locked.due_on else ""},
    )


@transaction.atomic
def petition_refuse(
    *,
    petition: Petition,
    expected_version: int | None,
    reason: str,
    on: date | None = None,
    actor: User | None,
    ip_address: str | None = None,
) -> Petition:
    """Refuse (không thụ lý) with reasons; the citizen is told them."""
    if not reason.strip():
        raise DomainError(_("A refusal must give its reasons."))
    locked = _locked(petition, expected_version=expected_version, action="refuse", actor=actor)
    return _decide(
        locked,
        outcome=Outcome.REFUSED,
        kind=Kind.REFUSED,
        reason=reason.strip(),
        on=on,
        actor=actor,
        ip_address=ip_address,
    )


@transaction.atomic
def petition_guide(
    *,
    petition: Petition,
    expected_version: int | None,
    body: str,
    reason: str = "",
    on: date | None = None,
    actor: User | None,
    ip_address: str | None = None,
) -> Petition:
    """Guide the citizen to the competent body (named in `body`)."""
    if not body.strip():
        raise DomainError(_("Name the competent body the citizen is guided to."))
    locked = _locked(petition, expected_version=expected_version, action="guide", actor=actor)
    locked.outcome_body, locked.competent = body.strip()[:300], False
    return _decide(
        locked,
        outcome=Outcome.GUIDED,
        kind=Kind.GUIDED,
        reason=reason,
        on=on,
        actor=actor,
        ip_address=ip_address,
        data={"body": body.strip()},
    )


@transaction.atomic
def petition_transfer(
    *,
    petition: Petition,
    expected_version: int | None,
    to_unit: Unit,
    reason: str = "",
    on: date | None = None,
    actor: User | None,
    ip_address: str | None = None,
) -> Petition:
    """Transfer to another unit: the petition there starts in its queue (channel forwarded).
    A complaint is never transferred (TT 05/2021: the citizen is guided instead): DomainError.
    The same content is transferred only once (TT 05/2021 art. 14): a second transfer of
    it, from here or from the receiving unit, raises DomainError. Returns the new petition."""
    locked = _locked(petition, expected_version=expected_version, action="transfer", actor=actor)
    if locked.kind == PetitionKind.COMPLAINT:
        raise DomainError(
            _(
                "A complaint outside this unit's competence is not transferred: guide the citizen to "
                "the competent body with the guidance slip (Guide)."
            )
        )
    if to_unit.pk == locked.unit_id:
        raise DomainError(_("A petition cannot be transferred to its own unit."))
    if Petition.objects.filter(content_key=locked.content_key, status=S.TRANSFERRED).exists():
        raise DomainError(_("This content has already been transferred once; it may not be transferred again."))
    on = on or today()
    locked.outcome_unit, locked.competent = to_unit, False
    _decide(
        locked,
        outcome=Outcome.TRANSFERRED,
        kind=Kind.TRANSFERRED,
        reason=reason,
        on=on,
        actor=actor,
        ip_address=ip_address,
        data={"to_unit": to_unit.code},
    )
    received = register(
        NewPetition(
            unit=to_unit,
            kind=locked.kind,
            received_on=on,
            channel=Channel.FORWARDED,
            subject=locked.subject,
            content=locked.content,
            identity=petitioner_contact(locked),
            respondent=locked.respondent,
            signers=locked.signers,
            anonymous=locked.anonymous,
            over_level=locked.over_level,
            has_originals=locked.has_originals,
            source=_("Transferred by %(unit)s (%(ref)s)") % {"unit": locked.unit.name, "ref": locked.ref},
            transferred_from=locked,
        ),
        actor=actor,
        ip_address=ip_address,
        tracked=False,
    )
    for attachment in locked.attachments.all():
        Attachment.objects.create(
            petition=received,
            file=attachment.file.name,
            original_name=attachment.original_name,
            mime=attachment.mime,
            size=attachment.size,
        )
    return received


@transaction.atomic
def petition_file_away(
    *,
    petition: Petition,
    expected_version: int | None,
    reason: str,
    on: date | None = None,
    actor: User | None,
    ip_address: str | None = None,
) -> Petition:
    """File away (xếp lưu, kept 1 year): ineligible, out of time, already decided, illegible."""
    if not reason.strip():
        raise DomainError(_("Say why the petition is filed away."))
    locked = _locked(petition, expected_version=expected_version, action="file-away", actor=actor)
    return _decide(
        locked, outcome=Outcome.FILED, kind=Kind.FILED, reason=reason.strip(), on=on, actor=actor, ip_address=ip_address
    )


@transaction.atomic
def petition_no_action(
    *,
    petition: Petition,
    expected_version: int | None,
    reason: str,
    pass_to_inspection: bool = False,
    on: date | None = None,
    actor: User | None,
    ip_address: str | None = None,
) -> Petition:
    """No action (anonymous or false-name denunciation, or sent again after guidance);
    `pass_to_inspection` records that its concrete content goes to inspection."""
    if not reason.strip():
        raise DomainError(_("Say why no action is taken."))
    locked = _locked(petition, expected_version=expected_version, action="no-action", actor=actor)
    return _decide(
        locked,
        outcome=Outcome.NO_ACTION,
        kind=Kind.NO_ACTION,
        reason=reason.strip(),
        on=on,
        actor=actor,
        ip_address=ip_address,
        data={"pass_to_inspection": pass_to_inspection},
    )


@transaction.atomic
def petition_return_originals(
    *, petition: Petition, on: date | None = None, actor: User | None, ip_address: str | None = None
) -> Petition:
    """Record that the original documents went back to the citizen."""
    locked = PETITION.lock(petition)
    POLICY.authorize(actor=actor, action="return-originals", unit=locked.unit)
    if not locked.has_originals:
        raise DomainError(_("No original documents are recorded for this petition."))
    if locked.originals_returned_on:
        raise DomainError(_("The original documents were already returned."))
    locked.originals_returned_on = on or today()
    return PETITION.change(
        locked,
        kind=Kind.ORIGINALS_RETURNED,
        actor=actor,
        ip_address=ip_address,
        data={"originals_returned_on": locked.originals_returned_on.isoformat()},
    )
