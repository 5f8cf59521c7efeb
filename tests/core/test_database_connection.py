"""A persistent database connection the server has ended (a restart, an administrator's
`pg_terminate_backend`) costs no citizen a failed request: at the next request's start it is
found closed and replaced (CONN_HEALTH_CHECKS, checked without a round trip by
civicdesk.postgresql); one the server still holds is kept."""

import time
from collections.abc import Iterator

import pytest
from django.db import connection
from django.db.backends.base.base import BaseDatabaseWrapper

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="persistent server connections are PostgreSQL's"),
    pytest.mark.django_db,
]


@pytest.fixture
def persistent() -> Iterator[BaseDatabaseWrapper]:
    """A web worker's connection: persistent (CONN_MAX_AGE), health-checked, outside the test's
    transaction."""
    worker = connection.copy()
    worker.settings_dict["CONN_MAX_AGE"] = 600
    worker.settings_dict["CONN_HEALTH_CHECKS"] = True
    yield worker
    worker.close()


def _pid(worker: BaseDatabaseWrapper) -> int:
    with worker.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def _between_requests(worker: BaseDatabaseWrapper) -> None:
    """What a request's end and the next one's start do (django.db.close_old_connections)."""
    worker.close_if_unusable_or_obsolete()


def test_a_connection_the_server_ended_is_replaced_before_the_next_query(persistent):
    pid = _pid(persistent)
    _between_requests(persistent)
    with connection.cursor() as cursor:  # an administrator's session
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
        for _attempt in range(200):  # the backend exits shortly after it is told to
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [pid])
            if cursor.fetchone()[0] == 0:
                break
            time.sleep(0.01)
    _between_requests(persistent)
    assert _pid(persistent) != pid  # the next request's first query succeeds, on a new connection


def test_a_connection_the_server_still_holds_is_kept(persistent):
    pid = _pid(persistent)
    for _request in range(3):
        _between_requests(persistent)
        assert _pid(persistent) == pid
