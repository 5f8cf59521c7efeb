"""What has been carried out of a decision or conclusion (05/KQTH; 02/KQGQ and 04/KQGQ): recorded
on the petition page by the officials who decide, checked next to each field, audited with how
it was done, and shown on the page."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from civicdesk.exceptions import DomainError, InvalidTransition, NotAllowed
from petitions.models import DecisionExecution, PetitionEvent
from petitions.services import petition_record_execution, petition_resolve
from tests.petitions.factories import accepted

pytestmark = pytest.mark.django_db
DECIDED_ON = date(2026, 3, 20)


def _decided(commune, *, result="correct", figures=None, kind="complaint"):
    return petition_resolve(
        petition=accepted(commune, kind=kind),
        expected_version=None,
        result=result,
        figures=figures or {},
        on=DECIDED_ON,
        actor=None,
    )


def test_the_official_records_the_execution_on_the_petition_page(client, commune, handler):
    petition = _decided(commune, figures={"recover_money": 50_000_000, "recover_land_m2": Decimal("12.5")})
    client.force_login(handler)
    url = reverse("petitions:action", args=[petition.pk, "execution"])
    assert url in client.get(reverse("petitions:detail", args=[petition.pk])).content.decode()
    form = client.get(url).content.decode()
    assert "50.000.000" in form  # each box says what the decision requires
    # more recovered than the decision requires, officials beyond the people, a day before the
    # decision, no reason: each refused next to its field, what was typed kept
    response = client.post(
        url,
        {
            "version": petition.version,
            "recovered_money": "60.000.000",
            "handled_people": "1",
            "handled_officials": "2",
            "done_on": "2026-03-01",
            "prosecuted_cases": "-1",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200 and not DecisionExecution.objects.exists()
    for name in ("recovered_money", "handled_officials", "done_on", "prosecuted_cases", "reason"):
        assert f'id="error_1_id_{name}"' in html, name
    assert 'value="60.000.000"' in html
    response = client.post(
        url,
        {
            "version": petition.version,
            "recovered_money": "50.000.000",
            "recovered_land_m2": "12,5",
            "handled_people": "2",
            "handled_officials": "1",
            "done_on": "2026-04-15",
            "reason": "Biên bản thu hồi số 3/BB ngày 15/4/2026",
        },
    )
    assert response.status_code == 302
    record = DecisionExecution.objects.get(petition=petition)
    assert (record.recovered_money, record.recovered_land_m2, record.done_on) == (
        50_000_000,
        Decimal("12.5"),
        date(2026, 4, 15),
    )
    event = PetitionEvent.objects.get(petition=petition, kind=PetitionEvent.Kind.EXECUTION_RECORDED)
    assert event.actor == handler and event.reason == "Biên bản thu hồi số 3/BB ngày 15/4/2026"
    assert event.data["before"] == {} and event.data["after"]["done_on"] == "2026-04-15"
    detail = client.get(reverse("petitions:detail", args=[petition.pk])).content.decode()
    assert 'id="execution"' in detail and "15/04/2026" in detail


def test_a_later_record_keeps_what_was_recorded_before_in_its_event(commune, handler):
    petition = _decided(commune, figures={"recover_money": 10_000_000})
    petition = petition_record_execution(
        petition=petition,
        expected_version=None,
        execution={"recovered_money": 4_000_000},
        reason="Đợt 1",
        actor=handler,
    )
    petition = petition_record_execution(
        petition=petition,
        expected_version=None,
        execution={"recovered_money": 10_000_000, "done_on": DECIDED_ON + timedelta(days=30)},
        reason="Đợt 2: thu đủ",
        actor=handler,
    )
    last = PetitionEvent.objects.filter(kind=PetitionEvent.Kind.EXECUTION_RECORDED).latest("pk")
    assert last.data["before"]["recovered_money"] == 4_000_000 and last.data["after"]["recovered_money"] == 10_000_000


def test_a_conclusion_on_a_denunciation_is_carried_out_too_with_people_prosecuted(commune, handler):
    petition = _decided(
        commune, kind="denunciation", result="true", figures={"referred_cases": 1, "referred_people": 1}
    )
    petition_record_execution(
        petition=petition,
        expected_version=None,
        execution={"prosecuted_cases": 1, "prosecuted_people": 3, "prosecuted_officials": 1},
        reason="Quyết định khởi tố vụ án số 12",
        actor=handler,
    )
    # the investigators decide whom to prosecute: more people than were referred is allowed
    assert DecisionExecution.objects.get(petition=petition).prosecuted_people == 3


def test_what_is_refused(commune, handler, other_officer):
    withdrawn = _decided(commune, result="withdrawn")
    with pytest.raises(InvalidTransition):
        petition_record_execution(petition=withdrawn, expected_version=None, execution={}, reason="x", actor=handler)
    petition = _decided(commune)
    with pytest.raises(NotAllowed):
        petition_record_execution(
            petition=petition, expected_version=None, execution={}, reason="x", actor=other_officer
        )
    with pytest.raises(DomainError):
        petition_record_execution(petition=petition, expected_version=None, execution={}, reason=" ", actor=handler)
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        petition_record_execution(
            petition=petition, expected_version=None, execution={"done_on": tomorrow}, reason="x", actor=handler
        )
    assert refused.value.code == "done_on"
    with pytest.raises(ValidationError) as refused:  # nothing to return: the decision requires none
        petition_record_execution(
            petition=petition, expected_version=None, execution={"returned_ind_money": 1}, reason="x", actor=handler
        )
    assert refused.value.code == "returned_ind_money"
    assert not DecisionExecution.objects.exists()
