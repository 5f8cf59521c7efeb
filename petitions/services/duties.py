"""A denunciation's duties beside its own step (Luật Tố cáo art. 29, 35, 40): notify the
denouncer of the acceptance and of the conclusion, publish the conclusion; and the guard that
keeps the denouncer's identity out of every published text (art. 40, 47)."""

from __future__ import annotations

import re
from datetime import date

from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import gettext as _

from civicdesk.crypto import normalise_identity_number
from civicdesk.exceptions import DomainError, InvalidTransition

from ..models import REPEAT_DUTIES, Duty, Petition, PetitionDuty
from ..policies import POLICY
from ..text import fold
from .repeat import repeat_step_done
from .vault import Identity, petitioner_contact
from .workflow import PETITION, Kind, today

# A number written in a text: digits grouped by spaces, dots, dashes or brackets, maybe after a +.
_NUMBER_RUN = re.compile(r"\+?[0-9A-Za-z]*\d[0-9A-Za-z\s.()\-]*[0-9A-Za-z]")


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", fold(text))


def _phone_national(phone: str) -> str:
    """The national part of a Vietnamese phone: '+84 977 111 222', '0977.111.222' -> '977111222'."""
    digits = "".join(ch for ch in phone if ch.isdigit())
    if digits.startswith("84") and len(digits) >= 11:
        digits = digits[2:]
    return digits.lstrip("0")


def _name_appears(name: str, words: list[str]) -> bool:
    """Every word of the name, in any order, within a stretch of the text barely longer than
    the name ("ông Hoàn Đinh Tố Giác" carries "Đinh Tố Giác Hoàn"); case and diacritics ignored."""
    wanted = _words(name)
    if not wanted:
        return False
    span = len(wanted) + 1
    need = {w: wanted.count(w) for w in wanted}
    for start in range(len(words)):
        window = words[start : start + span]
        if all(window.count(w) >= n for w, n in need.items()):
            return True
    return False


def text_reveals_identity(*, text: str, identity: Identity) -> bool:
    """True when `text` carries the name, e-mail, identity number, phone or address of
    `identity`, however it is written: names in any order, any case, with or without
    diacritics; phones with +84 or 0 and any grouping (spaces, dots, dashes, brackets);
    identity numbers with spaces or hyphens."""
    words = _words(text)
    if _name_appears(identity.name, words):
        return True
    folded = fold(text)
    for piece in (identity.email, identity.address):
        if len(fold(piece).strip()) >= 5 and " ".join(_words(piece)) in " ".join(words):
            return True
    runs = [normalise_identity_number(run) for run in _NUMBER_RUN.findall(text)]
    number = normalise_identity_number(identity.id_number)
    if len(number) >= 6 and any(number in run for run in runs):
        return True
    phone = _phone_national(identity.phone)
    if len(phone) >= 6 and any(phone in run for run in runs):
        return True
    return bool(identity.email.strip()) and identity.email.strip().casefold() in folded


@transaction.atomic
def petition_duty_record(
    *,
    petition: Petition,
    duty: str,
    note: str,
    published_text: str = "",
    outcome: str = "",
    on: date | None = None,
    actor: User | None,
    ip_address: str | None = None,
) -> PetitionDuty:
    """Record that a denunciation duty was done: the denouncer notified of the acceptance
    (Luật Tố cáo art. 29) or of the conclusion (art. 35), or the conclusion published (art. 40).
    `note` says how (letter number, meeting, website). A publication must give the published
    text, which may never carry the denouncer's identity (art. 40, 47): DomainError if it does.
    A repeated denunciation's step (art. 37, 38; `services.repeat`) records what was decided
    (`outcome`), and its request for a report opens the report's deadline.
    Writes one NOTIFIED, PUBLISHED or REPEAT_STEP event; a duty is recorded once."""
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
    if duty in REPEAT_DUTIES:
        repeat_step_done(locked, row, outcome=outcome, on=on)
    row.done_on, row.done_by, row.note = on, actor, note.strip()
    row.published_text = published_text.strip()
    row.save()
    kind = Kind.PUBLISHED if duty == Duty.PUBLISH_CONCLUSION else Kind.NOTIFIED
    data = {"duty": duty, "due_on": row.due_on.isoformat(), "done_on": on.isoformat(), "late": on > row.due_on}
    if duty in REPEAT_DUTIES:
        kind, data["outcome"] = Kind.REPEAT_STEP, row.outcome
    PETITION.record(locked, kind, actor=actor, reason=note.strip(), data=data, ip_address=ip_address)
    return row
