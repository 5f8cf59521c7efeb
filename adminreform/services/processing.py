"""The dossier in processing: assigned to an official, transferred to another unit or level
(liên thông), returned for a supplement during appraisal and received back complete. Each
hand-over is a line of the process-control slip (Mẫu 06)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import gettext as _

from civicdesk.exceptions import DomainError
from core.models import Unit
from core.selectors import deadline_for

from ..models import Dossier, DossierEvent, DossierStatus, Handover
from ..policies import POLICY
from .notifications import notify_applicant
from .workflow import DOSSIER, action_day, authorize

S = DossierStatus
K = DossierEvent.Kind


@transaction.atomic
def dossier_assign(
    *,
    dossier: Dossier,
    assignee: User,
    actor: User,
    expected_version: int | None = None,
    ip_address: str | None = None,
) -> Dossier:
    """Hand the dossier to the official who processes it (Mẫu 06 line): one who may bring it
    to a result in the unit handling it."""
    dossier = DOSSIER.lock(dossier, expected_version=expected_version)
    authorize(actor=actor, action="assign", dossier=dossier)
    DOSSIER.guard(dossier, S.IN_PROCESSING)
    if not POLICY.allows(user=assignee, action="result", unit=dossier.handling_unit or dossier.unit):
        raise DomainError(_("This official does not process dossiers in this unit."), code="assignee")
    from_user = dossier.assignee or actor
    dossier.assignee = assignee
    DOSSIER.move(
        dossier,
        to=S.IN_PROCESSING,
        kind=K.ASSIGNED,
        actor=actor,
        data={"assignee_id": assignee.pk},
        ip_address=ip_address,
        update_fields=["assignee"],
    )
    Handover.objects.create(
        dossier=dossier,
        step=K.ASSIGNED,
        from_unit=dossier.handling_unit,
        to_unit=dossier.handling_unit,
        from_user=from_user,
        to_user=assignee,
    )
    return dossier


@transaction.atomic
def dossier_transfer(
    *,
    dossier: Dossier,
    to_unit: Unit,
    actor: User,
    to_user: User | None = None,
    note: str = "",
    expected_version: int | None = None,
    ip_address: str | None = None,
) -> Dossier:
    """Send the dossier to another unit or level (liên thông). Logs the hand-over and its
    time on the process-control slip (Mẫu 06)."""
    dossier = DOSSIER.lock(dossier, expected_version=expected_version)
    authorize(actor=actor, action="transfer", dossier=dossier)
    DOSSIER.guard(dossier, S.IN_PROCESSING)
    if to_unit.pk == dossier.handling_unit_id:
        raise DomainError(_("The dossier is already with this unit."))
    from_unit = dossier.handling_unit
    dossier.handling_unit, dossier.assignee = to_unit, to_user
    DOSSIER.move(
        dossier,
        to=S.IN_PROCESSING,
        kind=K.TRANSFERRED,
        actor=actor,
        reason=note,
        data={"from_unit": from_unit.code if from_unit else None, "to_unit": to_unit.code},
        ip_address=ip_address,
        update_fields=["handling_unit", "assignee"],
    )
    Handover.objects.create(
        dossier=dossier,
        step=K.TRANSFERRED,
        from_unit=from_unit,
        to_unit=to_unit,
        from_user=actor,
        to_user=to_user,
        note=note[:300],
    )
    return dossier


def supplement_request_deadline(dossier: Dossier) -> date:
    """The last day a supplement may be requested during appraisal: 3 working days from
    receipt (rule `dossier.supplement_request`)."""
    start = dossier.clock_started_on or dossier.received_on
    return deadline_for(code="dossier.supplement_request", start=start).due_on


@transaction.atomic
def dossier_request_supplement(
    *,
    dossier: Dossier,
    missing: Sequence[str],
    actor: User,
    on: date | None = None,
    expected_version: int | None = None,
    ip_address: str | None = None,
) -> Dossier:
    """Return the file for completion during appraisal (Mẫu 02), listing everything at once.
    Only within 3 working days of receipt; the clock stops until the file comes back. The
    applicant is told what to add by e-mail and SMS (outbox).
    Raises DomainError after that, or when nothing is listed."""
    dossier = DOSSIER.lock(dossier, expected_version=expected_version)
    authorize(actor=actor, action="supplement", dossier=dossier)
    DOSSIER.guard(dossier, S.SUPPLEMENT_REQUESTED)
    items = [m.strip() for m in missing if m.strip()]
    if not items:
        raise DomainError(_("List what the applicant must add or correct."))
    today = action_day(dossier, on)
    last_day = supplement_request_deadline(dossier)
    if today > last_day:
        raise DomainError(
            _("A supplement can only be requested within 3 working days of receipt (until %(day)s).")
            % {"day": last_day.strftime("%d/%m/%Y")}
        )
    dossier.supplement_requested_on, dossier.supplement_missing = today, items
    dossier.supplement_count += 1
    moved = DOSSIER.move(
        dossier,
        to=S.SUPPLEMENT_REQUESTED,
        kind=K.SUPPLEMENT_REQUESTED,
        actor=actor,
        data={"missing": items, "rule": "dossier.supplement_request"},
        ip_address=ip_address,
        update_fields=["supplement_requested_on", "supplement_missing", "supplement_count"],
    )
    notify_applicant(moved, "supplement", {"missing": "; ".join(items)})
    return moved


@transaction.atomic
def dossier_resubmit(
    *,
    dossier: Dossier,
    actor: User | None,
    on: date | None = None,
    expected_version: int | None = None,
    ip_address: str | None = None,
) -> Dossier:
    """The complete file is back: the clock restarts from this date (a new due date of the
    procedure's full processing time, rule `dossier.resolve`)."""
    dossier = DOSSIER.lock(dossier, expected_version=expected_version)
    authorize(actor=actor, action="resubmit", dossier=dossier)
    DOSSIER.guard(dossier, S.RESUBMITTED)
    today = action_day(dossier, on)
    days = dossier.procedure.processing_days if dossier.procedure else 0
    deadline = deadline_for(code="dossier.resolve", start=today, amount=days)
    old_due = dossier.due_on
    dossier.clock_started_on = today
    dossier.due_on, dossier.due_rule_id = deadline.due_on, deadline.rule.rule_id
    dossier.supplement_missing = []
    return DOSSIER.move(
        dossier,
        to=S.RESUBMITTED,
        kind=K.RESUBMITTED,
        actor=actor,
        data={"old_due_on": old_due.isoformat(), "due_on": deadline.due_on.isoformat()},
        ip_address=ip_address,
        update_fields=["clock_started_on", "due_on", "due_rule_id", "supplement_missing"],
    )
