"""Petitions made through the real services, so that deadlines and events are as in life."""

from datetime import date

from core.choices import PetitionKind
from petitions.models import Channel, Petition
from petitions.services import petition_accept, petition_classify, petition_receive


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
        petition=petition, version=None, eligible=eligible, competent=competent, on=on, actor=actor, **values
    )


def accepted(unit, *, on=date(2026, 3, 5), complex=False, actor=None, **kwargs) -> Petition:
    petition = classify(receive(unit, **kwargs), actor=actor)
    return petition_accept(petition=petition, version=None, complex=complex, on=on, actor=actor)
