"""The petitions a person filed, for `export_personal_data` (core.personal_data).

Found through the blind index of the identity number (`id_number_digest`), which every kind
carries, a denouncer's included (in the denouncers' own family, civicdesk.crypto.IndexFamily).
What the petition says about *others* is left out: the person or decision complained of /
denounced (`respondent`), officials' internal notes, and a denunciation's conclusion (it is
about the person denounced)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from civicdesk.crypto import IndexFamily
from core.choices import PetitionKind
from core.personal_data import PersonalDataRequest, PersonalDataSection, register_provider

from .models import DenouncerIdentity, Petition, PetitionEvent
from .services.vault import decrypt_identity
from .services.workflow import PETITION


def _day(value: date | None) -> str:
    return f"{value:%d/%m/%Y}" if value else ""


def _common(p: Petition) -> dict[str, Any]:
    return {
        "ref": p.ref,
        "unit": p.unit.name,
        "kind": p.get_kind_display(),
        "channel": p.get_channel_display(),
        "received_on": _day(p.received_on),
        "status": p.get_status_display(),
        "subject": p.subject,
        "content": p.content,
        "tracking_code": p.tracking_code or "",
        "result": p.get_result_display(),
        "resolved_on": _day(p.resolved_on),
    }


FILER_KINDS = [k for k in PetitionKind.values if k != PetitionKind.DENUNCIATION]


def petitions_of(request: PersonalDataRequest) -> list[PersonalDataSection]:
    rows = list(
        Petition.objects.filter(
            Q(id_number_digest=request.index_in(IndexFamily.PETITIONER), kind__in=FILER_KINDS)
            | Q(id_number_digest=request.index_in(IndexFamily.DENOUNCER), kind=PetitionKind.DENUNCIATION)
        )
        .select_related("unit")
        .order_by("received_on", "pk")
    )
    vault = dict(
        DenouncerIdentity.objects.filter(petition__in=[p for p in rows if p.is_denunciation]).values_list(
            "petition_id", "ciphertext"
        )
    )
    label = _("Export of personal data on the denouncer’s own request")
    filed: list[dict[str, Any]] = []
    denounced: list[dict[str, Any]] = []
    for p in rows:
        record = _common(p)
        if p.is_denunciation:
            if p.pk not in vault:
                continue
            identity = decrypt_identity(vault[p.pk])
            # Opening the vault is audited like any reveal: who, when, why.
            PETITION.record(
                p,
                PetitionEvent.Kind.IDENTITY_REVEALED,
                actor=request.actor,
                reason=f"{label}: {request.reason}",
                data={"personal_data_export": True},
                ip_address=request.ip_address,
            )
            record.update(
                denouncer_name=identity.name,
                denouncer_id_number=identity.id_number,
                denouncer_address=identity.address,
                denouncer_phone=identity.phone,
                denouncer_email=identity.email,
                source_of_identity=_("denouncer vault (encrypted, protected)"),
            )
            denounced.append(record)
        else:
            record.update(
                result_note=p.result_note,
                petitioner_name=p.petitioner_name,
                petitioner_id_number=p.petitioner_id_number,
                petitioner_address=p.petitioner_address,
                petitioner_phone=p.petitioner_phone,
                petitioner_email=p.petitioner_email,
            )
            filed.append(record)
    return [
        PersonalDataSection(
            source="petitions.petitions",
            title=_("Complaints, petitions and proposals filed"),
            records=filed,
            note=_(
                "Left out: the person, body or decision complained of and officials' internal notes "
                "(they are not data about the petitioner)."
            ),
        ),
        PersonalDataSection(
            source="petitions.denunciations",
            title=_("Denunciations filed"),
            records=denounced,
            note=_(
                "The denouncer's identity is kept apart from the case in an encrypted vault (Law on "
                "Denunciations art. 47). It is included here only because the person asking is the "
                "denouncer themself (the same identity number); each opening is recorded in the "
                "petition's audit log. Left out: the person denounced and the conclusion about them."
            ),
        ),
    ]


register_provider("petitions", petitions_of)
