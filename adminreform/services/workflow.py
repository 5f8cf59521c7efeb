"""What every dossier service shares: the dossier's `Workflow` (lock, expected version, the
TRANSITIONS table, save with the version one higher, audit event: `core.workflow`), who may
act on a dossier (`adminreform.policies.POLICY`), and the day an action takes effect.

A dossier is in the hands of the unit that received it and, after a transfer (liên thông),
of the unit handling it too: an official with the action's role in either may take it.
"""

from __future__ import annotations

from datetime import date

from django.contrib.auth.models import User
from django.utils import timezone
from django.utils.translation import gettext as _

from civicdesk.exceptions import DomainError
from core.models import Unit
from core.workflow import Workflow

from ..models import TRANSITIONS, Dossier, DossierEvent, DossierStatus
from ..policies import POLICY


def _stale() -> str:
    return _("This dossier was changed by someone else. Reload it and try again.")


def _invalid(dossier: Dossier, target: str) -> str:
    return _("Dossier %(ref)s cannot go from “%(from)s” to “%(to)s”.") % {
        "ref": dossier.ref,
        "from": dossier.get_status_display(),
        "to": DossierStatus(target).label,
    }


DOSSIER: Workflow[Dossier] = Workflow(
    model=Dossier,
    event_model=DossierEvent,
    subject="dossier",
    transitions=TRANSITIONS,
    stale=_stale,
    invalid=_invalid,
)


def dossier_units(dossier: Dossier) -> tuple[Unit, ...]:
    """The units whose officials may act on `dossier`: the receiving unit, and the unit
    handling it when that is another one."""
    handling = dossier.handling_unit
    if handling is None or handling.pk == dossier.unit_id:
        return (dossier.unit,)
    return (dossier.unit, handling)


def authorize(*, actor: User | None, action: str, dossier: Dossier) -> None:
    """Raise NotAllowed unless `actor` may take `action` on `dossier` (None: the system, or
    the applicant on a public page)."""
    POLICY.authorize(actor=actor, action=action, unit=dossier_units(dossier))


def local_today(on: date | None) -> date:
    return on or timezone.localdate()


def action_day(dossier: Dossier, on: date | None) -> date:
    """The day an action takes effect: today unless given (imports, tests). Never before the
    dossier was received: no resolution, supplement or new clock can precede the receipt."""
    day = local_today(on)
    if day < dossier.received_on:
        raise DomainError(
            _("%(day)s is before the dossier was received (%(received)s).")
            % {"day": day.strftime("%d/%m/%Y"), "received": dossier.received_on.strftime("%d/%m/%Y")}
        )
    return day
