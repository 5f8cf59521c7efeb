"""Every row of the deadline rule table on its boundary days, and docs/foundation.md's table
naming each one (issue 19: every rule, what it measures, calendar or working days, from which
event, legal basis, dates in force).

Working-day rules start on Friday 13/02/2026, the last working day before Tết (16–20/02/2026):
the days off inside are not counted. Calendar-day rules start where their last day falls in Tết
(19/02/2026) or on a weekend, so the limit moves to the next working day. The suspension rules
(amount 0) move a deadline instead: their boundary cases (a suspension spanning Tết, one before
01/07/2026) are in tests/petitions/test_suspension_and_recommendations.py and test_deadlines.py."""

from datetime import date
from pathlib import Path

import pytest

from core.models import DeadlineRule
from core.selectors import deadline_for

pytestmark = pytest.mark.django_db

FRI = date(2026, 2, 13)  # the working day before Tết 2026
# n working days after Friday 13/02/2026: 23/02 is the first working day after Tết.
WORKING = {1: date(2026, 2, 23), 3: date(2026, 2, 25), 5: date(2026, 2, 27), 7: date(2026, 3, 3), 10: date(2026, 3, 6)}
TET_MONDAY = date(2026, 2, 23)  # a calendar limit ending on 19/02/2026 (Tết) ends here

# (code, valid_from) -> (start, amount override or None, expected last day)
BOUNDARY: dict[tuple[str, date], tuple[date, int | None, date]] = {
    ("petition.classify", date(2014, 7, 1)): (FRI, None, WORKING[10]),
    ("reception.answer", date(2014, 7, 1)): (FRI, None, WORKING[10]),
    ("reception.publish_schedule", date(2014, 7, 1)): (FRI, None, WORKING[5]),
    # a forwarded matter's result back on the eve of Tết: the citizen told 5 working days later
    ("reception.notify_forwarded_result", date(2014, 7, 1)): (FRI, None, WORKING[5]),
    # the law's "10 ngày" until TT 02/2016: Thursday 24/11/2016 + 10 = Sunday 04/12 → Monday 05/12
    ("complaint.accept", date(2012, 7, 1)): (date(2016, 11, 24), None, date(2016, 12, 5)),
    ("complaint.second.accept", date(2012, 7, 1)): (date(2016, 11, 24), None, date(2016, 12, 5)),
    ("complaint.accept", date(2016, 12, 5)): (FRI, None, WORKING[10]),
    ("complaint.second.accept", date(2016, 12, 5)): (FRI, None, WORKING[10]),
    ("complaint.first.resolve", date(2012, 7, 1)): (date(2026, 1, 20), None, TET_MONDAY),  # 30 days
    ("complaint.first.resolve.complex", date(2012, 7, 1)): (date(2026, 1, 5), None, TET_MONDAY),  # 45
    ("complaint.first.resolve.remote", date(2012, 7, 1)): (date(2026, 1, 5), None, TET_MONDAY),  # 45
    ("complaint.first.resolve.remote_complex", date(2012, 7, 1)): (date(2025, 12, 21), None, TET_MONDAY),  # 60
    ("complaint.second.resolve", date(2012, 7, 1)): (date(2026, 1, 5), None, TET_MONDAY),  # 45
    ("complaint.second.resolve.complex", date(2012, 7, 1)): (date(2025, 12, 21), None, TET_MONDAY),  # 60
    ("complaint.second.resolve.remote", date(2012, 7, 1)): (date(2025, 12, 21), None, TET_MONDAY),  # 60
    ("complaint.second.resolve.remote_complex", date(2012, 7, 1)): (date(2025, 12, 11), None, TET_MONDAY),  # 70
    ("complaint.send_decision", date(2012, 7, 1)): (FRI, None, WORKING[3]),
    # complaints against a disciplinary decision (Luật KN art. 48, 50): calendar days ending in Tết
    ("complaint.disciplinary.limitation", date(2012, 7, 1)): (date(2026, 2, 4), None, TET_MONDAY),  # 15
    ("complaint.disciplinary.second.limitation", date(2012, 7, 1)): (date(2026, 2, 9), None, TET_MONDAY),  # 10
    ("complaint.disciplinary.second.limitation.dismissal", date(2012, 7, 1)): (date(2026, 1, 20), None, TET_MONDAY),
    ("complaint.disciplinary.accept", date(2012, 7, 1)): (date(2026, 2, 9), None, TET_MONDAY),  # 10
    ("complaint.disciplinary.resolve", date(2012, 7, 1)): (date(2026, 1, 20), None, TET_MONDAY),  # 30
    ("complaint.disciplinary.resolve.complex", date(2012, 7, 1)): (date(2026, 1, 5), None, TET_MONDAY),  # 45
    # a repeated denunciation (Luật TC art. 37, 38)
    ("denunciation.repeat.review", date(2019, 1, 1)): (date(2026, 1, 30), None, TET_MONDAY),  # 20 days
    ("denunciation.overdue.request_report", date(2019, 1, 1)): (FRI, None, WORKING[5]),
    ("denunciation.overdue.report", date(2019, 1, 1)): (FRI, None, WORKING[5]),
    # received after 15:00 on the Friday before Tết: counted from the first working day after it
    ("dossier.after_hours", date(2018, 6, 21)): (FRI, None, WORKING[1]),
    ("complaint.limitation", date(2012, 7, 1)): (date(2025, 11, 21), None, TET_MONDAY),  # 90
    ("complaint.second.limitation", date(2012, 7, 1)): (date(2026, 1, 20), None, TET_MONDAY),  # 30
    ("complaint.second.limitation.remote", date(2012, 7, 1)): (date(2026, 1, 5), None, TET_MONDAY),  # 45
    ("denunciation.initial", date(2019, 1, 1)): (FRI, None, WORKING[7]),
    ("denunciation.initial.multi_place", date(2019, 1, 1)): (FRI, None, WORKING[10]),
    ("denunciation.transfer", date(2019, 1, 1)): (FRI, None, WORKING[5]),
    ("denunciation.resolve", date(2019, 1, 1)): (date(2026, 1, 20), None, TET_MONDAY),  # 30
    ("denunciation.extension", date(2019, 1, 1)): (date(2026, 1, 20), None, TET_MONDAY),  # +30
    ("denunciation.notify_acceptance", date(2019, 1, 1)): (FRI, None, WORKING[5]),
    ("denunciation.notify_suspension", date(2019, 1, 1)): (FRI, None, WORKING[5]),
    ("denunciation.notify_conclusion", date(2019, 1, 1)): (FRI, None, WORKING[5]),
    ("denunciation.publish_conclusion", date(2019, 1, 1)): (FRI, None, WORKING[7]),
    ("recommendation.resolve", date(2014, 7, 1)): (FRI, None, WORKING[10]),
    ("petition.urge_answer", date(2021, 11, 15)): (FRI, None, WORKING[10]),
    ("dossier.resolve", date(2018, 6, 21)): (FRI, 10, WORKING[10]),  # the procedure's own days
    ("dossier.supplement_request", date(2018, 6, 21)): (FRI, None, WORKING[3]),
    ("dossier.apology", date(2018, 6, 21)): (FRI, None, WORKING[1]),
}
# Rules that move a deadline rather than set one (see the module's docstring).
MOVING = {("complaint.suspension_excluded", date(2026, 7, 1)), ("denunciation.suspension_excluded", date(2019, 1, 1))}


def test_every_rule_row_has_a_boundary_case_here():
    rows = set(DeadlineRule.objects.values_list("code", "valid_from"))
    assert rows == set(BOUNDARY) | MOVING


@pytest.mark.parametrize(("key", "case"), BOUNDARY.items(), ids=[f"{c}@{d:%Y-%m-%d}" for c, d in BOUNDARY])
def test_each_rule_on_its_boundary_days(key, case):
    code = key[0]
    start, amount, expected = case
    deadline = deadline_for(code=code, start=start, amount=amount)
    rule = DeadlineRule.objects.get(pk=deadline.rule.rule_id)
    assert (rule.code, rule.valid_from) == key  # the row in force on that day
    assert deadline.due_on == expected
    assert rule.legal_basis


@pytest.mark.parametrize(
    ("result_on", "expected"),
    [
        (date(2026, 2, 3), date(2026, 2, 10)),  # 5 days on would be Sunday 08/02: working days end Tuesday
        (date(2026, 2, 14), WORKING[5]),  # a Saturday, before Tết: counted from Monday 23/02
        (date(2026, 2, 18), WORKING[5]),  # a day of Tết: the same
        # Friday 24/04: 27/04 (for the Hùng Kings' day, a Sunday), 30/04 and 01/05 are off
        (date(2026, 4, 24), date(2026, 5, 6)),  # 28, 29/04, 04, 05, 06/05
    ],
)
def test_a_forwarded_results_notice_when_the_result_comes_back_around_days_off(result_on, expected):
    # the citizen is told within 5 working days of the result's arrival (Luật TCD art. 27(2), 28(2))
    assert deadline_for(code="reception.notify_forwarded_result", start=result_on).due_on == expected


def test_docs_foundation_lists_every_rule_code():
    table = (Path(__file__).resolve().parents[2] / "docs" / "foundation.md").read_text(encoding="utf-8")
    missing = sorted({code for code, _ in set(BOUNDARY) | MOVING if f"`{code}`" not in table})
    assert missing == []
