"""Staff pages through the client: scoping (404), the fast entry form, the book, query counts,
and the public schedule."""

import io
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from reception.models import ReceptionEvent, Visit
from tests.factories import UnitFactory
from tests.reception.factories import FollowUpFactory, SessionFactory, VisitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer_client(client, officer):
    client.force_login(officer)
    return client


# --- scoping --------------------------------------------------------------------------------


def test_another_communes_records_are_not_found(client, other_officer, commune):
    session = SessionFactory(unit=commune)
    visit = VisitFactory(unit=commune, session=session, answer_due_on=date(2026, 3, 26))
    item = FollowUpFactory(session=session)
    client.force_login(other_officer)
    assert client.get(reverse("reception:session_detail", args=[session.pk])).status_code == 404
    assert client.get(reverse("reception:visit_detail", args=[visit.pk])).status_code == 404
    assert client.post(reverse("reception:session_publish", args=[session.pk])).status_code == 404
    assert client.post(reverse("reception:session_detail", args=[session.pk]), {}).status_code == 404
    done = client.post(reverse("reception:followup_done", args=[item.pk]), {"version": 1, "result": "x"})
    assert done.status_code == 404
    assert client.post(reverse("reception:session_today"), {"unit": commune.pk}).status_code == 404
    queue = client.get(reverse("reception:visit_queue"))
    assert visit.ref not in queue.content.decode()


def test_the_staff_pages_need_a_login(client):
    response = client.get(reverse("reception:session_list"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_city_sees_its_communes_sessions(client, city_leader, commune):
    session = SessionFactory(unit=commune)
    client.force_login(city_leader)
    # A leader_viewer is not a desk role: no access to the desk pages of the commune.
    assert client.get(reverse("reception:session_detail", args=[session.pk])).status_code == 404


# --- the fast visit entry --------------------------------------------------------------------


def _visit_form(**extra):
    data = {
        "citizen_name": "Nguyễn Văn An",
        "identity_number": "001090001234",
        "address": "Số 5 Hàng Bạc",
        "people": "1",
        "representatives": "",
        "representative_names": "",
        "kind": "recommendation",
        "content": "Kiến nghị sửa cống thoát nước",
        "earlier_handling": "",
        "outcome": "answered",
        "guided_to": "",
        "received_by": "staff",
        "save_and_add": "1",
    }
    data.update(extra)
    return data


def test_save_and_add_another_returns_to_a_blank_form_and_shows_repeats(officer_client, commune):
    session = SessionFactory(unit=commune, date=date(2026, 3, 12))
    VisitFactory(unit=commune, identity_number="001090001234", received_on=date(2025, 11, 3), ref="OLD-1")
    url = reverse("reception:session_detail", args=[session.pk])
    response = officer_client.post(url, _visit_form())
    visit = Visit.objects.get(session=session)
    assert response.status_code == 302 and response["Location"].startswith(f"{url}?saved={visit.pk}")
    page = officer_client.get(response["Location"]).content.decode()
    assert f"Lượt tiếp {visit.ref} đã được lưu" in page
    assert "OLD-1" in page  # the earlier visit is proposed
    assert "autofocus" in page
    assert visit.repeat and visit.ip_address if hasattr(visit, "ip_address") else visit.repeat
    assert ReceptionEvent.objects.get(visit=visit).ip_address == "127.0.0.1"


def test_a_delegation_without_representatives_is_shown_next_to_the_field_and_input_is_kept(officer_client, commune):
    session = SessionFactory(unit=commune)
    url = reverse("reception:session_detail", args=[session.pk])
    response = officer_client.post(url, _visit_form(people="8", representatives="4"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Đoàn 8 người cử từ 1 đến 2 người đại diện." in page
    assert 'value="Nguyễn Văn An"' in page and "Kiến nghị sửa cống thoát nước" in page
    assert not Visit.objects.exists()


def test_a_guided_visit_needs_the_body_it_was_guided_to(officer_client, commune):
    session = SessionFactory(unit=commune)
    response = officer_client.post(
        reverse("reception:session_detail", args=[session.pk]), _visit_form(outcome="guided")
    )
    assert "Ghi rõ cơ quan đã hướng dẫn công dân đến." in response.content.decode()


def test_answering_a_visit_from_its_page(officer_client, commune):
    visit = VisitFactory(unit=commune, answer_due_on=date(2026, 3, 26), outcome="petition")
    url = reverse("reception:visit_detail", args=[visit.pk])
    response = officer_client.post(url, {"version": 1, "answer": "forwarded", "answered_on": "2026-03-20", "note": ""})
    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.answer == "forwarded"
    stale = officer_client.post(url, {"version": 1, "answer": "refused", "answered_on": "2026-03-21", "note": "x"})
    assert "đã được người khác thay đổi" in stale.content.decode() or stale.status_code == 200


def test_a_stale_answer_is_shown_on_the_form(officer_client, commune):
    visit = VisitFactory(unit=commune, answer_due_on=date(2026, 3, 26), version=3)
    url = reverse("reception:visit_detail", args=[visit.pk])
    response = officer_client.post(
        url, {"version": 2, "answer": "refused", "answered_on": "2026-03-21", "note": "ghi chú"}
    )
    page = response.content.decode()
    assert "đã được người khác thay đổi" in page and "ghi chú" in page


def test_following_up_a_conclusion_to_done(officer_client, commune, handler):
    session = SessionFactory(unit=commune, head_day=True)
    url = reverse("reception:followup_create", args=[session.pk])
    officer_client.post(url, {"description": "Kiểm tra vỉa hè", "owner": handler.pk, "due_on": "2026-03-31"})
    item = session.follow_ups.get()
    officer_client.post(reverse("reception:followup_done", args=[item.pk]), {"version": 1, "result": "Đã xử lý"})
    item.refresh_from_db()
    assert item.status == "done" and item.result == "Đã xử lý"


# --- the reception book ---------------------------------------------------------------------


def test_the_reception_book_on_screen_and_as_xlsx(officer_client, commune):
    VisitFactory(
        unit=commune,
        received_on=date(2026, 3, 2),
        citizen_name="Nguyễn Văn An",
        address="Số 5 Hàng Bạc",
        identity_number="001090001234",
        kind="complaint",
        people=6,
        outcome="guided",
        guided_to="Tòa án nhân dân",
    )
    VisitFactory(unit=commune, received_on=date(2025, 12, 31), citizen_name="Ngoài kỳ")
    query = {"unit": commune.pk, "start": "2026-01-01", "end": "2026-03-31"}
    page = officer_client.get(reverse("reception:book"), query).content.decode()
    assert "Nguyễn Văn An, Số 5 Hàng Bạc" in page and "Ngoài kỳ" not in page
    assert "CCCD/Hộ chiếu" in page
    response = officer_client.get(reverse("reception:book"), {**query, "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[2][:4] == ("STT", "Ngày tiếp", "Họ tên, địa chỉ", "CCCD/Hộ chiếu")
    assert rows[3][0] == 1 and rows[3][1].date() == date(2026, 3, 2)
    assert rows[3][2:7] == ("Nguyễn Văn An, Số 5 Hàng Bạc", "001090001234", "Khiếu nại việc thu hồi đất", "KN", 6)
    assert rows[3][9] == "Tòa án nhân dân"
    assert len(rows) == 4


def test_the_book_refuses_another_communes_unit(client, other_officer, commune):
    client.force_login(other_officer)
    page = client.get(reverse("reception:book"), {"unit": commune.pk, "start": "2026-01-01", "end": "2026-03-31"})
    assert page.status_code == 200 and "Hãy chọn một lựa chọn hợp lệ" in page.content.decode()
    assert "Phường Hoàn Kiếm" not in page.content.decode().split("<main")[1]


# --- query counts -----------------------------------------------------------------------------


def _fill(commune, n):
    for i in range(n):
        session = SessionFactory(unit=commune, date=date(2026, 3, 1) + timedelta(days=i))
        VisitFactory(unit=commune, session=session, answer_due_on=date(2026, 3, 20) + timedelta(days=i))
        FollowUpFactory(session=session)


@pytest.mark.parametrize("name", ["reception:session_list", "reception:visit_queue", "reception:followup_list"])
def test_list_pages_take_a_fixed_number_of_queries(officer_client, commune, name, django_assert_max_num_queries):
    _fill(commune, 3)
    officer_client.get(reverse(name))
    with django_assert_max_num_queries(12) as few:
        officer_client.get(reverse(name))
    _fill(commune, 15)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = officer_client.get(reverse(name))
    assert response.status_code == 200


def test_the_book_takes_a_fixed_number_of_queries(officer_client, commune, django_assert_max_num_queries):
    query = {"unit": commune.pk, "start": "2026-01-01", "end": "2026-12-31"}
    _fill(commune, 3)
    with django_assert_max_num_queries(12) as few:
        officer_client.get(reverse("reception:book"), query)
    _fill(commune, 15)
    with django_assert_max_num_queries(len(few.captured_queries)):
        officer_client.get(reverse("reception:book"), query)


# --- leaders and the public ---------------------------------------------------------------------


def test_the_frequency_check_is_shown_to_leaders_only(client, city_leader, officer, commune):
    client.force_login(city_leader)
    page = client.get(
        reverse("reception:frequency"), {"unit": commune.parent_id, "start": "2026-06-01", "end": "2026-08-31"}
    )
    assert page.status_code == 200 and "Phường Hoàn Kiếm" in page.content.decode()
    client.force_login(officer)
    assert client.get(reverse("reception:frequency")).status_code == 404


def test_the_frequency_page_lists_the_party_secretary_and_deputies_where_recorded(client, city_leader, commune):
    VisitFactory(unit=commune, received_on=date(2026, 7, 9), received_by="party_secretary")
    VisitFactory(unit=commune, received_on=date(2026, 7, 10), received_by="deputy")
    client.force_login(city_leader)
    page = client.get(
        reverse("reception:frequency"), {"unit": commune.parent_id, "start": "2026-07-01", "end": "2026-08-31"}
    ).content.decode()
    assert "Bí thư cấp ủy" in page and "Đại biểu Hội đồng nhân dân" in page
    assert "không có mức tối thiểu" in page  # the deputies' row
    assert "0/1 ngày (Quy định 11-QĐi/TW)" in page  # the secretary's August


def test_a_citizen_finds_the_next_published_reception_day(client, commune):
    day = timezone.localdate() + timedelta(days=8)
    SessionFactory(
        unit=commune, date=day, head_day=True, published_at=timezone.now(), receiver_title="Ông Vũ Đức Long, Chủ tịch"
    )
    found = client.get(reverse("reception:schedule"), {"q": "Hoàn Kiếm"})
    page = found.content.decode()
    assert "Ông Vũ Đức Long, Chủ tịch" in page and day.strftime("%d/%m/%Y") in page
    assert "Ngày tiếp gần nhất" in page


def test_the_back_office_shows_reception_records_read_only(admin_client, commune):
    VisitFactory(unit=commune)
    for model in ("receptionsession", "visit", "followupitem", "receptionevent"):
        assert admin_client.get(reverse(f"admin:reception_{model}_changelist")).status_code == 200
    assert admin_client.get(reverse("admin:reception_visit_add")).status_code == 403


def test_repeat_proposals_while_typing(officer_client, commune, other_officer, client):
    session = SessionFactory(unit=commune, date=date(2026, 3, 12))
    VisitFactory(unit=commune, identity_number="001090001234", received_on=date(2025, 11, 3), ref="OLD-1")
    url = reverse("reception:visit_repeats", args=[session.pk])
    page = officer_client.post(url, {"identity_number": "001090001234"}).content.decode()
    assert "OLD-1" in page and "trùng số CCCD" in page
    assert "OLD-1" not in officer_client.post(url, {"identity_number": "079000000001"}).content.decode()
    # never by GET: an identity number in a URL lands in access logs
    assert officer_client.get(url, {"identity_number": "001090001234"}).status_code == 405
    client.force_login(other_officer)
    assert client.post(url, {"identity_number": "001090001234"}).status_code == 404


def test_scheduling_a_head_day_from_the_form(officer_client, commune, head):
    response = officer_client.post(
        reverse("reception:session_create"),
        {
            "unit": commune.pk,
            "kind": "head_periodic",
            "day": "2026-12-10",
            "start_time": "08:00",
            "end_time": "11:30",
            "place": "Trụ sở UBND phường",
            "received_by": "head",
            "receiver": head.pk,
            "receiver_title": "Ông Vũ Đức Long, Chủ tịch UBND phường",
        },
    )
    session = commune.reception_sessions.get()
    assert response.status_code == 302
    assert (session.receiver, session.publish_due_on) == (head, date(2026, 12, 3))


def test_an_online_session_before_july_2026_is_refused_on_the_form(officer_client, commune):
    response = officer_client.post(
        reverse("reception:session_create"),
        {"unit": commune.pk, "kind": "online", "day": "2026-06-10", "received_by": "head", "place": "Trực tuyến"},
    )
    page = response.content.decode()
    assert "Tiếp công dân trực tuyến được thực hiện từ ngày 01/07/2026" in page and 'value="Trực tuyến"' in page


def test_publishing_late_is_allowed_and_says_so(officer_client, commune):
    session = SessionFactory(
        unit=commune, head_day=True, date=timezone.localdate() + timedelta(days=1), receiver_title="Chủ tịch UBND"
    )
    response = officer_client.post(reverse("reception:session_publish", args=[session.pk]), follow=True)
    page = response.content.decode()
    session.refresh_from_db()
    assert session.published_at is not None and session.published_late
    assert "Công bố muộn" in page
    listing = officer_client.get(reverse("reception:session_list")).content.decode()
    assert "Đã công bố" in listing and "muộn" in listing


def test_ids_in_forms_are_not_written_with_thousand_separators(officer_client, commune, handler):
    # Hà Nội's 126 communes give units ids above 999: "3.525" would not be an id.
    UnitFactory(id=3525, code="X3525", name="Tổ dân phố thử", parent=commune)
    page = officer_client.get(reverse("reception:session_list")).content.decode()
    assert 'value="3525"' in page
    response = officer_client.post(reverse("reception:session_today"), {"unit": "3525"})
    assert response.status_code == 302


# --- identification from 1/7/2026 (Law 136/2025) -------------------------------------------


def test_a_visit_from_1_july_2026_without_identification_is_refused_next_to_the_field(officer_client, commune):
    session = SessionFactory(unit=commune, date=date(2026, 7, 1))
    url = reverse("reception:session_detail", args=[session.pk])
    form_page = officer_client.get(url).content.decode()
    assert "Bắt buộc từ ngày 01/07/2026" in form_page
    response = officer_client.post(url, _visit_form(identity_number=""))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Từ ngày 01/07/2026, người đến tiếp công dân phải cung cấp thông tin định danh" in page
    assert 'value="Nguyễn Văn An"' in page and "Kiến nghị sửa cống thoát nước" in page
    assert not Visit.objects.exists()
    assert officer_client.post(url, _visit_form()).status_code == 302
    assert Visit.objects.get(session=session).identity_number == "001090001234"


def test_a_visit_up_to_30_june_2026_may_still_be_logged_without_identification(officer_client, commune):
    session = SessionFactory(unit=commune, date=date(2026, 6, 30))
    url = reverse("reception:session_detail", args=[session.pk])
    assert "Bắt buộc từ ngày 01/07/2026" not in officer_client.get(url).content.decode()
    assert officer_client.post(url, _visit_form(identity_number="")).status_code == 302
    assert Visit.objects.get(session=session).identity_number == ""


def test_the_visit_page_tells_why_an_earlier_visit_is_proposed(officer_client, commune):
    earlier = VisitFactory(
        unit=commune,
        citizen_name="Phạm Văn Cường",
        address="Số 3 Hàng Bạc",
        received_on=date(2026, 1, 5),
        ref="OLD-7",
        content="Khiếu nại quyết định thu hồi đất và mức bồi thường giải phóng mặt bằng",
    )
    later = VisitFactory(
        unit=commune,
        citizen_name="Pham Van Cuong",
        address="3 hang bac, phường Hoàn Kiếm",
        content="Khiếu nại mức bồi thường thu hồi đất giải phóng mặt bằng",
    )
    page = officer_client.get(reverse("reception:visit_detail", args=[later.pk])).content.decode()
    assert earlier.ref in page and "họ tên, địa chỉ gần giống, nội dung giống 86%" in page
