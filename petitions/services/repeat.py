"""A repeated denunciation (tố cáo tiếp) filed with the head of the direct superior of the one
who resolved it, or should have (Luật Tố cáo art. 37, 38): the steps the law names, each with
its own stored deadline (a duty, as the notices are), and what the superior decided.

- The earlier resolution is believed unlawful (art. 37): the superior reviews the file within
  20 days of receiving the repeated denunciation and keeps the result (the denouncer is told
  why), takes it over (wrong competence) or resolves it again.
- It was not resolved in time (art. 38): within 5 working days the superior asks the resolver in
  writing for a report on the delay; within 5 working days of that request the resolver reports,
  and goes on resolving it as required, unless the superior resolves it (art. 38(5))."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import gettext as _

from civicdesk.exceptions import DomainError, InvalidTransition
from core.choices import PetitionKind

from ..choices import REPORT_OUTCOMES, REVIEW_OUTCOMES, RepeatGround
from ..models import Duty, Petition, PetitionDuty
from ..policies import POLICY
from .deadlines import open_duty
from .workflow import PETITION, Kind, S

# The step each ground starts with, counted from the receipt of the repeated denunciation.
FIRST_STEP: dict[str, str] = {RepeatGround.UNLAWFUL: Duty.REVIEW_REPEAT, RepeatGround.OVERDUE: Duty.REQUEST_REPORT}
OUTCOMES: dict[str, tuple[str, ...]] = {Duty.REVIEW_REPEAT: REVIEW_OUTCOMES, Duty.DELAY_REPORT: REPORT_OUTCOMES}


@transaction.atomic
def petition_mark_repeat(
    *,
    petition: Petition,
    expected_version: int | None,
    ground: str,
    earlier: Petition | None = None,
    note: str = "",
    actor: User | None,
    ip_address: str | None = None,
) -> Petition:
    """Record that a denunciation is filed again (`ground`: art. 37 or 38), about `earlier` when
    that one is in the system, and open the law's first step with its deadline from receipt.
    Only a denunciation not yet accepted or decided, marked once; `earlier` must be another
    denunciation."""
    locked = PETITION.lock(petition, expected_version=expected_version)
    POLICY.authorize(actor=actor, action="classify", unit=locked.unit)
    if locked.kind != PetitionKind.DENUNCIATION:
        raise DomainError(_("Only a denunciation can be a repeated denunciation."))
    if locked.status not in (S.RECEIVED, S.CLASSIFIED):
        raise InvalidTransition(_("Mark it as a repeated denunciation before accepting or deciding it."))
    if locked.repeat_ground:
        raise InvalidTransition(_("This denunciation is already marked as a repeated denunciation."))
    if ground not in FIRST_STEP:
        raise DomainError(_("Say why it is filed again: the earlier resolution is unlawful, or it is overdue."))
    if earlier is not None and (earlier.pk == locked.pk or earlier.kind != PetitionKind.DENUNCIATION):
        raise DomainError(_("The earlier petition must be another denunciation."))
    locked.repeat_ground, locked.repeat_of = ground, earlier
    locked.save(update_fields=["repeat_ground", "repeat_of", "updated_at"])
    duty = open_duty(locked, FIRST_STEP[ground], start=locked.received_on)
    PETITION.record(
        locked,
        Kind.REPEAT_MARKED,
        actor=actor,
        reason=note.strip(),
        data={
            "ground": ground,
            "earlier": earlier.ref if earlier is not None else "",
            "duty": duty.duty,
            "due_on": duty.due_on.isoformat(),
        },
        ip_address=ip_address,
    )
    return locked


def repeat_step_done(locked: Petition, row: PetitionDuty, *, outcome: str, on: date) -> None:
    """Check and apply a repeated denunciation's step being recorded (from `petition_duty_record`):
    the review and the report need their outcome; a request for the report opens the report's
    own 5 working days from the request."""
    allowed = OUTCOMES.get(row.duty, ())
    if allowed and outcome not in allowed:
        raise DomainError(_("Choose what was decided."))
    if not allowed and outcome:
        raise DomainError(_("This step has no outcome to record."))
    row.outcome = outcome
    if row.duty == Duty.REQUEST_REPORT:
        open_duty(locked, Duty.DELAY_REPORT, start=on)
