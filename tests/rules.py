"""The deadline rules the data migrations seed, put back after a transactional test's flush
erased them: every seeding migration, in order (a later one ends or adds rows of an earlier)."""

from importlib import import_module

from django.apps import apps

RULE_SEEDS = (
    "core.migrations.0002_seed_deadline_rules",
    "petitions.migrations.0005_seed_petition_rules",
    "petitions.migrations.0011_working_day_acceptance_suspension_and_recommendation_rules",
    "petitions.migrations.0013_complaint_decision_sending_rule",
    "adminreform.migrations.0012_after_hours_receipt_rule",
    "petitions.migrations.0018_complaint_against_disciplinary_decision",
    "petitions.migrations.0019_repeated_denunciation_steps",
    "petitions.migrations.0020_urge_requests",
    "reception.migrations.0009_forwarded_results",
)


def seed_deadline_rules() -> None:
    """Idempotent: each seed leaves existing rows alone."""
    for module in RULE_SEEDS:
        import_module(module).seed(apps, None)
