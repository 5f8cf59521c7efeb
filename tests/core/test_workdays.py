"""Working-day arithmetic over Việt Nam's calendar: Tết, substituted days off and make-up Saturdays."""

from datetime import date

import pytest

from civicdesk.workdays import (
    DayKind,
    RuleSpec,
    WorkCalendar,
    add_calendar_days,
    add_working_days,
    compute_deadline,
    subtract_working_days,
    working_days_between,
)
from core.selectors import work_calendar


@pytest.fixture(scope="module")
def vn() -> WorkCalendar:
    # The package calendar alone (no admin exceptions): built without the database.
    import holidays

    national = holidays.country_holidays("VN", years=range(2024, 2028))
    return WorkCalendar.of(days_off=national.keys(), make_up_days=national.weekend_workdays)


@pytest.mark.parametrize(
    ("start", "days", "expected", "why"),
    [
        (date(2026, 2, 13), 1, date(2026, 2, 23), "Tết 2026 (16–20/02) and two weekends are skipped"),
        (date(2026, 2, 13), 10, date(2026, 3, 6), "10 working days across Tết 2026"),
        (date(2025, 1, 24), 5, date(2025, 2, 7), "Tết 2025: 27/01–01/02 off"),
        (date(2025, 4, 25), 1, date(2025, 4, 26), "Saturday 26/04/2025 is a make-up working day"),
        (date(2025, 4, 29), 1, date(2025, 5, 5), "30/4, 1/5 and the substituted 2/5 are off"),
        (date(2026, 8, 21), 1, date(2026, 8, 22), "Saturday 22/08/2026 is a make-up working day"),
        (date(2026, 8, 28), 1, date(2026, 9, 3), "31/08 (substituted), 1–2/09 National Day are off"),
        (date(2026, 3, 2), 0, date(2026, 3, 2), "zero days is the start itself"),
        (date(2026, 3, 6), 1, date(2026, 3, 9), "a Friday's next working day is Monday"),
    ],
)
def test_add_working_days(vn, start, days, expected, why):
    assert add_working_days(start, days, calendar=vn) == expected, why


def test_calendar_limit_ending_on_a_day_off_moves_to_next_working_day(vn):
    # 30 days from 20/01/2026 ends on 19/02/2026, inside Tết: the limit ends Monday 23/02.
    assert add_calendar_days(date(2026, 1, 20), 30, calendar=vn) == date(2026, 2, 23)
    # Ending on a plain weekday stays put.
    assert add_calendar_days(date(2026, 3, 2), 30, calendar=vn) == date(2026, 4, 1)


def test_working_days_between_counts_after_start_up_to_end(vn):
    assert working_days_between(date(2026, 2, 13), date(2026, 3, 6), calendar=vn) == 10
    assert working_days_between(date(2026, 3, 6), date(2026, 2, 13), calendar=vn) == -10
    assert subtract_working_days(date(2026, 3, 6), 10, calendar=vn) == date(2026, 2, 13)


def test_negative_days_are_refused(vn):
    with pytest.raises(ValueError):
        add_working_days(date(2026, 3, 2), -1, calendar=vn)


def test_compute_deadline_returns_the_rule_that_produced_it(vn):
    rule = RuleSpec(code="petition.classify", amount=10, day_kind=DayKind.WORKING_DAYS, legal_basis="Luật TCD art. 28")
    deadline = compute_deadline(date(2026, 2, 13), rule, calendar=vn)
    assert (deadline.due_on, deadline.rule, deadline.start) == (date(2026, 3, 6), rule, date(2026, 2, 13))
    assert compute_deadline(date(2026, 3, 2), rule, calendar=vn, amount=15).due_on == date(2026, 3, 23)


@pytest.mark.django_db
def test_admin_entered_days_change_the_calendar():
    from core.models import CalendarDay

    # An extra day off on Thursday 31/12/2026, and Saturday 09/01/2027 worked in exchange.
    CalendarDay.objects.create(date=date(2026, 12, 31), kind=CalendarDay.Kind.DAY_OFF, note="Nghỉ bù")
    CalendarDay.objects.create(date=date(2027, 1, 9), kind=CalendarDay.Kind.WORKING_DAY, note="Làm bù")
    calendar = work_calendar(start=date(2026, 1, 1), end=date(2027, 12, 31))
    assert add_working_days(date(2026, 12, 30), 1, calendar=calendar) == date(2027, 1, 4)
    assert add_working_days(date(2027, 1, 8), 1, calendar=calendar) == date(2027, 1, 9)
