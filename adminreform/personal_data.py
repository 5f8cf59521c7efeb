"""A person's one-stop-shop dossiers, for `export_personal_data` (core.personal_data).

Found through the blind index of the applicant's identity number. Left out: the lookup PIN
(a credential, not data about the person) and the officials who handled the dossier."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext as _

from civicdesk.crypto import IndexFamily
from core.personal_data import PersonalDataRequest, PersonalDataSection, register_provider

from .models import Dossier


def _day(value: date | None) -> str:
    return f"{value:%d/%m/%Y}" if value else ""


def dossiers_of(request: PersonalDataRequest) -> list[PersonalDataSection]:
    index = request.index_in(IndexFamily.APPLICANT)
    dossiers = Dossier.objects.filter(applicant_id_number_index=index).select_related("unit", "procedure")
    return [
        PersonalDataSection(
            source="adminreform.dossiers",
            title=_("One-stop-shop dossiers"),
            records=[
                {
                    "ref": d.ref,
                    "unit": d.unit.name,
                    "procedure": d.procedure.name if d.procedure else "",
                    "channel": d.get_channel_display(),
                    "received_on": _day(d.received_on),
                    "due_on": _day(d.due_on),
                    "status": d.get_status_display(),
                    "resolved_on": _day(d.resolved_on),
                    "result": d.result_note,
                    "applicant_name": d.applicant_name,
                    "applicant_id_number": d.applicant_id_number,
                    "applicant_address": d.applicant_address,
                    "applicant_phone": d.applicant_phone,
                    "applicant_email": d.applicant_email,
                    "rating": d.get_rating_score_display() if d.rating_score else "",
                }
                for d in dossiers.order_by("received_on", "pk")
            ],
            note=_("Left out: the lookup PIN (a credential) and the officials' names."),
        )
    ]


register_provider("adminreform", dossiers_of)
