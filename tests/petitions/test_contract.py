"""petition_receive is what the reception app calls: its signature is a contract."""

import inspect
from datetime import date

import pytest

from civicdesk.exceptions import DomainError
from petitions.services import petition_receive

pytestmark = pytest.mark.django_db


def test_petition_receive_keeps_its_signature():
    params = inspect.signature(petition_receive).parameters
    assert list(params) == [
        "unit", "kind", "received_on", "channel", "subject", "content", "petitioner_name",
        "petitioner_id_number", "petitioner_address", "petitioner_phone", "petitioner_email", "signers",
        "actor", "ip_address", "idempotency_key", "source",
    ]  # fmt: skip
    assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in params.values())
    assert params["signers"].default == 1 and params["idempotency_key"].default is None


def test_a_reception_visit_brings_a_petition_once(commune, officer):
    kwargs = dict(
        unit=commune, kind="denunciation", received_on=date(2026, 3, 2), channel="in_person",
        subject="Tố cáo qua tiếp công dân", content="Nội dung", petitioner_name="Người Tố Cáo",
        actor=officer, idempotency_key="reception-visit-42", source="Tiếp công dân: lượt 42",
    )  # fmt: skip
    first = petition_receive(**kwargs)
    again = petition_receive(**kwargs)
    assert first.pk == again.pk and first.tracking_code == again.tracking_code
    assert first.tracking_secret == again.tracking_secret and first.ref.startswith("2026/")
    assert first.petitioner_name == ""  # a denouncer's name goes to the vault


@pytest.mark.parametrize(("kind", "channel"), [("complaint", "fax"), ("rumour", "post")], ids=["channel", "kind"])
def test_petition_receive_refuses_an_unknown_channel_or_kind(commune, kind, channel):
    with pytest.raises(DomainError):
        petition_receive(
            unit=commune,
            kind=kind,
            received_on=date(2026, 3, 2),
            channel=channel,
            subject="x",
            content="y",
            petitioner_name="z",
            actor=None,
        )
