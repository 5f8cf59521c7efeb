"""Demo data of the one-stop shop: the starter catalogue, and dossiers in every state over
two years for the two demo communes and the city. Idempotent (refs are fixed, rows are
upserted) and fast (bulk_create)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.contrib.auth.models import User
from django.utils import timezone

from civicdesk.workdays import WorkCalendar, add_working_days, next_working_day
from core.demo import DemoContext
from core.models import Membership, Role, Unit
from core.selectors import work_calendar

from .catalogue import STARTER
from .models import (
    OPEN_STATUSES,
    Dossier,
    DossierChannel,
    DossierOutcome,
    DossierStatus,
    Handover,
    HandoverStep,
    OnlineService,
    Procedure,
)
from .services import procedure_upsert_many

FIRST_NAMES = [
    "Nguyễn Văn An",
    "Trần Thị Bình",
    "Lê Minh Châu",
    "Phạm Thu Dung",
    "Hoàng Văn Em",
    "Vũ Thị Giang",
    "Đỗ Quang Huy",
    "Bùi Thị Khánh",
    "Ngô Đức Long",
    "Đặng Thị Mai",
]


def seed(context: DemoContext) -> None:
    procedure_upsert_many(rows=STARTER)
    procedures = list(Procedure.objects.filter(code__in=[r.code for r in STARTER]))
    rng = context.rng
    today = context.today
    start = today - timedelta(days=730)
    calendar = work_calendar(start=start, end=date(today.year + 1, 12, 31))
    dossiers: list[Dossier] = []
    transferred: set[tuple[int, str]] = set()
    handlers = {u.pk: _staff(u, Role.HANDLER) for u in [*context.communes, context.city]}
    for unit, per_day in [(context.communes[0], 6), (context.communes[1], 4), (context.city, 4)]:
        level = "province" if unit.level == "province" else "commune"
        own = [p for p in procedures if p.level == level]
        day, seq = start, 0
        while day <= today:
            if calendar.is_working_day(day):
                for n in range(rng.randint(0, per_day)):
                    seq += 1
                    p = rng.choice(own)
                    due = add_working_days(day, p.processing_days, calendar=calendar)
                    channel = (
                        DossierChannel.ONLINE
                        if p.online_service != OnlineService.NONE and rng.random() < 0.5
                        else rng.choice([DossierChannel.COUNTER, DossierChannel.COUNTER, DossierChannel.POST])
                    )
                    d = Dossier(
                        unit=unit,
                        ref=f"{unit.code}-{day:%y%m%d}-{n + 1:04d}",
                        received_on=day,
                        procedure=p,
                        channel=channel,
                        due_on=due,
                        clock_started_on=day,
                        handling_unit=unit,
                        applicant_name=rng.choice(FIRST_NAMES),
                        applicant_phone=f"09{rng.randint(10000000, 99999999)}",
                        lookup_pin=f"{rng.randint(0, 999999):06d}",
                        received_at=timezone.make_aware(timezone.datetime(day.year, day.month, day.day, 9)),
                    )
                    _give_fate(d, rng.random(), today, calendar)
                    if d.status not in CLOSED_EARLY:
                        d.assignee = handlers[unit.pk]
                    if unit != context.city and d.status not in CLOSED_EARLY and rng.random() < TRANSFER_SHARE:
                        transferred.add((unit.pk, d.ref))
                        if d.status in TRANSFERRED_STILL_AWAY:  # the result comes back to the unit
                            d.handling_unit, d.assignee = context.city, None
                    dossiers.append(d)
            day += timedelta(days=1)
    Dossier.objects.bulk_create(
        dossiers,
        batch_size=2000,
        update_conflicts=True,
        unique_fields=["unit", "ref"],
        update_fields=[
            "received_on",
            "procedure",
            "channel",
            "due_on",
            "resolved_on",
            "outcome",
            "status",
            "apology_sent_on",
            "apology_new_due_on",
            "apology_reason",
            "rating_score",
            "rating_visits",
            "rated_at",
            "status_reason",
            "clock_started_on",
            "handling_unit",
            "assignee",
        ],
    )
    _seed_handovers(dossiers, transferred, context.city, today, calendar)


# About one commune dossier in twelve goes to the city (liên thông) and, once resolved, back.
TRANSFER_SHARE = 0.08
CLOSED_EARLY = {DossierStatus.RECEIVED, DossierStatus.WITHDRAWN}
TRANSFERRED_STILL_AWAY = {DossierStatus.IN_PROCESSING, DossierStatus.SUPPLEMENT_REQUESTED, DossierStatus.RESUBMITTED}
RESULT_STATUSES = {DossierStatus.RESULT_READY, DossierStatus.RETURNED}


def _staff(unit: Unit, role: str) -> User | None:
    membership = Membership.objects.filter(unit=unit, role=role).select_related("user").order_by("user__username")
    first = membership.first()
    return first.user if first else None


def _seed_handovers(
    dossiers: list[Dossier], transferred: set[tuple[int, str]], city: Unit, today: date, calendar: WorkCalendar
) -> None:
    """The process-control slip (Mẫu 06) of every demo dossier: received, assigned, sent to the
    city and back for some, result ready, returned. Replaced on each run."""
    units = {d.unit_id: d.unit for d in dossiers}
    pks = {
        (unit_id, ref): pk
        for unit_id, ref, pk in Dossier.objects.filter(unit__in=list(units)).values_list("unit_id", "ref", "pk")
    }
    officers = {pk: _staff(unit, Role.OFFICER) for pk, unit in units.items()}
    handlers = {pk: _staff(unit, Role.HANDLER) for pk, unit in units.items()}

    def at(day: date, hour: int) -> datetime:
        return timezone.make_aware(datetime.combine(day, time(hour)))

    rows: list[Handover] = []
    for d in dossiers:
        pk = pks[(d.unit_id, d.ref)]
        unit, officer, handler = units[d.unit_id], officers[d.unit_id], handlers[d.unit_id]
        rows.append(
            Handover(
                dossier_id=pk, step=HandoverStep.RECEIVED, handed_at=at(d.received_on, 9), to_unit=unit, to_user=officer
            )
        )
        if d.status == DossierStatus.WITHDRAWN or d.status == DossierStatus.RECEIVED:
            continue
        rows.append(
            Handover(
                dossier_id=pk,
                step=HandoverStep.ASSIGNED,
                handed_at=at(d.received_on, 10),
                from_unit=unit,
                to_unit=unit,
                from_user=officer,
                to_user=handler,
            )
        )
        away = (d.unit_id, d.ref) in transferred
        if away:
            sent = min(next_working_day(d.received_on, calendar=calendar), today)
            rows.append(
                Handover(
                    dossier_id=pk,
                    step=HandoverStep.TRANSFERRED,
                    handed_at=at(sent, 14),
                    from_unit=unit,
                    to_unit=city,
                    from_user=handler,
                    note="Liên thông lấy ý kiến cơ quan cấp thành phố",
                )
            )
        if d.status in RESULT_STATUSES:
            done = d.resolved_on or today
            rows.append(
                Handover(
                    dossier_id=pk,
                    step=HandoverStep.RESULT_READY,
                    handed_at=at(done, 11),
                    from_unit=city if away else unit,
                    to_unit=unit,
                    from_user=None if away else handler,
                )
            )
        if d.status == DossierStatus.RETURNED and d.resolved_on:
            rows.append(
                Handover(
                    dossier_id=pk,
                    step=HandoverStep.RETURNED,
                    handed_at=at(d.resolved_on, 15),
                    from_unit=unit,
                    from_user=officer,
                )
            )
    Handover.objects.filter(dossier_id__in=[pks[(d.unit_id, d.ref)] for d in dossiers]).delete()
    Handover.objects.bulk_create(rows, batch_size=2000)


def _give_fate(d: Dossier, roll: float, today: date, calendar: WorkCalendar) -> None:
    age = (today - d.received_on).days
    if age < 20 and roll < 0.6:  # recent ones are still open, in every open state
        d.status = [
            DossierStatus.RECEIVED,
            DossierStatus.IN_PROCESSING,
            DossierStatus.SUPPLEMENT_REQUESTED,
            DossierStatus.RESUBMITTED,
            DossierStatus.RESULT_READY,
        ][int(roll * 10) % 5]
        if d.status == DossierStatus.SUPPLEMENT_REQUESTED:
            d.supplement_missing = ["Bản sao giấy tờ chứng minh chỗ ở hợp pháp"]
        return
    if roll < 0.03:
        d.status, d.outcome, d.resolved_on = DossierStatus.REFUSED, DossierOutcome.REFUSED, d.due_on
        d.status_reason = "Không đủ điều kiện theo quy định"
    elif roll < 0.05:
        d.status, d.outcome, d.resolved_on = DossierStatus.WITHDRAWN, DossierOutcome.WITHDRAWN, d.received_on
    elif roll < 0.06:
        d.status, d.outcome, d.resolved_on = DossierStatus.STOPPED, DossierOutcome.REFUSED, d.due_on
        d.status_reason = "Người nộp hồ sơ đề nghị dừng giải quyết"
    elif roll < 0.08:  # late, with an apology
        d.apology_sent_on = d.due_on - timedelta(days=2)
        d.apology_new_due_on = add_working_days(d.due_on, 3, calendar=calendar)
        d.apology_reason = "Cần xác minh thêm thông tin với cơ quan liên quan"
        d.status, d.resolved_on = DossierStatus.RETURNED, d.apology_new_due_on
    else:
        early = roll < 0.5 and d.due_on > d.received_on
        d.resolved_on = (
            next_working_day(d.received_on, calendar=calendar)
            if early and d.due_on > next_working_day(d.received_on, calendar=calendar)
            else d.due_on
        )
        d.status = DossierStatus.RETURNED
        if roll > 0.4:
            d.rating_score, d.rating_visits = (3 if roll > 0.55 else 2), (1 if roll > 0.5 else 2)
            d.rated_at = timezone.make_aware(
                timezone.datetime(d.resolved_on.year, d.resolved_on.month, d.resolved_on.day, 15)
            )
    if d.resolved_on and d.resolved_on > today:
        d.status, d.outcome, d.resolved_on = DossierStatus.IN_PROCESSING, DossierOutcome.GRANTED, None
        d.rating_score = d.rating_visits = d.rated_at = None


_ = OPEN_STATUSES
