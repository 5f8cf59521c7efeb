"""Petitions made through the real services, so that deadlines and events are as in life."""

from datetime import date

from core.choices import PetitionKind
from petitions.models import Channel, Petition
from petitions.services import Identity, petition_accept, petition_classify, petition_create, petition_receive


def receive(unit, *, kind=PetitionKind.COMPLAINT, received_on=date(2026, 3, 2), actor=None, **kwargs) -> Petition:
    defaults = {
        "channel": Channel.POST,
        "subject": "Khiếu nại quyết định thu hồi đất",
        "content": "Tôi không đồng ý với quyết định thu hồi đất số 12/QĐ-UBND.",
        "petitioner_name": "Nguyễn Văn An",
        "petitioner_id_number": "001085012345",
        "petitioner_address": "12 Hàng Bạc, Hoàn Kiếm",
        "petitioner_phone": "0912345678",
        "petitioner_email": "an@example.vn",
    }
    defaults.update(kwargs)
    if "respondent" in defaults:  # beyond petition_receive's contract: the full create service
        identity = Identity(
            name=defaults.pop("petitioner_name"),
            id_number=defaults.pop("petitioner_id_number"),
            address=defaults.pop("petitioner_address"),
            phone=defaults.pop("petitioner_phone"),
            email=defaults.pop("petitioner_email"),
        )
        return petition_create(
            unit=unit, kind=kind, received_on=received_on, actor=actor, identity=identity, **defaults
        )
    return petition_receive(unit=unit, kind=kind, received_on=received_on, actor=actor, **defaults)


def classify(petition, *, actor=None, eligible=True, competent=True, on=None, **kwargs) -> Petition:
    values = {
        "kind": petition.kind,
        "signers": petition.signers,
        "has_originals": False,
        "anonymous": petition.anonymous,
        "over_level": False,
    }
    values.update(kwargs)
    return petition_classify(
        petition=petition, expected_version=None, eligible=eligible, competent=competent, on=on, actor=actor, **values
    )


def accepted(unit, *, on=date(2026, 3, 5), complex=False, actor=None, **kwargs) -> Petition:
    petition = classify(receive(unit, **kwargs), actor=actor)
    return petition_accept(petition=petition, expected_version=None, complex=complex, on=on, actor=actor)
