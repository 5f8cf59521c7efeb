"""The denouncer vault at reception (Luật Tố cáo art. 9, 47): a citizen who comes to denounce
leaves their name, identity number, address and the representatives' names in
`VisitDenouncerIdentity`, encrypted, never on the visit row. Opened only by an official holding
the reveal permission in the visit's unit (the grants of the petitions app) who states why;
every opening is an IDENTITY_REVEALED event (who, when, why; never the identity)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import gettext as _

from civicdesk.crypto import IndexFamily, blind_index, fernet
from civicdesk.exceptions import DomainError
from core.models import Unit
from petitions import services as petition_services

from ..models import ReceptionEvent, Visit, VisitDenouncerIdentity
from .workflows import VISIT


@dataclass(frozen=True)
class VisitIdentity:
    name: str = ""
    id_number: str = ""
    address: str = ""
    representative_names: str = ""


def encrypt_visit_identity(identity: VisitIdentity) -> str:
    return fernet().encrypt(json.dumps(asdict(identity), ensure_ascii=False).encode()).decode()


def decrypt_visit_identity(ciphertext: str) -> VisitIdentity:
    data = json.loads(fernet().decrypt(ciphertext.encode()))
    return VisitIdentity(**{k: str(v) for k, v in data.items() if k in VisitIdentity.__dataclass_fields__})


def visit_vault_keep(*, visit: Visit, identity: VisitIdentity) -> VisitDenouncerIdentity | None:
    """Put a denunciation visit's identity in the vault (replacing what was there); nothing
    is kept for an empty identity. The caller leaves the visit row's identity fields empty."""
    VisitDenouncerIdentity.objects.filter(visit=visit).delete()
    if not any(asdict(identity).values()):
        return None
    return VisitDenouncerIdentity.objects.create(
        visit=visit,
        ciphertext=encrypt_visit_identity(identity),
        identity_index=blind_index(identity.id_number, family=IndexFamily.VISIT_DENOUNCER),
    )


def visit_may_reveal(*, user: object, unit: Unit) -> bool:
    """True when `user` holds the reveal permission in `unit` or above (petitions' grants)."""
    return isinstance(user, User) and petition_services.user_may_reveal(user=user, unit=unit)


def visit_denouncer_reveal(*, visit: Visit, reason: str, actor: User, ip_address: str | None = None) -> VisitIdentity:
    """The identity of the citizen who came to denounce, for a user with the reveal permission
    in the visit's unit who states why. Writes an IDENTITY_REVEALED event (never the identity);
    an attempt without the permission writes IDENTITY_REVEAL_REFUSED (in its own transaction:
    the refusal that follows must not take the record with it).
    Raises DomainError without the permission or the reason, or for another kind of visit."""
    if not visit.is_denunciation:
        raise DomainError(_("Only a denouncer's identity is protected."))
    if not visit_may_reveal(user=actor, unit=visit.unit):
        with transaction.atomic():
            VISIT.record(visit, ReceptionEvent.Kind.IDENTITY_REVEAL_REFUSED, actor=actor, ip_address=ip_address)
        raise DomainError(_("You do not have the permission to open denouncers' identities in this unit."))
    return _reveal(visit=visit, reason=reason, actor=actor, ip_address=ip_address)


@transaction.atomic
def _reveal(*, visit: Visit, reason: str, actor: User, ip_address: str | None) -> VisitIdentity:
    if not reason.strip():
        raise DomainError(_("State why you need to see the denouncer's identity."))
    vault = VisitDenouncerIdentity.objects.filter(visit=visit).first()
    VISIT.record(
        visit, ReceptionEvent.Kind.IDENTITY_REVEALED, actor=actor, reason=reason.strip(), ip_address=ip_address
    )
    return decrypt_visit_identity(vault.ciphertext) if vault else VisitIdentity()
