"""Receiving a petition: online filing, desk entry, a reception visit's petition; and the same
registration for the parts of a split petition and a transferred one. Also the public check of
a tracking secret.

Online filing is the portal's busiest write (P1, docs/performance.md): it takes its number in
one prepared statement (numbering.py), writes the petition, its RECEIVED event and its
acknowledgement's outbox rows in one prepared statement (core.prepared.insert_prepared_with)
and does no other work than what is written here.
"""

from __future__ import annotations

import hmac
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.contrib.auth.hashers import check_password
from django.contrib.auth.models import User
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from civicdesk.crypto import fernet
from civicdesk.exceptions import DomainError
from core import outbox
from core.choices import PetitionKind
from core.models import Unit
from core.prepared import insert_prepared_with, new_row
from core.uploads import validate_upload

from ..models import Attachment, Channel, DenouncerIdentity, Notification, Petition
from ..policies import POLICY
from ..text import (
    SECRET_DIGEST_PREFIX,
    derived_secret,
    id_number_digest,
    idempotency_digest,
    normalise_secret,
    random_secret,
    secret_digest,
    secret_digest_matches,
)
from .deadlines import intake_deadlines, set_limitation
from .notifications import petitioner_notifications
from .numbering import Number, new_code, next_ref, take_number
from .vault import Identity, encrypt_identity, petitioner_contact
from .workflow import PETITION, Kind, S, search_text

# The choices' values, once: `TextChoices.values` builds its list anew on every call (two cost
# a filing 15–20 µs).
KINDS = frozenset(PetitionKind.values)
CHANNELS = frozenset(Channel.values)


@dataclass(frozen=True)
class NewPetition:
    """A petition to register, however it came: online, at the desk, from a reception visit,
    split from another petition's contents, or transferred from another unit."""

    unit: Unit
    kind: str
    received_on: date
    channel: str
    subject: str
    content: str
    identity: Identity
    respondent: str = ""
    signers: int = 1
    anonymous: bool = False
    over_level: bool = False
    has_originals: bool = False
    source: str = ""
    decision_known_on: date | None = None  # complaints: starts the limitation period
    late_reason: str = ""  # complaints filed late: the complainant's stated reason
    parent: Petition | None = None  # the petition it was split from
    transferred_from: Petition | None = None
    location: Location | None = None  # feedback only


@dataclass(frozen=True)
class Location:
    """Where a feedback is about: a point picked on a map or given by an app, and the place in words."""

    latitude: Decimal | None = None
    longitude: Decimal | None = None
    address: str = ""
    category: str = ""


def petition_receive(
    *,
    unit: Unit,
    kind: str,
    received_on: date,
    channel: str,
    subject: str,
    content: str,
    petitioner_name: str,
    petitioner_id_number: str = "",
    petitioner_address: str = "",
    petitioner_phone: str = "",
    petitioner_email: str = "",
    signers: int = 1,
    actor: User | None,
    ip_address: str | None = None,
    idempotency_key: str | None = None,
    source: str = "",
) -> Petition:
    """Register a petition received at the desk, by post, forwarded, or brought to a reception
    visit. Returns the saved petition with `.ref`, `.tracking_code` and, once, `.tracking_secret`.

    The same `idempotency_key` twice returns the first petition. Queues the acknowledgement
    to the petitioner after commit. Raises DomainError for an unknown kind or channel, and
    NotAllowed for an actor who may not enter petitions in `unit`."""
    return petition_create(
        unit=unit,
        kind=kind,
        received_on=received_on,
        channel=channel,
        subject=subject,
        content=content,
        identity=Identity(
            name=petitioner_name,
            id_number=petitioner_id_number,
            address=petitioner_address,
            phone=petitioner_phone,
            email=petitioner_email,
        ),
        signers=signers,
        actor=actor,
        ip_address=ip_address,
        idempotency_key=idempotency_key,
        source=source,
    )


def petition_create(
    *,
    unit: Unit,
    kind: str,
    received_on: date,
    channel: str,
    subject: str,
    content: str,
    identity: Identity,
    respondent: str = "",
    signers: int = 1,
    anonymous: bool = False,
    over_level: bool = False,
    has_originals: bool = False,
    attachments: Sequence[UploadedFile] = (),
    actor: User | None,
    ip_address: str | None = None,
    idempotency_key: str | None = None,
    idempotency_owner: str = "",
    source: str = "",
    decision_known_on: date | None = None,
    late_reason: str = "",
    location: Location | None = None,
) -> Petition:
    """Create a petition (online filing and desk entry share this). See petition_receive.
    `decision_known_on` (complaints): the day the complainant received or learned of the
    decision or act; it starts the limitation period (Luật Khiếu nại art. 9). `late_reason`:
    what the complainant says kept them from complaining in time; stored for the official, it
    does not make a late complaint eligible (only a force majeure the official records does).

    `idempotency_owner` names who sends the key (the citizen's browser cookie, the official's
    account): the key and its owner are stored as keyed digests. The same key from the same
    owner returns the first petition with its secret (a double click); from another owner it
    raises DomainError and shows nothing (a replay, or Back + resend by the next person)."""
    if kind not in KINDS:
        raise DomainError(_("Unknown kind of petition: %(kind)s") % {"kind": kind})
    if channel not in CHANNELS:
        raise DomainError(_("Unknown channel: %(channel)s") % {"channel": channel})
    POLICY.authorize(actor=actor, action="file" if channel == Channel.ONLINE else "desk-entry", unit=unit)
    if len(attachments) > Attachment.MAX_FILES:
        raise DomainError(_("At most %(n)d files may be attached.") % {"n": Attachment.MAX_FILES})
    mimes = [validate_upload(f, max_bytes=Attachment.MAX_BYTES) for f in attachments]
    # The number is taken before the petition's transaction (numbering.py says why); the same
    # statement catches a double click before it takes a number.
    key = idempotency_digest(idempotency_key) if idempotency_key else None
    owner = idempotency_digest(f"owner:{idempotency_owner}") if key else ""
    number = take_number(unit, received_on.year, idempotency_key=key)
    if number is None:
        return _filed_before(str(idempotency_key), owner=owner)
    new = NewPetition(
        unit=unit,
        kind=kind,
        received_on=received_on,
        channel=channel,
        subject=subject,
        content=content,
        identity=identity,
        respondent=respondent,
        signers=max(1, signers),
        anonymous=anonymous or not identity.name.strip(),
        over_level=over_level,
        has_originals=has_originals,
        source=source,
        decision_known_on=decision_known_on if kind == PetitionKind.COMPLAINT else None,
        late_reason=late_reason.strip() if kind == PetitionKind.COMPLAINT else "",
        location=location if kind == PetitionKind.FEEDBACK else None,
    )
    try:
        return register(
            new,
            number=number,
            attachments=list(zip(attachments, mimes, strict=True)),
            actor=actor,
            ip_address=ip_address,
            idempotency_key=idempotency_key,
            idempotency_owner=owner,
        )
    except IntegrityError:
        # A concurrent submit with the same key won the race: return its petition.
        if not key or not Petition.objects.filter(idempotency_key=key).exists():
            raise
        return _filed_before(str(idempotency_key), owner=owner)


def _filed_before(idempotency_key: str, *, owner: str) -> Petition:
    """The petition a repeated submit (double click) already filed, with its secret to show,
    when the same owner sends it again; DomainError for anyone else (nothing is shown)."""
    existing = Petition.objects.get(idempotency_key=idempotency_digest(idempotency_key))
    if not hmac.compare_digest(existing.idempotency_owner, owner):
        raise DomainError(
            _("This form has already been sent. Open a new form to file a petition."), code="idempotency_key"
        )
    existing.tracking_secret = derived_secret(idempotency_key)
    return existing


@transaction.atomic
def register(
    new: NewPetition,
    *,
    actor: User | None,
    ip_address: str | None,
    idempotency_key: str | None = None,
    idempotency_owner: str = "",
    attachments: Sequence[tuple[UploadedFile, str]] = (),
    tracked: bool = True,
    number: Number | None = None,
) -> Petition:
    """Write a new petition with its deadlines, its vault row (a denunciation), its documents,
    its RECEIVED (or TRANSFER_RECEIVED) event and, when `tracked`, the acknowledgement to the
    petitioner with the tracking code and secret. The caller has checked who may do it."""
    secret = derived_secret(idempotency_key) if idempotency_key else random_secret()
    origin = new.transferred_from
    petition = new_row(
        Petition,
        unit=new.unit,
        ref=number.ref if number else next_ref(new.unit, new.received_on.year),
        received_on=new.received_on,
        kind=new.kind,
        channel=new.channel,
        subject=new.subject.strip()[:300],
        content=new.content.strip(),
        respondent=new.respondent.strip()[:300],
        signers=new.signers,
        anonymous=new.anonymous,
        over_level=new.over_level,
        has_originals=new.has_originals,
        id_number_digest=id_number_digest(new.identity.id_number, kind=new.kind),
        source=new.source[:200],
        tracking_code=(number.tracking_code if number else new_code()) if tracked else None,
        tracking_secret_hash=secret_digest(secret) if tracked else "",
        idempotency_key=idempotency_digest(idempotency_key) if idempotency_key else None,
        idempotency_owner=idempotency_owner if idempotency_key else "",
        parent=new.parent,
        transferred_from=origin,
        status=S.RECEIVED,
        decision_known_on=new.decision_known_on,
        late_reason=new.late_reason[:2000],
    )
    if new.location is not None:
        petition.latitude, petition.longitude = new.location.latitude, new.location.longitude
        petition.location_address = new.location.address.strip()[:300]
        petition.category = new.location.category
    if origin is not None:
        petition.content_key = origin.content_key
        petition.complaint_round = origin.complaint_round
        petition.first_petition_id = origin.first_petition_id
        petition.decision_known_on = origin.decision_known_on
    identity = new.identity
    if new.kind != PetitionKind.DENUNCIATION:
        petition.petitioner_name = identity.name.strip()[:200]
        petition.petitioner_id_number = identity.id_number.strip()[:20]
        petition.petitioner_address = identity.address.strip()[:300]
        petition.petitioner_phone = identity.phone.strip()[:20]
        petition.petitioner_email = identity.email.strip()
    intake_deadlines(petition)
    set_limitation(petition)
    petition.search_text = search_text(petition)
    event = PETITION.new_event(
        petition,
        Kind.TRANSFER_RECEIVED if origin else Kind.RECEIVED,
        actor=actor,
        to_status=S.RECEIVED,
        data={"from": origin.ref} if origin else {"channel": new.channel, "source": new.source},
        ip_address=ip_address,
    )
    notices: list[Notification] = []
    if tracked:
        contact = identity if new.kind == PetitionKind.DENUNCIATION else petitioner_contact(petition)
        context = {
            "ref": petition.ref,
            "code": petition.tracking_code or "",
            "secret_enc": fernet().encrypt(secret.encode()).decode(),
            "received_on": f"{new.received_on:%d/%m/%Y}",
        }
        notices = petitioner_notifications(petition, contact, "received", context)
    # The petition, its event and its acknowledgement in one statement (docs/performance.md, P1).
    insert_prepared_with(petition, [event], notices)
    outbox.written(notices)
    if new.kind == PetitionKind.DENUNCIATION:
        DenouncerIdentity.objects.create(petition=petition, ciphertext=encrypt_identity(identity))
    for upload, mime in attachments:
        Attachment.objects.create(
            petition=petition, file=upload, original_name=(upload.name or "")[:200], mime=mime, size=upload.size or 0
        )
    PETITION.recorded(petition, event)
    petition.tracking_secret = secret if tracked else ""
    return petition


def petition_check_secret(*, petition: Petition | None, secret: str) -> bool:
    """True when `secret` is the tracking secret of `petition`; False for no petition.

    Constant work whether or not the code exists (no way to tell which part was wrong): one
    keyed HMAC-SHA256 and a constant-time comparison, against a dummy digest when the code
    is unknown. Rows stored before the HMAC (Django password hashes, "pbkdf2_sha256$…") are
    still checked with check_password, slowly, and re-stored as HMAC on the first match."""
    stored = petition.tracking_secret_hash if petition else ""
    if not stored or stored.startswith(SECRET_DIGEST_PREFIX):
        return secret_digest_matches(secret, stored) and petition is not None
    assert petition is not None
    if not check_password(normalise_secret(secret), stored):
        return False
    # Not a change of the petition: the same secret, stored the new way (no event, no version).
    Petition.objects.filter(pk=petition.pk, tracking_secret_hash=stored).update(
        tracking_secret_hash=secret_digest(secret)
    )
    return True
