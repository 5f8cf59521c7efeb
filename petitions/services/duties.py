"""A denunciation's duties beside its own step (Luật Tố cáo art. 29, 35, 40): notify the
denouncer of the acceptance and of the conclusion, publish the conclusion; and the guard that
keeps the denouncer's identity out of every published text (art. 40, 47)."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import gettext as _

from civicdesk.exceptions import DomainError, InvalidTransition

from ..models import Duty, Petition, PetitionDuty
from ..policies import POLICY
from ..text import fold
from .vault import Identity, petitioner_contact
from .workflow import PETITION, Kind, today


def _identity_tokens(identity: Identity) -> list[str]:
    """Pieces of a denouncer's identity that must not appear in a published text (folded)."""
    tokens = [fold(identity.name), fold(identity.email)]
    for number in (identity.id_number, identity.phone):
        digits = "".join(ch for ch in number if ch.isdigit())
        if len(digits) >= 6:
            tokens.append(digits)
    return [t for t in tokens if len(t.strip()) >= 3]


def text_reveals_identity(*, text: str, identity: Identity) -> bool:
    """True when `text` carries the name, e-mail, identity number or phone of `identity`."""
    folded = fold(text)
    digits = "".join(ch for ch in text if ch.isdigit())
    for token in _identity_tokens(identity):
        haystack = digits if token.isdigit() else folded
        if token in haystack:
            return True
    return False


@transaction.atomic
def petition_duty_record(
    *,
    petition: Petition,
    duty: str,
    note: str,
    published_text: str = "",
    on: date | None = None,
    actor: User | None,
    ip_address: str | None = None,
) -> PetitionDuty:
    """Record that a denunciation duty was done: the denouncer notified of the acceptance
    (Luật Tố cáo art. 29) or of the conclusion (art. 35), or the conclusion published (art. 40).
    `note` says how (letter number, meeting, website). A publication must give the published
    text, which may never carry the denouncer's identity (art. 40, 47): DomainError if it does.
    Writes one NOTIFIED or PUBLISHED event; a duty is recorded once."""
    locked = PETITION.lock(petition)
    POLICY.authorize(actor=actor, action="duty", unit=locked.unit)
    row = PetitionDuty.objects.select_for_update().filter(petition=locked, duty=duty).first()
    if row is None:
        raise InvalidTransition(_("This petition has no such duty."))
    if row.done_on is not None:
        raise InvalidTransition(_("This has already been recorded."))
    if not note.strip():
        raise DomainError(_("Say how it was done (document number, meeting, website)."))
    on = on or today()
    if on < row.start:
        raise DomainError(_("The date cannot be before the duty started."))
    if duty == Duty.PUBLISH_CONCLUSION:
        if not published_text.strip():
            raise DomainError(_("Give the text of the conclusion as published."))
        if text_reveals_identity(text=published_text, identity=petitioner_contact(locked)):
            raise DomainError(
                _("The published text contains the denouncer's identity. Remove it: the law forbids revealing it.")
            )
    row.done_on, row.done_by, row.note = on, actor, note.strip()
    row.published_text = published_text.strip()
    row.save()
    PETITION.record(
        locked,
        Kind.PUBLISHED if duty == Duty.PUBLISH_CONCLUSION else Kind.NOTIFIED,
        actor=actor,
        reason=note.strip(),
        data={"duty": duty, "due_on": row.due_on.isoformat(), "done_on": on.isoformat(), "late": on > row.due_on},
        ip_address=ip_address,
    )
    return row
