"""A dossier running late: the apology with a new appointment date (Mẫu 04), and the daily
warning to each unit of its dossiers due on the next working day without one."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from civicdesk.exceptions import DomainError, InvalidTransition
from civicdesk.workdays import next_working_day, subtract_working_days
from core.outbox import run_task_after_commit
from core.selectors import calendar_around, deadline_rule_in_force, work_calendar

from ..models import OPEN_STATUSES, Dossier, DossierEvent, DossierStatus
from .notifications import notify_applicant
from .workflow import DOSSIER, action_day, authorize, local_today

S = DossierStatus
K = DossierEvent.Kind

DUE_WARNING_MAIL_TASK = "adminreform.tasks.dossier_due_warning_mail_task"


def apology_last_day(dossier: Dossier) -> date:
    """The last working day the apology is owed by: at least 1 working day before the
    deadline (rule `dossier.apology`, Decree 61/2018 art. 19)."""
    rule = deadline_rule_in_force(code="dossier.apology", on=dossier.received_on)
    calendar = work_calendar(start=date(dossier.due_on.year - 1, 1, 1), end=dossier.due_on)
    return subtract_working_days(dossier.due_on, rule.amount or 1, calendar=calendar)


@transaction.atomic
def dossier_apologise(
    *,
    dossier: Dossier,
    new_due_on: date,
    reason: str,
    actor: User,
    on: date | None = None,
    expected_version: int | None = None,
    ip_address: str | None = None,
) -> Dossier:
    """Send the apology and new date (Mẫu 04). Only once, only while open. It is owed at least
    1 working day before the deadline; one recorded after that (even after the appointment
    date has passed) is still recorded, once, and its event says `late`. The legal due date
    stays as it was: the dossier still counts as late; the applicant's appointment moves to
    `new_due_on`, which must be after the deadline and after the day of the apology. The
    apology goes to the applicant by e-mail and SMS (outbox)."""
    dossier = DOSSIER.lock(dossier, expected_version=expected_version)
    authorize(actor=actor, action="apology", dossier=dossier)
    today = action_day(dossier, on)
    if not dossier.is_open or dossier.status == S.RESULT_READY:
        raise InvalidTransition(_("An apology is only sent for a dossier still in processing."))
    if dossier.apology_sent_on is not None:
        raise DomainError(
            _("An apology was already sent on %(day)s: the date can only be moved once.")
            % {"day": dossier.apology_sent_on.strftime("%d/%m/%Y")}
        )
    if not reason.strip():
        raise DomainError(_("Give the reason for the delay."))
    late = today > apology_last_day(dossier)
    if new_due_on <= dossier.due_on:
        raise DomainError(_("The new date must be after the current deadline."))
    if new_due_on <= today:
        raise DomainError(_("The new date must be after the day of the apology."))
    dossier.apology_sent_on, dossier.apology_new_due_on, dossier.apology_reason = today, new_due_on, reason.strip()
    notify_applicant(
        dossier,
        "apology",
        {"due_on": f"{dossier.due_on:%d/%m/%Y}", "new_due_on": f"{new_due_on:%d/%m/%Y}", "reason": reason.strip()},
    )
    return DOSSIER.change(
        dossier,
        kind=K.APOLOGISED,
        actor=actor,
        reason=reason,
        data={"due_on": dossier.due_on.isoformat(), "new_due_on": new_due_on.isoformat(), "late": late},
        ip_address=ip_address,
        update_fields=["apology_sent_on", "apology_new_due_on", "apology_reason"],
    )


def dossier_warn_due_soon(*, today: date | None = None) -> list[int]:
    """Warn each unit of its open dossiers due on the next working day without an apology,
    each dossier once (compare-and-set on `due_warning_sent_at`: re-running is harmless).
    The system's own sweep: no actor. Returns the ids warned; the e-mails go out after
    commit (`tasks.dossier_due_warning_mail_task`)."""
    day = local_today(today)
    tomorrow = next_working_day(day, calendar=calendar_around(day))
    candidates = list(
        Dossier.objects.filter(
            status__in=OPEN_STATUSES,
            due_on__gt=day,
            due_on__lte=tomorrow,
            apology_sent_on__isnull=True,
            due_warning_sent_at__isnull=True,
        )
        .exclude(status=S.RESULT_READY)
        .values_list("pk", flat=True)
    )
    warned: list[int] = []
    now = timezone.now()
    for pk in candidates:
        with transaction.atomic(durable=True):
            won = Dossier.objects.filter(pk=pk, due_warning_sent_at__isnull=True).update(due_warning_sent_at=now)
            if won != 1:
                continue
            DOSSIER.record(Dossier.objects.get(pk=pk), K.DUE_WARNING, actor=None)
            warned.append(pk)
    if warned:
        run_task_after_commit(DUE_WARNING_MAIL_TASK, dossier_ids=warned)
    return warned
