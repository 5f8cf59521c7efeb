"""Personal data (Law 91/2025): records past their retention period are deleted by
`manage.py purge_expired --commit`, in batches, and the purge is logged. Without
--commit nothing is deleted. Core's own rule: staff login records, kept one year."""

import logging
from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
import time_machine
from axes.models import AccessFailureLog, AccessLog
from django.core.exceptions import FieldDoesNotExist
from django.core.management import call_command
from django.db.models import Q

from core.retention import RetentionError, RetentionRule, register_rule, registered_rules, unregister_rule

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)


def failure_at(when: datetime, username: str = "canbo") -> AccessFailureLog:
    with time_machine.travel(when, tick=False):
        return AccessFailureLog.objects.create(username=username, ip_address="10.0.0.1", user_agent="test")


def purge(*args: str) -> str:
    out = StringIO()
    with time_machine.travel(NOW, tick=False):
        call_command("purge_expired", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def login_records():
    old = [failure_at(NOW - timedelta(days=366 + i)) for i in range(5)]
    recent = [failure_at(NOW - timedelta(days=364)), failure_at(NOW - timedelta(days=1))]
    return old, recent


def test_core_keeps_staff_login_records_for_a_year():
    rules = {r.label: r for r in registered_rules()}
    assert rules["axes.AccessFailureLog"].keep_days == 365
    assert rules["axes.AccessLog"].keep_days == 365


def test_without_commit_nothing_is_deleted_and_the_count_is_reported(login_records):
    output = purge()
    assert "axes.AccessFailureLog (attempt_time older than 365 days): would delete 5" in output
    assert "Nothing deleted" in output
    assert AccessFailureLog.objects.count() == 7


def test_with_commit_expired_records_go_in_batches_and_recent_ones_stay(login_records, caplog):
    _old, recent = login_records
    with caplog.at_level(logging.INFO, logger="civicdesk.security"):
        output = purge("--commit", "--batch-size", "2")
    assert "axes.AccessFailureLog (attempt_time older than 365 days): deleted 5" in output
    assert set(AccessFailureLog.objects.values_list("pk", flat=True)) == {r.pk for r in recent}
    assert "Retention purge: 5 rows of axes.AccessFailureLog deleted (attempt_time older than 365 days)." in [
        r.getMessage() for r in caplog.records
    ]
    assert "deleted 0" in purge("--commit"), "a second run finds nothing left"


def test_a_rule_can_narrow_what_expires_with_a_filter(login_records):
    rule = RetentionRule(
        label="axes.AccessFailureLog",
        date_field="attempt_time",
        keep_days=30,
        filter=Q(username="khach"),
        reason="test: guest logins kept 30 days",
    )
    failure_at(NOW - timedelta(days=40), username="khach")
    failure_at(NOW - timedelta(days=40), username="canbo")
    register_rule(rule)
    try:
        purge("--commit")
    finally:
        unregister_rule(rule)
    assert not AccessFailureLog.objects.filter(username="khach").exists()
    assert AccessFailureLog.objects.filter(username="canbo").count() == 3  # 2 recent + the 40-day one


def test_audit_tables_cannot_be_given_a_retention_rule():
    with pytest.raises(RetentionError):
        register_rule(RetentionRule(label="core.UnitEvent", date_field="occurred_at", keep_days=10))


def test_a_misspelt_date_field_fails_at_once():
    with pytest.raises(FieldDoesNotExist):
        register_rule(RetentionRule(label="axes.AccessLog", date_field="attempted_at", keep_days=10))


def test_successful_login_records_expire_the_same_way():
    with time_machine.travel(NOW - timedelta(days=400), tick=False):
        AccessLog.objects.create(username="canbo", ip_address="10.0.0.1", user_agent="test")
    purge("--commit")
    assert not AccessLog.objects.exists()


@pytest.mark.django_db
def test_the_nightly_task_deletes_what_has_expired():
    from core.tasks import purge_expired_task

    with time_machine.travel(datetime.now(tz=UTC) - timedelta(days=400), tick=False):
        AccessLog.objects.create(username="canbo", ip_address="10.0.0.1", user_agent="test")
    AccessLog.objects.create(username="canbo", ip_address="10.0.0.1", user_agent="test")

    assert purge_expired_task.apply().get() == 1
    assert AccessLog.objects.count() == 1


@pytest.mark.django_db
def test_an_action_rule_treats_rows_instead_of_deleting_and_must_not_leave_them_expired():
    from core.retention import purge_expired

    failure_at(NOW - timedelta(days=40), username="khach")
    treated: list[int] = []

    def anonymise(batch):  # moves the rows out of the rule's filter
        treated.extend(batch.values_list("pk", flat=True))
        batch.update(username="")

    good = RetentionRule(
        label="axes.AccessFailureLog",
        date_field="attempt_time",
        keep_days=30,
        filter=Q(username="khach"),
        action=anonymise,
    )
    register_rule(good)
    try:
        purge_expired(commit=True, now=NOW)
    finally:
        unregister_rule(good)
    assert len(treated) == 1 and AccessFailureLog.objects.filter(username="").count() == 1

    failure_at(NOW - timedelta(days=40), username="khach")
    stuck = RetentionRule(
        label="axes.AccessFailureLog",
        date_field="attempt_time",
        keep_days=30,
        filter=Q(username="khach"),
        action=lambda batch: None,
    )
    register_rule(stuck)
    try:
        with pytest.raises(RetentionError):
            purge_expired(commit=True, now=NOW)
    finally:
        unregister_rule(stuck)
    assert AccessFailureLog.objects.filter(username="khach").count() == 1
