"""Writes of the reports app: requesting, compiling and publishing stored reports.

Each compilation is a new version (`CompiledReport.version`); a published report is
never changed again. Who may ask for one or publish it is `reports.policies.POLICY`,
checked here (no actor: the system, a schedule or a command). Concurrency: the unique
(unit, period, version) constraint makes a duplicate compilation impossible, and the job
takes its row with a compare-and-set on `state`, so a task delivered twice (or two
workers) compiles it once. The job is handed to Celery by name after commit
(`core.outbox.run_task_after_commit`): the tasks module imports this one, not the reverse.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from django.contrib.auth.models import User
from django.db import IntegrityError, connection, transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from civicdesk.exceptions import InvalidTransition
from core import outbox
from core.models import Unit
from core.outbox import run_task_after_commit
from core.selectors import units_in_force
from core.workflow import Workflow

from .compiling import PREVIOUS_KEYS, UnitEnded, compile_figures, compile_figures_of_units, unit_ended_refusal
from .models import REPORT_TRANSITIONS, CompiledReport, CompiledReportEvent, CompileState, ReportStatus
from .notices import draft_notices
from .periods import Period
from .policies import POLICY

logger = logging.getLogger(__name__)

# A job still "running" after this long died with its worker: another may take it over.
STALE_RUN = timedelta(minutes=30)
# A report queued this long without starting lost its message (or never got one): send again.
STALLED_QUEUE = timedelta(minutes=15)
# A report "running" for this long without news is checked for a live runner.
ORPHAN_CHECK_AFTER = timedelta(minutes=1)
# pg_try_advisory_lock(space, report id) is held by the worker compiling that report.
RUNNER_LOCK_SPACE = 0x5245  # "RE"
CHILD_KEYS = ("unit", "reception", "petitions", "dossiers", "forms")
COMPILE_TASK = "reports.tasks.report_compile_task"


def _published_already(_report: CompiledReport, _target: str) -> str | Promise:
    return _("This report is already published; it cannot change.")


# A report's `version` numbers its compilations, not its edits: no optimistic check.
REPORT: Workflow[CompiledReport] = Workflow(
    model=CompiledReport,
    event_model=CompiledReportEvent,
    subject="report",
    transitions=REPORT_TRANSITIONS,
    version_field=None,
    related=("unit",),
    invalid=_published_already,
)


def _enqueue_compile(report_id: int) -> None:
    """Hand the compile job to Celery after commit. A broker outage is logged, never raised
    (the request that asked for the report still succeeds): `report_requeue_stalled` hands
    it over again later."""
    run_task_after_commit(COMPILE_TASK, report_id=report_id)


def report_requeue_stalled(*, now: datetime | None = None) -> list[int]:
    """Hand again to Celery the reports still queued STALLED_QUEUE after their last change
    (the broker was down when they were asked for, or lost the message), and those still
    "running" whose worker died (on PostgreSQL: nobody holds the runner lock; elsewhere:
    after STALE_RUN). Compiling is idempotent, so a second message for a report merely finds
    nothing to do. Returns the ids handed over."""
    now = now or timezone.now()
    postgres = connection.vendor == "postgresql"
    # On PostgreSQL a running report's runner is known alive by its lock: a free lock means
    # its worker died (kill -9, a crash), whatever the age; elsewhere only STALE_RUN tells.
    running_since = now - (ORPHAN_CHECK_AFTER if postgres else STALE_RUN)
    candidates = list(
        CompiledReport.objects.filter(
            Q(state=CompileState.QUEUED, updated_at__lt=now - STALLED_QUEUE)
            | Q(state=CompileState.RUNNING, updated_at__lt=running_since)
        )
        .exclude(status=ReportStatus.PUBLISHED)
        .order_by("pk")
        .values_list("pk", "state")[:500]
    )
    stalled = []
    for report_id, state in candidates:
        if state == CompileState.RUNNING and postgres:
            with _runner_lock(report_id) as free:
                if not free:
                    continue  # its runner is alive
        stalled.append(report_id)
    # The next hand-over of the same report waits another STALLED_QUEUE (a long backlog is
    # not flooded with duplicate messages every sweep).
    CompiledReport.objects.filter(pk__in=stalled).update(updated_at=now)
    for report_id in stalled:
        _enqueue_compile(report_id)
    return stalled


def report_request(
    *,
    unit: Unit,
    period: Period,
    kind: str,
    convention: str,
    actor: User | None,
    ip_address: str | None = None,
) -> CompiledReport:
    """Ask for a (re)compilation of `unit` over `period`: a new version, queued.

    When a compilation of that unit and period is already waiting or running, returns it
    instead of queueing a second one. Side effects: a REQUESTED event; the compile task is
    enqueued after commit. Raises NotAllowed, or UnitEnded for a dissolved unit over dates
    after its valid_to (the message names its successors).
    """
    POLICY.authorize(actor=actor, action="compile", unit=unit)
    refusal = unit_ended_refusal(unit, period)
    if refusal:
        raise UnitEnded(refusal)
    for _attempt in range(3):
        try:
            with transaction.atomic():
                # No lock to take on rows that may not exist yet: the unique version is the guard.
                existing = CompiledReport.objects.filter(unit=unit, period_from=period.start, period_to=period.end)
                pending = existing.filter(state__in=(CompileState.QUEUED, CompileState.RUNNING)).first()
                if pending is not None:
                    return pending
                latest = existing.aggregate(v=Max("version"))["v"] or 0
                report = CompiledReport.objects.create(
                    unit=unit,
                    period_from=period.start,
                    period_to=period.end,
                    kind=kind,
                    convention=convention,
                    version=latest + 1,
                    requested_by=actor,
                )
                REPORT.record(report, CompiledReportEvent.Kind.REQUESTED, actor=actor, ip_address=ip_address)
                _enqueue_compile(report.pk)
                return report
        except IntegrityError:
            # Someone created this version between our read and our insert: read again.
            continue
    raise InvalidTransition(_("This report is being compiled by someone else; try again in a moment."))


def report_ensure(*, unit: Unit, period: Period, kind: str, convention: str) -> CompiledReport | None:
    """The scheduled compilation: version 1 of `unit` over `period` unless one exists.

    Safe to run from two beat processes at once: get_or_create on the unique version
    makes exactly one row, and only its creator enqueues the job. Returns the new report,
    or None when there was one already.
    """
    if CompiledReport.objects.filter(unit=unit, period_from=period.start, period_to=period.end).exists():
        return None
    with transaction.atomic():
        report, created = CompiledReport.objects.get_or_create(
            unit=unit,
            period_from=period.start,
            period_to=period.end,
            version=1,
            defaults={"kind": kind, "convention": convention},
        )
        if not created:
            return None
        REPORT.record(report, CompiledReportEvent.Kind.REQUESTED, actor=None, reason="scheduled")
        _enqueue_compile(report.pk)
    return report


def _child_units(unit: Unit, period: Period) -> list[Unit]:
    return list(units_in_force(start=period.start, end=period.end).filter(parent=unit).order_by("name"))


def _set_progress(report_id: int, progress: int) -> None:
    CompiledReport.objects.filter(pk=report_id, state=CompileState.RUNNING).update(
        progress=progress, updated_at=timezone.now()
    )


def report_run(*, report_id: int) -> CompiledReport | None:
    """Compile a queued report: its figures, the same period last year, and each unit
    directly below it (for the drill-down), updating `progress` as it goes.

    Returns None when the report is not waiting (already compiled, or taken by another
    worker): running it twice compiles once. Side effects: COMPILED or FAILED event.
    """
    with _runner_lock(report_id) as mine:
        if not mine:
            return None  # another worker is compiling it right now
        return _run_locked(report_id, runner_alive_checked=connection.vendor == "postgresql")


@contextmanager
def _runner_lock(report_id: int) -> Iterator[bool]:
    """On PostgreSQL, a session advisory lock held while the report compiles: it dies with
    the worker's connection, so a RUNNING report whose lock is free was left by a worker
    that was killed (issue 8, R2), and the redelivered task takes it over at once instead
    of waiting STALE_RUN. Elsewhere (SQLite) always True, and STALE_RUN decides."""
    if connection.vendor != "postgresql":
        yield True
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [RUNNER_LOCK_SPACE, report_id])
        mine = bool(cursor.fetchone()[0])
    try:
        yield mine
    finally:
        if mine:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [RUNNER_LOCK_SPACE, report_id])


def _run_locked(report_id: int, *, runner_alive_checked: bool) -> CompiledReport | None:
    takeable = Q(state=CompileState.QUEUED) | Q(state=CompileState.RUNNING, updated_at__lt=timezone.now() - STALE_RUN)
    if runner_alive_checked:
        takeable |= Q(state=CompileState.RUNNING)
    taken = (
        CompiledReport.objects.filter(takeable, pk=report_id)
        .exclude(status=ReportStatus.PUBLISHED)
        .update(state=CompileState.RUNNING, progress=0, updated_at=timezone.now())
    )
    if not taken:
        return None
    report = CompiledReport.objects.select_related("unit").get(pk=report_id)
    period = Period(report.period_from, report.period_to)
    try:
        figures = compile_figures(unit=report.unit, period=period)
        previous = compile_figures(unit=report.unit, period=period.previous, with_trend=False)
        children = _child_units(report.unit, period)
        _set_progress(report_id, 67 if children else 99)
        # Every child at once: three queries grouped by unit, not three per child.
        by_child = compile_figures_of_units(units=children, period=period, with_trend=False)
        compiled_children = [{key: by_child[child.pk][key] for key in CHILD_KEYS} for child in children]
    except Exception as exc:
        logger.exception("Report %s failed to compile", report_id)
        with transaction.atomic():
            CompiledReport.objects.filter(pk=report_id).update(state=CompileState.FAILED, error=str(exc)[:2000])
            REPORT.record(report, CompiledReportEvent.Kind.FAILED, actor=None, reason=str(exc)[:500])
        raise
    with transaction.atomic():
        report = CompiledReport.objects.select_for_update().get(pk=report_id)
        report.figures = figures
        report.previous_figures = {key: previous[key] for key in PREVIOUS_KEYS}
        report.children = compiled_children
        report.state = CompileState.DONE
        report.progress = 100
        report.compiled_at = timezone.now()
        report.error = ""
        report.save()
        REPORT.record(
            report,
            CompiledReportEvent.Kind.COMPILED,
            actor=None,
            from_status=CompileState.RUNNING,
            to_status=CompileState.DONE,
            data={"children": len(compiled_children)},
        )
        scheduled = CompiledReportEvent.objects.filter(
            report=report, kind=CompiledReportEvent.Kind.REQUESTED, reason="scheduled"
        ).exists()
        if scheduled:  # the draft of a closed period: its unit's heads are told, once
            outbox.enqueue(draft_notices(report))
    return report


def report_compile_now(*, unit: Unit, period: Period, kind: str, convention: str, actor: User | None) -> CompiledReport:
    """Request and compile in this process (demo data, tests, the command line)."""
    report = report_request(unit=unit, period=period, kind=kind, convention=convention, actor=actor)
    report_run(report_id=report.pk)
    report.refresh_from_db()
    return report


@transaction.atomic
def report_publish(*, report: CompiledReport, actor: User | None, ip_address: str | None = None) -> CompiledReport:
    """Publish a compiled draft: from now on it is frozen (recompiling makes a new version).

    Raises NotAllowed, or InvalidTransition unless the report is a compiled draft.
    Side effect: PUBLISHED event.
    """
    locked = REPORT.lock(report)
    POLICY.authorize(actor=actor, action="publish", unit=locked.unit)
    REPORT.guard(locked, ReportStatus.PUBLISHED)
    if locked.state != CompileState.DONE:
        raise InvalidTransition(_("Only a compiled report can be published."))
    locked.published_at = timezone.now()
    return REPORT.move(
        locked,
        to=ReportStatus.PUBLISHED,
        kind=CompiledReportEvent.Kind.PUBLISHED,
        actor=actor,
        ip_address=ip_address,
        update_fields=["published_at"],
    )
