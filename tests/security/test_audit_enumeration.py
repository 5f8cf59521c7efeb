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
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from adminreform import services as ar
from adminreform.models import Dossier
from core.views import ComingSoonView
from tests.security.world import (
    CLIENT_IP,
    Route,
    World,
    audit_high_water,
    audit_rows_since,
    build_world,
    staff_routes,
)

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Drive:
    label: str
    kwargs: dict[str, Any]
    data: dict[str, Any] = field(default_factory=dict)
    user: str = "officer"  # who in commune A posts it


# Staff POST endpoints that change no record of a unit, and why they are not in DRIVES.
NOT_RECORDS: dict[str, str] = {
    "two_factor": "the user's own second factor: logged on the civicdesk.security logger (core/two_factor.py)",
    "password_change": "the user's own password (Django's view): no record of a unit",
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


Q3_2024 = {"kind": "quarter", "year": 2024, "number": 3}

# URL name → function(world) → the posts to make, each with valid data.
DRIVES: dict[str, Callable[[World], list[Drive]]] = {
    "adminreform:intake": _intake_drives,
    "adminreform:dossier_action": _dossier_action_drives,
    "reports:compile": lambda w: [Drive("compile", {}, {"unit": w.commune.code, **Q3_2024}, user="head")],
    "reports:report_publish": lambda w: [Drive("publish", {"pk": w.report().pk}, user="head")],
}


def _post_routes() -> list[Route]:
    return [
        r
        for r in staff_routes()
        if r.accepts("post")
        and not (r.view_class is not None and issubclass(r.view_class, ComingSoonView))
        and r.name not in NOT_RECORDS
    ]


@pytest.fixture
def world(commune, other_commune, officer, head, other_officer) -> World:
    return build_world(commune, other_commune, officer, head, other_officer)


def test_every_state_changing_staff_view_has_a_drive():
    names = {r.name for r in _post_routes()}
    missing = sorted(names - set(DRIVES))
    assert not missing, f"staff POST endpoints without an entry in DRIVES: {missing}"
    stale = sorted(set(DRIVES) - names)
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
    assert problems == []
