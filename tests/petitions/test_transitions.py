"""Forbidden transitions are refused, with no event written and nothing changed."""

from datetime import date

import pytest

from civicdesk.exceptions import DomainError, InvalidTransition, StaleEdit
from core.choices import PetitionKind
from petitions.models import TRANSITIONS, Petition, PetitionEvent, PetitionStatus
from petitions.services import (
    ExtraContent,
    case_group,
    petition_accept,
    petition_assign,
    petition_classify,
    petition_extend,
    petition_file_away,
    petition_refuse,
    petition_resolve,
    petition_return_originals,
    petition_suspend,
    petition_transfer,
)
from tests.factories import UnitFactory
from tests.petitions.factories import accepted, classify, receive

pytestmark = pytest.mark.django_db
S = PetitionStatus


def _events(petition: Petition) -> int:
    return PetitionEvent.objects.filter(petition=petition).count()


def test_the_transition_table_covers_every_status_and_closed_ones_lead_nowhere():
    assert set(TRANSITIONS) == set(S.values)
    for closed in (S.RESOLVED, S.REFUSED, S.GUIDED, S.TRANSFERRED, S.URGED, S.FILED, S.NO_ACTION):
        assert TRANSITIONS[closed] == frozenset()


def test_resolving_a_petition_never_accepted_is_refused(commune):
    petition = classify(receive(commune))
    before = _events(petition)
    with pytest.raises(InvalidTransition):
        petition_resolve(petition=petition, expected_version=None, result="correct", actor=None)
    petition.refresh_from_db()
    assert (petition.status, petition.resolved_on, _events(petition)) == (S.CLASSIFIED, None, before)


def test_accepting_before_classification_is_refused(commune):
    petition = receive(commune)
    with pytest.raises(InvalidTransition):
        petition_accept(petition=petition, expected_version=None, actor=None)


def test_an_ineligible_or_not_competent_petition_cannot_be_accepted(commune):
    petition = classify(receive(commune), eligible=False)
    with pytest.raises(DomainError, match="đủ điều kiện"):
        petition_accept(petition=petition, expected_version=None, actor=None)
    assert Petition.objects.get(pk=petition.pk).status == S.CLASSIFIED


def test_a_second_transfer_of_the_same_content_is_refused(commune, other_commune, city, officer):
    # given a denunciation transferred from Hoàn Kiếm to Ba Đình
    original = classify(receive(commune, kind=PetitionKind.DENUNCIATION), competent=False)
    received = petition_transfer(petition=original, expected_version=None, to_unit=other_commune, actor=officer)
    original.refresh_from_db()
    assert (original.status, original.outcome, original.resolved_on is not None) == (S.TRANSFERRED, "transferred", True)
    # then it is in Ba Đình's register as a new, forwarded petition of the same content
    assert (received.unit, received.channel, received.status) == (other_commune, "forwarded", S.RECEIVED)
    assert received.content_key == original.content_key
    # when Ba Đình tries to transfer it again, it is refused
    received = classify(received, competent=False)
    third = UnitFactory(code="00008", parent=city)
    with pytest.raises(DomainError, match="không được chuyển tiếp"):
        petition_transfer(petition=received, expected_version=None, to_unit=third, actor=None)
    assert Petition.objects.filter(unit=third).count() == 0
    # and the original itself can never be transferred twice
    with pytest.raises(InvalidTransition):
        petition_transfer(petition=original, expected_version=None, to_unit=third, actor=None)


def test_a_refusal_needs_reasons_and_then_the_petition_is_closed(commune):
    petition = classify(receive(commune))
    with pytest.raises(DomainError):
        petition_refuse(petition=petition, expected_version=None, reason="  ", actor=None)
    petition = petition_refuse(
        petition=petition, expected_version=None, reason="Hết thời hiệu khiếu nại", actor=None, on=date(2026, 3, 10)
    )
    # closed, keeping the acceptance deadline it was decided against (10 working days from 02/03)
    assert (petition.status, petition.outcome, petition.resolved_on, petition.due_on, petition.closed_in_time) == (
        S.REFUSED,
        "refused",
        date(2026, 3, 10),
        date(2026, 3, 16),
        True,
    )
    with pytest.raises(InvalidTransition):
        classify(petition)
    with pytest.raises(InvalidTransition):
        petition_file_away(petition=petition, expected_version=None, reason="x", actor=None)


def test_a_result_must_suit_the_kind(commune):
    petition = accepted(commune, kind=PetitionKind.COMPLAINT)
    with pytest.raises(DomainError):
        petition_resolve(petition=petition, expected_version=None, result="true", actor=None)
    petition = petition_resolve(
        petition=petition, expected_version=None, result="partly_correct", on=date(2026, 4, 1), actor=None
    )
    assert (petition.status, petition.resolved_on, petition.due_on) == (S.RESOLVED, date(2026, 4, 1), date(2026, 4, 6))


def test_only_an_accepted_denunciation_can_be_extended_or_suspended(commune, head):
    complaint = accepted(commune, kind=PetitionKind.COMPLAINT)
    with pytest.raises(InvalidTransition):
        petition_extend(petition=complaint, expected_version=None, complexity="complex", reason="x", actor=head)
    received = receive(commune)
    with pytest.raises(InvalidTransition):
        petition_suspend(petition=received, expected_version=None, reason="x", actor=None)


def test_a_stale_version_is_refused_not_overwritten(commune):
    petition = receive(commune)
    opened_version = petition.version
    classify(petition)  # someone else saves first
    with pytest.raises(StaleEdit):
        petition_classify(
            petition=petition,
            expected_version=opened_version,
            kind="complaint",
            eligible=False,
            competent=False,
            signers=1,
            has_originals=False,
            anonymous=False,
            over_level=False,
            actor=None,
        )
    assert Petition.objects.get(pk=petition.pk).eligible is True


def test_a_multi_content_petition_is_split_one_per_content(commune):
    petition = classify(
        receive(commune),
        extra_contents=[
            ExtraContent(kind="denunciation", subject="Tố cáo cán bộ địa chính", content=""),
            ExtraContent(kind="feedback", subject="Đường ngập nước", content=""),
        ],
    )
    parts = Petition.objects.filter(parent=petition).order_by("pk")
    assert [p.kind for p in parts] == ["denunciation", "feedback"]
    assert all(p.status == S.RECEIVED and p.due_on for p in parts)
    # the denunciation part keeps its author out of the petition row
    assert parts[0].petitioner_name == "" and parts[0].denouncer is not None
    assert petition.events.filter(kind=PetitionEvent.Kind.SPLIT).count() == 1


def test_assigning_needs_an_official_of_the_unit(commune, handler, other_officer):
    petition = receive(commune)
    with pytest.raises(DomainError):
        petition_assign(petition=petition, expected_version=None, assignee=other_officer, actor=None)
    petition = petition_assign(petition=petition, expected_version=None, assignee=handler, actor=None)
    assert petition.assignee == handler


def test_originals_are_returned_once(commune):
    petition = classify(receive(commune), has_originals=True)
    petition = petition_return_originals(petition=petition, on=date(2026, 3, 9), actor=None)
    assert petition.originals_returned_on == date(2026, 3, 9)
    with pytest.raises(DomainError):
        petition_return_originals(petition=petition, actor=None)


def test_cases_group_petitions_of_one_unit_only(commune, other_commune):
    a, b = receive(commune), receive(commune)
    case = case_group(petitions=[a, b], actor=None)
    assert set(case.petitions.all()) == {a, b}
    with pytest.raises(DomainError):
        case_group(petitions=[a, receive(other_commune)], actor=None)
