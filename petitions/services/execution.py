"""Recording what has been carried out of a decision on a complaint or a conclusion on a
denunciation (execution.py; the forms 02/KQGQ and 04/KQGQ)."""

from __future__ import annotations

from collections.abc import Mapping

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from civicdesk.exceptions import DomainError, InvalidTransition

from ..execution import AMOUNTS, DecisionExecution, execution_errors
from ..figures import DecisionFigures
from ..models import Petition
from ..policies import POLICY
from .handling import is_decided
from .workflow import PETITION, Kind, S, today


@transaction.atomic
def petition_record_execution(
    *,
    petition: Petition,
    expected_version: int | None,
    execution: Mapping[str, object],
    reason: str,
    actor: User | None,
    ip_address: str | None = None,
) -> Petition:
    """Record what has been carried out so far of a decided complaint's decision or a
    concluded denunciation's conclusion: `execution` holds execution.AMOUNTS (absent: kept;
    empty: zero) and `done_on`, the day it was carried out in full (None while it is not).
    Says how (`reason`: the documents); the event keeps the record before and after. The same
    people and role as for the decision (`resolve`). Raises ValidationError naming the first
    field that does not hold (execution_errors)."""
    if not reason.strip():
        raise DomainError(_("Say how the decision was carried out (documents: number, date)."))
    locked = PETITION.lock(petition, expected_version=expected_version)
    POLICY.authorize(actor=actor, action="resolve", unit=locked.unit)
    if locked.status != S.RESOLVED or not is_decided(locked):
        raise InvalidTransition(_("Only a decided complaint or denunciation is carried out."))
    errors = execution_errors(
        execution,
        figures=DecisionFigures.objects.filter(petition=locked).first(),
        decided_on=locked.resolved_on,
        today=today(),
    )
    if errors:
        name, message = next(iter(errors.items()))
        raise ValidationError(message, code=name)
    record = DecisionExecution.objects.filter(petition=locked).first()
    before = record.as_data() if record else {}
    record = record or DecisionExecution(petition=locked)
    for name in AMOUNTS:
        if name in execution:
            setattr(record, name, execution[name] or 0)
    if "done_on" in execution:
        record.done_on = execution["done_on"]  # type: ignore[assignment]
    record.save()
    return PETITION.change(
        locked,
        kind=Kind.EXECUTION_RECORDED,
        actor=actor,
        reason=reason.strip(),
        data={"before": before, "after": record.as_data()},
        ip_address=ip_address,
    )
