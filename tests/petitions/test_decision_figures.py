"""The field (lĩnh vực) recorded at classification and in imports, and a decision's figures
(recovery, restitution, administrative handling, referral, a second decision's effect) on the
result form, afterwards, and on the detail page."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from core.choices import PetitionKind
from petitions.figures import DecisionFigures, PetitionField
from petitions.models import Petition, PetitionEvent
from petitions.services import petition_accept, petition_link_first, petition_record_figures, petition_resolve
from tests.petitions.factories import accepted, classify, receive

pytestmark = pytest.mark.django_db


def _classify_post(client, petition, **overrides):
    data = {"version": petition.version, "kind": petition.kind, "eligible": "1", "competent": "1", "signers": "1"}
    data.update(overrides)
    return client.post(reverse("petitions:action", args=[petition.pk, "classify"]), data)


def _resolve_post(client, petition, **overrides):
    data = {"version": petition.version, "result": "partly_correct", "note": "Quyết định số 15/QĐ-UBND"}
    data.update(overrides)
    return client.post(reverse("petitions:action", args=[petition.pk, "resolve"]), data)


# --- field (lĩnh vực) -------------------------------------------------------------------


def test_the_classification_form_proposes_a_field_records_it_and_the_detail_shows_it(client, commune, officer):
    petition = receive(commune)
    client.force_login(officer)
    form = client.get(reverse("petitions:action", args=[petition.pk, "classify"])).content.decode()
    assert "Lĩnh vực" in form and 'value="admin_other" selected' in form
    assert 'value="corruption"' not in form  # a complaint's form offers only its fields
    assert _classify_post(client, petition, field="admin_land").status_code == 302
    petition.refresh_from_db()
    assert petition.field == PetitionField.ADMIN_LAND
    event = PetitionEvent.objects.get(petition=petition, kind=PetitionEvent.Kind.CLASSIFIED)
    assert event.data["field"] == "admin_land" and event.actor == officer
    html = client.get(reverse("petitions:detail", args=[petition.pk])).content.decode()
    assert "Hành chính: đất đai, nhà cửa" in html


def test_corruption_is_refused_for_a_complaint_next_to_the_field_keeping_what_was_typed(client, commune, officer):
    petition = receive(commune)
    client.force_login(officer)
    response = _classify_post(client, petition, field="corruption", signers="7", note="Ghi chú giữ lại")
    html = response.content.decode()
    assert response.status_code == 200 and "Ghi chú giữ lại" in html
    assert 'id="error_1_id_field"' in html  # the message stands next to the field
    petition.refresh_from_db()
    assert petition.field == "" and petition.status == "received"


def test_a_denunciation_can_be_in_corruption(commune):
    petition = classify(receive(commune, kind=PetitionKind.DENUNCIATION), field=PetitionField.CORRUPTION)
    assert petition.field == "corruption"


def test_the_service_refuses_a_denunciation_only_field_for_a_recommendation(commune):
    from civicdesk.exceptions import DomainError

    petition = receive(commune, kind=PetitionKind.RECOMMENDATION)
    with pytest.raises(DomainError):
        classify(petition, field=PetitionField.ADMIN_CIVIL_SERVICE)


def test_a_form_without_the_field_keeps_the_recorded_one(client, commune, officer):
    petition = classify(receive(commune), field=PetitionField.JUDICIAL)
    client.force_login(officer)
    assert _classify_post(client, petition).status_code == 302
    petition.refresh_from_db()
    assert petition.field == PetitionField.JUDICIAL


# --- figures on the result form ---------------------------------------------------------


def test_an_official_records_a_decisions_figures_and_the_detail_shows_them_in_vietnamese(client, commune, handler):
    petition = accepted(commune)
    client.force_login(handler)
    form = client.get(reverse("petitions:action", args=[petition.pk, "resolve"])).content.decode()
    assert "Kiến nghị thu hồi cho Nhà nước: tiền (đồng)" in form and "<legend" in form
    response = _resolve_post(
        client,
        petition,
        recover_money="1.500.000",
        recover_land_m2="120,5",
        return_money="",
        returned_individuals="2",
        handling_proposed_people="3",
        handling_proposed_officials="1",
        referred_cases="1",
        referred_people="1",
    )
    assert response.status_code == 302
    figures = DecisionFigures.objects.get(petition=petition)
    assert (figures.recover_money, figures.recover_land_m2, figures.return_money) == (1_500_000, Decimal("120.5"), 0)
    assert (figures.returned_individuals, figures.handling_proposed_people, figures.referred_cases) == (2, 3, 1)
    event = PetitionEvent.objects.get(petition=petition, kind=PetitionEvent.Kind.RESOLVED)
    assert event.actor == handler and event.data["figures"]["recover_money"] == 1_500_000
    assert event.data["figures"]["recover_land_m2"] == "120.5"
    html = client.get(reverse("petitions:detail", args=[petition.pk])).content.decode()
    assert "1.500.000" in html and "120,5" in html and "Kiến nghị xử lý hành chính" not in html
    assert "Người bị kiến nghị xử lý hành chính: <strong>3</strong>" in html


@pytest.mark.parametrize(
    ("figures", "field", "message"),
    [
        ({"recover_money": "-5"}, "recover_money", "Nhập một số không âm"),
        ({"referred_cases": "-1"}, "referred_cases", "Nhập một số không âm"),
        ({"recover_land_m2": "abc"}, "recover_land_m2", "Nhập một số"),
        ({"handling_proposed_people": "1", "handling_proposed_officials": "2"}, "handling_proposed_officials",
         "Không thể nhiều hơn"),
    ],
)  # fmt: skip
def test_bad_figures_are_refused_next_to_the_field_and_nothing_is_lost(
    client, commune, handler, figures, field, message
):
    petition = accepted(commune)
    client.force_login(handler)
    response = _resolve_post(client, petition, note="Quyết định số 99/QĐ-UBND", **figures)
    html = response.content.decode()
    assert response.status_code == 200 and message in html and "Quyết định số 99/QĐ-UBND" in html
    assert f'id="error_1_id_{field}"' in html
    petition.refresh_from_db()
    assert petition.status == "accepted" and not DecisionFigures.objects.exists()


def test_a_withdrawn_complaint_has_no_figures(client, commune, handler):
    petition = accepted(commune)
    client.force_login(handler)
    response = _resolve_post(client, petition, result="withdrawn", recover_money="1000")
    assert response.status_code == 200 and "Chỉ khiếu nại đã có quyết định" in response.content.decode()


def test_a_recommendations_result_form_has_no_figures(client, commune, handler):
    petition = accepted(commune, kind=PetitionKind.RECOMMENDATION)
    client.force_login(handler)
    html = client.get(reverse("petitions:action", args=[petition.pk, "resolve"])).content.decode()
    assert "recover_money" not in html


def test_a_second_time_decision_says_whether_it_recognises_the_first(client, commune, handler):
    first = accepted(commune, subject="Khiếu nại lần đầu")
    petition_resolve(petition=first, expected_version=None, result="wrong", actor=None, on=date(2026, 4, 1))
    second = receive(commune, received_on=date(2026, 4, 10), subject="Khiếu nại lần hai")
    second = petition_link_first(petition=second, first=first, actor=None)
    second = petition_accept(petition=classify(second), expected_version=None, on=date(2026, 4, 12), actor=None)
    client.force_login(handler)
    response = _resolve_post(client, second, result="correct")
    assert response.status_code == 200 and "công nhận hay hủy" in response.content.decode()
    assert _resolve_post(client, second, result="correct", second_decision="annulled_amended").status_code == 302
    assert DecisionFigures.objects.get(petition=second).second_decision == "annulled_amended"
    html = client.get(reverse("petitions:detail", args=[second.pk])).content.decode()
    assert "Hủy bỏ hoặc sửa đổi quyết định giải quyết lần đầu" in html


# --- figures afterwards -----------------------------------------------------------------


def test_figures_recorded_after_the_decision_say_why_and_keep_before_and_after(client, commune, handler):
    petition = accepted(commune)
    petition = petition_resolve(
        petition=petition,
        expected_version=None,
        result="correct",
        figures={"handling_proposed_people": 2},
        actor=handler,
    )
    client.force_login(handler)
    detail = client.get(reverse("petitions:detail", args=[petition.pk])).content.decode()
    url = reverse("petitions:action", args=[petition.pk, "figures"])
    assert url in detail
    form = client.get(url).content.decode()
    assert 'name="handling_proposed_people" value="2"' in form
    # without a reason, and more returned to organisations than in all: refused, next to the fields
    response = client.post(
        url,
        {
            "version": petition.version,
            "handling_proposed_people": "2",
            "return_money": "10.000.000",
            "return_org_money": "12.000.000",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200 and not DecisionFigures.objects.get(petition=petition).return_money
    assert 'id="error_1_id_return_org_money"' in html and 'id="error_1_id_reason"' in html
    assert 'value="12.000.000"' in html  # what was typed is kept
    response = client.post(
        url,
        {
            "version": petition.version,
            "handling_proposed_people": "2",
            "return_money": "10.000.000",
            "return_org_money": "4.000.000",
            "reason": "Quyết định ghi trả lại 4 triệu đồng cho hợp tác xã",
        },
    )
    assert response.status_code == 302
    figures = DecisionFigures.objects.get(petition=petition)
    assert (figures.return_money, figures.return_org_money) == (10_000_000, 4_000_000)
    event = PetitionEvent.objects.get(petition=petition, kind=PetitionEvent.Kind.FIGURES_RECORDED)
    assert event.reason == "Quyết định ghi trả lại 4 triệu đồng cho hợp tác xã" and event.actor == handler
    assert event.data["before"]["return_org_money"] == 0 and event.data["after"]["return_org_money"] == 4_000_000


def test_figures_are_not_offered_for_a_withdrawn_complaint(commune):
    from civicdesk.exceptions import InvalidTransition

    petition = petition_resolve(petition=accepted(commune), expected_version=None, result="withdrawn", actor=None)
    with pytest.raises(InvalidTransition):
        petition_record_figures(
            petition=petition, expected_version=None, figures={"recover_money": 5}, reason="x", actor=None
        )


def test_an_official_of_another_unit_cannot_record_figures(commune, other_officer):
    from civicdesk.exceptions import NotAllowed

    petition = petition_resolve(petition=accepted(commune), expected_version=None, result="correct", actor=None)
    with pytest.raises(NotAllowed):
        petition_record_figures(
            petition=petition, expected_version=None, figures={"recover_money": 5}, reason="x", actor=other_officer
        )


# --- import -----------------------------------------------------------------------------


def test_the_import_takes_an_optional_field_column_and_refuses_a_wrong_one_by_line(tmp_path, commune, capsys):
    from django.core.management import CommandError, call_command

    good = tmp_path / "good.csv"
    good.write_text(
        "ref,unit_code,received_on,kind,field\n"
        "KN-1,00070,2026-03-02,complaint,admin_land\n"
        "TC-1,00070,2026-03-02,denunciation,corruption\n"
        "PA-1,00070,2026-03-02,feedback,\n",
        encoding="utf-8",
    )
    call_command("import_records", "petitions", str(good))
    fields = dict(Petition.objects.values_list("ref", "field"))
    assert fields == {"KN-1": "admin_land", "TC-1": "corruption", "PA-1": ""}
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "ref,unit_code,received_on,kind,field\nKN-2,00070,2026-03-02,complaint,corruption\n"
        "KN-3,00070,2026-03-02,complaint,land\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError):
        call_command("import_records", "petitions", str(bad))
    err = capsys.readouterr().err
    assert "line 2, column field: 'corruption' is a field of denunciations only" in err
    assert "line 3, column field" in err
    assert not Petition.objects.filter(ref__in=["KN-2", "KN-3"]).exists()
