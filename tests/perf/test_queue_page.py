"""The petition queue after its speed-up: a bounded count, its own pager, and the filter form
drawn by a plain template instead of crispy-forms. What the official sees must not change."""

import re

import pytest
from django.urls import reverse

from core.choices import PetitionKind
from core.models import Membership, Role
from petitions.selectors import handler_choices_for, handlers_for
from petitions.views.queue import PetitionQueueView
from tests.factories import MembershipFactory, UserFactory
from tests.petitions.factories import receive

pytestmark = pytest.mark.django_db


def _refs(html: str) -> list[str]:
    return re.findall(r'<a href="/petitions/\d+/">([^<]+)</a>', html)


def test_a_short_queue_shows_its_exact_count_and_no_pager(client, commune, officer):
    for i in range(3):
        receive(commune, subject=f"Đơn số {i}")
    client.force_login(officer)
    html = client.get(reverse("petitions:queue")).content.decode()
    assert "3 đơn" in html and "Hơn" not in html
    assert len(_refs(html)) == 3
    assert 'class="pagination"' not in html


def test_a_queue_longer_than_the_bound_says_more_than_and_still_pages_to_the_end(client, commune, officer, monkeypatch):
    monkeypatch.setattr(PetitionQueueView, "count_bound", 4)
    monkeypatch.setattr(PetitionQueueView, "paginate_by", 2)
    made = [receive(commune, subject=f"Đơn số {i}").ref for i in range(7)]
    client.force_login(officer)
    seen: list[str] = []
    page, pages = 1, []
    while page:
        html = client.get(reverse("petitions:queue"), {"page": page}).content.decode()
        pages.append(html)
        seen += _refs(html)
        following = re.search(r"page=(\d+)\">(?:Trang sau|Next)", html)
        page = int(following.group(1)) if following else 0
    # then the first page says "more than 4" instead of counting every row
    assert "Hơn 4 đơn" in pages[0]
    # and every petition is reached once through the "Next" links, the last page has no "Next"
    assert sorted(seen) == sorted(made) and len(pages) == 4


def test_a_page_beyond_the_end_of_a_short_queue_shows_the_last_page(client, commune, officer, monkeypatch):
    monkeypatch.setattr(PetitionQueueView, "paginate_by", 2)
    for i in range(3):
        receive(commune, subject=f"Đơn số {i}")
    client.force_login(officer)
    html = client.get(reverse("petitions:queue"), {"page": 99}).content.decode()
    assert "2 / 2" in html and len(_refs(html)) == 1


def test_the_filter_form_keeps_the_officials_choices_and_shows_errors(client, commune, officer):
    receive(commune, kind=PetitionKind.COMPLAINT)
    client.force_login(officer)
    html = client.get(
        reverse("petitions:queue"), {"q": "thu hồi", "kind": "complaint", "overdue": "on", "status": "open"}
    ).content.decode()
    assert 'name="q" value="thu hồi"' in html
    assert '<option value="complaint" selected>' in html
    assert '<option value="open" selected>' in html
    assert re.search(r'name="overdue"[^>]*checked', html)
    # an unknown status is refused with a message tied to its field, and the queue falls back to open petitions
    html = client.get(reverse("petitions:queue"), {"status": "zz"}).content.decode()
    assert 'aria-describedby="id_status_error"' in html and 'id="id_status_error"' in html


def test_the_handler_filter_offers_the_officials_handlers_for_names(city, commune, other_commune, officer):
    # given handlers in the commune and above it, and people who are not handlers of it
    MembershipFactory(user=UserFactory(username="xuly", first_name="", last_name=""), unit=commune, role=Role.HANDLER)
    MembershipFactory(user=UserFactory(username="chutich.tp"), unit=city, role=Role.HEAD)
    MembershipFactory(user=UserFactory(username="nghi", is_active=False), unit=commune, role=Role.HANDLER)
    MembershipFactory(user=UserFactory(username="xem"), unit=commune, role=Role.LEADER_VIEWER)
    MembershipFactory(user=UserFactory(username="ben.canh"), unit=other_commune, role=Role.OFFICER)
    # then the queue's plain read offers exactly them, named as before
    expected = [(u.pk, u.get_full_name() or u.username) for u in handlers_for(unit=commune)]
    assert handler_choices_for(unit_path=commune.path) == expected
    assert {name for _pk, name in expected} >= {"xuly"} and len(expected) == 3


def test_the_filter_offers_a_new_handler_on_the_next_request(client, commune, officer):
    client.force_login(officer)
    assert "Trần Thị Mới" not in client.get(reverse("petitions:queue")).content.decode()
    # the filter's markup is kept per handler list: a new handler changes it at once
    MembershipFactory(user=UserFactory(first_name="Trần Thị", last_name="Mới"), unit=commune, role=Role.HANDLER)
    assert '">Trần Thị Mới</option>' in client.get(reverse("petitions:queue")).content.decode()


def test_a_revoked_membership_closes_the_queue_on_the_next_request(client, commune, officer):
    # the memberships are read once per request, never kept from one request to the next
    client.force_login(officer)
    assert client.get(reverse("petitions:queue")).status_code == 200
    Membership.objects.filter(user=officer).delete()
    assert client.get(reverse("petitions:queue")).status_code == 404
