"""Complaints against a disciplinary decision on a civil servant (Luật Khiếu nại art. 47–50): the
official marks the complaint at classification, and its limitation period (15 days; 2nd time 10,
30 for a dismissal), acceptance (10 days) and resolution (30, complex 45, both times, no longer in
remote areas) follow that chapter, in calendar days, a last day in Tết moving to 23/02/2026."""

from datetime import date

import pytest
from django.urls import reverse

from core.choices import PetitionKind
from petitions.choices import Result, Step
from petitions.models import Discipline, Duty, Petition, PetitionEvent
from petitions.services import petition_accept, petition_resolve
from tests.petitions.factories import classify, receive

pytestmark = pytest.mark.django_db
C = PetitionKind.COMPLAINT


def complaint(unit, *, received_on, known_on):
    return receive(
        unit, kind=C, received_on=received_on, respondent="QĐ 3/QĐ-UBND kỷ luật khiển trách", decision_known_on=known_on
    )


def test_an_official_marks_a_complaint_as_disciplinary_and_its_limits_follow_art_48_to_50(client, commune, officer):
    petition = complaint(commune, received_on=date(2026, 2, 9), known_on=date(2026, 1, 30))
    # As an administrative complaint: 10 working days across Tết (16–20/02) → Monday 02/03.
    assert (petition.due_on, petition.due_rule.code) == (date(2026, 3, 2), "complaint.accept")
    client.force_login(officer)
    url = reverse("petitions:action", args=[petition.pk, "classify"])
    page = client.get(url).content.decode()
    assert "Khiếu nại quyết định kỷ luật cán bộ, công chức?" in page
    response = client.post(
        url,
        {
            "version": petition.version,
            "kind": C,
            "eligible": "1",
            "competent": "1",
            "signers": 1,
            "decision_known_on": "2026-01-30",
            "discipline": Discipline.DISCIPLINE,
        },
    )
    assert response.status_code == 302
    petition.refresh_from_db()
    assert petition.discipline == Discipline.DISCIPLINE
    # Art. 50: 10 days from receipt, ending 19/02 in Tết → Monday 23/02.
    assert (petition.step, petition.due_on, petition.due_rule.code) == (
        Step.ACCEPT,
        date(2026, 2, 23),
        "complaint.disciplinary.accept",
    )
    # Art. 48: 15 days from 30/01 → Saturday 14/02, then Tết → 23/02; received 09/02, in time.
    assert (petition.limitation_due_on, petition.limitation_rule.legal_basis) == (
        date(2026, 2, 23),
        "Luật Khiếu nại art. 48",
    )
    assert petition.eligible is True
    assert petition.events.get(kind=PetitionEvent.Kind.CLASSIFIED).data["discipline"] == "discipline"
    detail = client.get(reverse("petitions:detail", args=[petition.pk])).content.decode()
    assert "Quyết định kỷ luật" in detail


def test_received_16_days_after_the_decision_it_is_out_of_time(commune):
    # Known Tuesday 20/01/2026: day 15 is Wednesday 04/02; an administrative complaint has 90 days.
    petition = classify(
        complaint(commune, received_on=date(2026, 2, 5), known_on=date(2026, 1, 20)), discipline=Discipline.DISCIPLINE
    )
    assert (petition.limitation_due_on, petition.eligible) == (date(2026, 2, 4), False)
    on_time = classify(
        complaint(commune, received_on=date(2026, 2, 4), known_on=date(2026, 1, 20)), discipline=Discipline.DISCIPLINE
    )
    assert on_time.eligible is True


@pytest.mark.parametrize(
    ("complex", "code", "due"),
    [
        (False, "complaint.disciplinary.resolve", date(2026, 3, 25)),
        (True, "complaint.disciplinary.resolve.complex", date(2026, 4, 9)),
    ],
)
def test_resolved_within_30_days_or_45_if_complex_even_in_a_remote_area(commune, complex, code, due):
    commune.is_remote = True  # an administrative complaint would have 45 / 60 days here
    commune.save()
    petition = classify(
        complaint(commune, received_on=date(2026, 2, 9), known_on=date(2026, 1, 30)), discipline=Discipline.DISCIPLINE
    )
    petition = petition_accept(
        petition=petition, expected_version=None, complex=complex, on=date(2026, 2, 23), actor=None
    )
    assert (petition.due_on, petition.due_rule.code, petition.due_rule.legal_basis) == (
        due,
        code,
        "Luật Khiếu nại art. 50",
    )


@pytest.mark.parametrize(
    ("discipline", "code", "last_day"),
    [
        (Discipline.DISCIPLINE, "complaint.disciplinary.second.limitation", date(2026, 3, 12)),  # 10 days
        (Discipline.DISMISSAL, "complaint.disciplinary.second.limitation.dismissal", date(2026, 4, 1)),  # 30 days
    ],
)
def test_a_second_complaint_has_10_days_or_30_for_a_dismissal(commune, discipline, code, last_day):
    petition = complaint(commune, received_on=date(2026, 3, 10), known_on=date(2026, 3, 2))
    Petition.objects.filter(pk=petition.pk).update(complaint_round=2)
    petition.refresh_from_db()
    petition = classify(petition, discipline=discipline)
    assert (petition.limitation_due_on, petition.limitation_rule.code) == (last_day, code)


def test_its_first_decision_has_no_3_working_day_sending_duty(commune):
    petition = classify(
        complaint(commune, received_on=date(2026, 2, 9), known_on=date(2026, 1, 30)), discipline=Discipline.DISCIPLINE
    )
    petition = petition_accept(petition=petition, expected_version=None, on=date(2026, 2, 23), actor=None)
    petition = petition_resolve(
        petition=petition, expected_version=None, result=Result.WRONG, on=date(2026, 3, 9), actor=None
    )
    assert not petition.duties.filter(duty=Duty.SEND_DECISION).exists()


def test_unmarking_it_brings_back_the_administrative_limits(commune):
    petition = classify(
        complaint(commune, received_on=date(2026, 2, 9), known_on=date(2026, 1, 30)), discipline=Discipline.DISMISSAL
    )
    petition = classify(petition, discipline=Discipline.NONE)
    assert (petition.due_rule.code, petition.due_on, petition.limitation_rule.code) == (
        "complaint.accept",
        date(2026, 3, 2),
        "complaint.limitation",
    )
