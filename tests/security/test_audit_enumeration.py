"""S6: every state-changing staff view writes an audit event: who (actor), when
(occurred_at), what (kind), before/after (from_status, to_status, data or reason) and the
request's address (ip_address).

The state-changing staff views are enumerated from the URLconf: every staff URL (not public,
not the admin, see `world.PUBLIC_URLS`) whose view accepts POST. Each one needs an entry in
`DRIVES` (URL name → function(world) → the posts a real official makes, with valid data, one
per thing the view can do); a POST endpoint without one fails
`test_every_state_changing_staff_view_has_a_drive` with its name.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from adminreform import services as ar
from adminreform.models import Dossier
from tests.security.world import (
    CLIENT_IP,
    Route,
    World,
    app_live,
    audit_high_water,
    audit_rows_since,
    build_world,
    is_placeholder,
    staff_routes,
    today,
)

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Drive:
    label: str
    kwargs: dict[str, Any]
    data: dict[str, Any] = field(default_factory=dict)
    user: str = "officer"  # who in commune A posts it


# Staff POST endpoints that change nothing, and why they are not in DRIVES (none today: the
# account pages, two-step login and password, write core.AccountEvent like any other change).
NOT_RECORDS: dict[str, str] = {
    "reception:visit_repeats": "a look-up of earlier visits, by POST so that names and numbers stay out of URLs",
    "petitions:queue": "the queue's search, by POST so that the typed text stays out of URLs (core.searches)",
    "adminreform:dossier_list": "the dossier list's search, by POST so that the typed text stays out of URLs",
    "api:dossiers": "the API's dossier hand-over takes a system's key with the write scope (each use audited as an "
    "ApiKeyEvent, tests/api); a staff session gets 403",
}

# Events that create their record: there is no "before", the new row is the "after".
CREATION_EVENTS: dict[tuple[str, str], str] = {
    ("reports.CompiledReportEvent", "requested"): "creates a new version of the report",
}


def _fresh(w: World) -> Dossier:
    return w.dossier()


def _supplement_requested(w: World) -> Dossier:
    return ar.dossier_request_supplement(dossier=w.dossier(), missing=["Giấy tờ X"], actor=w.users["officer"])


def _result_ready(w: World) -> Dossier:
    return ar.dossier_mark_result_ready(dossier=w.dossier(), actor=w.users["officer"])


def _returned(w: World) -> Dossier:
    return ar.dossier_return(dossier=_result_ready(w), actor=w.users["officer"])


def _dossier_action_drives(w: World) -> list[Drive]:
    officer = w.users["officer"]

    def drive(action: str, dossier: Dossier, **data: Any) -> Drive:
        return Drive(action, {"pk": dossier.pk, "action": action}, {"version": dossier.version, **data})

    fresh_for_apology = _fresh(w)
    return [
        drive("assign", _fresh(w), assignee=officer.pk),
        drive("transfer", _fresh(w), to_unit=w.other_commune.pk, note="Chuyển liên thông"),
        drive("supplement", _fresh(w), missing="Bản sao giấy chứng sinh"),
        drive("resubmit", _supplement_requested(w)),
        drive(
            "apology",
            fresh_for_apology,
            new_due_on=(fresh_for_apology.due_on + timedelta(days=10)).isoformat(),
            reason="Cần xác minh thêm",
        ),
        drive("result", _fresh(w), result_note="Số 12/QĐ"),
        drive("return", _result_ready(w)),
        drive("refuse", _fresh(w), reason="Không đủ điều kiện"),
        drive("stop", _fresh(w), reason="Người nộp không bổ sung"),
        drive("withdraw", _fresh(w), reason="Người nộp xin rút"),
        Drive("rate", {"pk": _returned(w).pk, "action": "rate"}, {"score": 3, "visits": 1, "comment": "Tốt"}),
        drive("reissue_pin", _fresh(w), reason="Công dân làm mất giấy biên nhận"),
    ]


def _intake_drives(w: World) -> list[Drive]:
    applicant = {"applicant_name": "Lê Văn Nộp", "applicant_phone": "0987654321", "channel": "counter"}
    documents = [d.pk for d in w.procedure.documents.all()]
    kwargs = {"pk": w.procedure.pk}
    return [
        Drive("accept", kwargs, {**applicant, "decision": "accept", "documents": documents}),
        Drive("supplement request (Mẫu 02)", kwargs, {**applicant, "decision": "supplement", "documents": []}),
        Drive("refusal (Mẫu 03)", kwargs, {**applicant, "decision": "refuse", "reasons": "Không thuộc thẩm quyền"}),
    ]


def _below(unit: Any) -> Any:
    """A unit below `unit`: the one a petition of `unit` can urge."""
    from tests.factories import UnitFactory

    return UnitFactory(parent=unit)


def _urge_answer_drives(w: World) -> list[Drive]:
    """The unit urged (here a unit below commune A) records its answer."""
    from petitions import services as ps
    from tests.petitions.factories import classify

    urge = ps.petition_urge(
        petition=classify(w.petition(), actor=w.users["head"]),
        expected_version=None,
        to_unit=_below(w.commune),
        request="Báo cáo kết quả giải quyết",
        actor=w.users["head"],
    )
    return [Drive("answer", {"pk": urge.pk}, {"answer": "Đã giải quyết, trả lời công dân."})]


def _petition_action_drives(w: World) -> list[Drive]:
    from petitions import services as ps
    from tests.petitions.factories import classify

    head = w.users["head"]

    def drive(action: str, petition: Any, **data: Any) -> Drive:
        return Drive(action, {"pk": petition.pk, "action": action}, {"version": petition.version, **data}, user="head")

    def classified(**kwargs: Any) -> Any:
        return classify(w.petition(**kwargs), actor=head)

    def accepted(kind: str = "complaint") -> Any:
        return ps.petition_accept(petition=classified(kind=kind), expected_version=None, complex=False, actor=head)

    first = w.petition()
    twin = w.petition()
    return [
        drive("classify", w.petition(), kind="complaint", eligible="1", competent="1", signers="1"),
        drive("accept", classified()),
        drive("refuse", classified(), reason="Không đủ điều kiện thụ lý"),
        drive("guide", classified(), body="Tòa án nhân dân quận"),
        # a complaint outside competence is guided, not transferred: a recommendation is transferred
        drive(
            "transfer",
            classified(kind="recommendation"),
            unit_code=w.other_commune.code,
            reason="Không thuộc thẩm quyền",
        ),
        drive("urge", classified(), to_unit=_below(w.commune).pk, request="Báo cáo kết quả giải quyết"),
        drive("file-away", classified(), reason="Trùng nội dung đã giải quyết"),
        drive("no-action", classified(kind="denunciation"), reason="Đơn nặc danh"),
        drive("return-originals", classify(w.petition(), actor=head, has_originals=True)),
        drive("assign", w.petition(), assignee=head.pk),
        drive("link-first", w.petition(), first_ref=first.ref),
        drive("extend", accepted("denunciation"), complexity="complex", reason="Vụ việc phức tạp"),
        drive("suspend", accepted(), reason="Chờ kết quả giám định"),
        drive("resume", ps.petition_suspend(petition=accepted(), expected_version=None, reason="Chờ", actor=head)),
        drive("resolve", accepted(), result="correct", note="Quyết định số 5/QĐ"),
        drive("group", w.petition(), others=[twin.pk]),
    ]


def _petition_reveal_drives(w: World) -> list[Drive]:
    w.grant_reveal(w.users["head"])
    denunciation = w.petition(kind="denunciation")
    return [Drive("reveal", {"pk": denunciation.pk}, {"reason": "Xác minh người tố cáo"}, user="head")]


def _visit_reveal_drives(w: World) -> list[Drive]:
    w.grant_reveal(w.users["head"])
    visit = w.visit(kind="denunciation")
    return [Drive("reveal", {"pk": visit.pk}, {"reason": "Xác minh người tố cáo"}, user="head")]


def _desk_drives(w: World) -> list[Drive]:
    data = {
        "unit": w.commune.pk,
        "received_on": w.made["list_dossier"].received_on.isoformat(),
        "channel": "post",
        "kind": "feedback",
        "subject": "Đèn đường hỏng",
        "petitioner_name": "Phạm Văn Dũng",
        "signers": "1",
        "idempotency_key": "c" * 32,
    }
    return [Drive("desk entry", {}, data)]


def _visit_form() -> dict[str, Any]:
    return {
        "citizen_name": "Nguyễn Văn An",
        "identity_number": "001090001234",
        "address": "Số 5 Hàng Bạc",
        "people": "1",
        "kind": "recommendation",
        "content": "Kiến nghị sửa cống thoát nước",
        "outcome": "answered",
        "received_by": "staff",
        "save_and_add": "1",
    }


def _reception_drives(name: str) -> Callable[[World], list[Drive]]:
    def build(w: World) -> list[Drive]:
        from reception import services as rs

        officer, head = w.users["officer"], w.users["head"]
        later = (w.made["list_dossier"].received_on + timedelta(days=14)).isoformat()
        if name == "session_create":
            data = {"unit": w.commune.pk, "kind": "regular", "day": later, "received_by": "staff", "place": "Trụ sở"}
            return [Drive("schedule", {}, data)]
        if name == "session_today":
            return [Drive("open today", {}, {"unit": w.commune.pk})]
        if name == "session_publish":
            session = w.session(kind="head_periodic", received_by="head", receiver=head, day=date.fromisoformat(later))
            return [Drive("publish", {"pk": session.pk})]
        if name == "session_detail":
            return [Drive("log a visit", {"pk": w.session().pk}, _visit_form())]
        if name in ("session_notify", "session_connection"):
            online = w.session(kind="online", received_by="head", receiver=head, day=date.fromisoformat(later))
            if name == "session_notify":
                return [Drive("notify", {"pk": online.pk}, {"participants": [officer.pk]})]
            return [Drive("test the connection", {"pk": online.pk}, {"works": "1", "note": "Điểm cầu ổn"})]
        if name == "session_recording":
            held = w.session(kind="online", received_by="head", receiver=head)
            return [Drive("attach the recording", {"pk": held.pk}, {"link": "https://luutru.hanoi.gov.vn/1"})]
        if name == "session_edit":
            session = w.session()
            data = {"version": session.version, "day": session.date.isoformat(), "place": "Nhà văn hoá tổ 5"}
            return [Drive("move", {"pk": session.pk}, {**data, "reason": "Hội trường đang sửa chữa"})]
        if name == "session_conclusions":
            session = w.session()
            return [
                Drive("record", {"pk": session.pk}, {"version": session.version, "conclusions": "Giao phường xử lý"})
            ]
        if name == "followup_create":
            data = {"description": "Kiểm tra vỉa hè", "owner": officer.pk, "due_on": later}
            return [Drive("add", {"pk": w.session().pk}, data)]
        if name == "visit_detail":
            visit = rs.visit_log(
                session=w.session(),
                citizen_name="Lê Văn Bình",
                identity_number="001090004322",
                content="Khiếu nại",
                kind="complaint",
                outcome="petition",
                actor=officer,
            ).visit
            data = {"version": visit.version, "answer": "forwarded", "answered_on": visit.received_on.isoformat()}
            return [Drive("answer", {"pk": visit.pk}, data)]
        if name == "dialogue_list":
            data = {"unit": w.commune.pk, "held_on": w.made["list_dossier"].received_on.isoformat(), "attendees": "45"}
            return [Drive("record a conference", {}, {**data, "topic": "Giải phóng mặt bằng tuyến đường", "ref": ""})]
        if name == "visit_mark_repeat":
            return [Drive("mark repeat", {"pk": w.visit().pk}, {"repeat_of": w.made["list_visit"].pk})]
        if name == "visit_result":
            visit, on = w.forwarded_visit(), today().isoformat()
            data = {"version": visit.version, "received_on": on, "summary": "Đã cấp phép lại", "citizen_asked": "on"}
            return [Drive("record the result", {"pk": visit.pk}, data)]
        if name == "visit_notice":
            visit, on = w.forwarded_visit(with_result=True), today().isoformat()
            data = {"version": visit.version, "notified_on": on, "channel": "phone", "text": "Đã gọi báo kết quả"}
            return [Drive("record the notice", {"pk": visit.pk}, data)]
        item = w.follow_up()
        return [Drive("done", {"pk": item.pk}, {"version": item.version, "result": "Đã xử lý xong"})]

    return build


def _two_factor_drives(w: World) -> list[Drive]:
    """Turning two-step login on (the head, with the code of the device being enrolled) and off
    (commune B's head, who has it on, with a current code), each as their authenticator app
    computes the code."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from core.two_factor import totp_device_start
    from tests.security.totp import secret_of, totp

    enrolling = totp_device_start(user=w.users["head"])
    enrolled = TOTPDevice.objects.create(user=w.users["other_head"], name="CivicDesk", confirmed=True)
    return [
        Drive("turn on", {}, {"otp_token": totp(secret_of(enrolling))}, user="head"),
        Drive("turn off", {}, {"otp_token": totp(secret_of(enrolled))}, user="other_head"),
    ]


PASSWORD_CHANGE = {
    "old_password": "Secret-pass-2026",
    "new_password1": "Mật-khẩu-mới-2026!",
    "new_password2": "Mật-khẩu-mới-2026!",
}

Q3_2024 = {"kind": "quarter", "year": 2024, "number": 3}

# URL name → function(world) → the posts to make, each with valid data.
DRIVES: dict[str, Callable[[World], list[Drive]]] = {
    "adminreform:intake": _intake_drives,
    "adminreform:dossier_action": _dossier_action_drives,
    "reports:compile": lambda w: [Drive("compile", {}, {"unit": w.commune.code, **Q3_2024}, user="head")],
    "reports:report_publish": lambda w: [Drive("publish", {"pk": w.report().pk}, user="head")],
    "petitions:desk": _desk_drives,
    "petitions:action": _petition_action_drives,
    "petitions:urge_detail": _urge_answer_drives,
    "petitions:reveal": _petition_reveal_drives,
    "reception:visit_reveal": _visit_reveal_drives,
    "two_factor": _two_factor_drives,
    "password_change": lambda w: [Drive("change", {}, PASSWORD_CHANGE, user="other_officer")],
    **{
        f"reception:{name}": _reception_drives(name)
        for name in (
            "session_create",
            "session_today",
            "session_publish",
            "session_notify",
            "session_connection",
            "session_recording",
            "session_detail",
            "session_edit",
            "session_conclusions",
            "followup_create",
            "visit_detail",
            "visit_mark_repeat",
            "visit_result",
            "visit_notice",
            "followup_done",
            "dialogue_list",
        )
    },
}


def _post_routes() -> list[Route]:
    return [r for r in staff_routes() if r.accepts("post") and not is_placeholder(r) and r.name not in NOT_RECORDS]


@pytest.fixture
def world(commune, other_commune, officer, head, other_officer) -> World:
    return build_world(commune, other_commune, officer, head, other_officer)


def test_every_state_changing_staff_view_has_a_drive():
    names = {r.name for r in _post_routes()}
    missing = sorted(names - set(DRIVES))
    assert not missing, f"staff POST endpoints without an entry in DRIVES: {missing}"
    stale = sorted({n for n in DRIVES if app_live(n.split(":")[0])} - names)  # petitions, reception: once merged
    assert not stale, f"DRIVES for URLs that no longer accept POST or no longer exist: {stale}"


def test_every_state_changing_staff_view_writes_a_complete_audit_event(world):
    problems: list[str] = []
    for route in _post_routes():
        for drive in DRIVES[route.name](world):
            user = world.users[drive.user]
            client = Client(REMOTE_ADDR=CLIENT_IP)
            client.force_login(user)
            marks = audit_high_water()
            # when a real official posts valid data
            response = client.post(reverse(route.name, kwargs=drive.kwargs), drive.data)
            where = f"{route.name} [{drive.label}]"
            if response.status_code not in (200, 302):
                problems.append(f"{where}: answered {response.status_code}")
                continue
            # then one of the new audit rows is theirs, from their address, and complete
            mine = [e for e in audit_rows_since(marks) if e.actor_id == user.pk and e.ip_address == CLIENT_IP]
            if not mine:
                problems.append(f"{where}: no audit event with the actor and the address")
                continue
            for event in mine:
                label = event._meta.label
                if not (event.kind and event.occurred_at):
                    problems.append(f"{where}: {label} without kind or time")
                before_after = event.from_status or event.to_status or event.data or event.reason
                if not before_after and (label, event.kind) not in CREATION_EVENTS:
                    problems.append(f"{where}: {label} {event.kind} records no before/after")
    assert problems == [], "\n".join(problems)


def test_behind_the_trusted_proxy_the_audit_address_is_the_clients_not_the_proxys(world, settings):
    """One state-changing page of each app, posted through the city's proxy: the events carry
    the address the proxy forwarded (core.ratelimit.client_ip), as the lockout and the rate
    limits count it."""
    settings.CIVICDESK_TRUSTED_PROXIES = ["10.0.0.1"]
    done: dict[str, str] = {}
    problems: list[str] = []
    for route in _post_routes():
        app = route.name.split(":")[0] if ":" in route.name else "core"
        if app in done:
            continue
        drive = DRIVES[route.name](world)[0]
        user = world.users[drive.user]
        client = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=f"198.51.100.1, {CLIENT_IP}")
        client.force_login(user)
        marks = audit_high_water()
        client.post(reverse(route.name, kwargs=drive.kwargs), drive.data)
        addresses = {e.ip_address for e in audit_rows_since(marks) if e.actor_id == user.pk}
        if addresses != {CLIENT_IP}:
            problems.append(f"{route.name} [{drive.label}]: {addresses or 'no event'}")
        done[app] = route.name
    assert {"adminreform", "petitions", "reception", "reports", "core"} <= set(done), done
    assert problems == [], "\n".join(problems)
