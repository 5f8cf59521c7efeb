"""R3: a schedule that fires twice (two beat processes, a task delivered twice, two
sweepers at once) still has each effect once: one compiled report per unit and period,
one reminder and one escalation per deadline, one message per outbox row.

Real threads, each with its own PostgreSQL connection, released together by a barrier.
"""

import threading
from collections import Counter
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.utils import timezone

from core.choices import PetitionKind
from core.tasks import outbox_sweep_task
from petitions.models import Notification, PetitionEvent
from petitions.services import petition_assign
from petitions.tasks import deadline_sweep_task
from reports.models import CompiledReport, CompiledReportEvent, CompileState
from reports.tasks import report_compile_task, reports_compile_last_quarter_task
from tests.petitions.factories import receive

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def race(n, target):
    """Run `target()` in n threads at once; return their results (re-raise any error)."""
    barrier = threading.Barrier(n)
    results, errors = [], []

    def run():
        try:
            barrier.wait(timeout=30)
            results.append(target())
        except Exception as exc:  # collected, re-raised in the test's thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a racing thread hung"
    if errors:
        raise errors[0]
    return results


def test_two_beats_firing_the_quarterly_schedule_make_and_compile_one_report_per_unit(city, commune, other_commune):
    # when two beat processes both fire "compile last quarter" (the compile tasks run in-process)
    queued = race(2, lambda: reports_compile_last_quarter_task.apply().result)
    # then each unit got its report once, compiled once
    assert sum(queued) == 3
    reports = CompiledReport.objects.all()
    assert sorted(Counter(r.unit_id for r in reports).values()) == [1, 1, 1]
    assert {r.state for r in reports} == {CompileState.DONE}
    compiled = CompiledReportEvent.objects.filter(kind=CompiledReportEvent.Kind.COMPILED)
    assert sorted(Counter(compiled.values_list("report_id", flat=True)).values()) == [1, 1, 1]


def test_a_compile_task_delivered_four_times_at_once_compiles_once(city, commune):
    today = timezone.localdate()
    report = CompiledReport.objects.create(
        unit=city, period_from=date(today.year, 1, 1), period_to=today, kind="year", convention="calendar"
    )
    race(4, lambda: report_compile_task.apply(kwargs={"report_id": report.pk}).result)
    report.refresh_from_db()
    assert report.state == CompileState.DONE
    assert report.events.filter(kind=CompiledReportEvent.Kind.COMPILED).count() == 1


def test_the_deadline_sweep_run_four_times_at_once_reminds_and_escalates_once(commune, handler, head):
    handler.email, head.email = "xuly@ubnd.vn", "chutich@ubnd.vn"
    handler.save()
    head.save()
    quiet = {"petitioner_email": "", "petitioner_phone": ""}
    # classification due Mon 16/03/2026: 3 working days left on Wed 11/03
    soon = receive(commune, kind=PetitionKind.FEEDBACK, received_on=date(2026, 3, 2), **quiet)
    petition_assign(petition=soon, expected_version=None, assignee=handler, actor=None)
    # due in February: overdue on 11/03
    late = receive(commune, kind=PetitionKind.FEEDBACK, received_on=date(2026, 2, 2), **quiet)
    mail.outbox.clear()
    # when four sweeps (two beats, each delivered twice) run at once
    with time_machine.travel(datetime(2026, 3, 11, 7, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))):
        race(4, lambda: deadline_sweep_task.apply().result)
    # then one reminder to the handler, one escalation to the head, each recorded once
    assert sorted(m.to[0] for m in mail.outbox) == ["chutich@ubnd.vn", "xuly@ubnd.vn"]
    assert soon.events.filter(kind=PetitionEvent.Kind.REMINDED).count() == 1
    assert late.events.filter(kind=PetitionEvent.Kind.ESCALATED).count() == 1
    assert Counter(Notification.objects.values_list("template", flat=True)) == {"reminder": 1, "escalation": 1}


def test_four_outbox_sweepers_at_once_send_each_message_once(commune, handler):
    handler.email = "xuly@ubnd.vn"
    handler.save()
    Notification.objects.bulk_create(
        Notification(
            user=handler,
            channel=Notification.Channel.EMAIL,
            template="reminder",
            context={"ref": f"KN-{i:04d}", "step": "classify", "due_on": "16/03/2026", "url": "/"},
        )
        for i in range(450)
    )
    # when four sweep tasks (each draining in batches of 200) run at once
    sent = race(4, lambda: outbox_sweep_task.apply().result)
    # then each row went out exactly once
    assert sum(sent) == 450 and len(mail.outbox) == 450
    subjects = Counter(m.subject for m in mail.outbox)
    assert len(subjects) == 450 and set(subjects.values()) == {1}
    assert not Notification.objects.filter(sent_at__isnull=True).exists()


def test_the_one_stop_due_sweep_run_four_times_at_once_warns_of_each_dossier_once(commune, officer, handler):
    from adminreform.services import Applicant, dossier_receive, dossier_warn_due_soon
    from tests.adminreform.factories import ProcedureDocumentFactory, ProcedureFactory

    handler.email, officer.email = "xuly@example.vn", "motcua@example.vn"
    handler.save()
    officer.save()
    procedure = ProcedureFactory(code="1.001193", name="Đăng ký khai sinh", processing_days=3)
    ProcedureDocumentFactory(procedure=procedure, name="Tờ khai đăng ký khai sinh", position=1)
    refs = [
        dossier_receive(
            unit=commune,
            procedure=procedure,
            applicant=Applicant(name=f"Nguyễn Văn {i}", phone="0912345678", id_number="001099012345"),
            documents=list(procedure.documents.all()),
            actor=officer,
            received_on=date(2026, 3, 2),  # due Thursday 05/03
        ).ref
        for i in range(6)
    ]
    mail.outbox.clear()
    # when four sweeps run at once on Wednesday 04/03
    warned = race(4, lambda: dossier_warn_due_soon(today=date(2026, 3, 4)))
    # then each dossier was warned of once, and no one got the same dossier twice
    assert sorted(pk for run in warned for pk in run) == sorted(set(pk for run in warned for pk in run))
    assert len([pk for run in warned for pk in run]) == 6
    pairs = Counter((to, ref) for m in mail.outbox for to in m.to for ref in refs if ref in m.body)
    assert pairs and set(pairs.values()) == {1}
    assert {ref for _to, ref in pairs} == set(refs)
