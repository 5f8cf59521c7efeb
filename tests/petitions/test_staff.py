"""Officials' pages: scoped queue, detail, desk entry, actions; denouncer protection."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from core.choices import PetitionKind
from petitions.models import Petition, PetitionEvent, PetitionStatus
from petitions.services import identity_reveal_grant, petition_transfer
from tests.petitions.factories import classify, receive

pytestmark = pytest.mark.django_db
PASSWORD = "Secret-pass-2026"


def login(client, user):
    client.force_login(user)
    return client


# --- scoping -------------------------------------------------------------------------


def test_another_communes_petition_is_404_on_every_staff_page(client, commune, other_officer):
    petition = receive(commune)
    login(client, other_officer)
    assert client.get(reverse("petitions:detail", args=[petition.pk])).status_code == 404
    assert client.get(reverse("petitions:action", args=[petition.pk, "classify"])).status_code == 404
    assert client.post(reverse("petitions:action", args=[petition.pk, "refuse"]), {"reason": "x"}).status_code == 404
    assert client.get(reverse("petitions:reveal", args=[petition.pk])).status_code == 404
    assert petition.ref not in client.get(reverse("petitions:queue")).content.decode()


def test_the_city_sees_its_communes_petitions(client, city, commune):
    from tests.factories import MembershipFactory, UserFactory

    inspector = UserFactory(username="thanhtra")
    MembershipFactory(user=inspector, unit=city, role="inspector")
    petition = receive(commune)
    login(client, inspector)
    assert client.get(reverse("petitions:detail", args=[petition.pk])).status_code == 200


def test_anonymous_visitors_are_sent_to_login(client, commune):
    response = client.get(reverse("petitions:queue"))
    assert response.status_code == 302 and "login" in response["Location"]


# --- queue ------------------------------------------------------------------------------


def test_queue_puts_overdue_first_then_nearest_deadline_with_text_not_colour_alone(client, commune, officer):
    today = timezone.localdate()
    later = receive(commune, kind=PetitionKind.FEEDBACK, received_on=today, subject="Đơn còn lâu")
    overdue = receive(
        commune, kind=PetitionKind.FEEDBACK, received_on=today - timedelta(days=40), subject="Đơn quá hạn"
    )
    soon = receive(commune, kind=PetitionKind.FEEDBACK, received_on=today - timedelta(days=12), subject="Đơn gần hạn")
    login(client, officer)
    html = client.get(reverse("petitions:queue")).content.decode()
    assert html.index(overdue.ref) < html.index(soon.ref) < html.index(later.ref)
    assert "Quá hạn" in html and "row-overdue" in html


def test_queue_search_works_with_and_without_diacritics(client, commune, officer):
    hit = receive(commune, subject="Lấn chiếm vỉa hè phố Hàng Bạc")
    miss = receive(commune, subject="Tiếng ồn công trình")
    login(client, officer)
    for q in ("vỉa hè", "via he", "HANG BAC"):
        html = client.get(reverse("petitions:queue"), {"q": q}).content.decode()
        assert hit.ref in html and miss.ref not in html


def test_queue_filters_by_kind_and_overdue(client, commune, officer):
    today = timezone.localdate()
    complaint = receive(commune, kind=PetitionKind.COMPLAINT, received_on=today)
    feedback = receive(commune, kind=PetitionKind.FEEDBACK, received_on=today - timedelta(days=60))
    login(client, officer)
    html = client.get(reverse("petitions:queue"), {"kind": "complaint", "status": "open"}).content.decode()
    assert complaint.ref in html and feedback.ref not in html
    html = client.get(reverse("petitions:queue"), {"overdue": "on", "status": "open"}).content.decode()
    assert feedback.ref in html and complaint.ref not in html


def test_queue_query_count_does_not_grow_with_rows(client, commune, officer, django_assert_max_num_queries):
    for i in range(30):
        receive(commune, subject=f"Đơn số {i}")
    login(client, officer)
    client.get(reverse("petitions:queue"))  # warm the calendar cache paths
    with django_assert_max_num_queries(14):
        response = client.get(reverse("petitions:queue"))
    assert response.status_code == 200


# --- desk entry and actions --------------------------------------------------------------


def test_desk_entry_saves_and_opens_an_empty_form_with_the_same_defaults(client, commune, officer):
    login(client, officer)
    form = client.get(reverse("petitions:desk"))
    assert form.status_code == 200
    response = client.post(
        reverse("petitions:desk"),
        {
            "unit": commune.pk,
            "received_on": "2026-03-02",
            "channel": "post",
            "kind": "feedback",
            "subject": "Đèn đường hỏng",
            "petitioner_name": "Phạm Văn Dũng",
            "signers": "1",
            "idempotency_key": "a" * 32,
            "save_add": "1",
        },
    )
    assert response.status_code == 302 and reverse("petitions:desk") in response["Location"]
    assert "received_on=2026-03-02" in response["Location"]
    petition = Petition.objects.get()
    assert (petition.channel, petition.kind, petition.unit) == ("post", "feedback", commune)
    follow = client.get(response["Location"]).content.decode()
    assert petition.tracking_code in follow  # the message with the code for the citizen


def test_an_official_classifies_and_accepts_through_the_pages(client, commune, officer):
    petition = receive(commune)
    login(client, officer)
    response = client.post(
        reverse("petitions:action", args=[petition.pk, "classify"]),
        {
            "version": petition.version,
            "kind": "complaint",
            "eligible": "1",
            "competent": "1",
            "signers": "6",
        },
    )
    assert response.status_code == 302
    petition.refresh_from_db()
    assert (petition.status, petition.is_crowd) == (PetitionStatus.CLASSIFIED, True)
    response = client.post(reverse("petitions:action", args=[petition.pk, "accept"]), {"version": petition.version})
    petition.refresh_from_db()
    assert petition.status == PetitionStatus.ACCEPTED
    html = client.get(reverse("petitions:detail", args=[petition.pk])).content.decode()
    assert "Đã thụ lý" in html and "Điều 28 Luật Khiếu nại" in html


def test_a_stale_form_shows_changed_by_someone_else_and_keeps_the_input(client, commune, officer):
    petition = receive(commune)
    login(client, officer)
    classify(petition)  # someone else, meanwhile
    response = client.post(
        reverse("petitions:action", args=[petition.pk, "classify"]),
        {
            "version": 1,
            "kind": "complaint",
            "eligible": "0",
            "competent": "1",
            "signers": "3",
            "note": "Ghi chú của tôi",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200 and "người khác" in html and "Ghi chú của tôi" in html


def test_resolving_a_never_accepted_petition_is_not_offered_nor_allowed(client, commune, handler):
    petition = classify(receive(commune))
    login(client, handler)
    detail = client.get(reverse("petitions:detail", args=[petition.pk])).content.decode()
    assert reverse("petitions:action", args=[petition.pk, "resolve"]) not in detail
    response = client.post(
        reverse("petitions:action", args=[petition.pk, "resolve"]), {"version": petition.version, "result": "correct"}
    )
    assert response.status_code == 200 and "không thể chuyển sang" in response.content.decode()


def test_a_transferred_petition_appears_in_the_receiving_units_queue(client, commune, other_commune, other_officer):
    petition = classify(
        receive(commune, kind=PetitionKind.FEEDBACK, subject="Rác thải ở phố Nguyễn Du"), competent=False
    )
    received = petition_transfer(petition=petition, expected_version=None, to_unit=other_commune, actor=None)
    login(client, other_officer)
    html = client.get(reverse("petitions:queue")).content.decode()
    assert received.ref in html and "Rác thải ở phố Nguyễn Du" in html


# --- denouncer protection -------------------------------------------------------------


NAME = "Hoàng Thị Tố Cáo"


def _denunciation(commune):
    return receive(
        commune,
        kind=PetitionKind.DENUNCIATION,
        petitioner_name=NAME,
        petitioner_id_number="001099888777",
        petitioner_phone="0909000111",
        petitioner_email="toc@example.vn",
        subject="Tố cáo cán bộ nhận tiền",
        respondent="Ông X, cán bộ địa chính",
    )


def test_the_denouncers_identity_is_encrypted_apart_from_the_petition(commune):
    petition = _denunciation(commune)
    assert (petition.petitioner_name, petition.petitioner_id_number, petition.petitioner_phone) == ("", "", "")
    assert NAME not in petition.denouncer.ciphertext and "0909000111" not in petition.denouncer.ciphertext
    assert "hoang thi to cao" not in petition.search_text and "tố cáo cán bộ" not in petition.search_text


def test_a_handler_without_the_permission_never_sees_the_denouncers_name(client, commune, handler):
    petition = _denunciation(commune)
    login(client, handler)
    pages = [
        reverse("petitions:queue"),
        reverse("petitions:queue") + "?q=Hoàng Thị",
        reverse("petitions:detail", args=[petition.pk]),
        reverse("petitions:action", args=[petition.pk, "classify"]),
        reverse("petitions:reveal", args=[petition.pk]),
    ]
    for url in pages:
        html = client.get(url).content.decode()
        assert NAME not in html and "0909000111" not in html and "001099888777" not in html, url
    assert petition.pseudonym in client.get(reverse("petitions:detail", args=[petition.pk])).content.decode()
    response = client.post(reverse("petitions:reveal", args=[petition.pk]), {"reason": "Cần xác minh"})
    assert NAME not in response.content.decode() and "không có quyền" in response.content.decode()
    assert not petition.events.filter(kind=PetitionEvent.Kind.IDENTITY_REVEALED).exists()


def test_a_permitted_official_sees_the_identity_with_a_reason_and_it_is_audit_logged(client, commune, head):
    petition = _denunciation(commune)
    identity_reveal_grant(user=head, unit=commune, note="QĐ 12/QĐ-UBND", actor=None)
    login(client, head)
    no_reason = client.post(reverse("petitions:reveal", args=[petition.pk]), {"reason": ""})
    assert NAME not in no_reason.content.decode()
    response = client.post(
        reverse("petitions:reveal", args=[petition.pk]), {"reason": "Bố trí gặp người tố cáo"}, REMOTE_ADDR="10.0.0.7"
    )
    assert NAME in response.content.decode() and response["Cache-Control"] == "no-store"
    event = petition.events.get(kind=PetitionEvent.Kind.IDENTITY_REVEALED)
    assert (event.actor, event.reason, event.ip_address) == (head, "Bố trí gặp người tố cáo", "10.0.0.7")
    assert NAME not in str(event.data)


def test_public_tracking_never_shows_the_denouncer(client, commune):
    petition = _denunciation(commune)
    html = client.post(
        reverse("petitions:track"), {"code": petition.tracking_code, "secret": petition.tracking_secret}
    ).content.decode()
    assert "Đơn của bạn đã được tiếp nhận" in html and NAME not in html


def test_duplicates_are_proposed_by_identity_respondent_and_similar_subject(commune):
    from petitions.selectors import petition_duplicate_candidates

    a = receive(commune, subject="Khiếu nại việc thu hồi đất ở ngõ 5", petitioner_id_number="001")
    b = receive(commune, subject="Hỏi về lịch tiếp dân", petitioner_id_number="001", respondent="")
    c = receive(commune, subject="Khiếu nại về việc thu hồi đất tại ngõ 5", petitioner_id_number="999")
    d = receive(
        commune,
        subject="Không liên quan",
        petitioner_id_number="555",
        respondent="",
        petitioner_phone="0912000555",
        petitioner_email="nguoi.khac@example.vn",
    )
    found = {x.petition: x.reasons for x in petition_duplicate_candidates(petition=a)}
    assert b in found and c in found and d not in found
    assert "trùng số CCCD/hộ chiếu" in found[b]


def test_the_timeline_shows_the_whole_case(client, commune, officer):
    from petitions.services import case_group

    a = receive(commune, subject="Thu hồi đất ngõ 5")
    b = receive(commune, subject="Thu hồi đất ngõ 5, lần nữa")
    case_group(petitions=[a, b], actor=officer)
    classify(b, note="Đơn trùng nội dung")
    login(client, officer)
    html = client.get(reverse("petitions:detail", args=[a.pk])).content.decode()
    assert "Đơn trùng nội dung" in html and f"đơn {b.ref}" in html and "Gộp vào vụ việc" in html


def test_desk_entry_refuses_a_future_date_and_keeps_the_input(client, commune, officer):
    login(client, officer)
    response = client.post(
        reverse("petitions:desk"),
        {
            "unit": commune.pk,
            "received_on": "2099-01-01",
            "channel": "post",
            "kind": "feedback",
            "subject": "Đèn đường hỏng ngõ 7",
            "signers": "1",
            "idempotency_key": "b" * 32,
            "save": "1",
        },
    )
    html = response.content.decode()
    assert Petition.objects.count() == 0 and "không thể sau ngày hôm nay" in html and "Đèn đường hỏng ngõ 7" in html


def test_the_petition_page_says_where_it_came_from_in_words_and_marks_one_menu_entry(client, commune, officer):
    """A petition the reception desk or an import wrote shows "Tiếp công dân" or "Nhập từ tệp",
    never the system's word; the page marks the petitions' queue in the menu, not the map."""
    import re

    from_desk = receive(commune, source="reception")
    imported = receive(commune, source="import", subject="Đơn nhập từ hệ thống cũ")
    typed = receive(commune, source="Báo Hà Nội Mới chuyển", subject="Đơn do báo chuyển")
    login(client, officer)
    pages = [
        client.get(reverse("petitions:detail", args=[p.pk])).content.decode() for p in (from_desk, imported, typed)
    ]
    assert "Tiếp công dân" in pages[0] and "· reception" not in pages[0]
    assert "Nhập từ tệp" in pages[1] and "· import" not in pages[1]
    assert "Báo Hà Nội Mới chuyển" in pages[2]
    marked = re.findall(r'href="([^"]+)"[^>]*aria-current="page"', pages[0].split("</nav>")[0])
    assert marked == [reverse("petitions:queue")]
