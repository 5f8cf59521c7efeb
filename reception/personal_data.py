"""A person's visits to citizen reception, for `export_personal_data` (core.personal_data).

Found through the blind index of the identity number. Left out: the names of the other
representatives of a group (data about others) and the officials who recorded the visit."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext as _

from core.personal_data import PersonalDataRequest, PersonalDataSection, register_provider

from .models import Visit


def _day(value: date | None) -> str:
    return f"{value:%d/%m/%Y}" if value else ""


def visits_of(request: PersonalDataRequest) -> list[PersonalDataSection]:
    visits = Visit.objects.filter(identity_number_index=request.index).select_related("unit")
    return [
        PersonalDataSection(
            source="reception.visits",
            title=_("Visits to citizen reception"),
            records=[
                {
                    "ref": v.ref,
                    "unit": v.unit.name,
                    "received_on": _day(v.received_on),
                    "kind": v.get_kind_display(),
                    "citizen_name": v.citizen_name,
                    "identity_number": v.identity_number,
                    "address": v.address,
                    "people": v.people,
                    "content": v.content,
                    "earlier_handling": v.earlier_handling,
                    "outcome": v.get_outcome_display(),
                    "guided_to": v.guided_to,
                    "answer": v.get_answer_display(),
                    "answered_on": _day(v.answered_on),
                    "answer_note": v.answer_note,
                    "petition_ref": v.petition_ref,
                }
                for v in visits.order_by("received_on", "pk")
            ],
            note=_("Left out: the names of the other representatives of a group and the officials' names."),
        )
    ]


register_provider("reception", visits_of)
