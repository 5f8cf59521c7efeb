"""A 1st-time complaint decision goes to the complainant and the parties within 3 working days
(Luật Khiếu nại art. 32): a duty with its deadline, recorded from the petition's page."""

from datetime import date

import pytest
from django.urls import reverse

from petitions.choices import Result
from petitions.models import Duty, PetitionEvent
from petitions.services import petition_resolve
from tests.petitions.factories import accepted

pytestmark = pytest.mark.django_db


def test_a_first_decision_before_tet_must_be_sent_within_3_working_days_after_it(client, commune, handler, officer):
    petition = accepted(commune, received_on=date(2026, 1, 20), on=date(2026, 1, 22))
    petition = petition_resolve(
        petition=petition, expected_version=None, result=Result.WRONG, on=date(2026, 2, 13), actor=handler
    )
    duty = petition.duties.get(duty=Duty.SEND_DECISION)
    # Friday 13/02/2026: Tết (16–20/02) and the weekends are not counted.
    assert (duty.due_on, duty.rule.code, duty.rule.legal_basis) == (
        date(2026, 2, 25),
        "complaint.send_decision",
        "Luật Khiếu nại art. 32",
    )
    client.force_login(officer)
    url = reverse("petitions:action", args=[petition.pk, "send-decision"])
    assert url in client.get(reverse("petitions:detail", args=[petition.pk])).content.decode()
    assert client.post(url, {"on": "2026-02-25", "note": "Công văn số 7/UBND"}).status_code == 302
    duty.refresh_from_db()
    assert (duty.done_on, duty.done_by) == (date(2026, 2, 25), officer)
    event = petition.events.get(kind=PetitionEvent.Kind.NOTIFIED)
    assert (event.data["duty"], event.data["late"]) == ("send_decision", False)


def test_a_withdrawn_complaint_has_no_decision_to_send(commune, handler):
    petition = petition_resolve(
        petition=accepted(commune), expected_version=None, result=Result.WITHDRAWN, on=date(2026, 3, 20), actor=handler
    )
    assert not petition.duties.exists()
