"""An online dossier handed over by another system (the public-service portal): received by
the one-stop shop's own service, once per the system's id of it."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from adminreform import services as dossiers
from adminreform.models import Dossier, DossierChannel, Procedure
from civicdesk.exceptions import DomainError
from core.models import Unit

from ..models import ApiKey, DossierHandover


def dossier_hand_over(
    *,
    key: ApiKey,
    external_id: str,
    unit: Unit,
    procedure: Procedure,
    applicant: dossiers.Applicant,
    positions: Sequence[int],
    ip_address: str | None = None,
) -> tuple[Dossier, bool]:
    """Receive the dossier (`adminreform.services.dossier_receive`, channel online, as the
    applicant's own online submission). Returns the dossier and whether it is new: the same
    `external_id` from the same system returns the first one."""
    earlier = _earlier(key, external_id)
    if earlier is not None:
        return earlier, False
    by_position = {d.position: d for d in procedure.documents.all()}
    unknown = sorted({p for p in positions if p not in by_position})
    if unknown:
        raise DomainError(
            _("The procedure has no document at position %(positions)s.")
            % {"positions": ", ".join(str(p) for p in unknown)}
        )
    try:
        with transaction.atomic():
            dossier = dossiers.dossier_receive(
                unit=unit,
                procedure=procedure,
                applicant=applicant,
                documents=[by_position[p] for p in dict.fromkeys(positions)],
                actor=None,
                channel=DossierChannel.ONLINE,
                ip_address=ip_address,
            )
            DossierHandover.objects.create(api_key=key, external_id=external_id, dossier=dossier)
    except IntegrityError:
        earlier = _earlier(key, external_id)  # the same hand-over, sent twice at once
        if earlier is None:
            raise
        return earlier, False
    return dossier, True


def _earlier(key: ApiKey, external_id: str) -> Dossier | None:
    found = DossierHandover.objects.filter(api_key=key, external_id=external_id).select_related("dossier").first()
    return found.dossier if found else None
