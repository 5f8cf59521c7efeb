"""The daily deadline sweep (Celery beat, petitions.tasks): reminders before a deadline and
escalations after it, for the petitions' running steps and the denunciation duties. Each goes
once per deadline (compare-and-set on the deadline it went for), so a sweep run twice, or two
sweeps at once, send nothing twice. The system acts: no actor, no policy."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import F

from civicdesk.workdays import add_working_days
from core.models import Role, Unit
from core.selectors import calendar_around, users_with_role_in

from ..models import CLOCK_STATUSES, Petition, PetitionDuty
from .notifications import notify_officials
from .workflow import PETITION, Kind
from .workflow import today as local_today

REMIND_WORKING_DAYS = 3


def _nearest_heads(unit: Unit) -> list[User]:
    memberships = list(users_with_role_in(unit=unit, roles=(Role.HEAD,)))
    if not memberships:
        return []
    nearest = memberships[0].unit.path
    return [m.user for m in memberships if m.unit.path == nearest]


def _alert(petition: Petition, *, template: str, key: str, due_on: date, about: dict[str, str], escalate: bool) -> None:
    """One reminder (to the assignee, else the unit's handlers) or escalation (to the nearest
    heads) by e-mail, deduplicated per recipient on `key`, and its audit event."""
    if escalate:
        recipients = _nearest_heads(petition.unit)
    elif petition.assignee:
        recipients = [petition.assignee]
    else:
        recipients = [m.user for m in users_with_role_in(unit=petition.unit, roles=(Role.HANDLER,))]
    context = {"ref": petition.ref, **about, "due_on": f"{due_on:%d/%m/%Y}"}
    if escalate:
        context["unit"] = petition.unit.name
    notify_officials(petition, recipients, template=template, context=context, key=key)
    event_data: dict[str, object] = {
        **({"duty": about["duty"]} if "duty" in about else {}),
        "due_on": due_on.isoformat(),
    }
    PETITION.record(petition, Kind.ESCALATED if escalate else Kind.REMINDED, actor=None, data=event_data)


def deadline_sweep(*, today: date | None = None) -> tuple[int, int]:
    """Remind handlers of deadlines within 3 working days and escalate overdue petitions to
    the unit's head, each once per deadline (compare-and-set on reminded/escalated_due_on).
    Suspended petitions are skipped: their clock is stopped. Returns (reminded, escalated)."""
    today = today or local_today()
    cutoff = add_working_days(today, REMIND_WORKING_DAYS, calendar=calendar_around(today))
    reminded = escalated = 0
    soon = (
        Petition.objects.filter(status__in=CLOCK_STATUSES, due_on__gte=today, due_on__lte=cutoff)
        .exclude(reminded_due_on=F("due_on"))
        .select_related("unit", "assignee")
    )
    for petition in soon:
        with transaction.atomic(durable=True):
            won = (
                Petition.objects.filter(pk=petition.pk, due_on=petition.due_on)
                .exclude(reminded_due_on=petition.due_on)
                .update(reminded_due_on=petition.due_on)
            )
            if won != 1 or petition.due_on is None:
                continue
            _alert(
                petition,
                template="reminder",
                key=f"remind:{petition.pk}:{petition.due_on}",
                due_on=petition.due_on,
                about={"step": petition.step},
                escalate=False,
            )
            reminded += 1
    overdue = (
        Petition.objects.filter(status__in=CLOCK_STATUSES, due_on__lt=today)
        .exclude(escalated_due_on=F("due_on"))
        .select_related("unit")
    )
    for petition in overdue:
        with transaction.atomic(durable=True):
            won = (
                Petition.objects.filter(pk=petition.pk, due_on=petition.due_on)
                .exclude(escalated_due_on=petition.due_on)
                .update(escalated_due_on=petition.due_on)
            )
            if won != 1 or petition.due_on is None:
                continue
            _alert(
                petition,
                template="escalation",
                key=f"escalate:{petition.pk}:{petition.due_on}",
                due_on=petition.due_on,
                about={"step": petition.step},
                escalate=True,
            )
            escalated += 1
    duties_reminded, duties_escalated = _duty_sweep(today=today, cutoff=cutoff)
    return reminded + duties_reminded, escalated + duties_escalated


def _duty_sweep(*, today: date, cutoff: date) -> tuple[int, int]:
    """The same reminders and escalations for the pending denunciation duties (notify, publish),
    whatever the petition's status: each once per duty deadline."""
    counts = {False: 0, True: 0}
    pending = PetitionDuty.objects.filter(done_on__isnull=True).select_related("petition__unit", "petition__assignee")
    for escalate, marker, rows in (
        (False, "reminded_due_on", pending.filter(due_on__gte=today, due_on__lte=cutoff)),
        (True, "escalated_due_on", pending.filter(due_on__lt=today)),
    ):
        for row in rows.exclude(**{marker: F("due_on")}):
            with transaction.atomic(durable=True):
                won = (
                    PetitionDuty.objects.filter(pk=row.pk, due_on=row.due_on, done_on__isnull=True)
                    .exclude(**{marker: row.due_on})
                    .update(**{marker: row.due_on})
                )
                if won != 1:
                    continue
                _alert(
                    row.petition,
                    template="escalation" if escalate else "reminder",
                    key=f"{'escalate' if escalate else 'remind'}-duty:{row.pk}:{row.due_on}",
                    due_on=row.due_on,
                    about={"duty": row.duty},
                    escalate=escalate,
                )
                counts[escalate] += 1
    return counts[False], counts[True]
