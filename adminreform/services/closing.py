"""The end of a dossier: the result is ready at the counter and returned to the applicant, or
the dossier is refused, stopped (Mẫu 05) or withdrawn. Each end sets the outcome the reports
count and the day it was resolved."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from civicdesk.exceptions import DomainError

from ..models import Dossier, DossierEvent, DossierOutcome, DossierStatus, Handover, Timing
from .notifications import notify_applicant
from .workflow import DOSSIER, action_day, authorize

S = DossierStatus
K = DossierEvent.Kind


@transaction.atomic
def dossier_mark_result_ready(
    *,
    dossier: Dossier,
    actor: User,
    result_note: str = "",
    expected_version: int | None = None,
    ip_address: str | None = None,
) -> Dossier:
    """The result is signed and back at the counter, waiting for the applicant, who is told
    so by e-mail and SMS (outbox)."""
    dossier = DOSSIER.lock(dossier, expected_version=expected_version)
    authorize(actor=actor, action="result", dossier=dossier)
    DOSSIER.guard(dossier, S.RESULT_READY)
    from_unit = dossier.handling_unit
    dossier.result_note = result_note.strip()
    dossier.handling_unit = dossier.unit
    DOSSIER.move(
        dossier,
        to=S.RESULT_READY,
        kind=K.RESULT_READY,
        actor=actor,
        ip_address=ip_address,
        update_fields=["result_note", "handling_unit"],
    )
    Handover.objects.create(
        dossier=dossier, step=K.RESULT_READY, from_unit=from_unit, to_unit=dossier.unit, from_user=actor
    )
    notify_applicant(dossier, "result_ready", {"unit": dossier.unit.name})
    return dossier


def _close(
    dossier: Dossier,
    *,
    target: str,
    kind: str,
    outcome: str,
    actor: User | None,
    reason: str,
    on: date | None,
    ip_address: str | None,
) -> Dossier:
    """Resolve a locked, authorised and guarded dossier on `on` (today) with `outcome`. The due
    date stays on the dossier; the event records it and whether the dossier ended late (after
    it, or after an apology, which counts late)."""
    dossier.resolved_on = action_day(dossier, on)
    dossier.outcome, dossier.status_reason = outcome, reason.strip()
    return DOSSIER.move(
        dossier,
        to=target,
        kind=kind,
        actor=actor,
        reason=reason,
        data={"due_on": dossier.due_on.isoformat(), "late": dossier.timing_on(dossier.resolved_on) == Timing.LATE},
        ip_address=ip_address,
        update_fields=["outcome", "resolved_on", "status_reason"],
    )


@transaction.atomic
def dossier_return(
    *,
    dossier: Dossier,
    actor: User,
    on: date | None = None,
    expected_version: int | None = None,
    ip_address: str | None = None,
) -> Dossier:
    """The applicant received the result: the dossier is resolved on `on` (today)."""
    dossier = DOSSIER.lock(dossier, expected_version=expected_version)
    authorize(actor=actor, action="return", dossier=dossier)
    DOSSIER.guard(dossier, S.RETURNED)
    Handover.objects.create(dossier=dossier, step=K.RETURNED, from_unit=dossier.unit, from_user=actor)
    return _close(
        dossier,
        target=S.RETURNED,
        kind=K.RETURNED,
        outcome=DossierOutcome.GRANTED,
        actor=actor,
        reason="",
        on=on,
        ip_address=ip_address,
    )


@transaction.atomic
def dossier_refuse(
    *,
    dossier: Dossier,
    reason: str,
    actor: User,
    on: date | None = None,
    expected_version: int | None = None,
    ip_address: str | None = None,
) -> Dossier:
    """Refuse after appraisal, with reasons, within the processing time."""
    dossier = DOSSIER.lock(dossier, expected_version=expected_version)
    authorize(actor=actor, action="refuse", dossier=dossier)
    DOSSIER.guard(dossier, S.REFUSED)
    if not reason.strip():
        raise DomainError(pgettext("dossier", "A refusal must give its reasons."))
    return _close(
        dossier,
        target=S.REFUSED,
        kind=K.REFUSED,
        outcome=DossierOutcome.REFUSED,
        actor=actor,
        reason=reason,
        on=on,
        ip_address=ip_address,
    )


@transaction.atomic
def dossier_stop(
    *,
    dossier: Dossier,
    reason: str,
    actor: User,
    on: date | None = None,
    expected_version: int | None = None,
    ip_address: str | None = None,
) -> Dossier:
    """Stop processing (Mẫu 05). Counted as not granted (`outcome` refused) in the reports."""
    dossier = DOSSIER.lock(dossier, expected_version=expected_version)
    authorize(actor=actor, action="stop", dossier=dossier)
    DOSSIER.guard(dossier, S.STOPPED)
    if not reason.strip():
        raise DomainError(_("Give the reason for stopping."))
    return _close(
        dossier,
        target=S.STOPPED,
        kind=K.STOPPED,
        outcome=DossierOutcome.REFUSED,
        actor=actor,
        reason=reason,
        on=on,
        ip_address=ip_address,
    )


@transaction.atomic
def dossier_withdraw(
    *,
    dossier: Dossier,
    actor: User,
    reason: str = "",
    on: date | None = None,
    expected_version: int | None = None,
    ip_address: str | None = None,
) -> Dossier:
    """The applicant withdraws the dossier."""
    dossier = DOSSIER.lock(dossier, expected_version=expected_version)
    authorize(actor=actor, action="withdraw", dossier=dossier)
    DOSSIER.guard(dossier, S.WITHDRAWN)
    return _close(
        dossier,
        target=S.WITHDRAWN,
        kind=K.WITHDRAWN,
        outcome=DossierOutcome.WITHDRAWN,
        actor=actor,
        reason=reason,
        on=on,
        ip_address=ip_address,
    )
