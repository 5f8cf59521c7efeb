"""S2 scoping matrix: every staff URL of the project, walked as officials of another commune
and as an anonymous visitor.

The walk reads the URLconf itself (`world.walk_urlconf`), so a page added later is in the
matrix the day it is routed. A staff URL that takes an object in its kwargs needs a provider
below (URL name → function(world) → targets built from commune A's records); a URL with
object kwargs and no provider fails `test_every_staff_url_with_an_object_has_a_provider`
with its name, so no new page escapes the matrix.

Expectations:
- an official of commune B (an officer, and a head, who has more rights) gets 404 or 403 for
  every method on every commune-A object (405 only where the view does not offer that method
  at all: it answers before looking the object up), and nothing of commune A changes: every
  row that belongs to A, every field, and the number of rows in every audit table;
- staff pages without kwargs (queues, registers, dashboards, exports) as those officials never
  show a commune-A record, even when asked for it in the query string;
- an anonymous visitor is sent to the login page (302 to LOGIN_URL with ?next=) for GET and
  POST alike, POST-only endpoints included: LoginRequiredMixin answers before the method.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils.html import escape
from django.utils.http import urlencode

from adminreform.models import Dossier
from reports.charts import CHARTS
from tests.security.world import (
    APPLICANT_A,
    CLIENT_IP,
    SECRET_A,
    Route,
    World,
    app_live,
    build_world,
    fingerprint,
    is_placeholder,
    staff_routes,
    today,
)

pytestmark = [pytest.mark.django_db, pytest.mark.long]

OUTSIDERS = ("other_officer", "other_head")
METHODS = ("get", "post")


@dataclass(frozen=True)
class Target:
    kwargs: dict[str, Any]
    data: dict[str, Any] = field(default_factory=dict)  # POST body: what a real user of A would send
    insider: str | None = "officer"  # who in commune A may GET it (positive control); None: skip


def _dossier_action_data(world: World, dossier: Dossier, action: str) -> dict[str, Any]:
    """Valid input for each action, aimed at taking the dossier over for commune B."""
    outsider = world.users["other_officer"]
    base = {"version": dossier.version}
    return {
        "assign": {**base, "assignee": outsider.pk},
        "transfer": {**base, "to_unit": world.other_commune.pk, "note": "lấy về"},
        "supplement": {**base, "missing": "Giấy tờ X"},
        "resubmit": base,
        "apology": {**base, "new_due_on": "2099-01-01", "reason": "Quá tải"},
        "result": {**base, "result_note": "Số 1/QĐ"},
        "return": base,
        "refuse": {**base, "reason": "Không đủ điều kiện"},
        "stop": {**base, "reason": "Dừng"},
        "withdraw": {**base, "reason": "Rút"},
        "rate": {"score": 1, "visits": 20, "comment": "x"},
        "reissue_pin": {**base, "reason": "lấy mã PIN"},
    }[action]


DOSSIER_ACTIONS = (
    "assign",
    "transfer",
    "supplement",
    "resubmit",
    "apology",
    "result",
    "return",
    "refuse",
    "stop",
    "withdraw",
    "rate",
    "reissue_pin",
)
PRINT_FORMS = ("receipt", "supplement", "apology", "stop", "control")
EXPORT_FORMATS = ("xlsx", "pdf", "csv", "json")


def _dossier_actions(w: World) -> list[Target]:
    d = w.dossier()
    return [
        Target({"pk": d.pk, "action": a}, data=_dossier_action_data(w, d, a), insider=None) for a in DOSSIER_ACTIONS
    ]


def _petition_actions(w: World) -> list[Target]:
    from petitions.views.actions import PETITION_ACTIONS

    p = w.petition()
    data = {  # one body for every action form: each takes the fields it knows
        "version": p.version,
        "kind": "complaint",
        "eligible": "1",
        "competent": "1",
        "signers": "1",
        "complex": "on",
        "reason": "lấy về",
        "body": "UBND phường B",
        "unit_code": w.other_commune.code,
        "assignee": w.users["other_officer"].pk,
        "result": "correct",
        "note": "x",
        "first_ref": p.ref,
        "others": [p.pk],
    }
    return [Target({"pk": p.pk, "action": a}, data=data, insider=None) for a in PETITION_ACTIONS.actions]


def _reception_visit_form() -> dict[str, Any]:
    return {
        "citizen_name": "Người lạ",
        "identity_number": "001090004325",
        "people": "1",
        "kind": "recommendation",
        "content": "Nội dung",
        "outcome": "answered",
        "received_by": "staff",
    }


def _urged(w: World, *, answered: bool = False) -> Any:
    """An urging request of commune A's petition to a unit below commune A (answered with a
    document when asked)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from petitions import services as ps
    from tests.factories import UnitFactory
    from tests.petitions.factories import classify

    urge = ps.petition_urge(
        petition=classify(w.petition()),
        expected_version=None,
        to_unit=UnitFactory(parent=w.commune),
        request=f"Báo cáo ({SECRET_A})",
        actor=None,
    )
    if answered:
        document = SimpleUploadedFile("bao-cao.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
        ps.urge_request_answer(urge=urge, answer="Đã giải quyết", document=document, actor=None)
    return urge


def _recording(w: World) -> Any:
    """The recording (a file) of a held online session of commune A."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from reception.models import SessionRecording

    session = w.session(kind="online", received_by="head")
    data = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 64
    return SessionRecording.objects.create(
        session=session, file=SimpleUploadedFile("tiep.mp4", data), original_name="tiep.mp4", mime="video/mp4"
    )


# URL name → function(world) → the commune-A objects to try, as URL kwargs.
PROVIDERS: dict[str, Callable[[World], list[Target]]] = {
    "core:unit_detail": lambda w: [Target({"code": w.commune.code})],
    "api:petition": lambda w: [Target({"pk": w.petition().pk})],
    "api:dossier": lambda w: [Target({"ref": w.dossier().ref})],
    "api:dossier_events": lambda w: [Target({"ref": w.dossier().ref})],
    "api:report": lambda w: [Target({"pk": w.report().pk}, insider="head")],
    "api:report_versions": lambda w: [Target({"pk": w.report().pk}, insider="head")],
    "adminreform:dossier_detail": lambda w: [Target({"pk": w.dossier().pk})],
    "adminreform:dossier_action": _dossier_actions,
    "adminreform:dossier_receipt": lambda w: [Target({"pk": w.dossier().pk})],
    "adminreform:dossier_print": lambda w: [Target({"pk": w.dossier().pk, "form": f}) for f in PRINT_FORMS],
    "adminreform:notice_print": lambda w: [Target({"pk": w.notice().pk})],
    "adminreform:document_file": lambda w: [Target({"pk": (d := w.document()).dossier_id, "document_pk": d.pk})],
    "reports:report_detail": lambda w: [Target({"pk": w.report().pk}, insider="head")],
    "reports:report_status": lambda w: [Target({"pk": w.report().pk}, insider="head")],
    "reports:report_publish": lambda w: [Target({"pk": w.report().pk}, insider=None)],
    "reports:report_export": lambda w: [
        Target({"pk": w.report().pk, "fmt": fmt}, insider="head") for fmt in EXPORT_FORMATS
    ],
    "reports:rows": lambda w: [
        Target({"code": w.commune.code, "figure": f}, insider="head")
        for f in ("visits", "petitions_received", "petitions_overdue", "cases_resolved", "dossiers_satisfied")
    ],
    "reports:yearly_chart": lambda w: [Target({"code": w.commune.code, "name": "visits"}, insider="head")],
    "reports:report_chart": lambda w: [Target({"pk": w.report().pk, "name": n}, insider="head") for n in CHARTS],
    "petitions:detail": lambda w: [Target({"pk": w.petition().pk})],
    "petitions:reveal": lambda w: [
        Target({"pk": w.petition(kind="denunciation").pk}, data={"reason": "Cần xác minh"}, insider=None)
    ],
    "petitions:attachment": lambda w: [
        Target({"pk": (a := w.attachment()).petition_id, "attachment_pk": a.pk}, insider="officer")
    ],
    "petitions:action": _petition_actions,
    "petitions:urge_detail": lambda w: [Target({"pk": _urged(w).pk}, data={"answer": "Đã giải quyết"})],
    "petitions:urge_document": lambda w: [Target({"pk": _urged(w, answered=True).pk})],
    "reception:session_recording": lambda w: [
        Target(
            {"pk": w.session(kind="online", received_by="head").pk}, data={"link": "https://a.gov.vn/1"}, insider=None
        )
    ],
    "reception:recording_open": lambda w: [Target({"pk": _recording(w).pk})],
    "reception:session_detail": lambda w: [Target({"pk": w.session().pk}, data=_reception_visit_form())],
    "reception:visit_repeats": lambda w: [Target({"pk": w.session().pk})],
    "reception:visit_reveal": lambda w: [
        Target({"pk": w.visit(kind="denunciation").pk}, data={"reason": "Cần xác minh"}, insider=None)
    ],
    "reception:session_edit": lambda w: [
        Target(
            {"pk": (s := w.session()).pk},
            data={"version": s.version, "day": s.date.isoformat(), "place": "Phòng họp phường B", "reason": "x"},
        )
    ],
    "reception:session_publish": lambda w: [
        Target({"pk": w.session(kind="head_periodic", received_by="head").pk}, insider=None)
    ],
    "reception:session_notify": lambda w: [
        Target({"pk": w.session(kind="online", received_by="head").pk}, data={"participants": []}, insider=None)
    ],
    "reception:session_connection": lambda w: [
        Target({"pk": w.session(kind="online", received_by="head").pk}, data={"works": "1"}, insider=None)
    ],
    "reception:session_conclusions": lambda w: [
        Target({"pk": (s := w.session()).pk}, data={"version": s.version, "conclusions": "x"}, insider=None)
    ],
    "reception:followup_create": lambda w: [
        Target(
            {"pk": w.session().pk},
            data={"description": "x", "owner": w.users["other_officer"].pk, "due_on": "2099-01-01"},
            insider=None,
        )
    ],
    "reception:visit_detail": lambda w: [
        Target(
            {"pk": (v := w.visit()).pk},
            data={"version": v.version, "answer": "forwarded", "answered_on": today().isoformat()},
        )
    ],
    "reception:visit_result": lambda w: [
        Target(
            {"pk": (v := w.forwarded_visit()).pk},
            data={"version": v.version, "received_on": today().isoformat(), "summary": "x", "citizen_asked": "on"},
        )
    ],
    "reception:visit_notice": lambda w: [
        Target(
            {"pk": (v := w.forwarded_visit(with_result=True)).pk},
            data={"version": v.version, "notified_on": today().isoformat(), "channel": "sms", "text": "x"},
        )
    ],
    "reception:visit_mark_repeat": lambda w: [
        Target({"pk": w.visit().pk}, data={"repeat_of": w.made["list_visit"].pk}, insider=None)
    ],
    "reception:followup_done": lambda w: [
        Target({"pk": (f := w.follow_up()).pk}, data={"version": f.version, "result": "xong"}, insider=None)
    ],
}

# URLs whose kwargs name an object that belongs to no unit: national reference data every
# official uses at their own counter. Checked apart: `test_shared_reference_pages_write_only_into_the_users_own_unit`.
SHARED_REFERENCE_URLS: dict[str, str] = {
    "adminreform:intake": "pk of a procedure of the national catalogue; the dossier goes to the official's own unit",
}

# Query strings that ask a list page for commune A's records by name.
LIST_PROBES: dict[str, Callable[[World], dict[str, Any]]] = {
    "adminreform:dossier_list": lambda w: {"q": SECRET_A},
    "adminreform:register": lambda w: {
        "unit": w.commune.pk,
        "start": today().replace(day=1).isoformat(),
        "end": today().isoformat(),
    },
    "reports:dashboard": lambda w: {"unit": w.commune.code, "kind": "quarter", "year": 2024, "number": 1},
    "reports:compile": lambda w: {"unit": w.commune.code, "kind": "quarter", "year": 2024, "number": 1},
    "petitions:queue": lambda w: {"q": SECRET_A, "unit": w.commune.code, "status": "all"},
    "petitions:desk": lambda w: {
        "unit": w.commune.pk,
        "received_on": today().isoformat(),
        "channel": "post",
        "kind": "feedback",
        "subject": "Đơn giả",
        "signers": "1",
        "idempotency_key": "b" * 32,
    },
    "reception:session_today": lambda w: {"unit": w.commune.pk},
    "reception:session_create": lambda w: {
        "unit": w.commune.pk,
        "kind": "regular",
        "day": today().isoformat(),
        "received_by": "staff",
    },
    "reception:book": lambda w: {"unit": w.commune.pk, "start": "2020-01-01", "end": today().isoformat()},
    "reception:frequency": lambda w: {"unit": w.commune.pk, "start": "2020-01-01", "end": today().isoformat()},
}


def _matrix_routes() -> list[Route]:
    return [r for r in staff_routes() if not is_placeholder(r) and r.name not in SHARED_REFERENCE_URLS]


@pytest.fixture
def world(commune, other_commune, officer, head, other_officer) -> World:
    return build_world(commune, other_commune, officer, head, other_officer)


def _client(user=None) -> Client:
    client = Client(REMOTE_ADDR=CLIENT_IP)
    if user is not None:
        client.force_login(user)
    return client


def _markers(world: World) -> list[str]:
    refs = [world.made[k].ref for k in ("list_dossier", "list_petition", "list_visit") if k in world.made]
    return [SECRET_A, APPLICANT_A, *refs, f"/reports/{world.report().pk}/"]


def test_every_staff_url_with_an_object_has_a_provider():
    # given every named staff URL of the project
    missing = sorted(r.name for r in _matrix_routes() if r.kwargs and r.name not in PROVIDERS)
    # then each one that takes an object can be walked
    assert not missing, f"staff URLs with object kwargs and no provider in PROVIDERS: {missing}"
    live = {n for n in PROVIDERS if app_live(n.split(":")[0])}  # petitions, reception: once merged
    stale = sorted(live - {r.name for r in _matrix_routes()})
    assert not stale, f"providers for URLs that no longer exist: {stale}"


def test_providers_build_urls_the_owners_can_open(world):
    """The positive control: a 404 for an outsider only proves something if the owner gets
    the page."""
    for route in _matrix_routes():
        if route.name not in PROVIDERS or not route.accepts("get"):
            continue
        for target in PROVIDERS[route.name](world):
            if target.insider is None:
                continue
            response = _client(world.users[target.insider]).get(reverse(route.name, kwargs=target.kwargs))
            assert response.status_code == 200, (route.name, target.kwargs, response.status_code)


def test_officials_of_another_commune_get_404_or_403_and_change_nothing(world, commune):
    leaks: list[str] = []
    for route in _matrix_routes():
        if not route.kwargs or route.name not in PROVIDERS:
            continue
        for target in PROVIDERS[route.name](world):
            url = reverse(route.name, kwargs=target.kwargs)
            for who in OUTSIDERS:
                client = _client(world.users[who])
                for method in METHODS:
                    before = fingerprint(commune)
                    response = client.get(url) if method == "get" else client.post(url, target.data)
                    allowed = {403, 404} | ({405} if not route.accepts(method) else set())
                    if response.status_code not in allowed:
                        leaks.append(f"{route.name} {target.kwargs} {method.upper()} as {who}: {response.status_code}")
                    if fingerprint(commune) != before:
                        leaks.append(f"{route.name} {target.kwargs} {method.upper()} as {who}: changed commune A")
    assert leaks == [], "\n".join(leaks)


def test_staff_lists_never_show_another_communes_records(world, commune):
    markers = _markers(world)
    leaks: list[str] = []
    for route in _matrix_routes():
        if route.kwargs:
            continue
        query = LIST_PROBES[route.name](world) if route.name in LIST_PROBES else {}
        for who in OUTSIDERS:
            client = _client(world.users[who])
            for method in METHODS:
                if not route.accepts(method):
                    continue
                before = fingerprint(commune)
                response = (
                    client.get(reverse(route.name), query)
                    if method == "get"
                    else client.post(reverse(route.name), query)
                )
                body = response.content.decode("utf-8", errors="replace")
                # the search box and the language switch's `next` echo what was asked: not a leak
                body = body.replace(f"?{urlencode(query)}", "").replace(escape(f"?{urlencode(query)}"), "")
                for value in query.values():
                    body = body.replace(f'value="{value}"', "")
                found = [m for m in markers if m in body]
                if found:
                    leaks.append(f"{route.name} {method.upper()} as {who} shows {found}")
                if fingerprint(commune) != before:
                    leaks.append(f"{route.name} {method.upper()} as {who}: changed commune A")
                if response.status_code >= 500:
                    leaks.append(f"{route.name} {method.upper()} as {who}: {response.status_code}")
    assert leaks == [], "\n".join(leaks)


def test_the_list_probes_do_show_the_records_to_their_own_officials(world):
    """The positive control of the list check: the markers are on the page for commune A."""
    officer, head = _client(world.users["officer"]), _client(world.users["head"])
    assert (
        SECRET_A
        in officer.get(reverse("adminreform:dossier_list"), LIST_PROBES["adminreform:dossier_list"](world)).text
    )
    register = officer.get(reverse("adminreform:register"), LIST_PROBES["adminreform:register"](world))
    assert APPLICANT_A in register.text
    dashboard = head.get(reverse("reports:dashboard"), LIST_PROBES["reports:dashboard"](world))
    assert f"/reports/{world.report().pk}/" in dashboard.text
    if app_live("petitions"):
        queue = officer.get(reverse("petitions:queue"), LIST_PROBES["petitions:queue"](world))
        assert world.made["list_petition"].ref in queue.text
    if app_live("reception"):
        book = officer.get(reverse("reception:book"), LIST_PROBES["reception:book"](world))
        assert world.made["list_visit"].citizen_name in book.text


def test_anonymous_visitors_are_sent_to_the_login_page(world):
    login = (
        reverse(settings.LOGIN_URL)
        if ":" in settings.LOGIN_URL or "/" not in settings.LOGIN_URL
        else settings.LOGIN_URL
    )
    wrong: list[str] = []
    for route in [*_matrix_routes(), *[r for r in staff_routes() if r.name in SHARED_REFERENCE_URLS]]:
        if route.kwargs:
            targets = PROVIDERS[route.name](world) if route.name in PROVIDERS else []
            kwargs_list = [t.kwargs for t in targets[:1]] or [{"pk": world.procedure.pk}]
        else:
            kwargs_list = [{}]
        for kwargs in kwargs_list:
            url = reverse(route.name, kwargs=kwargs)
            for method in METHODS:
                response = getattr(_client(), method)(url)
                location = response.headers.get("Location", "")
                if route.name.startswith("api:"):  # an API answers 401 (a problem), not a login page
                    if response.status_code != 401 or response["Content-Type"] != "application/problem+json":
                        wrong.append(f"{route.name} {method.upper()}: {response.status_code}")
                    continue
                if response.status_code != 302 or not location.startswith(f"{login}?next="):
                    wrong.append(f"{route.name} {method.upper()}: {response.status_code} {location}")
    assert wrong == [], "\n".join(wrong)


def test_shared_reference_pages_write_only_into_the_users_own_unit(world, commune, other_commune):
    # given an official of commune B at the counter with a procedure of the national catalogue
    client = _client(world.users["other_officer"])
    url = reverse("adminreform:intake", kwargs={"pk": world.procedure.pk})
    before = fingerprint(commune, audit=False)
    # when they receive a dossier
    documents = [d.pk for d in world.procedure.documents.all()]
    response = client.post(
        url,
        {"applicant_name": "Người B", "channel": "counter", "decision": "accept", "documents": documents},
    )
    # then it is commune B's dossier, and nothing of commune A changed
    assert response.status_code == 302
    assert Dossier.objects.filter(unit=other_commune, applicant_name="Người B").exists()
    assert fingerprint(commune, audit=False) == before
