"""Shared fixtures: a small tree of units (a city, two communes) and officials in each."""

import os

import pytest
from django.db import connection

from core.models import Role, Unit, UnitLevel
from tests import dbflush
from tests.factories import MembershipFactory, UnitFactory, UserFactory
from tests.rules import seed_deadline_rules


@pytest.fixture
def city(db) -> Unit:
    return UnitFactory(code="01", name="Thành phố Hà Nội", level=UnitLevel.PROVINCE)


@pytest.fixture
def commune(city) -> Unit:
    return UnitFactory(code="00070", name="Phường Hoàn Kiếm", parent=city)


@pytest.fixture
def other_commune(city) -> Unit:
    return UnitFactory(code="00004", name="Phường Ba Đình", parent=city)


def _member(unit: Unit, role: str, username: str):
    user = UserFactory(username=username)
    MembershipFactory(user=user, unit=unit, role=role)
    return user


@pytest.fixture
def officer(commune):
    return _member(commune, Role.OFFICER, "canbo")


@pytest.fixture
def handler(commune):
    return _member(commune, Role.HANDLER, "xuly")


@pytest.fixture
def head(commune):
    return _member(commune, Role.HEAD, "chutich")


@pytest.fixture
def other_officer(other_commune):
    return _member(other_commune, Role.OFFICER, "canbo.khac")


@pytest.fixture
def city_leader(city):
    return _member(city, Role.LEADER_VIEWER, "lanhdao")


@pytest.fixture
def is_postgres() -> bool:
    return connection.vendor == "postgresql"


def pytest_collection_modifyitems(config, items):
    if os.environ.get("PYTEST_XDIST_WORKER"):
        _long_files_first(items)
    if connection.vendor == "postgresql":
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL); CI runs it")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


def _long_files_first(items: list[pytest.Item]) -> None:
    """`make test` hands whole files to its workers in the order they are collected
    (`--dist loadfile --no-loadscope-reorder`). The files marked `long` come first, then the
    others by their number of tests, most first (xdist's own order otherwise): a long file of a
    few tests would come last and run alone while the other workers wait for it. Within a
    file the tests keep their order."""
    files: dict[str, list[pytest.Item]] = {}
    for item in items:
        files.setdefault(item.nodeid.split("::")[0], []).append(item)
    ordered = sorted(files.values(), key=lambda tests: (tests[0].get_closest_marker("long") is None, -len(tests)))
    items[:] = [item for tests in ordered for item in tests]


@pytest.fixture(scope="session", autouse=True)
def _flush_only_filled_tables():
    """A transactional test's flush empties only the tables holding rows (tests/dbflush.py)."""
    dbflush.install()


@pytest.fixture(autouse=True)
def _seeded_deadline_rules(request):
    """The deadline rules come from a data migration; a transactional test's flush erases
    them, so put them back for whatever test runs next."""
    names, marker = request.fixturenames, request.node.get_closest_marker("django_db")
    if marker is None and "django_db_setup" not in names:
        return
    transactional = (
        "transactional_db" in names or "live_server" in names or bool(marker and marker.kwargs.get("transaction"))
    )
    request.getfixturevalue("transactional_db" if transactional else "db")
    from core.models import DeadlineRule

    if not DeadlineRule.objects.exists():
        seed_deadline_rules()


# CI replays the same Hypothesis examples every run, so a red build is reproducible;
# locally the search keeps exploring new inputs.
if os.environ.get("CI"):
    from hypothesis import settings as hypothesis_settings

    hypothesis_settings.register_profile("ci", derandomize=True, database=None)
    hypothesis_settings.load_profile("ci")


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Public forms allow a few posts a minute per address (core.ratelimit), counted in the
    cache (Redis in CI): every test starts with no count, whatever ran before it."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _default_language():
    """A request in English leaves English active in the thread that served it: every test
    starts in the site's language (Vietnamese), whichever test ran before it on this worker."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _fresh_reference_cache():
    """Calendar exceptions and deadline rules are kept per process (core.selectors), and so are
    the Open311 list's answers (api.fastpath): every test reads its own rows, not those of a
    test whose transaction was rolled back."""
    from api.fastpath import LIST_ANSWERS
    from core.selectors import reference_cache

    reference_cache.clear()
    LIST_ANSWERS.clear()


@pytest.fixture
def city_inspector(city):
    return _member(city, Role.INSPECTOR, "thanhtra.tp")


@pytest.fixture
def city_head(city):
    return _member(city, Role.HEAD, "chutich.tp")
