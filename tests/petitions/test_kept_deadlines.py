"""The deadline a petition had is kept when it closes, with each extension and suspension in its
history, so "resolved within the time limit" can be counted (issue 19 item 9).

Given a petition handled to its end, when it is resolved or closed by an outcome, then its
step, date and rule stay on it, the closing event says whether the deadline was met, and the
official's page says so."""

from datetime import date

import pytest
from django.urls import reverse

from core.choices import PetitionKind
from petitions.choices import Result, Step
from petitions.models import PetitionEvent, PetitionStatus
from petitions.services import (
    petition_extend,
    petition_refuse,
    petition_resolve,
    petition_resume,
    petition_suspend,
)
from tests.petitions.factories import accepted, receive

pytestmark = pytest.mark.django_db

K = PetitionEvent.Kind


def test_a_complaint_resolved_on_its_last_day_keeps_the_deadline_and_counts_in_time(commune, handler):
    petition = accepted(commune, on=date(2026, 3, 5))  # 30 days: 04/04 is a Saturday, so 06/04
    petition = petition_resolve(
        petition=petition, expected_version=None, result=Result.CORRECT, on=date(2026, 4, 6), actor=handler
    )
    assert petition.status == PetitionStatus.RESOLVED
    assert (petition.step, petition.due_on, petition.due_rule.code) == (
        Step.RESOLVE,
        date(2026, 4, 6),
        "complaint.first.resolve",
    )
    assert petition.closed_in_time is True
    event = petition.events.get(kind=K.RESOLVED)
    assert (event.data["due_on"], event.data["late"]) == ("2026-04-06", False)


def test_a_complaint_resolved_the_next_day_counts_late(commune, handler):
    petition = accepted(commune, on=date(2026, 3, 5))
    petition = petition_resolve(
        petition=petition, expected_version=None, result=Result.WRONG, on=date(2026, 4, 7), actor=handler
    )
    assert (petition.due_on, petition.closed_in_time) == (date(2026, 4, 6), False)
    assert petition.events.get(kind=K.RESOLVED).data["late"] is True


def test_a_denunciation_keeps_its_extended_deadline_with_each_extension_in_its_history(commune, head, handler):
    petition = accepted(commune, kind=PetitionKind.DENUNCIATION, on=date(2026, 3, 5))  # 30 days: 06/04
    petition = petition_extend(
        petition=petition, expected_version=None, complexity="complex", reason="Phức tạp", actor=head
    )
    petition = petition_resolve(
        petition=petition, expected_version=None, result=Result.TRUE, on=date(2026, 5, 7), actor=handler
    )
    assert (petition.due_on, petition.due_rule.code, petition.closed_in_time) == (
        date(2026, 5, 6),
        "denunciation.extension",
        False,
    )
    notes = [e.deadline_note for e in petition.events.order_by("occurred_at", "pk") if e.deadline_note]
    assert notes == ["Thời hạn 06/04/2026 → 06/05/2026", "Thời hạn 06/05/2026: quá thời hạn"]


def test_a_complaint_keeps_the_deadline_its_suspension_moved_with_the_suspension_in_its_history(commune, handler):
    petition = accepted(commune, on=date(2026, 7, 6))  # 30 days: 05/08
    petition = petition_suspend(
        petition=petition, expected_version=None, reason="Chờ giám định", on=date(2026, 7, 10), actor=handler
    )
    petition = petition_resume(petition=petition, expected_version=None, on=date(2026, 7, 24), actor=handler)
    petition = petition_resolve(
        petition=petition, expected_version=None, result=Result.CORRECT, on=date(2026, 8, 19), actor=handler
    )
    # 14 days suspended are not counted (Law 136/2025): 05/08 + 14 = 19/08, met on the day.
    assert (petition.due_on, petition.closed_in_time) == (date(2026, 8, 19), True)
    notes = [e.deadline_note for e in petition.events.order_by("occurred_at", "pk") if e.deadline_note]
    assert notes == [
        "Thời hạn 05/08/2026, dừng tính thời hạn",
        "Thời hạn 05/08/2026 → 19/08/2026",
        "Thời hạn 19/08/2026: trong thời hạn",
    ]


def test_a_refusal_keeps_the_acceptance_deadline_it_was_decided_against(commune, officer):
    from tests.petitions.factories import classify

    petition = classify(receive(commune, kind=PetitionKind.COMPLAINT, received_on=date(2026, 2, 10)))
    assert petition.due_on == date(2026, 3, 3)  # 10 working days, Tết not counted
    petition = petition_refuse(
        petition=petition, expected_version=None, reason="Đã hết thời hiệu", on=date(2026, 3, 4), actor=officer
    )
    assert (petition.status, petition.step, petition.due_on) == (PetitionStatus.REFUSED, Step.ACCEPT, date(2026, 3, 3))
    assert petition.closed_in_time is False
    assert petition.events.get(kind=K.REFUSED).data["late"] is True


def test_the_officials_page_shows_the_kept_deadline_and_whether_it_was_met(client, commune, handler):
    petition = accepted(commune, on=date(2026, 3, 5))
    petition = petition_resolve(
        petition=petition, expected_version=None, result=Result.WRONG, on=date(2026, 4, 7), actor=handler
    )
    client.force_login(handler)
    page = client.get(reverse("petitions:detail", args=[petition.pk])).content.decode()
    assert 'id="due-on">06/04/2026<' in page
    assert "quá thời hạn" in page.split('id="closed-in-time">')[1][:40]
    assert "Thời hạn 06/04/2026: quá thời hạn" in page
