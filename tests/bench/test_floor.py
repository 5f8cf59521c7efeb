"""P6's floor computes the very dossier figures the report prints, so the ratio compares
work that yields the same numbers."""

from __future__ import annotations

from datetime import date

import pytest

from bench.floor import report_floor, same_figures
from reports.compiling import compile_figures
from reports.periods import Period
from tests.reports.factories import city_tree, dossiers, save

pytestmark = pytest.mark.django_db
D = date


@pytest.fixture
def city(db):
    city, district, ward, other = city_tree()
    save(
        dossiers([district, ward, other], 30, on=D(2024, 2, 7), due=D(2024, 2, 20), resolved_on=D(2024, 2, 21))
        + dossiers(ward, 4, on=D(2024, 1, 3), due=D(2024, 1, 20), resolved_on=D(2024, 1, 10))
        + dossiers(ward, 7, on=D(2023, 12, 1), due=D(2023, 12, 20))
        + dossiers(other, 3, on=D(2024, 3, 30), due=D(2024, 4, 9), channel="online")
        # wrongly dated (resolved before received): in the trend, out of the figures
        + dossiers(other, 1, on=D(2024, 3, 2), due=D(2024, 3, 9), resolved_on=D(2023, 12, 30))
        + dossiers(ward, 2, on=D(2024, 4, 2), due=D(2024, 4, 9), resolved_on=D(2024, 3, 30)),
    )
    return city


def test_the_floor_gives_the_reports_dossier_figures_and_trend(city):
    period = Period(D(2024, 1, 1), D(2024, 3, 31))
    figures = compile_figures(unit=city, period=period)
    months = [D(2024, 1, 1), D(2024, 2, 1), D(2024, 3, 1)]

    seconds, rows = report_floor(city.path, period.start, period.end, months, runs=1)

    assert seconds > 0
    assert same_figures(rows, figures) == []
    assert figures["trend"]["dossiers_received"] == [4, 30, 4]


def test_a_floor_that_counts_otherwise_is_caught(city):
    period = Period(D(2024, 1, 1), D(2024, 3, 31))
    figures = compile_figures(unit=city, period=period)
    _, rows = report_floor(city.path, D(2024, 1, 1), D(2024, 2, 29), [D(2024, 1, 1), D(2024, 2, 1)], runs=1)

    differences = same_figures(rows, figures)

    assert any("in_progress_overdue" in d or "resolved" in d for d in differences)
