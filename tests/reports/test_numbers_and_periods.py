"""Rates, Vietnamese number formats and report periods: pure functions."""

from datetime import date
from decimal import Decimal

import pytest

from reports.formatting import change, rate, vi_int, vi_pct
from reports.periods import Convention, Period, PeriodKind, guess_kind, last_closed_quarter, period_of


@pytest.mark.parametrize(
    ("numerator", "denominator", "expected"),
    [
        (9685, 10000, Decimal("96.9")),  # 96,85 → 96,9 (half-up, no float error)
        (96849, 100000, Decimal("96.8")),
        (5717, 5903, Decimal("96.8")),
        (92277, 92593, Decimal("99.7")),
        (22, 35, Decimal("62.9")),
        (1, 1, Decimal("100.0")),
        (0, 7, Decimal("0.0")),
        (1, 0, None),
    ],
)
def test_rate_rounds_half_up_to_one_decimal(numerator, denominator, expected):
    assert rate(numerator, denominator) == expected


@pytest.mark.parametrize(
    ("current", "previous", "expected"),
    [(737, 810, Decimal("-9.0")), (96, 80, Decimal("20.0")), (5, 0, None), (0, 0, None), (3, 3, Decimal("0.0"))],
)
def test_change_against_the_same_period(current, previous, expected):
    assert change(current, previous) == expected


@pytest.mark.parametrize(
    ("value", "text"),
    [(0, "0"), (7, "7"), (1645, "1.645"), (92730, "92.730"), (1234567, "1.234.567")],
)
def test_vietnamese_integers(value, text):
    assert vi_int(value) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [(96.8, "96,8%"), (9.0, "9%"), (100.0, "100%"), (62.9, "62,9%"), (0.0, "0%"), (1234.5, "1.234,5%")],
)
def test_vietnamese_percentages(value, text):
    assert vi_pct(value) == text


@pytest.mark.parametrize(
    ("start", "end", "previous"),
    [
        (date(2019, 1, 1), date(2019, 8, 31), (date(2018, 1, 1), date(2018, 8, 31))),
        (date(2020, 2, 1), date(2020, 2, 29), (date(2019, 2, 1), date(2019, 2, 28))),
        (date(2020, 2, 29), date(2020, 3, 31), (date(2019, 2, 28), date(2019, 3, 31))),
    ],
)
def test_previous_period_is_the_same_dates_a_year_earlier(start, end, previous):
    assert Period(start, end).previous == Period(*previous)


@pytest.mark.parametrize(
    ("kind", "index", "convention", "expected"),
    [
        (PeriodKind.QUARTER, 1, Convention.CALENDAR, (date(2019, 1, 1), date(2019, 3, 31))),
        (PeriodKind.QUARTER, 4, Convention.CALENDAR, (date(2019, 10, 1), date(2019, 12, 31))),
        (PeriodKind.QUARTER, 1, Convention.OFFICIAL, (date(2018, 12, 15), date(2019, 3, 14))),
        (PeriodKind.QUARTER, 3, Convention.OFFICIAL, (date(2019, 6, 15), date(2019, 9, 14))),
        (PeriodKind.HALF, 1, Convention.OFFICIAL, (date(2018, 12, 15), date(2019, 6, 14))),
        (PeriodKind.HALF, 2, Convention.CALENDAR, (date(2019, 7, 1), date(2019, 12, 31))),
        (PeriodKind.NINE_MONTHS, 1, Convention.CALENDAR, (date(2019, 1, 1), date(2019, 9, 30))),
        (PeriodKind.NINE_MONTHS, 1, Convention.OFFICIAL, (date(2018, 12, 15), date(2019, 9, 14))),
        (PeriodKind.YEAR, 1, Convention.OFFICIAL, (date(2018, 12, 15), date(2019, 12, 14))),
    ],
)
def test_periods_by_convention(kind, index, convention, expected):
    period = period_of(kind, 2019, index, convention)
    assert (period.start, period.end) == expected
    assert guess_kind(period, convention) == (kind, index)


@pytest.mark.parametrize(
    ("today", "convention", "expected"),
    [
        (date(2019, 4, 1), Convention.CALENDAR, (2019, 1)),
        (date(2019, 1, 1), Convention.CALENDAR, (2018, 4)),
        (date(2019, 3, 15), Convention.OFFICIAL, (2019, 1)),
        (date(2019, 3, 14), Convention.OFFICIAL, (2018, 4)),
        (date(2019, 10, 1), Convention.OFFICIAL, (2019, 3)),
    ],
)
def test_last_closed_quarter(today, convention, expected):
    assert last_closed_quarter(today, convention) == expected


def test_a_period_cannot_end_before_it_starts():
    with pytest.raises(ValueError, match="ends before"):
        Period(date(2019, 2, 1), date(2019, 1, 1))
