"""Reads: the head's reception-frequency check on both sides of 1 July 2026, the public schedule."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from core.models import UnitLevel
from reception.models import ReceivedBy, SessionKind
from reception.selectors import head_frequency_check, public_schedule, visit_answer_queue
from tests.factories import UnitFactory
from tests.reception.factories import SessionFactory, VisitFactory

pytestmark = pytest.mark.django_db


def _head_day(unit, day, **kwargs):
    return SessionFactory(unit=unit, date=day, head_day=True, **kwargs)


def test_commune_head_before_july_2026_needs_a_day_every_week(city, commune):
    # given the head received on the Thursdays of the first three weeks of June 2026, not the fourth
    for day in (4, 11, 18):
        _head_day(commune, date(2026, 6, day))
    # when June 1–28 is checked (four weeks)
    row = next(
        r for r in head_frequency_check(unit=city, start=date(2026, 6, 1), end=date(2026, 6, 28)) if r.unit == commune
    )
    # then three weeks meet the minimum of one day and the week of 22/06 does not
    assert [(r.period.start, r.held, r.met) for r in row.results] == [
        (date(2026, 6, 1), 1, True),
        (date(2026, 6, 8), 1, True),
        (date(2026, 6, 15), 1, True),
        (date(2026, 6, 22), 0, False),
    ]


def test_commune_head_from_july_2026_needs_two_days_a_month(city, commune):
    # given one reception day in July 2026 and two in August (weekly is no longer required)
    _head_day(commune, date(2026, 7, 9))
    _head_day(commune, date(2026, 8, 6))
    _head_day(commune, date(2026, 8, 20))
    # a desk day and a day the head delegated do not count as the head's days
    SessionFactory(unit=commune, date=date(2026, 7, 16), kind=SessionKind.REGULAR)
    _head_day(commune, date(2026, 7, 23), received_by=ReceivedBy.DELEGATE)
    rows = head_frequency_check(unit=city, start=date(2026, 7, 1), end=date(2026, 8, 31))
    row = next(r for r in rows if r.unit == commune)
    assert [(r.period.start, r.period.required, r.held, r.met) for r in row.results] == [
        (date(2026, 7, 1), 2, 1, False),
        (date(2026, 8, 1), 2, 2, True),
    ]


def test_imported_visits_received_by_the_head_count_as_reception_days(city):
    # Imported books have no sessions: a visit received by the head marks a reception day.
    VisitFactory(unit=city, received_on=date(2026, 3, 5), received_by=ReceivedBy.HEAD)
    VisitFactory(unit=city, received_on=date(2026, 3, 5), received_by=ReceivedBy.HEAD)
    rows = head_frequency_check(unit=city, start=date(2026, 3, 1), end=date(2026, 4, 30))
    city_row = rows[0]
    assert city_row.unit == city
    assert [(r.period.required, r.held) for r in city_row.results] == [(1, 1), (1, 0)]


def test_the_frequency_check_runs_in_a_fixed_number_of_queries(city, django_assert_num_queries):
    for i in range(5):
        unit = UnitFactory(parent=city, level=UnitLevel.COMMUNE)
        _head_day(unit, date(2026, 5, 7 + i))
    with django_assert_num_queries(3):
        rows = head_frequency_check(unit=city, start=date(2026, 1, 1), end=date(2026, 12, 31))
    assert len(rows) == 6


def test_the_public_schedule_shows_published_upcoming_head_days_only(commune):
    today = timezone.localdate()
    soon = _head_day(commune, today + timedelta(days=10), published_at=timezone.now())
    _head_day(commune, today + timedelta(days=17))  # not published
    _head_day(commune, today - timedelta(days=3), published_at=timezone.now())  # over
    SessionFactory(unit=commune, date=today + timedelta(days=3), published_at=timezone.now())  # desk day
    assert list(public_schedule(unit=commune)) == [soon]


def test_the_answer_queue_puts_overdue_answers_first_and_hides_answered(commune, officer):
    late = VisitFactory(unit=commune, answer_due_on=date(2026, 1, 10))
    later = VisitFactory(unit=commune, answer_due_on=date(2026, 5, 10))
    VisitFactory(unit=commune, answer_due_on=date(2026, 1, 1), answer="accepted")
    VisitFactory(unit=commune)
    assert list(visit_answer_queue(user=officer)) == [late, later]


def test_a_month_still_running_is_not_a_miss_yet(city, commune):
    _head_day(commune, date(2026, 9, 3))
    rows = head_frequency_check(unit=city, start=date(2026, 8, 1), end=date(2026, 9, 30), today=date(2026, 9, 10))
    row = next(r for r in rows if r.unit == commune)
    assert [(r.period.start.month, r.held, r.missed) for r in row.results] == [(8, 0, True), (9, 1, False)]
    assert row.periods_missed == 1


# --- the Party secretary, People's Council deputies, dialogue conferences (issue 19) --------


def _rows(unit, commune, start, end, today=date(2026, 12, 31)):
    return [r for r in head_frequency_check(unit=unit, start=start, end=end, today=today) if r.unit == commune]


def test_a_dialogue_conference_is_no_longer_a_reception_day_of_the_head(city, commune):
    dialogue = _head_day(commune, date(2026, 8, 6), kind=SessionKind.DIALOGUE)
    VisitFactory(unit=commune, session=dialogue, received_on=date(2026, 8, 6), received_by=ReceivedBy.HEAD)
    _head_day(commune, date(2026, 8, 13), kind=SessionKind.ONLINE)  # online reception is one
    _head_day(commune, date(2026, 8, 20))
    (head,) = _rows(city, commune, date(2026, 8, 1), date(2026, 8, 31))
    assert head.receiver == ReceivedBy.HEAD
    assert [(r.held, r.met) for r in head.results] == [(2, True)]
    VisitFactory(unit=commune, received_on=date(2026, 9, 3), received_by=ReceivedBy.HEAD)  # a day without a session
    (head,) = _rows(city, commune, date(2026, 9, 1), date(2026, 9, 30))
    assert head.days_held == 1


def test_the_party_secretary_is_checked_monthly_where_the_unit_records_them(city, commune, other_commune):
    SessionFactory(unit=commune, date=date(2026, 3, 5), kind=SessionKind.HEAD_PERIODIC, received_by="party_secretary")
    VisitFactory(unit=commune, received_on=date(2026, 7, 9), received_by=ReceivedBy.PARTY_SECRETARY)
    head, secretary = _rows(city, commune, date(2026, 7, 1), date(2026, 8, 31))
    assert (head.receiver, secretary.receiver) == (ReceivedBy.HEAD, ReceivedBy.PARTY_SECRETARY)
    assert secretary.receiver_label == "Bí thư cấp ủy"
    assert [(r.period.required, r.held, r.met, r.period.basis) for r in secretary.results] == [
        (1, 1, True, "Quy định 11-QĐi/TW"),
        (1, 0, False, "Quy định 11-QĐi/TW"),
    ]
    # Recorded before the range only: the unit keeps the row, and the months are missed.
    (_, secretary) = _rows(city, commune, date(2026, 10, 1), date(2026, 10, 31))
    assert (secretary.days_held, secretary.periods_missed) == (0, 1)
    # A unit that never recorded its secretary's reception has the head's row alone.
    assert [r.receiver for r in _rows(city, other_commune, date(2026, 7, 1), date(2026, 8, 31))] == [ReceivedBy.HEAD]


def test_deputies_days_are_shown_without_a_minimum(city, commune, django_assert_num_queries):
    VisitFactory(unit=commune, received_on=date(2026, 7, 9), received_by=ReceivedBy.DEPUTY)
    VisitFactory(unit=commune, received_on=date(2026, 7, 9), received_by=ReceivedBy.DEPUTY)
    SessionFactory(unit=commune, date=date(2026, 7, 16), kind=SessionKind.AD_HOC, received_by=ReceivedBy.DEPUTY)
    with django_assert_num_queries(3):
        _head, deputies = _rows(city, commune, date(2026, 7, 1), date(2026, 8, 31))
    assert deputies.receiver == ReceivedBy.DEPUTY and not deputies.has_minimum
    assert (deputies.days_held, deputies.periods_missed) == (2, 0)
