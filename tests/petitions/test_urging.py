"""Urging (đôn đốc, TT 05/2021 art. 14(2)): a tracked request to a real unit below, with its own
deadline, answered by that unit's officials; the petition stays open until the answer."""

import importlib
from datetime import date

import pytest
import time_machine
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from civicdesk.exceptions import DomainError, InvalidTransition
from core.choices import PetitionKind
from core.models import DeadlineRule, Role
from petitions.models import Petition, PetitionEvent, PetitionStatus
from petitions.services import Identity, petition_create, petition_urge, urge_request_answer
from petitions.stats import petition_period_stats
from petitions.urging import UrgeRequest
from tests.factories import MembershipFactory, UnitFactory, UserFactory
from tests.petitions.factories import classify, receive

pytestmark = pytest.mark.django_db
URGED_ON = date(2026, 2, 13)  # Friday before Tết 2026 (16–20/02 off)
DUE = date(2026, 3, 6)  # 10 working days later, Tết not counted
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
REQUEST = "Đề nghị UBND phường báo cáo kết quả giải quyết đơn kiến nghị về tiếng ồn công trình."


@pytest.fixture
def city_officer(city):
    user = UserFactory(username="canbo.thanhpho")
    MembershipFactory(user=user, unit=city, role=Role.OFFICER)
    return user


@pytest.fixture
def on_urging_day():
    with time_machine.travel(f"{URGED_ON:%Y-%m-%d} 09:00 +07:00", tick=False):
        yield


def city_petition(city, kind=PetitionKind.RECOMMENDATION):
    return classify(
        receive(city, kind=kind, received_on=date(2026, 2, 2), subject="Tiếng ồn công trình ban đêm"),
        competent=False,
    )


def urged(city, commune, actor=None):
    petition = city_petition(city)
    return petition_urge(petition=petition, expected_version=None, to_unit=commune, request=REQUEST, actor=actor)


def test_the_urge_page_sends_a_request_to_a_unit_below_and_leaves_the_petition_open(
    client, city, commune, other_commune, city_officer, on_urging_day
):
    petition = city_petition(city)
    client.force_login(city_officer)
    url = reverse("petitions:action", kwargs={"pk": petition.pk, "action": "urge"})
    page = client.get(url).content.decode()
    assert commune.name in page and other_commune.name in page  # the units below the city, to choose from
    response = client.post(url, {"version": petition.version, "to_unit": commune.pk, "request": REQUEST})
    assert response.status_code == 302
    petition.refresh_from_db()
    assert petition.status == PetitionStatus.URGED and petition.outcome == "urged"
    assert petition.resolved_on is None and petition.outcome_unit == commune
    urge = UrgeRequest.objects.get(petition=petition)
    assert (urge.to_unit, urge.requested_on, urge.due_on, urge.requested_by) == (commune, URGED_ON, DUE, city_officer)
    assert urge.due_rule.code == "petition.urge_answer"
    event = petition.events.get(kind=PetitionEvent.Kind.URGED)
    assert event.actor == city_officer and event.data["to_unit"] == commune.code
    detail = client.get(petition.get_absolute_url()).content.decode()
    assert 'id="urges"' in detail and "06/03/2026" in detail


def test_the_urging_unit_may_set_its_own_answer_date(city, commune, on_urging_day):
    urge = petition_urge(
        petition=city_petition(city),
        expected_version=None,
        to_unit=commune,
        request=REQUEST,
        due_on=date(2026, 2, 27),
        actor=None,
    )
    assert urge.due_on == date(2026, 2, 27) and urge.due_rule is None
    with pytest.raises(DomainError):
        petition_urge(
            petition=city_petition(city),
            expected_version=None,
            to_unit=commune,
            request=REQUEST,
            due_on=URGED_ON,
            actor=None,
        )


def test_only_a_unit_below_in_existence_can_be_urged(client, city, commune, other_commune, city_officer, on_urging_day):
    petition = classify(receive(commune, kind=PetitionKind.RECOMMENDATION, received_on=date(2026, 2, 2)))
    with pytest.raises(DomainError) as refused:
        petition_urge(petition=petition, expected_version=None, to_unit=other_commune, request=REQUEST, actor=None)
    assert refused.value.code == "to_unit"  # a sibling is not below
    with pytest.raises(DomainError):
        petition_urge(petition=city_petition(city), expected_version=None, to_unit=city, request=REQUEST, actor=None)
    dissolved = UnitFactory(parent=city, name="Phường Cũ", valid_to=date(2025, 6, 30))
    with pytest.raises(DomainError):
        petition_urge(
            petition=city_petition(city), expected_version=None, to_unit=dissolved, request=REQUEST, actor=None
        )
    # On the page: the choice is refused next to the field, and what was typed stays.
    petition = city_petition(city)
    client.force_login(city_officer)
    url = reverse("petitions:action", kwargs={"pk": petition.pk, "action": "urge"})
    page = client.post(url, {"version": petition.version, "to_unit": dissolved.pk, "request": REQUEST}).content.decode()
    assert "is-invalid" in page and "tiếng ồn công trình" in page
    petition.refresh_from_db()
    assert petition.status == PetitionStatus.CLASSIFIED and not UrgeRequest.objects.filter(petition=petition).exists()


def test_the_unit_urged_sees_the_request_in_its_work_and_answers_it(
    client, city, commune, other_commune, officer, other_officer, city_officer, on_urging_day
):
    urge = urged(city, commune, actor=city_officer)
    client.force_login(officer)  # the commune's officer: the petition itself is the city's
    home = client.get(reverse("core:staff_home")).content.decode()
    assert urge.get_absolute_url() in home
    listing = client.get(reverse("petitions:urge_list")).content.decode()
    assert urge.get_absolute_url() in listing and "06/03/2026" in listing
    assert client.get(urge.petition.get_absolute_url()).status_code == 404
    page = client.get(urge.get_absolute_url()).content.decode()
    assert REQUEST in page and "0912345678" not in page and "12 Hàng Bạc" not in page  # never the petitioner
    with time_machine.travel("2026-03-04 10:00 +07:00", tick=False):
        client.force_login(officer)  # a new day, a new session
        response = client.post(
            urge.get_absolute_url(),
            {
                "answer": "Đã kiểm tra, yêu cầu nhà thầu không thi công từ 22 giờ; trả lời công dân ngày 03/03/2026.",
                "document": SimpleUploadedFile("bao-cao-12.pdf", PDF, "application/pdf"),
            },
        )
    assert response.status_code == 302
    urge.refresh_from_db()
    assert (urge.answered_on, urge.answered_by, urge.answered_late) == (date(2026, 3, 4), officer, False)
    assert urge.answer_file_mime == "application/pdf"
    petition = Petition.objects.get(pk=urge.petition_id)
    assert petition.resolved_on == date(2026, 3, 4) and petition.closed_in_time is True
    event = petition.events.get(kind=PetitionEvent.Kind.URGE_ANSWERED)
    assert event.actor == officer and "22 giờ" in event.reason
    # The urging unit reads the answer and its document.
    client.force_login(city_officer)
    detail = client.get(petition.get_absolute_url()).content.decode()
    assert "22 giờ" in detail
    document = client.get(reverse("petitions:urge_document", kwargs={"pk": urge.pk}))
    assert document.status_code == 200 and b"".join(document.streaming_content) == PDF
    # Another commune sees nothing of it; an answer is recorded once.
    client.force_login(other_officer)
    assert client.get(urge.get_absolute_url()).status_code == 404
    with pytest.raises(InvalidTransition):
        urge_request_answer(urge=urge, answer="Lần hai", actor=officer)


def test_an_answer_without_text_is_refused_next_to_the_field(client, city, commune, officer, on_urging_day):
    urge = urged(city, commune)
    client.force_login(officer)
    page = client.post(urge.get_absolute_url(), {"answer": ""}).content.decode()
    assert "is-invalid" in page
    urge.refresh_from_db()
    assert urge.answered_on is None


def test_unanswered_by_the_deadline_it_is_overdue_for_both_units(client, city, commune, officer, city_officer):
    with time_machine.travel(f"{URGED_ON:%Y-%m-%d} 09:00 +07:00", tick=False):
        urge = urged(city, commune, actor=city_officer)
    with time_machine.travel("2026-03-09 09:00 +07:00", tick=False):  # Monday after the Friday deadline
        assert urge.is_overdue(date(2026, 3, 9)) and not urge.is_overdue(DUE)
        for user in (officer, city_officer):
            client.force_login(user)
            home = client.get(reverse("core:staff_home")).content.decode()
            overdue = home[home.index("work-item-overdue") - 200 :]
            assert urge.get_absolute_url() in overdue
        client.force_login(officer)
        assert "badge-overdue" in client.get(urge.get_absolute_url()).content.decode()
        urge_request_answer(urge=urge, answer="Đã giải quyết xong.", actor=officer)
    urge.refresh_from_db()
    petition = Petition.objects.get(pk=urge.petition_id)
    assert urge.answered_late and petition.closed_in_time is False


def test_a_denunciation_request_never_carries_the_denouncers_identity(client, city, commune, officer, on_urging_day):
    petition = petition_create(
        unit=city,
        kind=PetitionKind.DENUNCIATION,
        received_on=date(2026, 2, 2),
        subject="Tố cáo cán bộ địa chính",
        content="Cán bộ địa chính phường nhận tiền.",
        respondent="Ông Trần Văn C",
        channel="post",
        identity=Identity(name="Phạm Thị Tố", id_number="001190000222", address="", phone="0909111222", email=""),
        actor=None,
    )
    petition = classify(petition, competent=False)
    with pytest.raises(DomainError):
        petition_urge(
            petition=petition,
            expected_version=None,
            to_unit=commune,
            request="Bà Phạm Thị Tố tố cáo, đề nghị phường báo cáo.",
            actor=None,
        )
    urge = petition_urge(petition=petition, expected_version=None, to_unit=commune, request=REQUEST, actor=None)
    # The unit urged reads the request, never who denounced.
    client.force_login(officer)
    page = client.get(reverse("petitions:urge_detail", args=[urge.pk])).content.decode()
    assert REQUEST in page
    assert [secret for secret in ("Phạm Thị Tố", "001190000222", "0909111222") if secret in page] == []


def test_reports_count_an_urged_petition_as_urged_and_in_progress_until_answered(city, commune, officer, on_urging_day):
    urge = urged(city, commune)
    window = {"start": date(2026, 1, 1), "end": date(2026, 3, 31), "previous_start": date(2025, 1, 1)}
    window["previous_end"] = date(2025, 3, 31)
    stats = petition_period_stats(paths=[city.path], **window)
    assert stats.by_outcome["urged"] == 1 and stats.resolved == 0
    urge_request_answer(urge=urge, answer="Đã giải quyết xong.", actor=officer)
    stats = petition_period_stats(paths=[city.path], **window)
    assert stats.by_outcome["urged"] == 1 and stats.resolved == 1


def test_an_urging_recorded_before_requests_were_tracked_stays_readable(client, city, city_officer, officer):
    petition = city_petition(city)
    Petition.objects.filter(pk=petition.pk).update(
        status=PetitionStatus.URGED, outcome="urged", outcome_body="UBND phường Hàng Bạc", resolved_on=date(2025, 5, 2)
    )
    migration = importlib.import_module("petitions.migrations.0020_urge_requests")
    migration.legacy_requests(apps, None)
    migration.legacy_requests(apps, None)  # re-running adds nothing
    urge = UrgeRequest.objects.get(petition=petition)
    assert (urge.to_unit, urge.body, urge.due_on, urge.requested_on) == (
        None,
        "UBND phường Hàng Bạc",
        None,
        date(2025, 5, 2),
    )
    petition.refresh_from_db()
    assert petition.resolved_on == date(2025, 5, 2)  # it stays closed, as it was
    client.force_login(city_officer)
    assert "UBND phường Hàng Bạc" in client.get(petition.get_absolute_url()).content.decode()
    with pytest.raises(InvalidTransition):
        urge_request_answer(urge=urge, answer="Trả lời", actor=officer)


def test_the_rule_row_states_its_basis_and_default():
    rule = DeadlineRule.objects.get(code="petition.urge_answer")
    assert (rule.amount, rule.day_kind, rule.valid_from) == (10, "working_days", date(2021, 11, 15))
    assert "Điều 14 khoản 2" in rule.legal_basis
