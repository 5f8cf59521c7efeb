"""A visit whose outcome is "petition received" creates the petition through the petitions
app's services (built in parallel; this runs once `petition_receive` exists)."""

from datetime import date

import pytest

from petitions import services as petition_services
from reception import services
from reception.models import ReceptionEvent, VisitOutcome
from tests.reception.factories import SessionFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        not hasattr(petition_services, "petition_receive"),
        reason="petitions.services.petition_receive is not on this branch yet (built in parallel); runs after merge",
    ),
]


def test_a_petition_visit_creates_the_petition_and_links_it(commune, officer):
    # given a visit logged on Thursday 12/02/2026 with a complaint handed in
    session = SessionFactory(unit=commune, date=date(2026, 2, 12))
    # when the official saves it
    result = services.visit_log(
        session=session,
        citizen_name="Nguyễn Văn An",
        identity_number="001090001234",
        address="Số 5 Hàng Bạc",
        kind="complaint",
        content="Khiếu nại quyết định thu hồi đất",
        people=6,
        representatives=2,
        outcome=VisitOutcome.PETITION,
        actor=officer,
        ip_address="10.0.0.7",
    )
    visit = result.visit
    visit.refresh_from_db()
    # then the petition exists, its reference is on the visit, and the answer is due across Tết
    assert visit.petition_ref
    assert visit.answer_due_on == date(2026, 3, 5)
    assert ReceptionEvent.objects.filter(visit=visit, kind="visit_petition_created").exists()
    # and saving again with the same idempotency key creates nothing twice
    again = petition_services.petition_receive(
        unit=commune,
        kind="complaint",
        received_on=visit.received_on,
        channel="in_person",
        subject=visit.content[:200],
        content=visit.content,
        petitioner_name=visit.citizen_name,
        petitioner_id_number=visit.identity_number,
        petitioner_address=visit.address,
        petitioner_phone="",
        petitioner_email="",
        signers=visit.people,
        actor=officer,
        ip_address=None,
        idempotency_key=f"visit-{visit.pk}",
        source="reception",
    )
    assert again.ref == visit.petition_ref
