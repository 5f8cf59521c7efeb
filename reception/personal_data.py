"""A person's visits to citizen reception, for `export_personal_data` (core.personal_data).

Found through the blind index of the identity number. Left out: the names of the other
representatives of a group (data about others) and the officials who recorded the visit."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from civicdesk.crypto import IndexFamily
from core.personal_data import PersonalDataRequest, PersonalDataSection, register_provider

from .models import ReceptionEvent, Visit, VisitDenouncerIdentity
from .services.vault import decrypt_visit_identity
from .services.workflows import VISIT


def _day(value: date | None) -> str:
    return f"{value:%d/%m/%Y}" if value else ""


def visits_of(request: PersonalDataRequest) -> list[PersonalDataSection]:
    visits = Visit.objects.filter(identity_number_index=request.index_in(IndexFamily.VISITOR)).select_related("unit")
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
        ),
        PersonalDataSection(
            source="reception.denunciation_visits",
            title=_("Visits to denounce"),
            records=_denunciation_visits(request),
            note=_(
                "The denouncer's identity is kept apart from the visit in an encrypted vault (Law on "
                "Denunciations art. 47). It is included here only because the person asking is the "
                "denouncer themself (the same identity number); each opening is recorded in the "
                "visit's audit log. Left out: the content, which is about the person denounced."
            ),
        ),
    ]


def _denunciation_visits(request: PersonalDataRequest) -> list[dict[str, Any]]:
    vaults = VisitDenouncerIdentity.objects.filter(
        identity_index=request.index_in(IndexFamily.VISIT_DENOUNCER)
    ).select_related("visit__unit")
    records = []
    for vault in vaults.order_by("visit__received_on", "visit_id"):
        v, identity = vault.visit, decrypt_visit_identity(vault.ciphertext)
        # Opening the vault is audited like any reveal: who, when, why.
        VISIT.record(
            v,
            ReceptionEvent.Kind.IDENTITY_REVEALED,
            actor=request.actor,
            reason=f"{_('Export of personal data on the denouncer’s own request')}: {request.reason}",
            data={"personal_data_export": True},
            ip_address=request.ip_address,
        )
        records.append(
            {
                "ref": v.ref,
                "unit": v.unit.name,
                "received_on": _day(v.received_on),
                "kind": v.get_kind_display(),
                "citizen_name": identity.name,
                "identity_number": identity.id_number,
                "address": identity.address,
                "people": v.people,
                "outcome": v.get_outcome_display(),
                "answer": v.get_answer_display(),
                "answered_on": _day(v.answered_on),
                "petition_ref": v.petition_ref,
            }
        )
    return records


register_provider("reception", visits_of)
