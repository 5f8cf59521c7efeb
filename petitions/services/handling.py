"""Handling an accepted petition to its result: who is responsible, a denunciation's
extensions, suspension and resumption (the clock stops), and the decision or conclusion."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from civicdesk.exceptions import DomainError, InvalidTransition
from core.choices import PetitionKind
from core.uploads import validate_upload

from ..choices import EXTENSIONS_ALLOWED, NOT_DECIDED_RESULTS, RESULTS_BY_KIND, Result, Step
from ..figures import FIGURES, DecisionFigures, figure_errors
from ..models import Attachment, Duty, Petition
from ..policies import POLICY
from ..rules import CONCLUSION_RESULTS, DECISION_RESULTS
from .deadlines import closing_data, open_duty, set_deadline, suspension_shift
from .notifications import notify_answer, notify_status
from .workflow import PETITION, Kind, S, today


@transaction.atomic
def petition_assign(
    *,
    petition: Petition,
    expected_version: int | None,
    assignee: User,
    actor: User | None,
    ip_address: str | None = None,
) -> Petition:
    """Make `assignee` (an official of the unit) responsible for the petition."""
    locked = PETITION.lock(petition, expected_version=expected_version)
    POLICY.authorize(actor=actor, action="assign", unit=locked.unit)
    if not locked.is_open:
        raise InvalidTransition(_("A closed petition cannot be assigned."))
    if not POLICY.allows(user=assignee, action="handle", unit=locked.unit):
        raise DomainError(_("The handler must be an official of this unit."))
    locked.assignee = assignee
    return PETITION.change(
        locked, kind=Kind.ASSIGNED, actor=actor, data={"assignee_id": assignee.pk}, ip_address=ip_address
    )


@transaction.atomic
def petition_extend(
    *,
    petition: Petition,
    expected_version: int | None,
    complexity: str,
    reason: str,
    actor: User,
    ip_address: str | None = None,
) -> Petition:
    """Extend a denunciation's resolution by 30 days (Luật Tố cáo art. 30), decided by the head
    of the unit, each extension recorded as `complexity` ("phức tạp" or "đặc biệt phức tạp")
    with its reason: a complex case is extended once, a particularly complex case at most twice
    (so the second extension must be recorded particularly complex)."""
    locked = PETITION.lock(petition, expected_version=expected_version)
    POLICY.authorize(
        actor=actor, action="extend", unit=locked.unit, refusal=_("Only the head of the unit decides an extension.")
    )
    if locked.kind != PetitionKind.DENUNCIATION or locked.status != S.ACCEPTED or locked.due_on is None:
        raise InvalidTransition(_("Only an accepted denunciation being resolved can be extended."))
    if complexity not in EXTENSIONS_ALLOWED:
        raise DomainError(_("Say whether the case is complex or particularly complex."))
    if locked.extensions >= 2:
        raise DomainError(_("A denunciation can be extended at most twice."))
    if locked.extensions >= EXTENSIONS_ALLOWED[complexity]:
        raise DomainError(
            _("A complex case is extended only once: a second extension is for a particularly complex case.")
        )
    if not reason.strip():
        raise DomainError(_("Give the reason for the extension."))
    old = locked.due_on
    set_deadline(locked, step=Step.RESOLVE, code="denunciation.extension", start=old)
    locked.extensions += 1
    PETITION.change(
        locked,
        kind=Kind.EXTENDED,
        actor=actor,
        reason=reason.strip(),
        data={
            "from": old.isoformat(),
            "to": locked.due_on.isoformat() if locked.due_on else "",
            "extension": locked.extensions,
            "complexity": complexity,
        },
        ip_address=ip_address,
    )
    notify_status(locked)
    return locked


@transaction.atomic
def petition_suspend(
    *,
    petition: Petition,
    expected_version: int | None,
    reason: str,
    on: date | None = None,
    actor: User | None,
    ip_address: str | None = None,
) -> Petition:
    """Suspend resolution temporarily (tạm đình chỉ): the clock stops until resumed. For a
    denunciation the decision must reach the denouncer and the denounced within 5 working days
    (Luật Tố cáo art. 34(4)): a duty with that deadline opens."""
    locked = PETITION.lock(petition, expected_version=expected_version)
    POLICY.authorize(actor=actor, action="suspend", unit=locked.unit)
    PETITION.guard(locked, S.SUSPENDED)
    if not reason.strip():
        raise DomainError(_("Give the reason for the suspension."))
    locked.suspended_on = on or today()
    if locked.is_denunciation:
        open_duty(locked, Duty.NOTIFY_SUSPENSION, start=locked.suspended_on)
    PETITION.move(
        locked,
        to=S.SUSPENDED,
        kind=Kind.SUSPENDED,
        actor=actor,
        reason=reason.strip(),
        data={"due_on": locked.due_on.isoformat() if locked.due_on else ""},
        ip_address=ip_address,
    )
    notify_status(locked)
    return locked


@transaction.atomic
def petition_resume(
    *,
    petition: Petition,
    expected_version: int | None,
    on: date | None = None,
    actor: User | None,
    ip_address: str | None = None,
) -> Petition:
    """Resume a suspended petition; see suspension_shift for the deadline."""
    locked = PETITION.lock(petition, expected_version=expected_version)
    POLICY.authorize(actor=actor, action="resume", unit=locked.unit)
    PETITION.guard(locked, S.ACCEPTED)
    on = on or today()
    if locked.suspended_on is None or on < locked.suspended_on:
        raise DomainError(_("The resumption date cannot be before the suspension."))
    old = locked.due_on
    rule_id: int | None = None
    if old is not None:
        locked.due_on, rule_id = suspension_shift(
            kind=locked.kind, due_on=old, suspended_on=locked.suspended_on, resumed_on=on
        )
    suspended_on = locked.suspended_on
    locked.suspended_on = None
    PETITION.move(
        locked,
        to=S.ACCEPTED,
        kind=Kind.RESUMED,
        actor=actor,
        data={
            "suspended_on": suspended_on.isoformat(),
            "from": old.isoformat() if old else "",
            "to": locked.due_on.isoformat() if locked.due_on else "",
            "rule_id": rule_id,
        },
        ip_address=ip_address,
    )
    notify_status(locked)
    return locked


@transaction.atomic
def petition_resolve(
    *,
    petition: Petition,
    expected_version: int | None,
    result: str,
    note: str = "",
    reply_letter: UploadedFile | None = None,
    figures: Mapping[str, object] | None = None,
    on: date | None = None,
    actor: User | None,
    ip_address: str | None = None,
) -> Petition:
    """Record the decision (complaint) or conclusion (denunciation), with the signed reply
    letter when given (kept as an attachment marked `is_reply`). Only an accepted petition can
    be resolved; the result must suit its kind. Sends the citizen the answer by each channel
    they gave (the text and the letter by e-mail, a link by SMS; for a denunciation, only the
    conclusion notice); a denunciation concluded on its merits starts the duties to notify and
    to publish. The deadline it had is kept (step, date, rule) and the event says whether it
    was met. `figures` (figures.FIGURES and `second_decision`) are the decision's or
    conclusion's figures for the reports, kept in DecisionFigures and in the event. Raises
    ValidationError for a letter that is not a safe document or figures that do not hold."""
    locked = PETITION.lock(petition, expected_version=expected_version)
    POLICY.authorize(actor=actor, action="resolve", unit=locked.unit)
    PETITION.guard(locked, S.RESOLVED)
    if result not in RESULTS_BY_KIND[locked.kind]:
        raise DomainError(_("This result does not apply to this kind of petition."))
    kept = _checked_figures(locked, figures or {}, result=result)
    mime = validate_upload(reply_letter, max_bytes=Attachment.MAX_BYTES) if reply_letter else ""
    locked.result, locked.result_note = result, note.strip()
    locked.resolved_on = on or today()
    locked.suspended_on = None
    if locked.is_denunciation and result in CONCLUSION_RESULTS:
        # Luật Tố cáo art. 35, 40: notify the denouncer and publish, from the conclusion.
        open_duty(locked, Duty.NOTIFY_CONCLUSION, start=locked.resolved_on)
        open_duty(locked, Duty.PUBLISH_CONCLUSION, start=locked.resolved_on)
    first_time = locked.complaint_round == 1 and not locked.discipline  # art. 54(2) sets no limit
    if locked.kind == PetitionKind.COMPLAINT and first_time and result in DECISION_RESULTS:
        # Luật Khiếu nại art. 32: the decision goes to the complainant and the parties.
        open_duty(locked, Duty.SEND_DECISION, start=locked.resolved_on)
    PETITION.move(
        locked,
        to=S.RESOLVED,
        kind=Kind.RESOLVED,
        actor=actor,
        data={
            "result": result,
            "reply_letter": bool(reply_letter),
            **closing_data(locked),
            **({"figures": kept.as_data()} if kept.any else {}),
        },
        ip_address=ip_address,
    )
    if kept.any:
        kept.save()
    if reply_letter is not None:
        Attachment.objects.create(
            petition=locked,
            file=reply_letter,
            original_name=(reply_letter.name or "")[:200],
            mime=mime,
            size=reply_letter.size or 0,
            is_reply=True,
        )
    notify_answer(locked)
    return locked


def is_decided(petition: Petition, result: str | None = None) -> bool:
    """A complaint decided or a denunciation concluded on its merits (not withdrawn, not
    terminated): the petitions whose decision has figures."""
    result = petition.result if result is None else result
    return (
        petition.kind in (PetitionKind.COMPLAINT, PetitionKind.DENUNCIATION)
        and bool(result)
        and result not in (*NOT_DECIDED_RESULTS, Result.ANSWERED)
    )


def _checked_figures(petition: Petition, values: Mapping[str, object], *, result: str) -> DecisionFigures:
    """The petition's figures with `values` applied (unsaved), or ValidationError naming the
    first field that does not hold (its code is the field's name, for the form)."""
    errors = figure_errors(
        values, kind=petition.kind, complaint_round=petition.complaint_round, decided=is_decided(petition, result)
    )
    if errors:
        name, message = next(iter(errors.items()))
        raise ValidationError(message, code=name)
    figures = DecisionFigures.objects.filter(petition=petition).first() or DecisionFigures(petition=petition)
    for name in (*FIGURES, "second_decision"):
        if name in values:
            setattr(figures, name, values[name] or (0 if name in FIGURES else ""))
    return figures


@transaction.atomic
def petition_record_figures(
    *,
    petition: Petition,
    expected_version: int | None,
    figures: Mapping[str, object],
    reason: str,
    actor: User | None,
    ip_address: str | None = None,
) -> Petition:
    """Record or correct a decided petition's figures after the decision: a figure the
    decision states that was not entered, a typing error (what is carried out of it is
    `petition_record_execution`). Says why; the event keeps the figures before and after."""
    if not reason.strip():
        raise DomainError(_("Say why the figures are recorded or changed."))
    locked = PETITION.lock(petition, expected_version=expected_version)
    POLICY.authorize(actor=actor, action="resolve", unit=locked.unit)
    if locked.status != S.RESOLVED or not is_decided(locked):
        raise InvalidTransition(_("Only a decided complaint or denunciation has these figures."))
    before = DecisionFigures.objects.filter(petition=locked).first()
    kept = _checked_figures(locked, figures, result=locked.result)
    kept.save()
    return PETITION.change(
        locked,
        kind=Kind.FIGURES_RECORDED,
        actor=actor,
        reason=reason.strip(),
        data={"before": before.as_data() if before else {}, "after": kept.as_data()},
        ip_address=ip_address,
    )
