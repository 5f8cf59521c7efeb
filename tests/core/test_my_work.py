""" "Việc của tôi": the staff home shows each official their own work by urgency, with counts."""

from datetime import date, time, timedelta

import pytest
import time_machine
from django.urls import reverse

from petitions.models import Petition
from petitions.services import petition_accept, petition_assign
from tests.petitions.factories import classify, receive
from tests.reception.factories import SessionFactory

pytestmark = pytest.mark.django_db
TODAY = date(2026, 3, 20)  # a Friday


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(f"{TODAY:%Y-%m-%d} 08:00 +07:00", tick=False):
        yield


def assigned(commune, handler, *, received_on, subject):
    petition = petition_accept(
        petition=classify(receive(commune, received_on=received_on, subject=subject)), expected_version=None, actor=None
    )
    return petition_assign(petition=petition, assignee=handler, expected_version=None, actor=None)


def due(petition, on):
    Petition.objects.filter(pk=petition.pk).update(due_on=on)  # set up: a deadline relative to TODAY
    petition.refresh_from_db()
    return petition


def work_section(client, user):
    client.force_login(user)
    html = client.get(reverse("core:staff_home")).content.decode()
    return html[html.index('id="my-work"') : html.index('aria-labelledby="roles-heading"')]


def test_a_handler_sees_his_overdue_and_due_soon_petitions_without_filtering_the_queue(client, commune, handler):
    overdue = due(
        assigned(commune, handler, received_on=date(2026, 1, 5), subject="Khiếu nại đã quá hạn"),
        TODAY - timedelta(days=2),
    )
    due(
        assigned(commune, handler, received_on=date(2026, 2, 12), subject="Khiếu nại sắp đến hạn"),
        TODAY + timedelta(days=3),
    )
    due(
        assigned(commune, handler, received_on=date(2026, 2, 12), subject="Khiếu nại còn xa hạn"),
        TODAY + timedelta(days=30),
    )
    html = work_section(client, handler)
    assert "Quá hạn: 1" in html
    assert html.index("Khiếu nại đã quá hạn") < html.index("Khiếu nại sắp đến hạn")
    assert "Đến hạn trong 3 ngày làm việc: 1" in html and "Khiếu nại còn xa hạn" not in html
    assert reverse("petitions:detail", args=[overdue.pk]) in html


def test_an_officer_sees_new_petitions_and_todays_sessions(client, commune, officer, other_commune):
    receive(commune, received_on=TODAY, subject="Phản ánh mới về vỉa hè")
    receive(other_commune, received_on=TODAY, subject="Đơn của phường khác")
    SessionFactory(unit=commune, date=TODAY, start_time=time(8, 0), place="Trụ sở UBND phường")
    SessionFactory(unit=commune, date=TODAY + timedelta(days=7))
    html = work_section(client, officer)
    assert "Phản ánh mới về vỉa hè" in html and "Đơn của phường khác" not in html
    assert "Mới: 1" in html and "Buổi tiếp công dân hôm nay: 1" in html and "Trụ sở UBND phường" in html


def test_nothing_waiting_says_so_with_zero_counts(client, head):
    html = work_section(client, head)
    assert "Quá hạn: 0" in html and "Không có việc nào" in html
