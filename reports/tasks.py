"""Celery tasks of the reports app: thin wrappers over services."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from core.selectors import units_in_force

from .models import ReportKind
from .periods import Convention, PeriodKind, last_closed_quarter, period_of
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


@shared_task(ignore_result=True, time_limit=120, soft_time_limit=100)
def reports_requeue_stalled_task() -> int:
    """Every 5 minutes: compile jobs whose message never reached the broker (or was lost
    with it) are handed over again (issue 8, R1). Returns how many."""
    return len(report_requeue_stalled())
