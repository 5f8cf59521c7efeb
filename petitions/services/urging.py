"""Urging (đôn đốc, TT 05/2021 art. 14(2)): when a matter that a unit below has to resolve is
overdue there, the unit that received the petition asks that unit in writing to report and
resolve it, and waits for its answer. Urging records the petition's outcome (`urged`, counted
by the reports as before) without closing it; the request goes to the subordinate unit's
officials ("Việc của tôi", the urging list), with a deadline for the answer; their answer,
recorded here, closes the petition on the day it is given."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.models import User
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from civicdesk.exceptions import DomainError, InvalidTransition
from core.models import Unit
from core.selectors import RuleNotFound, deadline_for
from core.uploads import validate_upload

from ..choices import Step
from ..models import Attachment, Outcome, Petition
from ..policies import POLICY
from ..urging import UrgeRequest
from .deadlines import closing_data
from .decisions import _decide, _locked
from .duties import text_reveals_identity
from .vault import petitioner_contact
from .workflow import PETITION, Kind, today

URGE_RULE = "petition.urge_answer"


def urgeable_units(petition: Petition, *, on: date | None = None) -> list[Unit]:
    """The units a petition's unit may urge: those below it in the unit tree, in existence on
    `on` (today)."""
    on = on or today()
    unit = petition.unit
    return list(
        Unit.objects.filter(path__startswith=unit.path)
        .exclude(pk=unit.pk)
        .exclude(valid_to__lt=on)
        .exclude(valid_from__gt=on)
        .order_by("path")
    )


@transaction.atomic
def petition_urge(
    *,
    petition: Petition,
    expected_version: int | None,
    to_unit: Unit,
    request: str,
    due_on: date | None = None,
    reason: str = "",
    on: date | None = None,
    actor: User | None,
    ip_address: str | None = None,
) -> UrgeRequest:
    """Urge `to_unit`, a unit below the petition's, to report on and resolve the matter: one
    request with the answer due on `due_on`, or by rule `petition.urge_answer` (10 working days,
    an office's limit: the law sets none) when not given. The petition's outcome becomes `urged`
    and it stays open until the answer. A denunciation's request may not carry the denouncer's
    identity (Luật Tố cáo art. 47). Raises DomainError (not a unit below, past date, empty
    request, identity in the text), NotAllowed, InvalidTransition."""
    locked = _locked(petition, expected_version=expected_version, action="urge", actor=actor)
    on = on or today()
    if to_unit.pk not in {u.pk for u in urgeable_units(locked, on=on)}:
        raise DomainError(
            _("Only a unit below %(unit)s, in existence today, can be urged.") % {"unit": locked.unit.name},
            code="to_unit",
        )
    if not request.strip():
        raise DomainError(_("Say what the unit urged is asked to report and resolve."), code="request")
    if locked.is_denunciation and text_reveals_identity(text=request, identity=petitioner_contact(locked)):
        raise DomainError(
            _("The request contains the denouncer's identity. Remove it: the law forbids revealing it."),
            code="request",
        )
    rule_id = None
    if due_on is None:
        try:
            deadline = deadline_for(code=URGE_RULE, start=on)
        except RuleNotFound as exc:
            raise DomainError(_("Set the day the answer is due."), code="due_on") from exc
        due_on, rule_id = deadline.due_on, deadline.rule.rule_id
    elif due_on <= on:
        raise DomainError(_("The answer must be due after the day of urging."), code="due_on")
    locked.outcome_unit = to_unit
    # The petition's handling now ends with the answer: the deadline it keeps is the answer's.
    locked.step, locked.due_on, locked.due_rule_id = Step.URGE, due_on, rule_id
    row = UrgeRequest.objects.create(
        petition=locked,
        to_unit=to_unit,
        body=to_unit.name[:300],
        request=request.strip(),
        requested_on=on,
        requested_by=actor,
        due_on=due_on,
        due_rule_id=rule_id,
    )
    _decide(
        locked,
        outcome=Outcome.URGED,
        kind=Kind.URGED,
        reason=reason,
        on=on,
        actor=actor,
        ip_address=ip_address,
        data={"to_unit": to_unit.code, "request": row.pk, "answer_due_on": due_on.isoformat()},
        closes=False,
    )
    return row


@transaction.atomic
def urge_request_answer(
    *,
    urge: UrgeRequest,
    answer: str,
    document: UploadedFile | None = None,
    on: date | None = None,
    actor: User | None,
    ip_address: str | None = None,
) -> UrgeRequest:
    """Record the urged unit's answer (what it did or decided, optionally with its document,
    checked as every upload is: core.uploads), by an official of that unit: the petition closes on
    the day of the answer, late or not against the answer's deadline, and one URGE_ANSWERED event
    records who, when and what. An answer is recorded once.
    Raises NotAllowed, InvalidTransition (answered already, or not a tracked request), DomainError."""
    petition = PETITION.lock(urge.petition_id)
    row = UrgeRequest.objects.select_for_update(of=("self",)).select_related("to_unit").get(pk=urge.pk)
    if row.to_unit is None:
        raise InvalidTransition(_("This urging was recorded before requests were tracked: it takes no answer."))
    POLICY.authorize(actor=actor, action="urge-answer", unit=row.to_unit)
    if row.answered_on is not None:
        raise InvalidTransition(_("This request has already been answered."))
    if not answer.strip():
        raise DomainError(_("Write the answer: what the unit did or decided."), code="answer")
    on = on or today()
    if on < row.requested_on:
        raise DomainError(_("The answer cannot be dated before the urging."), code="on")
    if petition.is_denunciation and text_reveals_identity(text=answer, identity=petitioner_contact(petition)):
        raise DomainError(
            _("The answer contains the denouncer's identity. Remove it: the law forbids revealing it."),
            code="answer",
        )
    mime = validate_upload(document, max_bytes=Attachment.MAX_BYTES) if document is not None else ""
    row.answered_on, row.answered_by, row.answer = on, actor, answer.strip()
    if document is not None:
        row.answer_file = document
        row.answer_file_name = (document.name or "")[:200]
        row.answer_file_mime = mime
        row.answer_file_size = document.size or 0
    row.save()
    petition.resolved_on = on
    PETITION.change(
        petition,
        kind=Kind.URGE_ANSWERED,
        actor=actor,
        reason=row.answer,
        ip_address=ip_address,
        data={
            "request": row.pk,
            "unit": row.to_unit.code,
            "answer_due_on": row.due_on.isoformat() if row.due_on else "",
            "answered_late": row.answered_late,
            **closing_data(petition),
        },
    )
    return row
