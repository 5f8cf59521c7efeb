"""Who may change what: every state-changing URL of every app, as every role of the unit.

`MATRIX` below is the rule book written as data, apart from the apps' `policies.py`: for each
state-changing URL (and each staff action behind an action URL), the roles that may take it.
For every entry the test builds a fresh record in a state that offers the action; every role
(officer, handler, head, leader, inspector, administrator, and an anonymous visitor) then posts
what a real official would on that record as built (each role's post is rolled back before the
next role's), and the test checks:

- a role the matrix allows changes the unit's records (the action really happened);
- any other role changes nothing at all (every row of the unit, every field, and the number
  of rows in every audit table), and gets no server error.

The walk reads the URLconf and the apps' action tables: a POST URL or an action added later
fails `test_the_matrix_covers_every_state_changing_url` until it has its row here, so no new
way to change state escapes the matrix. The inspector ("read everything, audit") is in no row.

Not in the matrix: the public pages' POSTs (a citizen's filing, look-ups, ratings: anyone may),
the login machinery and a user's own account pages (`NOT_RECORD_CHANGES`), and Django's admin
(superusers only, `test_scoping_matrix` sends everyone else to the login page).
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client
from django.urls import reverse

from adminreform import services as dossier_services
from adminreform.models import Dossier
from adminreform.views.actions import DOSSIER_ACTIONS
from core.models import Role
from petitions import services as petition_services
from petitions.models import Petition
from petitions.views.actions import PETITION_ACTIONS
from tests.factories import MembershipFactory, UnitFactory, UserFactory
from tests.petitions.factories import classify
from tests.security.world import (
    CLIENT_IP,
    PUBLIC_URLS,
    World,
    fingerprint,
    is_admin,
    today,
    walk_urlconf,
    world_for_module,
)

pytestmark = [pytest.mark.django_db, pytest.mark.long]

ROLES = ("officer", "handler", "head", "leader", "inspector", "admin", "anonymous")
DESK = frozenset({"officer", "handler", "head", "admin"})
RESOLVERS = frozenset({"handler", "head", "admin"})

# Pages that post but change no unit's records: logging in and out, a user's own password and
# second factor. Every signed-in user may; an anonymous visitor is sent to the login page.
NOT_RECORD_CHANGES: dict[str, str] = {
    "two_factor": "a user's own second factor",
    "password_change": "a user's own password",
    "reception:visit_repeats": "looks up earlier visits while a visit is typed (POST: names and numbers out of URLs)",
    "petitions:queue": "the queue's search: POST keeps the typed text in the session, out of URLs (core.searches)",
    "adminreform:dossier_list": "the dossier list's search: POST keeps the typed text out of URLs (core.searches)",
}
# URLs whose POST needs a grant, not a role (checked in tests/petitions and tests/security).
GRANT_ONLY = {
    "petitions:reveal": "opening a denouncer's identity: an explicit grant in the unit, audited",
    "reception:visit_reveal": "opening the identity of a citizen who came to denounce: the same grant, audited",
}

# --- the rule book ------------------------------------------------------------------------------

MATRIX: dict[str, frozenset[str]] = {
    # petitions: receiving and classifying (TT 05/2021)
    "petitions:desk": DESK,
    "petitions:action:classify": DESK,
    "petitions:action:link-first": DESK,
    "petitions:action:mark-repeat": DESK,
    "petitions:action:review-repeat": DESK,
    "petitions:action:request-report": DESK,
    "petitions:action:delay-report": DESK,
    "petitions:action:accept": DESK,
    "petitions:action:refuse": DESK,
    "petitions:action:guide": DESK,
    "petitions:action:transfer": DESK,
    "petitions:action:urge": DESK,
    "petitions:urge_detail": DESK,  # the unit urged records its answer (here a unit below commune A)
    "petitions:action:file-away": DESK,
    "petitions:action:no-action": DESK,
    "petitions:action:return-originals": DESK,
    "petitions:action:group": DESK,
    # petitions: handling; the head alone extends a denunciation (Luật Tố cáo art. 30)
    "petitions:action:assign": frozenset({"officer", "head", "admin"}),
    "petitions:action:extend": frozenset({"head"}),
    "petitions:action:suspend": RESOLVERS,
    "petitions:action:resume": RESOLVERS,
    "petitions:action:resolve": RESOLVERS,
    "petitions:action:figures": RESOLVERS,
    "petitions:action:execution": RESOLVERS,
    "petitions:action:notify-acceptance": DESK,
    "petitions:action:notify-suspension": DESK,
    "petitions:action:send-decision": DESK,
    "petitions:action:notify-conclusion": DESK,
    "petitions:action:publish-conclusion": DESK,
    # the one-stop shop
    "adminreform:intake": DESK,
    "adminreform:dossier_action:assign": DESK,
    "adminreform:dossier_action:transfer": DESK,
    "adminreform:dossier_action:supplement": DESK,
    "adminreform:dossier_action:resubmit": DESK,
    "adminreform:dossier_action:apology": DESK,
    "adminreform:dossier_action:result": DESK,
    "adminreform:dossier_action:return": DESK,
    "adminreform:dossier_action:refuse": DESK,
    "adminreform:dossier_action:stop": DESK,
    "adminreform:dossier_action:withdraw": DESK,
    "adminreform:dossier_action:reissue_pin": DESK,
    "adminreform:dossier_action:rate": DESK,
    # reception
    "reception:session_create": DESK,
    "reception:session_today": DESK,
    "reception:session_detail": DESK,  # logs a visit
    "reception:session_edit": DESK,
    "reception:session_publish": DESK,
    "reception:session_conclusions": DESK,
    "reception:session_notify": DESK,  # an online session's participants told (Decree 154/2026)
    "reception:session_connection": DESK,  # an online session's connection tested
    "reception:session_recording": DESK,  # a held online session's recording attached
    "reception:followup_create": DESK,
    "reception:visit_detail": DESK,  # answers the visit (Luật TCD art. 28)
    "reception:visit_mark_repeat": DESK,
    "reception:visit_result": DESK,  # a forwarded matter's result came back (Luật TCD art. 28(2))
    "reception:visit_notice": DESK,  # the citizen told that result
    "reception:followup_done": DESK,
    "reception:dialogue_list": DESK,  # records a dialogue conference
    # reports: a leader may ask for a compilation; publishing is signed by the head
    "reports:compile": frozenset({"head", "leader", "admin"}),
    "reports:report_publish": frozenset({"head", "admin"}),
}


@dataclass
class Step:
    """One POST an official would make on a freshly made record of commune A."""

    url: str
    data: dict[str, Any] = field(default_factory=dict)


def _petition_step(world: World, action: str, petition: Petition, **data: Any) -> Step:
    return Step(
        reverse("petitions:action", kwargs={"pk": petition.pk, "action": action}),
        {"version": petition.version, **data},
    )


def _classified(world: World, kind: str = "complaint", **kwargs: Any) -> Petition:
    return classify(world.petition(kind=kind, **kwargs), on=today())


def _accepted(world: World, kind: str = "complaint") -> Petition:
    petition = _classified(world, kind)
    return petition_services.petition_accept(petition=petition, expected_version=None, on=today(), actor=None)


def _concluded(world: World) -> Petition:
    petition = _accepted(world, "denunciation")
    return petition_services.petition_resolve(
        petition=petition, expected_version=None, result="true", on=today(), actor=None
    )


def _repeated(world: World, ground: str) -> Petition:
    return petition_services.petition_mark_repeat(
        petition=world.petition(kind="denunciation"), expected_version=None, ground=ground, actor=None
    )


def _suspended(world: World, kind: str = "complaint") -> Petition:
    return petition_services.petition_suspend(
        petition=_accepted(world, kind), expected_version=None, reason="Chờ kết quả giám định", on=today(), actor=None
    )


def _dossier_step(world: World, action: str, dossier: Dossier, **data: Any) -> Step:
    return Step(
        reverse("adminreform:dossier_action", kwargs={"pk": dossier.pk, "action": action}),
        {"version": dossier.version, **data},
    )


def _dossier_supplement_requested(world: World) -> Dossier:
    return dossier_services.dossier_request_supplement(
        dossier=world.dossier(), missing=["Giấy chứng sinh"], actor=world.users["officer"]
    )


def _dossier_result_ready(world: World) -> Dossier:
    return dossier_services.dossier_mark_result_ready(
        dossier=world.dossier(), result_note="Số 1/GKS", actor=world.users["officer"]
    )


def _dossier_returned(world: World) -> Dossier:
    return dossier_services.dossier_return(dossier=_dossier_result_ready(world), actor=world.users["officer"])


def _visit_with_petition(world: World) -> Any:
    """A visit that handed in a petition: its answer is owed within 10 working days."""
    from reception import services as reception_services

    return reception_services.visit_log(
        session=world.session(),
        citizen_name="Đỗ Thị Mai",
        identity_number="001090004323",
        content="Khiếu nại việc cấp phép xây dựng",
        kind="complaint",
        outcome="petition",
        actor=world.users["officer"],
    ).visit


def _session_step(name: str, session: Any, **data: Any) -> Step:
    return Step(reverse(name, kwargs={"pk": session.pk}), data)


# Entry → function(world) → the POST to make, on records made fresh for it.
SCENARIOS: dict[str, Callable[[World], Step]] = {
    "petitions:desk": lambda w: Step(
        reverse("petitions:desk"),
        {
            "unit": w.commune.pk,
            "received_on": today().isoformat(),
            "channel": "post",
            "kind": "feedback",
            "subject": "Đèn đường hỏng",
            "signers": "1",
            "idempotency_key": "c" * 32,
        },
    ),
    "petitions:action:classify": lambda w: _petition_step(
        w, "classify", w.petition(), kind="complaint", eligible="1", competent="1", signers="1"
    ),
    "petitions:action:link-first": lambda w: _petition_step(
        w, "link-first", w.petition(), first_ref=_classified(w).ref
    ),
    "petitions:action:mark-repeat": lambda w: _petition_step(
        w, "mark-repeat", w.petition(kind="denunciation"), ground="unlawful", note="Đơn tố cáo tiếp"
    ),
    "petitions:action:review-repeat": lambda w: _petition_step(
        w, "review-repeat", _repeated(w, "unlawful"), on=today().isoformat(), note="TB 9/TB", outcome="kept"
    ),
    "petitions:action:request-report": lambda w: _petition_step(
        w, "request-report", _repeated(w, "overdue"), on=today().isoformat(), note="CV 12/UBND"
    ),
    "petitions:action:delay-report": lambda w: _petition_step(
        w,
        "delay-report",
        petition_services.petition_duty_record(
            petition=_repeated(w, "overdue"), duty="request_report", note="CV 12/UBND", on=today(), actor=None
        ).petition,
        on=today().isoformat(),
        note="BC 4/BC",
        outcome="continued",
    ),
    "petitions:action:accept": lambda w: _petition_step(w, "accept", _classified(w)),
    "petitions:action:refuse": lambda w: _petition_step(w, "refuse", _classified(w), reason="Quá thời hiệu"),
    "petitions:action:guide": lambda w: _petition_step(
        w, "guide", _classified(w), body="Tòa án nhân dân khu vực 1", reason="Không thuộc thẩm quyền"
    ),
    "petitions:action:transfer": lambda w: _petition_step(
        w, "transfer", _classified(w, "recommendation"), unit_code=w.other_commune.code, reason="Thuộc phường B"
    ),
    "petitions:urge_detail": lambda w: Step(
        petition_services.petition_urge(
            petition=_classified(w),
            expected_version=None,
            to_unit=UnitFactory(parent=w.commune),
            request="Báo cáo",
            actor=None,
        ).get_absolute_url(),
        {"answer": "Đã giải quyết, trả lời công dân ngày hôm nay."},
    ),
    "petitions:action:urge": lambda w: _petition_step(
        w, "urge", _classified(w), to_unit=UnitFactory(parent=w.commune).pk, request="Báo cáo kết quả"
    ),
    "petitions:action:file-away": lambda w: _petition_step(w, "file-away", _classified(w), reason="Đơn trùng"),
    "petitions:action:no-action": lambda w: _petition_step(
        w, "no-action", _classified(w, "denunciation"), reason="Nặc danh"
    ),
    "petitions:action:return-originals": lambda w: _petition_step(
        w, "return-originals", classify(w.petition(), on=today(), has_originals=True)
    ),
    "petitions:action:group": lambda w: _petition_step(w, "group", w.petition(), others=[w.petition().pk]),
    "petitions:action:assign": lambda w: _petition_step(w, "assign", w.petition(), assignee=w.users["handler"].pk),
    "petitions:action:extend": lambda w: _petition_step(
        w, "extend", _accepted(w, "denunciation"), complexity="complex", reason="Vụ việc phức tạp"
    ),
    "petitions:action:suspend": lambda w: _petition_step(w, "suspend", _accepted(w), reason="Chờ giám định"),
    "petitions:action:resume": lambda w: _petition_step(w, "resume", _suspended(w)),
    "petitions:action:resolve": lambda w: _petition_step(
        w, "resolve", _accepted(w), result="partly_correct", note="Quyết định số 5/QĐ-UBND"
    ),
    "petitions:action:figures": lambda w: _petition_step(
        w,
        "figures",
        petition_services.petition_resolve(
            petition=_accepted(w), expected_version=None, result="correct", on=today(), actor=None
        ),
        handling_proposed_people="1",
        reason="Quyết định kiến nghị xử lý hành chính một người",
    ),
    "petitions:action:execution": lambda w: _petition_step(
        w,
        "execution",
        petition_services.petition_resolve(
            petition=_accepted(w), expected_version=None, result="correct", on=today(), actor=None
        ),
        handled_people="1",
        done_on=today().isoformat(),
        reason="Quyết định kỷ luật số 4/QĐ",
    ),
    "petitions:action:notify-acceptance": lambda w: _petition_step(
        w, "notify-acceptance", _accepted(w, "denunciation"), on=today().isoformat(), note="Văn bản số 3/TB"
    ),
    "petitions:action:notify-suspension": lambda w: _petition_step(
        w, "notify-suspension", _suspended(w, "denunciation"), on=today().isoformat(), note="Văn bản số 5/TB"
    ),
    "petitions:action:send-decision": lambda w: _petition_step(
        w,
        "send-decision",
        petition_services.petition_resolve(
            petition=_accepted(w), expected_version=None, result="wrong", on=today(), actor=None
        ),
        on=today().isoformat(),
        note="Công văn số 7/UBND",
    ),
    "petitions:action:notify-conclusion": lambda w: _petition_step(
        w, "notify-conclusion", _concluded(w), on=today().isoformat(), note="Văn bản số 4/TB"
    ),
    "petitions:action:publish-conclusion": lambda w: _petition_step(
        w,
        "publish-conclusion",
        _concluded(w),
        on=today().isoformat(),
        note="Cổng thông tin điện tử",
        published_text="Kết luận nội dung tố cáo số 4/KL-UBND.",
    ),
    "adminreform:intake": lambda w: Step(
        reverse("adminreform:intake", kwargs={"pk": w.procedure.pk}),
        {
            "applicant_name": "Lê Thị Hoa",
            "channel": "counter",
            "decision": "accept",
            "documents": [d.pk for d in w.procedure.documents.all()],
        },
    ),
    "adminreform:dossier_action:assign": lambda w: _dossier_step(
        w, "assign", w.dossier(), assignee=w.users["handler"].pk
    ),
    "adminreform:dossier_action:transfer": lambda w: _dossier_step(
        w, "transfer", w.dossier(), to_unit=w.other_commune.pk, note="Liên thông"
    ),
    "adminreform:dossier_action:supplement": lambda w: _dossier_step(
        w, "supplement", w.dossier(), missing="Giấy chứng sinh"
    ),
    "adminreform:dossier_action:resubmit": lambda w: _dossier_step(w, "resubmit", _dossier_supplement_requested(w)),
    "adminreform:dossier_action:apology": lambda w: _dossier_step(
        w, "apology", w.dossier(), new_due_on=(today() + timedelta(days=30)).isoformat(), reason="Chờ xác minh"
    ),
    "adminreform:dossier_action:result": lambda w: _dossier_step(w, "result", w.dossier(), result_note="Số 1/GKS"),
    "adminreform:dossier_action:return": lambda w: _dossier_step(w, "return", _dossier_result_ready(w)),
    "adminreform:dossier_action:refuse": lambda w: _dossier_step(w, "refuse", w.dossier(), reason="Giả mạo"),
    "adminreform:dossier_action:stop": lambda w: _dossier_step(w, "stop", w.dossier(), reason="Dừng"),
    "adminreform:dossier_action:withdraw": lambda w: _dossier_step(w, "withdraw", w.dossier(), reason="Rút"),
    "adminreform:dossier_action:rate": lambda w: _dossier_step(
        w, "rate", _dossier_returned(w), score=3, visits=1, comment="Nhanh"
    ),
    "adminreform:dossier_action:reissue_pin": lambda w: _dossier_step(
        w, "reissue_pin", w.dossier(), reason="Mất giấy biên nhận"
    ),
    "reception:session_create": lambda w: Step(
        reverse("reception:session_create"),
        {
            "unit": w.commune.pk,
            "kind": "regular",
            "day": (today() + timedelta(days=14)).isoformat(),
            "place": "Trụ sở UBND phường",
            "received_by": "staff",
        },
    ),
    "reception:session_today": lambda w: Step(reverse("reception:session_today"), {"unit": w.commune.pk}),
    "reception:dialogue_list": lambda w: Step(
        reverse("reception:dialogue_list"),
        {"unit": w.commune.pk, "held_on": today().isoformat(), "attendees": 40, "topic": "Giải phóng mặt bằng"},
    ),
    "reception:session_detail": lambda w: _session_step(
        "reception:session_detail",
        w.session(),
        citizen_name="Phạm Văn Bình",
        identity_number="001090004324",
        people="1",
        kind="recommendation",
        content="Xin sửa cống thoát nước",
        outcome="answered",
        received_by="staff",
    ),
    "reception:session_edit": lambda w: _session_step(
        "reception:session_edit",
        (s := w.session(day=today() + timedelta(days=20))),
        version=s.version,
        day=s.date.isoformat(),
        place="Nhà văn hóa tổ dân phố 3",
        reason="Trụ sở sửa chữa",
    ),
    "reception:session_publish": lambda w: _session_step(
        "reception:session_publish",
        w.session(kind="head_periodic", received_by="head", day=today() + timedelta(days=20)),
    ),
    "reception:session_notify": lambda w: _session_step(
        "reception:session_notify",
        w.session(kind="online", received_by="head", day=today() + timedelta(days=20)),
        participants=[w.users["officer"].pk],
    ),
    "reception:session_connection": lambda w: _session_step(
        "reception:session_connection",
        w.session(kind="online", received_by="head", day=today() + timedelta(days=20)),
        works="1",
        note="Đã thử điểm cầu",
    ),
    "reception:session_recording": lambda w: _session_step(
        "reception:session_recording",
        w.session(kind="online", received_by="head"),
        link="https://luutru.hanoi.gov.vn/tiep-cong-dan/1",
        note="Phần 1",
    ),
    "reception:session_conclusions": lambda w: _session_step(
        "reception:session_conclusions", (s := w.session()), version=s.version, conclusions="Giao phòng QLĐT xử lý"
    ),
    "reception:followup_create": lambda w: _session_step(
        "reception:followup_create",
        w.session(),
        description="Kiểm tra hiện trường",
        owner=w.users["officer"].pk,
        due_on=(today() + timedelta(days=7)).isoformat(),
    ),
    "reception:visit_detail": lambda w: Step(
        reverse("reception:visit_detail", kwargs={"pk": (v := _visit_with_petition(w)).pk}),
        {"version": v.version, "answer": "forwarded", "answered_on": today().isoformat()},
    ),
    "reception:visit_mark_repeat": lambda w: Step(
        reverse("reception:visit_mark_repeat", kwargs={"pk": w.visit().pk}), {"repeat_of": w.made["list_visit"].pk}
    ),
    "reception:visit_result": lambda w: Step(
        reverse("reception:visit_result", kwargs={"pk": (v := w.forwarded_visit()).pk}),
        {"version": v.version, "received_on": today().isoformat(), "summary": "Đã giải quyết", "citizen_asked": "on"},
    ),
    "reception:visit_notice": lambda w: Step(
        reverse("reception:visit_notice", kwargs={"pk": (v := w.forwarded_visit(with_result=True)).pk}),
        {"version": v.version, "notified_on": today().isoformat(), "channel": "letter", "text": "Công văn 5/UBND"},
    ),
    "reception:followup_done": lambda w: Step(
        reverse("reception:followup_done", kwargs={"pk": (f := w.follow_up()).pk}),
        {"version": f.version, "result": "Đã sửa xong"},
    ),
    "reports:compile": lambda w: Step(
        reverse("reports:compile"), {"unit": w.commune.code, "kind": "quarter", "year": 2024, "number": 2}
    ),
    "reports:report_publish": lambda w: Step(
        reverse("reports:report_publish", kwargs={"pk": w.report().pk}), {"version": w.report().version}
    ),
}

# Action URLs: the action names come from the apps' tables.
ACTION_TABLES = {"petitions:action": PETITION_ACTIONS, "adminreform:dossier_action": DOSSIER_ACTIONS}


def state_changing_entries() -> set[str]:
    """Every POST URL of the project that changes records, and every action behind an action URL."""
    entries: set[str] = set()
    for route in walk_urlconf():
        if is_admin(route) or route.name in PUBLIC_URLS or route.name in NOT_RECORD_CHANGES:
            continue
        if route.name in GRANT_ONLY or not route.accepts("post") or route.name.startswith("api"):
            continue
        table = ACTION_TABLES.get(route.name)
        if table is not None:
            entries |= {f"{route.name}:{name}" for name in table.actions}
        else:
            entries.add(route.name)
    return entries


def test_the_matrix_covers_every_state_changing_url():
    entries = state_changing_entries()
    assert sorted(entries - MATRIX.keys()) == [], "state-changing URLs without a row in MATRIX"
    assert sorted(MATRIX.keys() - entries) == [], "MATRIX rows for URLs or actions that no longer exist"
    assert sorted(MATRIX.keys() ^ SCENARIOS.keys()) == [], "every row needs its scenario"


def test_the_inspector_changes_nothing_anywhere():
    assert [entry for entry, roles in MATRIX.items() if "inspector" in roles] == []


@pytest.fixture(scope="module")
def module_world(django_db_setup, django_db_blocker) -> Iterator[World]:
    """The world, built once for the module (`world_for_module`), with every role of the matrix
    in it."""
    with world_for_module(django_db_blocker) as world:
        city = world.commune.parent
        for name, role, unit in (
            ("handler", Role.HANDLER, world.commune),
            ("admin", Role.ADMIN, world.commune),
            ("leader", Role.LEADER_VIEWER, city),  # the city's leader and inspector see every commune
            ("inspector", Role.INSPECTOR, city),
        ):
            user = UserFactory(username=f"matrix.{name}")
            MembershipFactory(user=user, unit=unit, role=role)
            world.users[name] = user
        yield world


@pytest.fixture(scope="module")
def sessions(module_world, django_db_blocker) -> dict[str, str]:
    """Each role logged in once, in the module's world: its session's key. A role's POST, and
    whatever it does to the session, is rolled back with the rest before the next."""
    keys: dict[str, str] = {}
    with django_db_blocker.unblock():
        for role in ROLES:
            if role != "anonymous":
                client = Client()
                client.force_login(module_world.users[role])
                keys[role] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return keys


@pytest.fixture
def world(module_world, db) -> World:
    return copy.deepcopy(module_world)


def _client(sessions: dict[str, str], role: str) -> Client:
    """A new browser for `role`, signed in (its session), or an anonymous visitor."""
    client = Client(REMOTE_ADDR=CLIENT_IP)
    if role != "anonymous":
        client.cookies[settings.SESSION_COOKIE_NAME] = sessions[role]
    return client


@pytest.mark.parametrize("entry", sorted(MATRIX))
def test_each_role_may_change_only_what_the_matrix_allows(world, sessions, entry):
    wrong: list[str] = []
    # One record in the state the entry needs; every role meets it as made: what the role
    # before it did is rolled back.
    step = SCENARIOS[entry](world)
    before = fingerprint(world.commune)
    for role in ROLES:
        savepoint = transaction.savepoint()
        response = _client(sessions, role).post(step.url, step.data)
        changed = fingerprint(world.commune) != before
        transaction.savepoint_rollback(savepoint)
        if response.status_code >= 500:
            wrong.append(f"{role}: {response.status_code}")
        elif role in MATRIX[entry] and not changed:
            wrong.append(f"{role} may, but nothing changed ({response.status_code})")
        elif role not in MATRIX[entry] and changed:
            wrong.append(f"{role} may not, but the unit's records changed ({response.status_code})")
    assert wrong == [], f"{entry}:\n" + "\n".join(wrong)


# --- the API: a key for one ward sees nothing of another, and changes nothing there ----------


def _api_targets(world: World) -> dict[str, list[dict[str, Any]]]:
    """Commune A's records, as each API URL with an object names them."""
    return {
        "api:petition": [{"pk": world.petition().pk}],
        "api:dossier": [{"ref": world.dossier().ref}],
        "api:dossier_events": [{"ref": world.dossier().ref}],
        "api:report": [{"pk": world.report().pk}],
        "api:report_versions": [{"pk": world.report().pk}],
    }


def _records_of(commune: Any) -> dict[str, Any]:
    """Commune A's records; its keys' own rows note their last use, which is no change."""
    return {k: v for k, v in fingerprint(commune, audit=False).items() if not k.startswith("api.ApiKey.")}


def _api_routes() -> list[Any]:
    return [r for r in walk_urlconf() if r.name.startswith("api:") and r.name not in PUBLIC_URLS]


def test_an_api_key_of_one_ward_sees_and_changes_nothing_of_another(world):
    commune, other_commune = world.commune, world.other_commune
    from rest_framework.test import APIClient

    from api import services as api_services
    from api.models import Scope

    admin = UserFactory(username="matrix.api.admin", is_superuser=True)
    keys = {
        name: api_services.api_key_issue(name=name, unit=unit, scope=Scope.WRITE, actor=admin)[1]
        for name, unit in (("A", commune), ("B", other_commune))
    }
    targets = _api_targets(world)
    routes = _api_routes()
    assert {r.name for r in routes if r.kwargs} == set(targets), "every API URL with an object needs a target"
    wrong: list[str] = []
    for route in routes:
        for kwargs in targets.get(route.name, [{}]):
            url = reverse(route.name, kwargs=kwargs)
            for who, key in keys.items():
                client = APIClient(REMOTE_ADDR=CLIENT_IP, HTTP_AUTHORIZATION=f"Bearer {key}")
                before = _records_of(commune)
                got = client.get(url)
                posted = client.post(url, {"unit": commune.code}, format="json") if route.accepts("post") else None
                if _records_of(commune) != before:
                    wrong.append(f"{route.name} as {who}: changed commune A")
                for response in (got, posted):
                    if response is not None and response.status_code >= 500:
                        wrong.append(f"{route.name} as {who}: {response.status_code}")
                if who == "A" and route.kwargs and got.status_code != 200:
                    wrong.append(f"{route.name} as A (the owner): {got.status_code}")
                if who == "B" and route.kwargs and got.status_code != 404:
                    wrong.append(f"{route.name} as B: {got.status_code}, not 404")
                if who == "B" and not route.kwargs and commune.code in got.content.decode():
                    wrong.append(f"{route.name} as B lists commune A's records")
    assert wrong == [], "\n".join(wrong)
