"""Every statutory deadline, with concrete dates across Tết 2026 (16–20/02) and weekends.

Given a petition received or accepted on a date, when the service computes its deadline,
then the stored date and the stored rule are the ones the law gives."""

from datetime import date

import pytest

from core.choices import PetitionKind
from petitions.choices import Step
from petitions.models import PetitionEvent, PetitionStatus
from petitions.services import (
    petition_accept,
    petition_extend,
    petition_link_first,
    petition_resume,
    petition_suspend,
)
from tests.factories import UnitFactory
from tests.petitions.factories import accepted, classify, receive

pytestmark = pytest.mark.django_db

D = PetitionKind.DENUNCIATION
C = PetitionKind.COMPLAINT


def test_classification_takes_10_working_days_across_tet(commune):
    # Friday 13/02/2026, just before Tết: Tết week and two weekends are not counted.
    petition = receive(commune, kind=PetitionKind.FEEDBACK, received_on=date(2026, 2, 13))
    assert petition.classify_due_on == date(2026, 3, 6)
    assert petition.classify_rule.code == "petition.classify"
    assert (petition.step, petition.due_on) == (Step.CLASSIFY, date(2026, 3, 6))


def test_complaint_acceptance_is_10_working_days_so_tet_is_not_counted(commune):
    petition = receive(commune, kind=C, received_on=date(2026, 2, 10))
    # TT 07/2013 art. 5 as amended by TT 02/2016: 11–13/02, then Tết (16–20/02) and the
    # weekends are skipped, 23/02–27/02, 02/03, 03/03.
    assert (petition.step, petition.due_on, petition.due_rule.code, petition.due_rule.day_kind) == (
        Step.ACCEPT,
        date(2026, 3, 3),
        "complaint.accept",
        "working_days",
    )


def test_complaint_acceptance_before_5_december_2016_counted_10_calendar_days(commune):
    # Friday 25/11/2016 + 10 days = Monday 05/12/2016 under the old rule (the law's "10 ngày").
    petition = receive(commune, kind=C, received_on=date(2016, 11, 25))
    assert (petition.due_on, petition.due_rule.day_kind) == (date(2016, 12, 5), "calendar_days")
    assert petition.due_rule.valid_to == date(2016, 12, 4)


@pytest.mark.parametrize(
    ("complex_", "remote", "due", "rule"),
    [
        (False, False, date(2026, 4, 6), "complaint.first.resolve"),  # 04/04 is a Saturday
        (True, False, date(2026, 4, 20), "complaint.first.resolve.complex"),  # 19/04 is a Sunday
        (False, True, date(2026, 4, 20), "complaint.first.resolve.remote"),
        (True, True, date(2026, 5, 4), "complaint.first.resolve.remote_complex"),
    ],
)
def test_first_complaint_resolution_30_45_and_remote_45_60(city, complex_, remote, due, rule):
    unit = UnitFactory(code="99001", parent=city, is_remote=remote)
    petition = accepted(unit, on=date(2026, 3, 5), complex=complex_)
    assert (petition.status, petition.step) == (PetitionStatus.ACCEPTED, Step.RESOLVE)
    assert (petition.due_on, petition.due_rule.code) == (due, rule)


@pytest.mark.parametrize(
    ("complex_", "remote", "due", "rule"),
    [
        (False, False, date(2026, 4, 20), "complaint.second.resolve"),  # 45 days: Sunday 19/04
        (True, False, date(2026, 5, 4), "complaint.second.resolve.complex"),  # 60 days
        (False, True, date(2026, 5, 4), "complaint.second.resolve.remote"),  # 60 days
        (True, True, date(2026, 5, 14), "complaint.second.resolve.remote_complex"),  # 70 days
    ],
)
def test_second_complaint_links_the_first_and_resolves_in_45_60_remote_60_70(city, complex_, remote, due, rule):
    unit = UnitFactory(code="99002", parent=city, is_remote=remote)
    first = receive(unit, kind=C, received_on=date(2026, 1, 5))
    second = receive(unit, kind=C, received_on=date(2026, 2, 10))
    second = petition_link_first(petition=second, first=first, actor=None)
    assert (second.complaint_round, second.first_petition) == (2, first)
    assert (second.due_on, second.due_rule.code) == (date(2026, 3, 3), "complaint.second.accept")
    second = petition_accept(
        petition=classify(second), expected_version=None, complex=complex_, on=date(2026, 3, 5), actor=None
    )
    assert (second.due_on, second.due_rule.code) == (due, rule)
    assert second.events.filter(kind=PetitionEvent.Kind.LINKED_FIRST).count() == 1


def test_denunciation_initial_processing_7_working_days_or_10_at_several_places(commune):
    petition = receive(commune, kind=D, received_on=date(2026, 2, 12))
    assert (petition.step, petition.due_on, petition.due_rule.code) == (
        Step.INITIAL,
        date(2026, 3, 2),
        "denunciation.initial",
    )
    petition = classify(petition, multi_place=True)
    assert (petition.due_on, petition.due_rule.code) == (date(2026, 3, 5), "denunciation.initial.multi_place")


def test_denunciation_outside_competence_must_be_transferred_within_5_working_days_of_receipt(commune):
    petition = classify(receive(commune, kind=D, received_on=date(2026, 2, 12)), competent=False)
    assert (petition.step, petition.due_on, petition.due_rule.code) == (
        Step.TRANSFER,
        date(2026, 2, 26),
        "denunciation.transfer",
    )


def test_denunciation_resolves_in_30_days_with_two_30_day_extensions_by_the_head(commune, head, handler):
    petition = accepted(commune, kind=D, on=date(2026, 3, 5))
    assert (petition.due_on, petition.due_rule.code) == (date(2026, 4, 6), "denunciation.resolve")
    with pytest.raises(Exception, match="thủ trưởng"):
        petition_extend(
            petition=petition, expected_version=None, complexity="complex", reason="Phức tạp", actor=handler
        )
    petition = petition_extend(
        petition=petition, expected_version=None, complexity="complex", reason="Phức tạp", actor=head
    )
    assert (petition.due_on, petition.due_rule.code, petition.extensions) == (
        date(2026, 5, 6),
        "denunciation.extension",
        1,
    )
    petition = petition_extend(
        petition=petition,
        expected_version=None,
        complexity="particularly_complex",
        reason="Đặc biệt phức tạp",
        actor=head,
    )
    assert (petition.due_on, petition.extensions) == (date(2026, 6, 5), 2)
    with pytest.raises(Exception, match="tối đa hai lần"):
        petition_extend(
            petition=petition, expected_version=None, complexity="particularly_complex", reason="Lần ba", actor=head
        )
    assert petition.events.filter(kind=PetitionEvent.Kind.EXTENDED).count() == 2


def test_suspension_before_1_july_2026_does_not_move_the_complaint_deadline(commune):
    petition = accepted(commune, on=date(2026, 3, 5))
    petition = petition_suspend(
        petition=petition, expected_version=None, reason="Chờ kết quả giám định", on=date(2026, 3, 10), actor=None
    )
    assert petition.status == PetitionStatus.SUSPENDED
    petition = petition_resume(petition=petition, expected_version=None, on=date(2026, 3, 20), actor=None)
    assert (petition.status, petition.due_on) == (PetitionStatus.ACCEPTED, date(2026, 4, 6))


def test_suspended_days_from_1_july_2026_are_not_counted(commune):
    petition = accepted(commune, on=date(2026, 7, 6))
    assert petition.due_on == date(2026, 8, 5)
    petition = petition_suspend(
        petition=petition, expected_version=None, reason="Bất khả kháng", on=date(2026, 7, 10), actor=None
    )
    petition = petition_resume(petition=petition, expected_version=None, on=date(2026, 7, 24), actor=None)
    # 14 days suspended: 05/08 + 14 = Wednesday 19/08.
    assert petition.due_on == date(2026, 8, 19)
    event = petition.events.get(kind=PetitionEvent.Kind.RESUMED)
    assert event.data["rule_id"] is not None


def test_a_suspension_spanning_1_july_2026_only_excludes_the_days_from_that_date(commune):
    petition = accepted(commune, on=date(2026, 6, 1))
    assert petition.due_on == date(2026, 7, 1)
    petition = petition_suspend(
        petition=petition, expected_version=None, reason="Chờ", on=date(2026, 6, 20), actor=None
    )
    petition = petition_resume(petition=petition, expected_version=None, on=date(2026, 7, 11), actor=None)
    # 10 days counted from 01/07: 11/07 is a Saturday, so Monday 13/07.
    assert petition.due_on == date(2026, 7, 13)


def test_accepting_moves_the_running_step_from_acceptance_to_resolution(commune):
    petition = receive(commune, kind=C, received_on=date(2026, 3, 2))
    assert petition.step == Step.ACCEPT
    petition = petition_accept(petition=classify(petition), expected_version=None, on=date(2026, 3, 5), actor=None)
    assert (petition.step, petition.accepted_on, petition.outcome) == (Step.RESOLVE, date(2026, 3, 5), "accepted")
