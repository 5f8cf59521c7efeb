"""The petition's workflow (core.workflow): how a petition is locked, checked against
TRANSITIONS (models.py), saved with its search text and audited, in the petitions app's words."""

from __future__ import annotations

from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from core.workflow import Workflow

from ..models import TRANSITIONS, Petition, PetitionEvent, PetitionStatus
from ..text import fold

S = PetitionStatus
Kind = PetitionEvent.Kind


def today() -> date:
    return timezone.localdate()


def search_text(petition: Petition) -> str:
    """The folded text the queue's search reads; never a denouncer's name."""
    parts = [petition.ref, petition.tracking_code or "", petition.subject, petition.content, petition.respondent]
    if not petition.is_denunciation:
        parts.append(petition.petitioner_name)
    return fold(" ".join(parts))


def _set_search_text(petition: Petition) -> None:
    petition.search_text = search_text(petition)


def _stale() -> str:
    return _("This petition was changed by someone else since you opened it. Reload it and try again.")


def _invalid(petition: Petition, target: str) -> str:
    return _("A petition that is “%(status)s” cannot become “%(target)s”.") % {
        "status": petition.get_status_display(),
        "target": PetitionStatus(target).label,
    }


PETITION: Workflow[Petition] = Workflow(
    model=Petition,
    event_model=PetitionEvent,
    subject="petition",
    transitions=TRANSITIONS,
    related=("unit",),
    before_save=_set_search_text,
    stale=_stale,
    invalid=_invalid,
)
