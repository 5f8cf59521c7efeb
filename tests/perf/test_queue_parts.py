"""The commune official's queue read in ordered, indexed parts (`petitions.fastpath.UnitQueue`,
docs/performance.md P5) shows exactly the rows, in exactly the order and paging, of the general
queue query it replaces — on a data set with every case that decides the order: overdue and
later deadlines, ties on the deadline and on the day received, suspended petitions (whose
deadline no longer runs), petitions without a deadline yet, denunciation duties earlier or later
than the petition's own deadline, duties on concluded petitions, done duties, closed petitions
and another commune's petitions."""

import itertools
import re
from dataclasses import replace
from datetime import date, timedelta

import pytest
from django.urls import reverse

from core.choices import PetitionKind
from petitions.fastpath import UnitQueue
from petitions.models import PetitionDuty, PetitionStatus
from petitions.selectors import QueueFilters, QueueScope, petition_queue, queue_scope_of
from petitions.views.queue import QUEUE_COLUMNS, PetitionQueueView
from tests.petitions.factories import receive

pytestmark = pytest.mark.django_db
S = PetitionStatus
TODAY = date(2026, 6, 15)


def _varied_queue(commune, other_commune, rule) -> None:
    statuses = [S.RECEIVED, S.CLASSIFIED, S.ACCEPTED, S.SUSPENDED, S.RESOLVED, S.REFUSED]
    dues = [None, TODAY - timedelta(days=9), TODAY - timedelta(days=1), TODAY, TODAY + timedelta(days=4)]
    received = [date(2026, 3, 2), date(2026, 3, 2), date(2026, 4, 20), date(2026, 1, 5)]
    # duties: none, overdue, later than the petition's deadline, a done one
    duties = [None, TODAY - timedelta(days=3), TODAY + timedelta(days=2), "done", None, None]
    combos = itertools.product(statuses, dues)
    for i, (status, due) in enumerate(combos):
        unit = other_commune if i % 11 == 10 else commune
        p = receive(unit, kind=PetitionKind.DENUNCIATION if i % 3 == 0 else PetitionKind.COMPLAINT)
        type(p).objects.filter(pk=p.pk).update(status=status, due_on=due, received_on=received[i % len(received)])
        duty = duties[i % len(duties)]
        if duty is not None:
            PetitionDuty.objects.create(
                petition=p,
                duty="notify_conclusion",
                start=TODAY - timedelta(days=20),
                due_on=TODAY - timedelta(days=30) if duty == "done" else duty,
                done_on=TODAY - timedelta(days=25) if duty == "done" else None,
                rule=rule,
            )


@pytest.fixture
def varied(commune, other_commune):
    rule = receive(commune, kind=PetitionKind.COMPLAINT).due_rule or _any_rule()
    _varied_queue(commune, other_commune, rule)


def _shown(response) -> tuple[list[str], list[str], list[str]]:
    """The rows (reference, deadline badge) and the count the official reads on a page."""
    html = response.content.decode()
    rows = re.findall(r'<a href="/petitions/\d+/">([^<]+)</a>', html)
    return rows, re.findall(r"badge-\w+", html), re.findall(r"(?:Hơn )?[\d.]+ đơn", html)


def _any_rule():
    from core.models import DeadlineRule

    return DeadlineRule.objects.first()


@pytest.mark.parametrize("today", [TODAY, TODAY - timedelta(days=5), TODAY + timedelta(days=5)])
@pytest.mark.parametrize("size", [1, 4, 7, 50])
def test_every_page_shows_the_same_rows_in_the_same_order_as_the_general_query(varied, commune, officer, today, size):
    general = list(petition_queue(user=officer, filters=QueueFilters(), today=today).only(*QUEUE_COLUMNS))
    assert len(general) > 20  # the data set really is varied: open, suspended, duties
    assert {p.status for p in general} >= {S.RECEIVED, S.SUSPENDED, S.RESOLVED}
    parts = UnitQueue(unit_id=commune.pk)
    assert parts.bounded_count(1000) == len(general)
    assert parts.bounded_count(5) == 6
    for offset in range(0, len(general) + size, size):
        page = parts[offset : offset + size]
        expected = general[offset : offset + size]
        assert [p.pk for p in page] == [p.pk for p in expected], f"page at {offset}"
        assert [p.duty_due_on for p in page] == [p.duty_due_on for p in expected]


def test_the_view_shows_the_same_pages_through_either_read(varied, client, officer, monkeypatch):
    monkeypatch.setattr(PetitionQueueView, "paginate_by", 4)
    client.force_login(officer)
    fast = [_shown(client.get(reverse("petitions:queue"), {"page": n})) for n in range(1, 12)]
    monkeypatch.setattr(
        "petitions.views.queue.queue_scope_of", lambda user: replace(queue_scope_of(user=user), unit_id=None)
    )
    general = [_shown(client.get(reverse("petitions:queue"), {"page": n})) for n in range(1, 12)]
    assert fast == general
    assert fast[0][0] and fast[0][1]  # rows and a count were shown


def test_only_a_single_unit_scope_takes_the_parted_read(commune, officer, city_leader):
    assert queue_scope_of(user=officer) == QueueScope(home_path=commune.path, unit_id=commune.pk)
    # a city official sees several units: the general query (same order) serves them
    assert queue_scope_of(user=city_leader).unit_id is None


def test_paging_through_the_queue_prepares_a_few_statements_not_one_a_page(varied, commune, is_postgres):
    """A statement prepared per page offset would stay in every connection's session until it
    ends: the page's statement is prepared per size class of offset + size instead."""
    parts = UnitQueue(unit_id=commune.pk)
    assert len({UnitQueue.statement_name(offset, 50) for offset in range(0, 1_000_000, 50)}) <= 15
    pages = [parts[offset : offset + 1] for offset in range(300)]
    assert sum(len(page) for page in pages) == parts.bounded_count(1000)  # every row once, then empty pages
    if is_postgres:
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SELECT name FROM pg_prepared_statements WHERE name LIKE 'unit_queue_page%%'")
            prepared = sorted(name for (name,) in cursor.fetchall())
        assert prepared == ["unit_queue_page_128", "unit_queue_page_256", "unit_queue_page_512", "unit_queue_page_64"]
