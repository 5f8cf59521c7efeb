"""The daily sweep reminds handlers of deadlines within 3 working days and escalates
overdue petitions to the unit's head, each once per deadline."""

from datetime import date

import pytest
from django.core import mail

from core.choices import PetitionKind
from petitions.models import PetitionEvent
from petitions.services import deadline_sweep, petition_assign, petition_suspend
from tests.petitions.factories import accepted, receive

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(handler, head):
    handler.email, head.email = "xuly@ubnd.vn", "chutich@ubnd.vn"
    handler.save()
    head.save()
    return handler, head


def test_reminds_the_assignee_within_3_working_days_once(commune, people, django_capture_on_commit_callbacks):
    handler, _head = people
    # feedback received Mon 02/03/2026: classification due Mon 16/03
    petition = receive(
        commune, kind=PetitionKind.FEEDBACK, received_on=date(2026, 3, 2), petitioner_email="", petitioner_phone=""
    )
    petition_assign(petition=petition, expected_version=None, assignee=handler, actor=None)
    with django_capture_on_commit_callbacks(execute=True):
        assert deadline_sweep(today=date(2026, 3, 10)) == (0, 0)  # 4 working days left
        assert deadline_sweep(today=date(2026, 3, 11)) == (1, 0)  # Wed: 3 working days left
        assert deadline_sweep(today=date(2026, 3, 12)) == (0, 0)  # already reminded for this deadline
    assert [m.to for m in mail.outbox] == [["xuly@ubnd.vn"]]
    assert "16/03/2026" in mail.outbox[0].body
    assert petition.events.filter(kind=PetitionEvent.Kind.REMINDED).count() == 1


def test_escalates_an_overdue_petition_to_the_head_once(commune, people, django_capture_on_commit_callbacks):
    _handler, _head = people
    petition = receive(
        commune, kind=PetitionKind.FEEDBACK, received_on=date(2026, 3, 2), petitioner_email="", petitioner_phone=""
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert deadline_sweep(today=date(2026, 3, 17))[1] == 1
        assert deadline_sweep(today=date(2026, 3, 18))[1] == 0
    escalations = [m for m in mail.outbox if m.to == ["chutich@ubnd.vn"]]
    assert len(escalations) == 1 and petition.ref in escalations[0].subject
    assert petition.events.filter(kind=PetitionEvent.Kind.ESCALATED).count() == 1


def test_a_suspended_petition_is_neither_reminded_nor_escalated(commune, people):
    petition = accepted(commune, on=date(2026, 3, 5))
    petition_suspend(petition=petition, expected_version=None, reason="Chờ giám định", on=date(2026, 3, 10), actor=None)
    assert deadline_sweep(today=date(2026, 4, 20)) == (0, 0)
