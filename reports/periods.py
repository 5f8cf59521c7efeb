"""Report periods: quarters, halves, nine months, years and any range, under the calendar
convention or the official cut-off (Decree 09/2019/NĐ-CP art. 12: from the 15th of the month
before the period to the 14th of its last month). Pure functions."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum


class PeriodKind(StrEnum):
    QUARTER = "quarter"
    HALF = "half"
    NINE_MONTHS = "nine_months"
    YEAR = "year"
    RANGE = "range"


class Convention(StrEnum):
    CALENDAR = "calendar"
    OFFICIAL = "official"


@dataclass(frozen=True)
class Period:
    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError("The period ends before it starts.")

    @property
    def previous(self) -> Period:
        """The same dates one year earlier (29 February becomes 28 February)."""
        return Period(one_year_earlier(self.start), one_year_earlier(self.end))


def one_year_earlier(day: date) -> date:
    if day.month == 2 and day.day == 29:
        return date(day.year - 1, 2, 28)
    return day.replace(year=day.year - 1)


def _last_day(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def months_of(kind: PeriodKind, index: int) -> tuple[int, int]:
    """First and last month of the `index`-th period of `kind` in a year (quarter 1–4, half 1–2)."""
    if kind == PeriodKind.QUARTER:
        if not 1 <= index <= 4:
            raise ValueError("A quarter is numbered 1 to 4.")
        return 3 * index - 2, 3 * index
    if kind == PeriodKind.HALF:
        if index not in (1, 2):
            raise ValueError("A half-year is numbered 1 or 2.")
        return 6 * index - 5, 6 * index
    if kind == PeriodKind.NINE_MONTHS:
        return 1, 9
    if kind == PeriodKind.YEAR:
        return 1, 12
    raise ValueError("A range has no fixed months.")


def period_of(kind: PeriodKind, year: int, index: int = 1, convention: Convention = Convention.CALENDAR) -> Period:
    first, last = months_of(kind, index)
    if convention == Convention.CALENDAR:
        return Period(date(year, first, 1), _last_day(year, last))
    # Official cut-off: the 15th of the month before the first month to the 14th of the last.
    start = date(year, first, 1) - timedelta(days=1)
    return Period(start.replace(day=15), date(year, last, 14))


def last_closed_quarter(today: date, convention: Convention = Convention.CALENDAR) -> tuple[int, int]:
    """(year, quarter) of the latest quarter that has closed on `today`."""
    quarter = (today.month - 1) // 3 + 1
    year = today.year
    if convention == Convention.OFFICIAL and today.month in (3, 6, 9, 12) and today.day > 14:
        return year, quarter
    quarter -= 1
    if quarter == 0:
        return year - 1, 4
    return year, quarter


def guess_kind(period: Period, convention: Convention) -> tuple[PeriodKind, int]:
    """The kind (and index) whose dates are exactly `period`; RANGE otherwise."""
    for kind, indexes in (
        (PeriodKind.QUARTER, (1, 2, 3, 4)),
        (PeriodKind.HALF, (1, 2)),
        (PeriodKind.NINE_MONTHS, (1,)),
        (PeriodKind.YEAR, (1,)),
    ):
        for index in indexes:
            if period_of(kind, period.end.year, index, convention) == period:
                return kind, index
    return PeriodKind.RANGE, 0
