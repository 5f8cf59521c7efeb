"""Every seeded deadline rule gives the statutory date, and the rule that produced it."""

from datetime import date

import pytest

from core.models import DeadlineRule
from core.selectors import RuleNotFound, deadline_for, deadline_rule_in_force

pytestmark = pytest.mark.django_db

MONDAY = date(2026, 3, 2)  # no holiday within 10 weeks except 30/4–1/5

# (code, expected due date from Monday 02/03/2026, amount override)
EXPECTED = [
    ("petition.classify", date(2026, 3, 16), None),  # 10 working days
    ("reception.answer", date(2026, 3, 16), None),  # 10 working days
    ("reception.publish_schedule", date(2026, 3, 9), None),  # 5 working days
    ("reception.notify_forwarded_result", date(2026, 3, 9), None),  # 5 working days (reception 0009)
    ("complaint.accept", date(2026, 3, 16), None),  # 10 working days (TT 02/2016, petitions 0011)
    ("complaint.second.accept", date(2026, 3, 16), None),  # 10 working days
    ("complaint.first.resolve", date(2026, 4, 1), None),  # 30 days
    ("complaint.first.resolve.complex", date(2026, 4, 16), None),  # 45 days
    ("complaint.first.resolve.remote", date(2026, 4, 16), None),  # 45 days
    ("complaint.first.resolve.remote_complex", date(2026, 5, 4), None),  # 60 days: 01/05 holiday, weekend
    ("complaint.second.resolve", date(2026, 4, 16), None),  # 45 days
    ("complaint.second.resolve.complex", date(2026, 5, 4), None),  # 60 days
    ("complaint.second.resolve.remote", date(2026, 5, 4), None),  # 60 days
    ("complaint.second.resolve.remote_complex", date(2026, 5, 11), None),  # 70 days
    ("complaint.limitation", date(2026, 6, 1), None),  # 90 days: Sunday 31/05 → Monday
    ("complaint.second.limitation", date(2026, 4, 1), None),  # 30 days (petitions 0005)
    ("complaint.second.limitation.remote", date(2026, 4, 16), None),  # 45 days (petitions 0005)
    ("denunciation.initial", date(2026, 3, 11), None),  # 7 working days
    ("denunciation.initial.multi_place", date(2026, 3, 16), None),  # 10 working days
    ("denunciation.transfer", date(2026, 3, 9), None),  # 5 working days
    ("denunciation.resolve", date(2026, 4, 1), None),  # 30 days
    ("denunciation.extension", date(2026, 4, 1), None),  # 30 more days
    ("denunciation.notify_acceptance", date(2026, 3, 9), None),  # 5 working days (petitions 0005)
    ("denunciation.notify_suspension", date(2026, 3, 9), None),  # 5 working days (petitions 0011)
    ("recommendation.resolve", date(2026, 3, 16), None),  # 10 working days (petitions 0011)
    ("complaint.send_decision", date(2026, 3, 5), None),  # 3 working days (petitions 0013)
    ("denunciation.notify_conclusion", date(2026, 3, 9), None),  # 5 working days
    ("denunciation.publish_conclusion", date(2026, 3, 11), None),  # 7 working days
    ("dossier.resolve", date(2026, 3, 23), 15),  # the procedure's 15 working days
    ("dossier.supplement_request", date(2026, 3, 5), None),  # 3 working days
    ("dossier.apology", date(2026, 3, 3), None),  # 1 working day
    ("complaint.disciplinary.limitation", date(2026, 3, 17), None),  # 15 days (petitions 0018)
    ("complaint.disciplinary.second.limitation", date(2026, 3, 12), None),  # 10 days
    ("complaint.disciplinary.second.limitation.dismissal", date(2026, 4, 1), None),  # 30 days
    ("complaint.disciplinary.accept", date(2026, 3, 12), None),  # 10 days
    ("complaint.disciplinary.resolve", date(2026, 4, 1), None),  # 30 days
    ("complaint.disciplinary.resolve.complex", date(2026, 4, 16), None),  # 45 days
    ("denunciation.repeat.review", date(2026, 3, 23), None),  # 20 days: Sunday 22/03 → Monday (petitions 0019)
    ("denunciation.overdue.request_report", date(2026, 3, 9), None),  # 5 working days
    ("denunciation.overdue.report", date(2026, 3, 9), None),  # 5 working days
    ("petition.urge_answer", date(2026, 3, 16), None),  # 10 working days (petitions 0020)
    ("dossier.after_hours", date(2026, 3, 3), None),  # after 15:00: from the next working day (adminreform 0012)
]


def test_every_seeded_rule_is_covered_here():
    seeded = set(DeadlineRule.objects.values_list("code", flat=True))
    excluded = {"complaint.suspension_excluded", "denunciation.suspension_excluded"}
    assert seeded - excluded == {code for code, _, _ in EXPECTED}


@pytest.mark.parametrize(("code", "expected", "amount"), EXPECTED)
def test_seeded_rule_gives_statutory_date(code, expected, amount):
    deadline = deadline_for(code=code, start=MONDAY, amount=amount)
    rule = DeadlineRule.objects.get(pk=deadline.rule.rule_id)
    assert deadline.due_on == expected
    assert rule.code == code and rule.legal_basis


def test_suspension_rule_is_in_force_only_from_1_july_2026():
    with pytest.raises(RuleNotFound):
        deadline_rule_in_force(code="complaint.suspension_excluded", on=date(2026, 6, 30))
    assert deadline_rule_in_force(code="complaint.suspension_excluded", on=date(2026, 7, 1)).legal_basis.startswith(
        "Luật 136/2025"
    )


def test_an_edited_rule_applies_from_its_start_date_only():
    DeadlineRule.objects.create(
        code="petition.classify",
        name="Sửa đổi",
        amount=7,
        day_kind="working_days",
        valid_from=date(2027, 1, 1),
        legal_basis="Giả định",
    )
    assert deadline_for(code="petition.classify", start=MONDAY).due_on == date(2026, 3, 16)
    assert deadline_for(code="petition.classify", start=date(2027, 3, 1)).due_on == date(2027, 3, 10)
