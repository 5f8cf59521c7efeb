"""Celery tasks of the reports app: thin wrappers over services."""

from __future__ import annotations

from datetime import date, timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from core.selectors import units_in_force

from .models import ReportKind
from .periods import Convention, Period, PeriodKind, last_closed_quarter, period_of
from .services import report_ensure, report_requeue_stalled, report_run


@shared_task(acks_late=True)
def report_compile_task(*, report_id: int) -> None:
    """Compile one queued report (idempotent: a second delivery does nothing). A failure is
    stored on the report (state "failed", with the error); recompiling makes a new version."""
    report_run(report_id=report_id)


@shared_task
def reports_compile_last_quarter_task() -> int:
    """After each quarter closes: the quarterly report of every unit that existed until its end.
    Idempotent: units whose report exists are skipped. Returns how many were queued."""
    convention = Convention(settings.REPORTS_PERIOD_CONVENTION)
    year, quarter = last_closed_quarter(timezone.localdate(), convention)
    period = period_of(PeriodKind.QUARTER, year, quarter, convention)
    # A unit dissolved within the quarter has no report reaching past its end (docs/reports.md).
    units = units_in_force(start=period.start, end=period.end).exclude(valid_to__lt=period.end).order_by("path")
    queued = 0
    for unit in units.iterator():
        if report_ensure(unit=unit, period=period, kind=ReportKind.QUARTER, convention=convention):
            queued += 1
    return queued


def periods_ended_on(day: date) -> list[tuple[PeriodKind, Convention, Period]]:
    """The quarters, halves, nine months and years of both conventions whose last day is `day`."""
    ended = []
    for convention in Convention:
        for kind, indexes in (
            (PeriodKind.QUARTER, (1, 2, 3, 4)),
            (PeriodKind.HALF, (1, 2)),
            (PeriodKind.NINE_MONTHS, (1,)),
            (PeriodKind.YEAR, (1,)),
        ):
            for index in indexes:
                period = period_of(kind, day.year, index, convention)
                if period.end == day:
                    ended.append((kind, convention, period))
    return ended


@shared_task
def reports_compile_closed_periods_task(today: str | None = None) -> int:
    """Every day at 02:00: the draft of every period (quarter, six and nine months, year; on
    calendar months and on the official 15th-to-14th cut-off) that ended yesterday, for every
    unit that existed in it; each unit's heads are told when its draft is compiled
    (reports.notices, through the outbox). Idempotent: units whose report exists are skipped.
    Returns how many were queued."""
    day = (date.fromisoformat(today) if today else timezone.localdate()) - timedelta(days=1)
    queued = 0
    for kind, convention, period in periods_ended_on(day):
        units = units_in_force(start=period.start, end=period.end).order_by("path")
        for unit in units.iterator():
            if report_ensure(unit=unit, period=period, kind=kind.value, convention=convention.value):
                queued += 1
    return queued


@shared_task(ignore_result=True, time_limit=120, soft_time_limit=100)
def reports_requeue_stalled_task() -> int:
    """Every 5 minutes: compile jobs whose message never reached the broker (or was lost
    with it) are handed over again (issue 8, R1). Returns how many."""
    return len(report_requeue_stalled())
