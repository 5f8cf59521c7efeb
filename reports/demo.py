"""Demo reports: the city's and the two demo wards' quarterly reports for the last two closed
quarters, compiled from the other apps' demo records (this app's seed runs last).
Idempotent: a report that exists is left as it is."""

from __future__ import annotations

from django.conf import settings

from core.demo import DemoContext

from .periods import Convention, PeriodKind, last_closed_quarter, period_of
from .services import report_ensure, report_run


def seed(context: DemoContext) -> None:
    convention = Convention(settings.REPORTS_PERIOD_CONVENTION)
    year, quarter = last_closed_quarter(context.today, convention)
    quarters = [(year, quarter), (year - 1, 4) if quarter == 1 else (year, quarter - 1)]
    for unit in [context.city, *context.communes]:
        for y, q in quarters:
            period = period_of(PeriodKind.QUARTER, y, q, convention)
            report = report_ensure(unit=unit, period=period, kind=PeriodKind.QUARTER, convention=convention)
            if report is not None:
                report_run(report_id=report.pk)
