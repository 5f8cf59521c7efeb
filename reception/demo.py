"""Demo reception data: two years of sessions, visits and delegations in the two demo
communes and the city, and the next head's reception days published. Idempotent."""

from __future__ import annotations

import unicodedata
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from civicdesk.crypto import IndexFamily, blind_index
from civicdesk.workdays import add_working_days, subtract_working_days
from core.demo import DemoContext
from core.models import Unit
from core.selectors import deadline_rule_in_force, work_calendar

from .models import (
    DialogueConference,
    FollowUpItem,
    ReceivedBy,
    ReceptionSession,
    SessionKind,
    Visit,
    VisitAnswer,
    VisitDenouncerIdentity,
    VisitOutcome,
)
from .rules import COMMUNE_RULE_CHANGE, IDENTIFICATION_REQUIRED_FROM
from .services.vault import VisitIdentity, encrypt_visit_identity

MARK = "DEMO-"
SURNAMES = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô")
MIDDLE = ("Văn", "Thị", "Minh", "Quang", "Thu", "Đức", "Hồng")
GIVEN = ("An", "Bình", "Cường", "Dung", "Giang", "Hải", "Hương", "Khánh", "Linh", "Nam", "Phúc", "Thảo")
STREETS = ("Hàng Bạc", "Hàng Đào", "Lý Thái Tổ", "Tràng Tiền", "Đội Cấn", "Kim Mã", "Liễu Giai", "Phan Đình Phùng")
MATTERS = (
    ("complaint", "Khiếu nại quyết định thu hồi đất và mức bồi thường khi giải phóng mặt bằng"),
    ("complaint", "Khiếu nại việc xử phạt vi phạm hành chính về trật tự xây dựng"),
    ("denunciation", "Tố cáo cán bộ địa chính có dấu hiệu nhũng nhiễu khi làm thủ tục đất đai"),
    ("recommendation", "Kiến nghị sửa chữa hệ thống thoát nước ngõ phố bị ngập khi mưa"),
    ("feedback", "Phản ánh tiếng ồn của quán karaoke sau 22 giờ"),
    ("recommendation", "Kiến nghị cấp giấy chứng nhận quyền sử dụng đất còn tồn đọng"),
    ("feedback", "Phản ánh lấn chiếm vỉa hè làm nơi trông giữ xe"),
)


def _unaccented(text: str) -> str:
    text = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    return "".join(c for c in text if unicodedata.category(c) != "Mn")


def seed(context: DemoContext) -> None:
    units = [context.city, *context.communes]
    _dialogues(context, units)
    if Visit.objects.filter(unit__in=units, ref__startswith=MARK).exists():
        return
    today, rng = context.today, context.rng
    start = date(today.year - 2, today.month, 1)
    calendar = work_calendar(start=start - timedelta(days=60), end=today + timedelta(days=120))
    publish_days = deadline_rule_in_force(code="reception.publish_schedule", on=today)
    answer_rule = deadline_rule_in_force(code="reception.answer", on=today)
    now = timezone.now()

    for unit in units:
        slug = "hanoi" if unit == context.city else ("hoankiem" if unit.code == "00070" else "badinh")
        head, officer = context.users[f"chutich.{slug}"], context.users.get(f"canbo.{slug}") or context.users["admin"]
        place = f"Trụ sở {unit.name}" if unit.level == "commune" else "Trụ sở Tiếp công dân thành phố Hà Nội"
        head_title = f"{head.get_full_name()}, Chủ tịch UBND"  # Vietnamese order: family, middle, given

        # The head's reception days: weekly (commune, before 1/7/2026), twice a month after, monthly (city).
        days: list[date] = []
        day = start
        while day <= today + timedelta(days=45):
            if unit.level == "province":
                keep = day.weekday() == 3 and day.day <= 7  # first Thursday
            elif day < COMMUNE_RULE_CHANGE:
                keep = day.weekday() == 3  # every Thursday
            else:
                keep = day.weekday() == 3 and (day.day <= 7 or 15 <= day.day <= 21)
            if keep and calendar.is_working_day(day) and rng.random() > 0.04:
                days.append(day)
            day += timedelta(days=1)
        sessions = []
        for d in days:
            due = subtract_working_days(d, publish_days.amount or 5, calendar=calendar)
            published = timezone.make_aware(datetime.combine(due - timedelta(days=rng.choice((0, 1, 2, 7))), time(9)))
            if d > today and d > due + timedelta(days=3):
                published = now
            sessions.append(
                ReceptionSession(
                    unit=unit,
                    kind=SessionKind.HEAD_PERIODIC,
                    date=d,
                    start_time=time(8, 0),
                    end_time=time(11, 30),
                    place=place,
                    received_by=ReceivedBy.HEAD,
                    receiver=head,
                    receiver_title=head_title,
                    publish_due_on=due,
                    publish_rule_id=publish_days.pk,
                    published_at=published,
                    published_late=timezone.localdate(published) > due,
                    conclusions="Giao bộ phận chuyên môn rà soát, trả lời công dân" if d < today else "",
                )
            )
        # A dialogue conference each year and the regular desk on Mondays.
        sessions.append(
            ReceptionSession(
                unit=unit,
                kind=SessionKind.DIALOGUE,
                date=date(today.year - 1, 10, 15),
                place=place,
                received_by=ReceivedBy.HEAD,
                receiver=head,
                receiver_title=head_title,
                attendance=rng.randint(40, 120),
                issues_raised="Bồi thường giải phóng mặt bằng; trật tự đô thị; thoát nước",
                conclusions="Công khai phương án bồi thường; kiểm tra lấn chiếm vỉa hè",
            )
        )
        day = start
        while day <= today:
            if day.weekday() == 0 and calendar.is_working_day(day):
                sessions.append(
                    ReceptionSession(unit=unit, kind=SessionKind.REGULAR, date=day, place=place, received_by="staff")
                )
            day += timedelta(days=1)
        sessions = ReceptionSession.objects.bulk_create(sessions)

        visits: list[Visit] = []
        secret: dict[int, VisitIdentity] = {}
        returns: dict[int, int] = {}  # a returning citizen's visit -> their previous visit (indexes in `visits`)
        for session in sorted(sessions, key=lambda s: (s.date, s.pk or 0)):
            if session.date > today or session.kind == SessionKind.DIALOGUE:
                continue
            for _ in range(rng.choice((0, 1, 1, 2, 3))):
                kind, content = rng.choice(MATTERS)
                people = rng.choice((1, 1, 1, 1, 2, 3, 6, 12)) if unit.level == "commune" else rng.choice((1, 2, 7))
                outcome = rng.choice((VisitOutcome.GUIDED, VisitOutcome.ANSWERED, VisitOutcome.PETITION))
                name = f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
                number, street = rng.randint(1, 120), rng.choice(STREETS)
                address, identity = f"Số {number} {street}, {unit.name}", f"0010{rng.randint(10**7, 10**8 - 1)}"
                earlier = [i for i, v in enumerate(visits) if not v.is_denunciation and i not in returns.values()]
                back = earlier[rng.randrange(len(earlier))] if earlier and rng.random() < 0.15 else None
                if back is not None:  # a citizen comes back about the same matter, typed a little differently
                    prev = visits[back]
                    kind, content, identity = prev.kind, prev.content, prev.identity_number
                    name = _unaccented(prev.citizen_name) if rng.random() < 0.3 else prev.citizen_name
                    address = prev.address.removeprefix("Số ").split(",")[0] if rng.random() < 0.3 else prev.address
                    if rng.random() < 0.3 and session.date < IDENTIFICATION_REQUIRED_FROM:
                        identity = ""  # no papers shown, before identification was required
                    returns[len(visits)] = back
                visit = Visit(
                    unit=unit,
                    session=session,
                    ref=f"{MARK}{session.date.year}-{len(visits) + 1:05d}",
                    received_on=session.date,
                    people=people,
                    representatives=(rng.randint(1, 2) if people <= 10 else rng.randint(1, 5)) if people >= 5 else None,
                    received_by=session.received_by,
                    kind=kind,
                    repeat=back is not None,
                    citizen_name=name,
                    identity_number=identity,
                    address=address,
                    content=content,
                    outcome=outcome,
                    guided_to="Tòa án nhân dân thành phố" if outcome == VisitOutcome.GUIDED else "",
                    recorded_by=officer,
                )
                if outcome == VisitOutcome.PETITION:
                    visit.answer_due_on = add_working_days(session.date, answer_rule.amount or 10, calendar=calendar)
                    visit.answer_rule_id = answer_rule.pk
                    if visit.answer_due_on < today - timedelta(days=20) or rng.random() < 0.5:
                        visit.answer = rng.choice(list(VisitAnswer))
                        visit.answered_on = min(visit.answer_due_on, today)
                if visit.is_denunciation:  # the denouncer's identity goes to the vault, not the row
                    secret[len(visits)] = VisitIdentity(
                        name=visit.citizen_name, id_number=visit.identity_number, address=visit.address
                    )
                    visit.citizen_name = visit.identity_number = visit.address = ""
                visits.append(visit)
        visits = Visit.objects.bulk_create(visits)
        VisitDenouncerIdentity.objects.bulk_create(
            VisitDenouncerIdentity(
                visit=visits[i],
                ciphertext=encrypt_visit_identity(identity),
                identity_index=blind_index(identity.id_number, family=IndexFamily.VISIT_DENOUNCER),
            )
            for i, identity in secret.items()
        )
        for i, back in returns.items():
            visits[i].repeat_of = visits[back]
        Visit.objects.bulk_update([visits[i] for i in returns], ["repeat_of"])

        FollowUpItem.objects.bulk_create(
            FollowUpItem(
                session=s,
                unit=unit,
                description="Kiểm tra, trả lời kiến nghị của công dân tại buổi tiếp",
                owner=context.users.get(f"xuly.{slug}") or head,
                due_on=s.date + timedelta(days=15),
                status="done" if s.date < today - timedelta(days=30) else "open",
                done_on=s.date + timedelta(days=12) if s.date < today - timedelta(days=30) else None,
                result="Đã kiểm tra, trả lời công dân" if s.date < today - timedelta(days=30) else "",
            )
            for s in sessions
            if s.kind == SessionKind.HEAD_PERIODIC and s.date <= today and s.date.day <= 7
        )


def _dialogues(context: DemoContext, units: list[Unit]) -> None:
    """Dialogue conferences the heads held with citizens about a matter of the register, about
    one every six weeks a unit over two years (refs DEMO-DT-<n>; existing ones left alone)."""
    today, rng = context.today, context.rng
    rows = []
    for unit in units:
        for n in range(16):
            held_on = today - timedelta(days=20 + 45 * n + rng.randint(0, 20))
            rows.append(
                DialogueConference(
                    unit=unit,
                    ref=f"{MARK}DT-{n + 1:02d}",
                    held_on=held_on,
                    attendees=rng.randint(12, 140),
                    topic=f"Đối thoại: {MATTERS[n % len(MATTERS)][1].lower()}",
                    recorded_by=context.users.get("admin"),
                )
            )
    DialogueConference.objects.bulk_create(rows, ignore_conflicts=True)
