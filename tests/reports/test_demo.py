"""The demo seed compiles the demo reports once, however often it runs."""

import pytest

from core.demo import DemoContext
from reports.demo import seed
from reports.models import CompiledReport, CompileState

pytestmark = pytest.mark.django_db


def test_demo_reports_are_compiled_once(city, commune, other_commune, city_leader):
    from datetime import date

    context = DemoContext(city=city, communes=[commune, other_commune], users={}, today=date(2026, 11, 22))
    seed(context)
    seed(context)
    reports = CompiledReport.objects.all()
    assert reports.count() == 6
    assert set(reports.values_list("state", flat=True)) == {CompileState.DONE}
    assert set(reports.values_list("period_from", flat=True)) == {date(2026, 7, 1), date(2026, 4, 1)}
