"""The hot queries use an index, never a sequential scan of a big table (PostgreSQL only).

A city of 40 communes with thousands of petitions, dossiers and visits, freshly ANALYZEd, so
that PostgreSQL's planner chooses as it would at scale: reading one commune's 2.5% of a table
through an index is cheaper than reading the whole table, and a plan that still scans the
whole table means the index is missing or the query cannot use it. Each hot page is rendered
through the client as its user would open it, every query it runs on a big table is
EXPLAINed, and the test fails naming the query and its plan.

The leaders' dashboard must go further: once its few live figures are in the cache, it reads
the compiled report and touches no raw record table at all (P4 in docs/performance.md).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from adminreform.selectors import dossier_for_lookup
from bench.plans import BIG_TABLES, as_run, reads_of
from core.models import Role, Unit, UnitLevel
from petitions.selectors import petition_by_code
from reports.compiling import compile_figures
from reports.periods import Period
from reports.services import report_compile_now
from tests.factories import MembershipFactory, UnitFactory, UserFactory
from tests.petitions.factories import receive
from tests.reports.factories import dossiers, petitions, save, visits

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

COMMUNES = 40
PER_COMMUNE = 150  # of each kind: 6,000 petitions, 6,000 dossiers, 6,000 visits


def _nodes(plan: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield plan
    for child in plan.get("Plans", []):
        yield from _nodes(child)


def seq_scans(sql: str, params: Any = None) -> tuple[list[str], str]:
    """The big tables the plan of `sql` reads sequentially, and the plan as text."""
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
        raw = cursor.fetchone()[0]
        cursor.execute("EXPLAIN " + sql, params)
        text = "\n".join(row[0] for row in cursor.fetchall())
    plan = (json.loads(raw) if isinstance(raw, str) else raw)[0]["Plan"]
    found = sorted(
        {
            n["Relation Name"]
            for n in _nodes(plan)
            if n["Node Type"] == "Seq Scan" and n.get("Relation Name") in BIG_TABLES
        }
    )
    return found, text


def big_queries(captured: list[dict[str, Any]]) -> list[str]:
    """The reads of big tables among the captured statements, as they can be EXPLAINed (a
    prepared statement's execution as `EXECUTE name(…)`, core.prepared)."""
    return [explain for _run, explain in reads_of(captured, BIG_TABLES)]


@pytest.fixture
def city_of_communes(city) -> list[Unit]:
    communes = [
        UnitFactory(code=f"9{i:04d}", name=f"Phường Thử {i}", level=UnitLevel.COMMUNE, parent=city)
        for i in range(COMMUNES)
    ]
    today = timezone.localdate()
    for i in range(PER_COMMUNE):
        on = today - timedelta(days=i % 60)
        save(
            petitions(communes, COMMUNES, on=on),
            dossiers(communes, COMMUNES, on=on, due=on + timedelta(days=10)),
            visits(communes, COMMUNES, on=on),
        )
    # every dossier left open, as the generated city leaves them (the worst case for the
    # counter's list: the partial index of open dossiers cannot help)
    with connection.cursor() as cursor:
        for table in ("core_unit", *BIG_TABLES):
            cursor.execute(f"ANALYZE {table}")
    return communes


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_seq_scan_check_does_see_a_sequential_scan(city_of_communes):
    """The control: a query no index serves is reported, so the check below can fail."""
    found, _plan = seq_scans("SELECT id FROM petitions_petition WHERE subject LIKE %s", ["%x%"])
    assert found == ["petitions_petition"]


def test_staff_lists_read_big_tables_through_indexes(city_of_communes):
    # given an official of one commune among 40
    official = UserFactory(username="canbo.plan")
    for role in (Role.OFFICER, Role.HANDLER):
        MembershipFactory(user=official, unit=city_of_communes[7], role=role)
    client = _client(official)
    pages = [
        ("petitions:queue", {}),
        ("petitions:queue", {"q": "thu", "kind": "complaint", "status": "all"}),
        ("adminreform:dossier_list", {}),
        ("reception:visit_queue", {}),
    ]
    problems: list[str] = []
    for name, query in pages:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse(name), query).status_code == 200
        checked = big_queries(ctx.captured_queries)
        if name != "reception:visit_queue":
            assert checked, f"{name} read no big table: the check would prove nothing"
        for sql in checked:
            found, plan = seq_scans(sql)
            if found:
                problems.append(f"{name} {query}: seq scan on {found}\n{sql[:600]}\n{plan}")
    assert not problems, "\n\n".join(problems)


def test_public_lookups_by_code_use_an_index(city_of_communes):
    with CaptureQueriesContext(connection) as ctx:
        petition_by_code(code="DT-ABCD-EFGH")
        dossier_for_lookup(code="90007-260101-0001", pin="123456")
    checked = big_queries(ctx.captured_queries)
    assert len(checked) == 2
    problems = [f"seq scan on {found}\n{sql}\n{plan}" for sql in checked for found, plan in [seq_scans(sql)] if found]
    assert not problems, "\n\n".join(problems)


def test_a_filing_is_numbered_through_the_unique_indexes_by_a_prepared_statement(city_of_communes):
    """P1: one statement numbers a filing (the unit's next register number, unless the
    double-click key is used, and whether the number or the drawn tracking code is taken). It
    is prepared once per connection, and its plan looks each one up through its unique index."""
    unit = city_of_communes[3]
    online = {"channel": "online", "respondent": ""}  # filed online, with a double-click key
    receive(unit, idempotency_key="a" * 32, **online)  # the connection's first filing prepares it
    with CaptureQueriesContext(connection) as ctx:
        receive(unit, idempotency_key="b" * 32, **online)
    numbering = [q["sql"] for q in ctx.captured_queries if q["sql"].startswith("EXECUTE petition_number(")]
    assert len(numbering) == 1, [q["sql"][:80] for q in ctx.captured_queries]
    run, explain = as_run(numbering[0])
    assert "petitions_petitioncounter" in run
    found, plan = seq_scans(explain)
    assert found == [], plan
    for index in ("petition_unique_ref", "petition_unique_idempotency_key", "petition_unique_tracking_code"):
        assert index in plan, plan


def test_the_city_dashboard_reads_the_compiled_report_not_the_records(city, city_of_communes):
    leader = UserFactory(username="lanhdao.plan")
    MembershipFactory(user=leader, unit=city, role=Role.LEADER_VIEWER)
    today = timezone.localdate()
    start = date(today.year, 1, 1)
    report_compile_now(unit=city, period=Period(start, today), kind="range", convention="calendar", actor=None)
    client = _client(leader)
    query = {"unit": city.code, "kind": "range", "date_from": start.isoformat(), "date_to": today.isoformat()}
    # The figures that cannot be compiled are counted on demand and cached: the petitions
    # overdue today (a minute, `reports.tiles.overdue_now`) and the 12-month charts (an hour,
    # `reports.yearly`). P4 measures the dashboard as leaders read it, over and over: the first
    # view fills the cache, every later one reads the compiled report and the cache only.
    assert client.get(reverse("reports:dashboard"), query).status_code == 200
    with CaptureQueriesContext(connection) as ctx:
        page = client.get(reverse("reports:dashboard"), query)
    assert page.status_code == 200 and "Phường Thử 7" in page.text  # the communes' figures are there
    assert big_queries(ctx.captured_queries) == []


def test_a_report_counts_last_years_petitions_of_a_subtree_through_the_dates_index(city, city_of_communes):
    """The same period last year is counted over every unit of the subtree: a range of dates
    read from an index that carries the unit, not a pass over every petition of the table."""
    today = timezone.localdate()
    period = Period(today - timedelta(days=90), today)
    with CaptureQueriesContext(connection) as ctx:
        compile_figures(unit=city, period=period)
    counts = [
        explain
        for run, explain in reads_of(ctx.captured_queries, ["petitions_petition"])
        if "COUNT(*)" in run and period.previous.start.isoformat() in explain
    ]
    assert len(counts) == 1, [q["sql"] for q in ctx.captured_queries]
    found, plan = seq_scans(counts[0])
    assert found == [] and "petition_received_unit_idx" in plan, plan


QUEUE_INDEXES = ("petition_queue_dated_idx", "petition_queue_undated_idx")


def test_a_commune_queue_reads_each_part_of_a_page_through_its_partial_index(city_of_communes):
    """P5 at 10M: the official's unfiltered queue is read in ordered parts (running deadlines by
    date, then the rest newest first), each through its partial index on (unit, …) — not a
    read of all the commune's open petitions to sort them."""
    # half of the petitions have a running deadline, the others none yet
    with connection.cursor() as cursor:
        cursor.execute("UPDATE petitions_petition SET due_on = received_on + 30 WHERE id % 2 = 0")
        cursor.execute("ANALYZE petitions_petition")
    official = UserFactory(username="canbo.hangdoi")
    MembershipFactory(user=official, unit=city_of_communes[7], role=Role.OFFICER)
    client = _client(official)
    used: dict[str, str] = {}
    for page in (1, 3):  # 150 petitions, 50 a page: page 1 is all dated, page 3 all undated
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("petitions:queue"), {"page": page}).status_code == 200
        for sql in big_queries(ctx.captured_queries):
            run, _explain = as_run(sql)
            if "ORDER BY" not in run or "LIMIT" not in run:
                continue
            _found, plan = seq_scans(sql)
            for index in QUEUE_INDEXES:
                if f"using {index}" in plan or f"on {index}" in plan:
                    used[index] = plan
    # (at this size PostgreSQL may sort the 75 rows a bitmap scan of the index finds; at 10M it
    # reads the index in order and stops at the LIMIT — the EXPLAIN ANALYZE in docs/performance.md)
    assert set(used) == set(QUEUE_INDEXES), used


def test_a_commune_dossier_list_reads_its_open_dossiers_through_the_partial_index(city_of_communes):
    """The counter's unfiltered list of one commune reads its own open dossiers through
    (unit_id, due_on, ref, id) WHERE open — not all of them through `unit_id` to sort them
    (3.7 s at 10M before; docs/performance.md)."""
    # a busy counter: 3,000 more open dossiers due over a month (at 150 a sort of them all is
    # rightly cheaper than any index)
    busy, today = city_of_communes[7], timezone.localdate()
    save(*(dossiers(busy, 100, on=today, due=today + timedelta(days=d)) for d in range(30)))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE adminreform_dossier")
    official = UserFactory(username="canbo.hoso")
    MembershipFactory(user=official, unit=busy, role=Role.OFFICER)
    with CaptureQueriesContext(connection) as ctx:
        assert _client(official).get(reverse("adminreform:dossier_list")).status_code == 200
    plans = [seq_scans(sql)[1] for sql in big_queries(ctx.captured_queries) if "LIMIT" in sql]
    assert any("dossier_open_unit_due_idx" in plan for plan in plans), "\n\n".join(plans)


def test_a_filing_writes_no_index_that_only_copies_another():
    """Every index of the tables a filing inserts into is written by every filing. None may
    be a LIKE copy (varchar_pattern_ops: no query searches a code or key by prefix), nor a
    single-column index whose column already leads a composite one."""
    tables = ("petitions_petition", "petitions_petitionevent", "petitions_notification")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s) ORDER BY 1, 2",
            [list(tables)],
        )
        indexes = cursor.fetchall()
    like_copies = [name for _, name, definition in indexes if "pattern_ops" in definition]
    assert like_copies == []
    columns = {
        (table, name): definition.split(" USING btree (", 1)[1].split(")", 1)[0].split(", ")
        for table, name, definition in indexes
        if " WHERE " not in definition
    }
    shadowed = [
        name
        for (table, name), cols in columns.items()
        if len(cols) == 1
        and any(t == table and o != name and len(c) > 1 and c[0] == cols[0] for (t, o), c in columns.items())
    ]
    assert shadowed == []
