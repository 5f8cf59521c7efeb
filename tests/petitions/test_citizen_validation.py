"""What a citizen's filing checks before anything is filed: a real phone number, a CCCD of 12
digits (an old 9-digit CMND with a note), and a complaint that seems past its 90 days."""

from datetime import date, timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse

from core.contact import normalise_phone, sms_number
from petitions.models import Petition
from tests.petitions.fixtures import filing

pytestmark = pytest.mark.django_db
TODAY = date(2026, 12, 7)


@pytest.fixture(autouse=True)
def _today_and_no_rate_limits():
    cache.clear()
    with time_machine.travel(f"{TODAY:%Y-%m-%d} 09:00 +07:00", tick=False):
        yield
    cache.clear()


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("0912 345 678", "0912345678"), ("+84 912.345.678", "0912345678"), ("024 3825 3536", "02438253536")],
)
def test_real_phone_numbers_are_stored_in_their_national_form(typed, stored):
    assert normalise_phone(typed) == stored


def test_a_gateway_gets_the_international_digits():
    assert sms_number("0912345678") == "84912345678"


@pytest.mark.parametrize("typed", ["12ab", "0912", "0203123456", "091234567890123"])
def test_a_made_up_phone_is_refused_next_to_the_field_and_nothing_is_filed(client, commune, typed):
    response = client.post(reverse("petitions:file"), filing(commune, petitioner_phone=typed))
    html = response.content.decode()
    assert response.status_code == 200 and Petition.objects.count() == 0
    assert "Nhập số điện thoại Việt Nam" in html
    assert "Trần Thị Bình" in html  # what was typed is kept


def test_the_phone_is_stored_normalised(client, commune):
    client.post(reverse("petitions:file"), filing(commune, petitioner_phone="+84 987 654 321"))
    assert Petition.objects.get().petitioner_phone == "0987654321"


@pytest.mark.parametrize("typed", ["123", "00119000011", "0011900001112", "00119000011a"])
def test_an_identity_number_that_is_neither_cccd_nor_cmnd_is_refused(client, commune, typed):
    response = client.post(reverse("petitions:file"), filing(commune, petitioner_id_number=typed))
    assert Petition.objects.count() == 0
    assert "12 chữ số" in response.content.decode()


def test_a_cccd_is_filed_without_a_note(client, commune):
    response = client.post(reverse("petitions:file"), filing(commune), follow=True)
    assert Petition.objects.get().petitioner_id_number == "001190000111"
    assert 'id="legacy-id-note"' not in response.content.decode()


def test_an_old_nine_digit_cmnd_is_accepted_with_a_note(client, commune):
    response = client.post(reverse("petitions:file"), filing(commune, petitioner_id_number="012 345 678"), follow=True)
    assert Petition.objects.get().petitioner_id_number == "012345678"
    html = response.content.decode()
    assert 'id="legacy-id-note"' in html and "CMND" in html


def test_a_complaint_within_ninety_days_is_filed_without_a_word(client, commune):
    known_on = TODAY - timedelta(days=60)
    client.post(reverse("petitions:file"), filing(commune, decision_known_on=f"{known_on:%Y-%m-%d}"))
    assert Petition.objects.get().late_reason == ""


def test_a_complaint_eleven_months_late_is_held_with_a_warning_citing_article_nine(client, commune):
    known_on = TODAY - timedelta(days=330)
    response = client.post(reverse("petitions:file"), filing(commune, decision_known_on=f"{known_on:%Y-%m-%d}"))
    html = response.content.decode()
    assert Petition.objects.count() == 0
    assert "90 ngày" in html and "Luật Khiếu nại" in html and "9" in html
    # the last day to complain: 90 days after 11/01/2026 is Saturday 11/04, carried to Monday
    assert "13/04/2026" in html
    assert 'name="late_reason"' in html and "Khiếu nại quyết định xử phạt" in html


def test_a_late_complaint_with_its_reason_is_filed_and_the_official_still_sees_it_out_of_time(client, commune, handler):
    known_on = TODAY - timedelta(days=330)
    reason = "Tôi nằm viện điều trị từ tháng 2 đến tháng 10."
    client.post(
        reverse("petitions:file"),
        filing(commune, decision_known_on=f"{known_on:%Y-%m-%d}", late_reason=reason),
    )
    petition = Petition.objects.get()
    assert petition.late_reason == reason and petition.filed_out_of_time
    client.force_login(handler)
    html = client.get(reverse("petitions:detail", args=[petition.pk])).content.decode()
    assert "Quá thời hiệu" in html and reason in html


def test_a_late_reason_is_dropped_for_other_kinds(client, commune):
    client.post(reverse("petitions:file"), filing(commune, kind="feedback", late_reason="không liên quan"))
    assert Petition.objects.get().late_reason == ""


def test_a_landline_gets_no_sms_only_the_email(client, commune):
    from petitions.models import Notification

    client.post(reverse("petitions:file"), filing(commune, petitioner_phone="024 3825 3536"))
    assert list(Notification.objects.values_list("channel", flat=True)) == [Notification.Channel.EMAIL]
