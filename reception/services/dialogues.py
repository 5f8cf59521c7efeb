"""Dialogue conferences (hội nghị đối thoại) a unit's head held with citizens: recorded by the
desk, one row each, counted in the reports (`dialogues`). An imported register writes the same
rows (`import_records dialogues`)."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from civicdesk.exceptions import DomainError
from core.models import Unit

from ..models import DialogueConference, ReceptionEvent
from ..policies import POLICY
from .workflows import DIALOGUE


def _next_ref(unit: Unit, held_on: date) -> str:
    """The next free reference of the unit's register of conferences in that year: HN-2026-001…"""
    taken = set(
        DialogueConference.objects.filter(unit=unit, ref__startswith=f"HN-{held_on:%Y}-").values_list("ref", flat=True)
    )
    number = len(taken) + 1
    while f"HN-{held_on:%Y}-{number:03d}" in taken:
        number += 1
    return f"HN-{held_on:%Y}-{number:03d}"


@transaction.atomic
def dialogue_record(
    *,
    unit: Unit,
    held_on: date,
    attendees: int,
    topic: str = "",
    ref: str = "",
    actor: User | None,
    ip_address: str | None = None,
) -> DialogueConference:
    """Record a dialogue conference the head of `unit` held. Raises NotAllowed or DomainError
    (a date to come, a reference already in the unit's register)."""
    POLICY.authorize(actor=actor, action="dialogue_record", unit=unit)
    if held_on > timezone.localdate():
        raise DomainError(_("A conference is recorded once it has been held."), code="held_on")
    if attendees < 0:
        raise DomainError(_("The number of attendees cannot be negative."), code="attendees")
    ref = ref.strip() or _next_ref(unit, held_on)
    if DialogueConference.objects.filter(unit=unit, ref=ref).exists():
        raise DomainError(_("This reference is already in the unit's register of conferences."), code="ref")
    conference = DialogueConference.objects.create(
        unit=unit, ref=ref, held_on=held_on, attendees=attendees, topic=topic.strip(), recorded_by=actor
    )
    DIALOGUE.record(
        conference,
        ReceptionEvent.Kind.DIALOGUE_RECORDED,
        actor=actor,
        ip_address=ip_address,
        data={"held_on": held_on.isoformat(), "attendees": attendees},
    )
    return conference
