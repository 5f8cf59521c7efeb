"""The denouncer vault (Luật Tố cáo art. 9, 47): a denouncer's identity and contact data live
apart from the petition, encrypted (civicdesk.crypto, the vault key), and are opened only by an
official holding the explicit grant in the petition's unit, who says why; every opening is an
audit event (who, when, why; never the identity itself)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import gettext as _

from civicdesk.crypto import fernet
from civicdesk.exceptions import DomainError
from core.models import Unit
from core.selectors import unit_under

from ..models import DenouncerIdentity, IdentityRevealGrant, Petition, RevealGrantEvent
from ..policies import POLICY
from .workflow import PETITION, Kind


@dataclass(frozen=True)
class Identity:
    name: str = ""
    id_number: str = ""
    address: str = ""
    phone: str = ""
    email: str = ""


def encrypt_identity(identity: Identity) -> str:
    return fernet().encrypt(json.dumps(asdict(identity), ensure_ascii=False).encode()).decode()


def decrypt_identity(ciphertext: str) -> Identity:
    data = json.loads(fernet().decrypt(ciphertext.encode()))
    return Identity(**{k: str(v) for k, v in data.items()})


def petitioner_contact(petition: Petition) -> Identity:
    """The petitioner's contact data, for sending and checking only (the vault is read, not shown)."""
    if petition.is_denunciation:
        vault = DenouncerIdentity.objects.filter(petition=petition).first()
        return decrypt_identity(vault.ciphertext) if vault else Identity()
    return Identity(
        name=petition.petitioner_name,
        id_number=petition.petitioner_id_number,
        address=petition.petitioner_address,
        phone=petition.petitioner_phone,
        email=petition.petitioner_email,
    )


def user_may_reveal(*, user: User, unit: Unit) -> bool:
    """True when `user` holds the explicit reveal permission in `unit` or a unit above it."""
    if not user.is_authenticated or not user.is_active:
        return False
    paths = IdentityRevealGrant.objects.filter(user=user).values_list("unit__path", flat=True)
    return unit_under(unit, paths)


@transaction.atomic
def identity_reveal_grant(
    *, user: User, unit: Unit, note: str, actor: User | None, ip_address: str | None = None
) -> IdentityRevealGrant:
    """Give `user` the permission to open denouncers' identities in `unit` and below (admins).
    A new grant writes a RevealGrantEvent (who gave it, to whom, where, the decision)."""
    POLICY.authorize(actor=actor, action="grant-reveal", unit=unit)
    grant, created = IdentityRevealGrant.objects.get_or_create(
        user=user, unit=unit, defaults={"granted_by": actor, "note": note}
    )
    if created:
        RevealGrantEvent(
            user=user, unit=unit, kind=RevealGrantEvent.Kind.GRANTED, actor=actor, reason=note, ip_address=ip_address
        ).save(force_insert=True)
    return grant


@transaction.atomic
def identity_reveal_revoke(
    *, grant: IdentityRevealGrant, reason: str, actor: User | None, ip_address: str | None = None
) -> None:
    """Take the permission away (admins): the grant goes, a RevealGrantEvent stays."""
    POLICY.authorize(actor=actor, action="grant-reveal", unit=grant.unit)
    RevealGrantEvent(
        user_id=grant.user_id,
        unit_id=grant.unit_id,
        kind=RevealGrantEvent.Kind.REVOKED,
        actor=actor,
        reason=reason,
        data={"granted_on": grant.created_at.date().isoformat(), "decision": grant.note},
        ip_address=ip_address,
    ).save(force_insert=True)
    grant.delete()


def reveal_refused(*, petition: Petition, actor: User, what: str, ip_address: str | None = None) -> None:
    """Record that `actor`, without the grant, asked for the identity of `petition`'s denouncer
    (`what`: "identity" or "document"). Its own transaction: the refusal that follows must not
    take the record with it."""
    with transaction.atomic():
        PETITION.record(
            petition, Kind.IDENTITY_REVEAL_REFUSED, actor=actor, data={"asked": what}, ip_address=ip_address
        )


def denunciation_document_opened(
    *, petition: Petition, attachment_pk: int, actor: User, ip_address: str | None = None
) -> None:
    """Record a grant holder's download of a denunciation's document (it may show the denouncer)."""
    with transaction.atomic():
        PETITION.record(
            petition, Kind.DOCUMENT_DOWNLOADED, actor=actor, data={"attachment": attachment_pk}, ip_address=ip_address
        )


def denouncer_reveal(*, petition: Petition, reason: str, actor: User, ip_address: str | None = None) -> Identity:
    """The denouncer's identity, for a user with the explicit permission in the petition's unit
    who states why. Writes an IDENTITY_REVEALED event (who, when, why; never the identity); an
    attempt without the permission writes IDENTITY_REVEAL_REFUSED.

    Raises DomainError without the permission or the reason."""
    if not petition.is_denunciation:
        raise DomainError(_("Only a denouncer's identity is protected."))
    if not user_may_reveal(user=actor, unit=petition.unit):
        reveal_refused(petition=petition, actor=actor, what="identity", ip_address=ip_address)
        raise DomainError(_("You do not have the permission to open denouncers' identities in this unit."))
    return _reveal(petition=petition, reason=reason, actor=actor, ip_address=ip_address)


@transaction.atomic
def _reveal(*, petition: Petition, reason: str, actor: User, ip_address: str | None) -> Identity:
    if not reason.strip():
        raise DomainError(_("State why you need to see the denouncer's identity."))
    vault = DenouncerIdentity.objects.filter(petition=petition).first()
    PETITION.record(petition, Kind.IDENTITY_REVEALED, actor=actor, reason=reason.strip(), ip_address=ip_address)
    return decrypt_identity(vault.ciphertext) if vault else Identity()
