"""Working-day arithmetic: pure functions, no database.

A `WorkCalendar` says which dates are days off (public holidays, Tết, extra days
off) and which weekend dates are make-up working days. Build one with
`core.selectors.work_calendar()` (one query) and pass it in.

Counting convention (Luật Tiếp công dân art. 28; Decree 118/2025): a limit of
*n working days from* a date starts counting on the next working day, so the
date itself is not counted. A limit in calendar days ends *n* days later; when
that last day is not a working day, it ends on the next working day
(Bộ luật Dân sự 2015 art. 148(5)).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

ONE_DAY = timedelta(days=1)


class DayKind(StrEnum):
    CALENDAR_DAYS = "calendar_days"
    WORKING_DAYS = "working_days"


@dataclass(frozen=True)
class WorkCalendar:
    days_off: frozenset[date] = field(default_factory=frozenset)
    make_up_days: frozenset[date] = field(default_factory=frozenset)

    @classmethod
    def of(cls, *, days_off: Iterable[date] = (), make_up_days: Iterable[date] = ()) -> WorkCalendar:
        return cls(days_off=frozenset(days_off), make_up_days=frozenset(make_up_days))

    def is_working_day(self, day: date) -> bool:
        if day in self.make_up_days:
            return True
        if day in self.days_off:
            return False
        return day.weekday() < 5


def next_working_day(day: date, *, calendar: WorkCalendar) -> date:
    """The first working day strictly after `day`."""
    day += ONE_DAY
    while not calendar.is_working_day(day):
        day += ONE_DAY
    return day


def on_or_next_working_day(day: date, *, calendar: WorkCalendar) -> date:
    return day if calendar.is_working_day(day) else next_working_day(day, calendar=calendar)


def add_working_days(start: date, days: int, *, calendar: WorkCalendar) -> date:
    """The `days`-th working day after `start` (start not counted). 0 gives `start`."""
    if days < 0:
        raise ValueError("days must not be negative")
    day = start
    for _ in range(days):
        day = next_working_day(day, calendar=calendar)
    return day


def subtract_working_days(end: date, days: int, *, calendar: WorkCalendar) -> date:
    """The working day `days` working days before `end`."""
    if days < 0:
        raise ValueError("days must not be negative")
    day = end
    for _ in range(days):
        day -= ONE_DAY
        while not calendar.is_working_day(day):
            day -= ONE_DAY
    return day


def add_calendar_days(start: date, days: int, *, calendar: WorkCalendar) -> date:
    """`days` days after `start`; a limit that ends on a day off ends on the next working day."""
    if days < 0:
        raise ValueError("days must not be negative")
    return on_or_next_working_day(start + timedelta(days=days), calendar=calendar)


def working_days_between(start: date, end: date, *, calendar: WorkCalendar) -> int:
    """Working days in (start, end]: how many have passed since `start` by `end`.
    Negative when `end` is before `start`."""
    if end < start:
        return -working_days_between(end, start, calendar=calendar)
    count, day = 0, start
    while day < end:
        day += ONE_DAY
        if calendar.is_working_day(day):
            count += 1
    return count


def add_days(start: date, amount: int, kind: DayKind | str, *, calendar: WorkCalendar) -> date:
    if DayKind(kind) is DayKind.WORKING_DAYS:
        return add_working_days(start, amount, calendar=calendar)
    return add_calendar_days(start, amount, calendar=calendar)


@dataclass(frozen=True)
class RuleSpec:
    """The parts of a deadline rule the arithmetic needs (core.DeadlineRule.as_spec())."""

    code: str
    amount: int
    day_kind: DayKind
    legal_basis: str = ""
    rule_id: int | None = None


@dataclass(frozen=True)
class Deadline:
    due_on: date
    rule: RuleSpec
    start: date


def compute_deadline(start: date, rule: RuleSpec, *, calendar: WorkCalendar, amount: int | None = None) -> Deadline:
    """The deadline that `rule` sets for something that started on `start`.

    `amount` overrides the rule's amount where the rule defers to other data
    (a procedure's own processing time, a decided extension).
    """
    days = rule.amount if amount is None else amount
    return Deadline(due_on=add_days(start, days, rule.day_kind, calendar=calendar), rule=rule, start=start)
