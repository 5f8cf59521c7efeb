"""Complaint limitation periods (Luật Khiếu nại art. 9 and 33), with concrete dates across Tết
and weekends: a complaint received out of time is classified ineligible, and refusing it proposes
the reason, unless the official records force majeure."""

from datetime import date

import pytest
from django.urls import reverse

from civicdesk.exceptions import DomainError
from core.choices import PetitionKind
from petitions.models import PetitionEvent, PetitionStatus
from petitions.services import petition_accept, petition_link_first, petition_resolve
from tests.factories import UnitFactory
from tests.petitions.factories import accepted, classify, receive

pytestmark = pytest.mark.django_db
C = PetitionKind.COMPLAINT


def complaint(unit, *, received_on, known_on, **kwargs):
    return receive(
        unit, kind=C, received_on=received_on, respondent="QĐ 12/QĐ-UBND", decision_known_on=known_on, **kwargs
    )


def test_90_days_from_knowing_the_decision_end_after_tet(commune):
    # Known Thu 20/11/2025: day 90 is 18/02/2026, in Tết; the limit ends Mon 23/02/2026.
    on_time = complaint(commune, received_on=date(2026, 2, 23), known_on=date(2025, 11, 20))
    assert on_time.limitation_due_on == date(2026, 2, 23)
    assert (on_time.limitation_rule.code, on_time.limitation_rule.legal_basis) == (
        "complaint.limitation",
        "Luật Khiếu nại art. 9",
    )
    assert not on_time.filed_out_of_time
    late = complaint(commune, received_on=date(2026, 2, 24), known_on=date(2025, 11, 20))
    assert late.filed_out_of_time


def test_a_limit_ending_on_a_sunday_ends_on_monday(commune):
    # Known Mon 01/12/2025: day 90 is Sunday 01/03/2026.
    petition = complaint(commune, received_on=date(2026, 3, 2), known_on=date(2025, 12, 1))
    assert petition.limitation_due_on == date(2026, 3, 2)
    assert classify(petition).eligible is True


def test_classifying_a_late_complaint_makes_it_ineligible_and_refusal_proposes_the_reason(client, commune, officer):
    petition = complaint(commune, received_on=date(2026, 3, 3), known_on=date(2025, 12, 1))
    petition = classify(petition, eligible=True)  # the official ticked eligible: the law decides
    assert (petition.status, petition.eligible) == (PetitionStatus.CLASSIFIED, False)
    event = petition.events.get(kind=PetitionEvent.Kind.CLASSIFIED)
    assert event.data["out_of_time"] is True and event.data["limitation_due_on"] == "2026-03-02"
    with pytest.raises(DomainError):
        petition_accept(petition=petition, expected_version=None, on=date(2026, 3, 5), actor=None)
    client.force_login(officer)
    html = client.get(reverse("petitions:action", args=[petition.pk, "refuse"])).content.decode()
    assert "03/03/2026" in html and "02/03/2026" in html and "Điều 9 Luật Khiếu nại" in html
    detail = client.get(reverse("petitions:detail", args=[petition.pk])).content.decode()
    assert "02/03/2026" in detail


def test_force_majeure_recorded_at_classification_keeps_it_eligible(client, commune, officer):
    petition = complaint(commune, received_on=date(2026, 3, 20), known_on=date(2025, 12, 1))
    client.force_login(officer)
    response = client.post(
        reverse("petitions:action", args=[petition.pk, "classify"]),
        {
            "version": petition.version,
            "kind": C,
            "eligible": "1",
            "competent": "1",
            "signers": 1,
            "decision_known_on": "2025-12-01",
            "force_majeure_reason": "Nằm viện điều trị từ 20/02 đến 15/03/2026 (giấy ra viện kèm theo).",
        },
    )
    assert response.status_code == 302
    petition.refresh_from_db()
    assert petition.eligible is True and not petition.filed_out_of_time
    assert petition.force_majeure_reason.startswith("Nằm viện")
    assert petition.events.get(kind=PetitionEvent.Kind.CLASSIFIED).data["force_majeure"] is True
    assert (
        petition_accept(petition=petition, expected_version=None, on=date(2026, 3, 23), actor=None).status == "accepted"
    )


def test_the_date_entered_at_classification_starts_the_period(commune):
    petition = receive(commune, kind=C, received_on=date(2026, 3, 3), respondent="QĐ 5")
    assert petition.limitation_due_on is None
    petition = classify(petition, decision_known_on=date(2025, 12, 1))
    assert (petition.limitation_due_on, petition.eligible) == (date(2026, 3, 2), False)


def test_other_kinds_have_no_limitation_period(commune):
    petition = receive(commune, kind=PetitionKind.FEEDBACK, received_on=date(2026, 3, 3), respondent="x")
    assert classify(petition).eligible is True and petition.limitation_due_on is None


@pytest.mark.parametrize(("remote", "due"), [(False, date(2026, 4, 9)), (True, date(2026, 4, 24))])
def test_second_complaint_within_30_days_of_the_first_decision_45_remote(city, remote, due):
    unit = UnitFactory(code="99101", parent=city, is_remote=remote)
    first = accepted(unit, on=date(2026, 2, 5))
    petition_resolve(petition=first, expected_version=None, result="wrong", on=date(2026, 3, 10), actor=None)
    second = receive(unit, kind=C, received_on=date(2026, 4, 10))
    second = petition_link_first(petition=second, first=first, actor=None)
    assert second.limitation_due_on == due
    assert second.limitation_rule.code == "complaint.second.limitation" + (".remote" if remote else "")
    assert second.limitation_rule.legal_basis == "Luật Khiếu nại art. 33"
    assert classify(second).eligible is (remote is True)


def test_second_complaint_counts_from_the_day_the_decision_was_received(commune):
    first = accepted(commune, on=date(2026, 2, 5))
    petition_resolve(petition=first, expected_version=None, result="wrong", on=date(2026, 3, 10), actor=None)
    second = receive(commune, kind=C, received_on=date(2026, 4, 13))
    second = petition_link_first(petition=second, first=first, actor=None)
    second = classify(second, decision_known_on=date(2026, 3, 13))  # received 3 days after issue
    assert (second.limitation_due_on, second.eligible) == (date(2026, 4, 13), True)  # 12/04 is a Sunday


def test_second_complaint_when_the_first_was_not_resolved_in_time(commune):
    first = accepted(commune, on=date(2026, 3, 5))  # 1st-time limit Mon 06/04/2026
    second = petition_link_first(
        petition=receive(commune, kind=C, received_on=date(2026, 5, 7)), first=first, actor=None
    )
    assert second.limitation_due_on == date(2026, 5, 6)
    assert classify(second).eligible is False


def test_online_form_and_desk_capture_the_date(client, commune, officer):
    client.force_login(officer)
    response = client.post(
        reverse("petitions:desk"),
        {
            "unit": commune.pk,
            "received_on": "2026-03-03",
            "channel": "post",
            "kind": C,
            "subject": "Khiếu nại quyết định xử phạt",
            "respondent": "QĐ 77/QĐ-XPHC",
            "decision_known_on": "2025-12-01",
            "signers": 1,
            "idempotency_key": "a" * 32,
            "save": "1",
        },
    )
    assert response.status_code == 302
    petition = commune.petitions.get(subject="Khiếu nại quyết định xử phạt")
    assert (petition.decision_known_on, petition.limitation_due_on) == (date(2025, 12, 1), date(2026, 3, 2))
    assert petition.filed_out_of_time
    bad = client.post(
        reverse("petitions:desk"),
        {
            "unit": commune.pk,
            "received_on": "2026-03-03",
            "channel": "post",
            "kind": C,
            "subject": "Sai ngày",
            "decision_known_on": "2026-03-04",
            "signers": 1,
            "idempotency_key": "b" * 32,
            "save": "1",
        },
    )
    assert bad.status_code == 200 and bad.context["form"].has_error("decision_known_on")


def test_the_citizen_gives_the_date_online_and_it_starts_the_period(client, commune):
    import time_machine

    from petitions.models import Petition
    from tests.petitions.fixtures import filing

    with time_machine.travel(date(2026, 3, 2), tick=False):
        response = client.post(reverse("petitions:file"), filing(commune, decision_known_on="2026-01-05"))
        assert response.status_code == 302
        petition = Petition.objects.get()
        assert (petition.decision_known_on, petition.limitation_due_on) == (date(2026, 1, 5), date(2026, 4, 6))
        future = client.post(
            reverse("petitions:file"),
            filing(commune, decision_known_on="2026-03-09", idempotency_key="0" * 31 + "1"),
        )
        assert future.status_code == 200 and future.context["form"].has_error("decision_known_on")
        assert Petition.objects.count() == 1


def test_a_complaint_outside_competence_is_guided_not_transferred(commune, other_commune):
    from petitions.services import petition_transfer

    original = classify(complaint(commune, received_on=date(2026, 3, 2), known_on=date(2025, 12, 1)), competent=False)
    with pytest.raises(DomainError, match="Hướng dẫn"):
        petition_transfer(petition=original, expected_version=None, to_unit=other_commune, actor=None)
    original.refresh_from_db()
    assert original.status == "classified" and not original.transfers.exists()
