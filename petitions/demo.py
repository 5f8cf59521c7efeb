"""Demo petitions: every state, over two years, in the two demo wards and a few other
communes of Hà Nội. Idempotent (refs DEMO-<unit>-<n>; existing ones are left alone) and
bulk-written. One petition of Phường Hoàn Kiếm can be tracked publicly with the code
PAHKTEST26 and the secret HOANKIEM26."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from random import Random
from typing import TYPE_CHECKING, Any

from civicdesk.workdays import compute_deadline
from core.choices import PetitionKind
from core.models import Unit
from core.selectors import deadline_rule_in_force, work_calendar

from .choices import UPHELD_RESULTS, Result, Step
from .figures import PetitionField
from .models import (
    DUTY_RULES,
    Channel,
    DecisionExecution,
    DecisionFigures,
    DenouncerIdentity,
    Duty,
    Outcome,
    Petition,
    PetitionDuty,
    PetitionEvent,
)
from .models import PetitionStatus as S
from .rules import CONCLUSION_RESULTS, DECISION_RESULTS
from .services.vault import Identity, encrypt_identity
from .text import fold, id_number_digest, secret_digest

if TYPE_CHECKING:
    from core.demo import DemoContext

DEMO_CODE, DEMO_SECRET = "PAHKTEST26", "HOANKIEM26"
SUBJECTS = {
    PetitionKind.COMPLAINT: [
        "Khiếu nại quyết định thu hồi đất ngõ {n} phố Hàng Bạc",
        "Khiếu nại quyết định xử phạt vi phạm hành chính về xây dựng",
        "Khiếu nại việc không cấp giấy chứng nhận quyền sử dụng đất",
        "Khiếu nại mức bồi thường giải phóng mặt bằng",
    ],
    PetitionKind.DENUNCIATION: [
        "Tố cáo cán bộ địa chính nhận tiền của người dân",
        "Tố cáo việc xây dựng trái phép không bị xử lý",
        "Tố cáo sai phạm trong quản lý quỹ khu dân cư",
    ],
    PetitionKind.RECOMMENDATION: [
        "Kiến nghị lắp đèn chiếu sáng ngõ {n}",
        "Kiến nghị sửa chữa mặt đường phố Lý Thái Tổ",
        "Kiến nghị bố trí điểm tập kết rác hợp lý",
    ],
    PetitionKind.FEEDBACK: [
        "Phản ánh lấn chiếm vỉa hè để kinh doanh",
        "Phản ánh tiếng ồn công trình ban đêm",
        "Phản ánh ngập úng sau mưa tại ngõ {n}",
    ],
}
# The field (lĩnh vực) of each subject above, as the XLD forms group them.
FIELDS = {
    "Khiếu nại quyết định thu hồi đất ngõ {n} phố Hàng Bạc": PetitionField.ADMIN_LAND,
    "Khiếu nại quyết định xử phạt vi phạm hành chính về xây dựng": PetitionField.ADMIN_OTHER,
    "Khiếu nại việc không cấp giấy chứng nhận quyền sử dụng đất": PetitionField.ADMIN_LAND,
    "Khiếu nại mức bồi thường giải phóng mặt bằng": PetitionField.ADMIN_POLICY,
    "Tố cáo cán bộ địa chính nhận tiền của người dân": PetitionField.CORRUPTION,
    "Tố cáo việc xây dựng trái phép không bị xử lý": PetitionField.ADMIN_CIVIL_SERVICE,
    "Tố cáo sai phạm trong quản lý quỹ khu dân cư": PetitionField.ADMIN_OTHER,
    "Kiến nghị lắp đèn chiếu sáng ngõ {n}": PetitionField.ADMIN_OTHER,
    "Kiến nghị sửa chữa mặt đường phố Lý Thái Tổ": PetitionField.ADMIN_OTHER,
    "Kiến nghị bố trí điểm tập kết rác hợp lý": PetitionField.ADMIN_OTHER,
    "Phản ánh lấn chiếm vỉa hè để kinh doanh": PetitionField.ADMIN_LAND,
    "Phản ánh tiếng ồn công trình ban đêm": PetitionField.OTHER,
    "Phản ánh ngập úng sau mưa tại ngõ {n}": PetitionField.ADMIN_OTHER,
}
NAMES = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", "Phạm Thị Dung", "Hoàng Văn Em", "Vũ Thị Giang"]
STATES = [
    S.RECEIVED, S.CLASSIFIED, S.ACCEPTED, S.SUSPENDED, S.RESOLVED, S.REFUSED, S.GUIDED, S.TRANSFERRED, S.URGED,
    S.FILED, S.NO_ACTION, S.RESOLVED, S.RESOLVED, S.ACCEPTED,
]  # fmt: skip
OUTCOME_FOR = {
    S.REFUSED: Outcome.REFUSED, S.GUIDED: Outcome.GUIDED, S.TRANSFERRED: Outcome.TRANSFERRED,
    S.URGED: Outcome.URGED, S.FILED: Outcome.FILED, S.NO_ACTION: Outcome.NO_ACTION,
}  # fmt: skip
RESULTS = {
    PetitionKind.COMPLAINT: [Result.CORRECT, Result.PARTLY_CORRECT, Result.WRONG, Result.WITHDRAWN],
    PetitionKind.DENUNCIATION: [Result.TRUE, Result.PARTLY_TRUE, Result.FALSE],
    PetitionKind.RECOMMENDATION: [Result.ANSWERED],
    PetitionKind.FEEDBACK: [Result.ANSWERED],
}


def seed(context: DemoContext) -> None:
    rng, today = context.rng, context.today
    calendar = work_calendar(start=today - timedelta(days=800), end=today + timedelta(days=400))
    others = list(
        Unit.objects.filter(parent=context.city).exclude(pk__in=[u.pk for u in context.communes]).order_by("code")[:3]
    )
    plan = [(u, 60) for u in context.communes] + [(u, 12) for u in others]
    handlers = {u.pk: context.users.get(f"xuly.{slug}") for u, slug in zip(context.communes, ("hoankiem", "badinh"))}  # noqa: B905
    rules: dict[str, object] = {}

    def rule(code: str, on: date) -> object:
        key = f"{code}@{on.year}-{on >= date(2026, 7, 1)}"
        if key not in rules:
            rules[key] = deadline_rule_in_force(code=code, on=on)
        return rules[key]

    def deadline(code: str, start: date) -> tuple[date, int]:
        r = rule(code, start)
        spec = r.as_spec()  # type: ignore[attr-defined]
        return compute_deadline(start, spec, calendar=calendar).due_on, spec.rule_id

    new: list[Petition] = []
    identities: dict[str, Identity] = {}
    existing = set(Petition.objects.filter(ref__startswith="DEMO-").values_list("unit_id", "ref"))
    for unit, count in plan:
        for n in range(count):
            ref = f"DEMO-{unit.code}-{n + 1:04d}"
            if (unit.pk, ref) in existing:
                continue
            kind = rng.choice(list(SUBJECTS))
            # Older petitions are mostly closed; the last weeks hold the open ones.
            age = rng.randint(0, 730) if n % 3 else rng.randint(0, 40)
            received = today - timedelta(days=age)
            state = STATES[n % len(STATES)] if age > 40 else rng.choice([S.RECEIVED, S.CLASSIFIED, S.ACCEPTED])
            name = rng.choice(NAMES)
            identity = Identity(
                name=name,
                id_number=f"0010{rng.randint(10**7, 10**8 - 1)}",
                address=f"{rng.randint(1, 120)} phố {unit.name}",
                phone=f"09{rng.randint(10**7, 10**8 - 1)}",
            )
            subject = rng.choice(SUBJECTS[kind])
            p = Petition(
                unit=unit,
                ref=ref,
                received_on=received,
                kind=kind,
                channel=rng.choice([Channel.POST, Channel.ONLINE, Channel.IN_PERSON, Channel.FORWARDED]),
                subject=subject.format(n=rng.randint(2, 90)),
                field=FIELDS[subject] if state != S.RECEIVED else "",
                content="Nội dung đơn mẫu phục vụ trình diễn.",
                signers=rng.choice([1, 1, 1, 1, 2, 6, 12]),
                over_level=rng.random() < 0.08,
                status=state,
                source="demo",
                id_number_digest=id_number_digest(identity.id_number, kind=kind),
            )
            if kind != PetitionKind.DENUNCIATION:
                p.petitioner_name, p.petitioner_id_number = identity.name, identity.id_number
                p.petitioner_address, p.petitioner_phone = identity.address, identity.phone
            else:
                identities[ref] = identity
            p.classify_due_on, p.classify_rule_id = deadline("petition.classify", received)
            intake = {PetitionKind.COMPLAINT: ("complaint.accept", Step.ACCEPT),
                      PetitionKind.DENUNCIATION: ("denunciation.initial", Step.INITIAL)}.get(
                kind, ("petition.classify", Step.CLASSIFY))  # fmt: skip
            p.due_on, p.due_rule_id = deadline(intake[0], received)
            p.step = intake[1]
            if state != S.RECEIVED:
                p.classified_on = min(received + timedelta(days=3), today)
                p.eligible = state not in (S.FILED, S.NO_ACTION)
                p.competent = state not in (S.GUIDED, S.TRANSFERRED)
            if state in (S.ACCEPTED, S.SUSPENDED, S.RESOLVED):
                p.outcome, p.accepted_on = Outcome.ACCEPTED, min(received + timedelta(days=5), today)
                code = {PetitionKind.COMPLAINT: "complaint.first.resolve",
                        PetitionKind.DENUNCIATION: "denunciation.resolve"}.get(
                    kind, "recommendation.resolve")  # fmt: skip
                p.due_on, p.due_rule_id = deadline(code, p.accepted_on)
                p.step = Step.RESOLVE
                p.assignee = handlers.get(unit.pk)
            if state == S.SUSPENDED:
                p.suspended_on = min(p.accepted_on + timedelta(days=10), today) if p.accepted_on else today
            if state == S.RESOLVED:
                p.result = rng.choice(RESULTS[kind])
                p.resolved_on = min((p.accepted_on or received) + timedelta(days=rng.randint(10, 40)), today)
            if state in OUTCOME_FOR:
                p.outcome, p.resolved_on = OUTCOME_FOR[state], min(received + timedelta(days=7), today)
                p.outcome_reason = "Theo quy định tại Thông tư 05/2021/TT-TTCP."
            if kind == PetitionKind.COMPLAINT:
                p.decision_known_on = received - timedelta(days=rng.randint(5, 80))
                p.limitation_due_on, p.limitation_rule_id = deadline("complaint.limitation", p.decision_known_on)
            p.search_text = fold(" ".join([p.ref, p.subject, p.content, p.petitioner_name]))
            if unit == context.communes[0] and n == 1 and not Petition.objects.filter(tracking_code=DEMO_CODE).exists():
                p.tracking_code, p.tracking_secret_hash = DEMO_CODE, secret_digest(DEMO_SECRET)
            new.append(p)
    if not new:
        return
    Petition.objects.bulk_create(new, batch_size=1000, ignore_conflicts=True)
    saved = {ref: pk for pk, ref in Petition.objects.filter(ref__in=[p.ref for p in new]).values_list("pk", "ref")}
    DenouncerIdentity.objects.bulk_create(
        [
            DenouncerIdentity(petition_id=saved[ref], ciphertext=encrypt_identity(identity))
            for ref, identity in identities.items()
        ],
        ignore_conflicts=True,
    )
    duties = []
    for p in new:
        if p.kind != PetitionKind.DENUNCIATION or p.accepted_on is None:
            continue
        starts = [(Duty.NOTIFY_ACCEPTANCE, p.accepted_on)]
        if p.status == S.RESOLVED and p.result in (Result.TRUE, Result.PARTLY_TRUE, Result.FALSE) and p.resolved_on:
            starts += [(Duty.NOTIFY_CONCLUSION, p.resolved_on), (Duty.PUBLISH_CONCLUSION, p.resolved_on)]
        for duty, start in starts:
            due_on, rule_id = deadline(DUTY_RULES[duty], start)
            done = (today - start).days > 12  # the recent ones are still to do
            duties.append(
                PetitionDuty(
                    petition_id=saved[p.ref],
                    duty=duty,
                    start=start,
                    due_on=due_on,
                    rule_id=rule_id,
                    done_on=min(due_on, today) if done else None,
                    note="Văn bản thông báo gửi qua bưu điện" if done else "",
                    published_text="Kết luận nội dung tố cáo (bản công khai)."
                    if done and duty == Duty.PUBLISH_CONCLUSION
                    else "",
                )
            )
    PetitionDuty.objects.bulk_create(duties, ignore_conflicts=True)
    figures = {p.ref: _figures(saved[p.ref], p, rng) for p in new if p.result in UPHELD_RESULTS}
    DecisionFigures.objects.bulk_create([f for f, _handled in figures.values()], ignore_conflicts=True)
    DecisionExecution.objects.bulk_create(
        [
            _execution(saved[p.ref], p, *figures.get(p.ref, (None, (0, 0))), today=today)
            for p in new
            if p.status == S.RESOLVED and p.resolved_on and p.result in (*DECISION_RESULTS, *CONCLUSION_RESULTS)
        ],
        ignore_conflicts=True,
    )
    events = []
    for p in new:
        pk = saved[p.ref]
        events.append(
            PetitionEvent(
                petition_id=pk,
                kind=PetitionEvent.Kind.RECEIVED,
                to_status=S.RECEIVED,
                occurred_at=_at(p.received_on),
                data={"source": "demo"},
            )
        )
        if p.status != S.RECEIVED:
            events.append(
                PetitionEvent(
                    petition_id=pk,
                    kind=PetitionEvent.Kind.CLASSIFIED,
                    from_status=S.RECEIVED,
                    to_status=S.CLASSIFIED,
                    occurred_at=_at(p.classified_on or p.received_on),
                )
            )
        if p.outcome:
            events.append(
                PetitionEvent(
                    petition_id=pk,
                    kind=p.outcome,
                    from_status=S.CLASSIFIED,
                    to_status=S.ACCEPTED if p.outcome == Outcome.ACCEPTED else p.status,
                    reason=p.outcome_reason,
                    occurred_at=_at(p.accepted_on or p.resolved_on or p.received_on),
                )
            )
        if p.status == S.SUSPENDED:
            events.append(
                PetitionEvent(
                    petition_id=pk,
                    kind=PetitionEvent.Kind.SUSPENDED,
                    reason="Chờ kết quả giám định",
                    occurred_at=_at(p.suspended_on or p.received_on),
                )
            )
        if p.status == S.RESOLVED:
            events.append(
                PetitionEvent(
                    petition_id=pk,
                    kind=PetitionEvent.Kind.RESOLVED,
                    from_status=S.ACCEPTED,
                    to_status=S.RESOLVED,
                    data={"result": p.result},
                    occurred_at=_at(p.resolved_on or p.received_on),
                )
            )
    PetitionEvent.objects.bulk_create(events, batch_size=1000)


def _figures(pk: int, p: Petition, rng: Random) -> tuple[DecisionFigures, tuple[int, int]]:
    """What a complaint found (partly) correct or a denunciation found (partly) true decides: a
    sum and some land recommended for recovery or returned (now and then part of it to an
    organisation), a few people proposed for administrative handling, now and then a case sent
    to the police; and how many of those proposed are handled (people, officials)."""
    proposed = rng.choice([0, 1, 1, 2, 3])
    handled = rng.randint(0, proposed)
    referred = 1 if p.kind == PetitionKind.DENUNCIATION and rng.random() < 0.15 else 0
    figures = DecisionFigures(
        petition_id=pk,
        recover_money=rng.choice([0, 0, 15_000_000, 48_500_000, 120_000_000]),
        recover_land_m2=Decimal(rng.choice([0, 0, 0, 35, 120])) + Decimal("0.5") * rng.randint(0, 1),
        return_money=rng.choice([0, 0, 8_000_000, 26_000_000]) if p.kind == PetitionKind.COMPLAINT else 0,
        return_land_m2=Decimal(rng.choice([0, 0, 42])) if p.kind == PetitionKind.COMPLAINT else Decimal(0),
        returned_individuals=rng.choice([0, 1, 1, 2]) if p.kind == PetitionKind.COMPLAINT else 0,
        handling_proposed_people=proposed,
        handling_proposed_officials=rng.randint(0, proposed),
        referred_cases=referred,
        referred_people=referred * rng.choice([1, 2]),
        referred_officials=referred,
    )
    handled_officials = rng.randint(0, handled)
    if Random(p.ref).random() < 0.3:  # its own draw: the rest of the demo stays as it was
        figures.return_org_money = figures.return_money
        figures.return_org_land_m2 = figures.return_land_m2
        figures.returned_organisations, figures.returned_individuals = int(bool(figures.return_money)), 0
    return figures, (handled, handled_officials)


def _execution(
    pk: int, p: Petition, figures: DecisionFigures | None, handled: tuple[int, int], *, today: date
) -> DecisionExecution:
    """A decision issued more than two months ago is carried out in full, with all it requires
    recovered and returned; a more recent one is being carried out, half recovered."""
    rng = Random(f"execution {p.ref}")
    assert p.resolved_on is not None
    age = (today - p.resolved_on).days
    share = Decimal(1) if age > 60 else Decimal("0.5")

    def part(name: str) -> Any:
        value = getattr(figures, name) if figures is not None else 0
        return int(value * share) if isinstance(value, int) else (value * share).quantize(Decimal("0.1"))

    return_org_money, return_org_land = part("return_org_money"), part("return_org_land_m2")
    referred = figures.referred_cases if figures is not None else 0
    return DecisionExecution(
        petition_id=pk,
        done_on=min(p.resolved_on + timedelta(days=rng.randint(15, 60)), today) if age > 60 else None,
        recovered_money=part("recover_money"),
        recovered_land_m2=part("recover_land_m2"),
        returned_org_money=return_org_money,
        returned_org_land_m2=return_org_land,
        returned_ind_money=part("return_money") - return_org_money,
        returned_ind_land_m2=part("return_land_m2") - return_org_land,
        handled_people=handled[0],
        handled_officials=handled[1],
        prosecuted_cases=referred if age > 60 else 0,
        prosecuted_people=figures.referred_people if figures is not None and age > 60 else 0,
        prosecuted_officials=figures.referred_officials if figures is not None and age > 60 else 0,
    )


def _at(day: date):  # type: ignore[no-untyped-def]
    from datetime import datetime, time

    from django.utils import timezone

    return timezone.make_aware(datetime.combine(day, time(9, 0)))
