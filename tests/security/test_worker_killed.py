"""R2: a worker killed in the middle of a task. The full drill (a real worker, kill -9,
100 tasks) is `python -m bench.worker_kill` (docs/operations.md); here, what it relies on:
messages are acknowledged after the task and put back when the worker dies, and a second
delivery of a task whose first runner died does the work once, while a second delivery
beside a live runner does nothing."""

import threading
from datetime import date

import pytest
from django.db import connection, transaction

from civicdesk.celery import app
from reports.models import CompiledReport, CompiledReportEvent, CompileState
from reports.services import RUNNER_LOCK_SPACE, report_run

pytestmark = pytest.mark.django_db


def test_messages_are_acknowledged_after_the_task_and_put_back_when_the_worker_dies():
    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    assert app.conf.worker_prefetch_multiplier == 1  # a dying worker holds one message per process


def queued_report(unit, state=CompileState.QUEUED):
    return CompiledReport.objects.create(
        unit=unit, period_from=date(2025, 1, 1), period_to=date(2025, 3, 31), kind="quarter", state=state
    )


@pytest.mark.postgres
def test_a_report_left_running_by_a_killed_worker_is_compiled_by_the_redelivered_task(city):
    # a worker took the report, then died (kill -9): its state says running, nobody holds it
    report = queued_report(city, state=CompileState.RUNNING)
    # when the message comes back and a worker runs it
    assert report_run(report_id=report.pk) is not None
    # then it is compiled, once
    report.refresh_from_db()
    assert report.state == CompileState.DONE
    assert report.events.filter(kind=CompiledReportEvent.Kind.COMPILED).count() == 1
    assert report_run(report_id=report.pk) is None


@pytest.mark.postgres
def test_a_second_delivery_beside_a_live_runner_does_nothing(city):
    report = queued_report(city, state=CompileState.RUNNING)
    holding, release = threading.Event(), threading.Event()

    def live_runner():  # another worker's connection, compiling this report
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_lock(%s, %s)", [RUNNER_LOCK_SPACE, report.pk])
                holding.set()
                release.wait(timeout=30)
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [RUNNER_LOCK_SPACE, report.pk])
        finally:
            connection.close()

    runner = threading.Thread(target=live_runner)
    runner.start()
    try:
        assert holding.wait(timeout=30)
        # when the same task is delivered again while the first runner lives
        assert report_run(report_id=report.pk) is None
        report.refresh_from_db()
        assert report.state == CompileState.RUNNING and not report.events.exists()
    finally:
        release.set()
        runner.join(timeout=30)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_notification_held_by_a_worker_that_dies_is_sent_once_by_the_next(commune):
    from django.core import mail

    from core import outbox
    from petitions.models import Notification
    from tests.petitions.factories import receive

    receive(commune, petitioner_phone="")  # eager: sent at once
    mail.outbox.clear()
    row = Notification.objects.get()
    Notification.objects.filter(pk=row.pk).update(sent_at=None, context={**row.context, "secret": "x"})
    holding, die = threading.Event(), threading.Event()

    def dying_worker():  # locks the row as a sending worker does, then its connection drops
        try:
            with transaction.atomic():
                Notification.objects.select_for_update().get(pk=row.pk)
                Notification.objects.filter(pk=row.pk).update(attempts=5)
                holding.set()
                die.wait(timeout=30)
                raise SystemExit  # the process is gone: its transaction rolls back
        except SystemExit:
            pass
        finally:
            connection.close()

    worker = threading.Thread(target=dying_worker)
    worker.start()
    assert holding.wait(timeout=30)
    # while it holds the row, a redelivered task and the sweeper skip it
    assert outbox.deliver(Notification._meta.label_lower, [row.pk]) == 0
    assert outbox.sweep() == 0
    die.set()
    worker.join(timeout=30)
    # once it is gone, the next sweep sends the row, once
    assert outbox.sweep() == 1
    assert outbox.sweep() == 0 and outbox.deliver(Notification._meta.label_lower, [row.pk]) == 0
    assert len(mail.outbox) == 1


@pytest.mark.postgres
def test_the_requeue_sweep_restarts_a_report_whose_whole_worker_died_and_leaves_a_live_one(
    city, commune, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from django.utils import timezone

    from reports.services import report_requeue_stalled

    orphan = queued_report(city, state=CompileState.RUNNING)  # its worker was killed with its message
    alive = queued_report(commune, state=CompileState.RUNNING)  # its worker is compiling it
    holding, release = threading.Event(), threading.Event()

    def live_runner():
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_lock(%s, %s)", [RUNNER_LOCK_SPACE, alive.pk])
                holding.set()
                release.wait(timeout=60)
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [RUNNER_LOCK_SPACE, alive.pk])
        finally:
            connection.close()

    runner = threading.Thread(target=live_runner)
    runner.start()
    try:
        assert holding.wait(timeout=30)
        # when the sweep runs two minutes later (tasks run in-process here)
        with django_capture_on_commit_callbacks(execute=True):
            assert report_requeue_stalled(now=timezone.now() + timedelta(minutes=2)) == [orphan.pk]
    finally:
        release.set()
        runner.join(timeout=30)
    # then the orphan is compiled, once; the live one is left to its runner
    orphan.refresh_from_db()
    alive.refresh_from_db()
    assert orphan.state == CompileState.DONE
    assert orphan.events.filter(kind=CompiledReportEvent.Kind.COMPILED).count() == 1
    assert alive.state == CompileState.RUNNING and not alive.events.exists()
