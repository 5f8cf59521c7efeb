"""The applicant's satisfaction once the result is returned (Decree 118/2025): rated on the
public lookup page with the dossier's code and PIN, or recorded by an official at the desk."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from civicdesk.exceptions import DomainError, InvalidTransition

from ..models import Dossier, DossierEvent, DossierStatus, SatisfactionScore
from .workflow import DOSSIER, authorize


@transaction.atomic
def dossier_rate(
    *,
    dossier: Dossier,
    score: int,
    visits: int,
    comment: str = "",
    actor: User | None = None,
    ip_address: str | None = None,
) -> Dossier:
    """The applicant's satisfaction after the result was returned, once. `actor` is the
    official who records it at the desk; None when the applicant rates online."""
    dossier = DOSSIER.lock(dossier)
    authorize(actor=actor, action="rate" if actor is not None else "rate_online", dossier=dossier)
    if dossier.status != DossierStatus.RETURNED:
        raise InvalidTransition(_("The service can be rated once the result has been returned."))
    if dossier.rated_at is not None:
        raise DomainError(_("This dossier has already been rated. Thank you."))
    if score not in SatisfactionScore.values:
        raise DomainError(_("Choose how satisfied you are."))
    if not 1 <= visits <= 20:
        raise DomainError(_("Enter how many times you came, from 1 to 20."))
    dossier.rating_score, dossier.rating_visits = score, visits
    dossier.rating_comment, dossier.rated_at = comment.strip()[:2000], timezone.now()
    return DOSSIER.change(
        dossier,
        kind=DossierEvent.Kind.RATED,
        actor=actor,
        data={"score": score, "visits": visits},
        ip_address=ip_address,
        update_fields=["rating_score", "rating_visits", "rating_comment", "rated_at"],
    )
