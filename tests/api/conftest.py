"""Keys for the API tests: one per commune, read or write, issued by the city's administrator."""

import pytest
from rest_framework.test import APIClient

from api import services
from api.models import Scope
from core.models import Role
from tests.factories import MembershipFactory, UserFactory


@pytest.fixture
def city_admin(city):
    user = UserFactory(username="quantri")
    MembershipFactory(user=user, unit=city, role=Role.ADMIN)
    return user


def _issue(unit, scope, actor, name):
    key, raw = services.api_key_issue(name=name, unit=unit, scope=scope, actor=actor)
    key.raw = raw
    return key


@pytest.fixture
def read_key(commune, city_admin):
    return _issue(commune, Scope.READ, city_admin, "Cổng phường Hoàn Kiếm")


@pytest.fixture
def write_key(commune, city_admin):
    return _issue(commune, Scope.WRITE, city_admin, "Ứng dụng phản ánh")


@pytest.fixture
def other_key(other_commune, city_admin):
    return _issue(other_commune, Scope.WRITE, city_admin, "Cổng phường Ba Đình")


@pytest.fixture
def api():
    return APIClient()


def with_key(client, key):
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key.raw}")
    return client
