"""Hand-written statements prepared once per PostgreSQL connection (core.prepared)."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext

from core.prepared import as_run, fetch_prepared
from tests.factories import UnitFactory

pytestmark = pytest.mark.django_db

SQL = "SELECT code FROM core_unit WHERE code >= %s ORDER BY code LIMIT 2"


@pytest.mark.django_db(transaction=True)  # the test closes its connection
def test_a_prepared_statement_gives_the_rows_of_the_statement_on_every_connection():
    for code in ("P01", "P02", "P03"):
        UnitFactory(code=code, name=f"Đơn vị {code}")

    with CaptureQueriesContext(connection) as ctx:
        first = fetch_prepared("test_units_from", SQL, ["P02"])
        again = fetch_prepared("test_units_from", SQL, ["P01"])
    connection.close()  # a new connection has none of the old one's statements
    anew = fetch_prepared("test_units_from", SQL, ["P02"])

    assert first == anew == [("P02",), ("P03",)]
    assert again == [("P01",), ("P02",)]
    assert len(ctx.captured_queries) == 2  # preparing rides on the first execution
    if connection.vendor == "postgresql":
        assert ctx.captured_queries[0]["sql"].startswith("PREPARE test_units_from AS SELECT")
        assert ctx.captured_queries[1]["sql"] == "EXECUTE test_units_from('P01')"
        run, explain = as_run(ctx.captured_queries[1]["sql"])
        assert "FROM core_unit" in run
        assert explain == "EXECUTE test_units_from('P01')"


def test_only_plain_names_and_placeholders_are_prepared():
    with pytest.raises(ValueError):
        fetch_prepared("bad name", SQL, ["P01"])
    with pytest.raises(ValueError):
        fetch_prepared("units_like", "SELECT code FROM core_unit WHERE code LIKE 'P%'", [])


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite divides by zero to NULL")
def test_a_statement_that_failed_once_runs_on_the_next_call():
    """PostgreSQL keeps a PREPARE whose EXECUTE failed (a rollback does not undo it): the next
    call must neither prepare it twice nor assume it missing."""
    sql = "SELECT 10 / %s"
    with pytest.raises(DatabaseError), transaction.atomic():
        fetch_prepared("test_tenth", sql, [0])

    assert fetch_prepared("test_tenth", sql, [5]) == [(2,)]
    assert fetch_prepared("test_tenth", sql, [2]) == [(5,)]
