"""Pure rules: delegations (Luật TCD art. 30) and the head's minimum reception days."""

from datetime import date

import pytest

from civicdesk.exceptions import DomainError
from reception.rules import check_delegation, representatives_allowed, required_reception_periods


@pytest.mark.parametrize(
    ("people", "allowed"),
    [(1, (0, 0)), (4, (0, 0)), (5, (1, 2)), (10, (1, 2)), (11, (1, 5)), (200, (1, 5))],
)
def test_representatives_allowed_by_delegation_size(people, allowed):
    assert representatives_allowed(people) == allowed


@pytest.mark.parametrize(("people", "representatives"), [(1, None), (4, 0), (5, 1), (10, 2), (11, 5), (30, 3)])
def test_valid_delegations_pass(people, representatives):
    check_delegation(people=people, representatives=representatives)


@pytest.mark.parametrize(
    ("people", "representatives"),
    [(3, 1), (5, None), (5, 0), (5, 3), (10, 3), (11, 6), (11, None), (0, None)],
)
def test_invalid_delegations_are_refused(people, representatives):
    with pytest.raises(DomainError):
        check_delegation(people=people, representatives=representatives)


def test_commune_head_weekly_until_june_2026_then_twice_a_month():
    periods = required_reception_periods(level="commune", start=date(2026, 6, 1), end=date(2026, 8, 31))
    weekly = [p for p in periods if p.required == 1]
    monthly = [p for p in periods if p.required == 2]
    # Weeks starting 1, 8, 15, 22, 29 June 2026 (all Mondays before 1 July).
    assert [p.start for p in weekly] == [date(2026, 6, d) for d in (1, 8, 15, 22, 29)]
    assert all((p.end - p.start).days == 6 for p in weekly)
    assert [(p.start, p.end) for p in monthly] == [
        (date(2026, 7, 1), date(2026, 7, 31)),
        (date(2026, 8, 1), date(2026, 8, 31)),
    ]


def test_province_head_monthly_and_district_only_before_july_2025():
    province = required_reception_periods(level="province", start=date(2026, 1, 15), end=date(2026, 3, 2))
    assert [(p.start.month, p.required) for p in province] == [(1, 1), (2, 1), (3, 1)]
    district = required_reception_periods(level="district", start=date(2025, 5, 1), end=date(2025, 12, 31))
    assert [(p.start.month, p.required) for p in district] == [(5, 2), (6, 2)]
