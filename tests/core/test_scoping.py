"""Officials see only their units' subtrees: lists are filtered and other units' pages are 404."""

import pytest
from django.urls import reverse

from core.models import Unit
from core.selectors import scope_to_user, units_visible_to, user_has_role
from tests.factories import UnitFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_an_official_sees_their_commune_and_nothing_beside_it(officer, commune, other_commune, city):
    visible = set(units_visible_to(user=officer).values_list("code", flat=True))
    assert visible == {commune.code}


def test_a_city_leader_sees_the_whole_city(city_leader, city, commune, other_commune):
    visible = set(units_visible_to(user=city_leader).values_list("code", flat=True))
    assert visible == {city.code, commune.code, other_commune.code}


def test_scope_follows_a_foreign_key_path(officer, commune, other_commune):
    qs = scope_to_user(Unit.objects.filter(parent__isnull=False), user=officer, field="")
    assert list(qs) == [commune]


def test_role_is_inherited_by_units_below(head, commune):
    below = UnitFactory(code="T1", parent=commune)
    assert user_has_role(user=head, unit=below, roles=["head"])
    assert not user_has_role(user=head, unit=below, roles=["inspector"])


def test_a_user_without_membership_sees_nothing(db, commune):
    assert not units_visible_to(user=UserFactory()).exists()


def test_opening_another_communes_page_is_404(client, officer, commune, other_commune):
    client.force_login(officer)
    assert client.get(reverse("core:unit_detail", args=[commune.code])).status_code == 200
    assert client.get(reverse("core:unit_detail", args=[other_commune.code])).status_code == 404


def test_anonymous_is_sent_to_login(client, commune):
    response = client.get(reverse("core:unit_detail", args=[commune.code]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_health_answers_without_login(client):
    assert client.get(reverse("core:health")).json() == {"status": "ok"}
