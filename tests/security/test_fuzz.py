"""S7: Hypothesis drives the public forms with arbitrary input and the dossier workflow with
random sequences of service calls.

- Public forms (dossier lookup, rating and online submission, petition filing and tracking,
  the reception schedule): any text (unicode, control characters, NUL, 100,000 characters, nothing at
  all), any file, any missing field: the answer is 200, 302, 400, 403, 404 or 429, never a
  server error.
- Workflow: whatever the order of intake, assignment, transfer, supplement, resubmission,
  apology, result, return, refusal, stop and withdrawal, on whatever dates, a dossier is only
  ever in a status of the transition table reached by one of its arrows, its due date is
  never before the day it was received, it is resolved exactly when it is closed and never
  before it was received, and a refused call changes nothing.

Each example runs in its own transaction, rolled back afterwards, so examples do not see
each other's rows. Example counts are modest (`max_examples=50`, no deadline).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.core.cache import cache
from django.core.exceptions import SuspiciousFileOperation, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from adminreform import services as ar
from adminreform.models import OPEN_STATUSES, TRANSITIONS, Dossier, DossierStatus
from tests.security.world import CLIENT_IP, World, app_live, build_world

pytestmark = pytest.mark.django_db

ALLOWED_STATUSES = {200, 302, 400, 403, 404, 429}
FUZZ = settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# --- values a hostile or clumsy visitor sends ---------------------------------------------

huge = st.builds(lambda s, n: s * n, st.text(min_size=1, max_size=3), st.integers(1_000, 40_000))
weird = st.sampled_from(
    [
        "",
        " ",
        "\x00",
        "\u202e\u200b",
        "' OR 1=1 --",
        "<script>alert(1)</script>",
        "{{ 7*7 }}",
        "%s%n",
        "../../etc/passwd",
        "00070-261122-0001",
        "123456",
        "0",
        "-1",
        "99999999999999999999",
        "Nguyễn Văn Ánh",
        "🙂" * 50,
    ]
)
value = st.one_of(st.text(), weird, huge)


def form_data(fields: list[str]) -> st.SearchStrategy[dict[str, str]]:
    """Any subset of `fields`, each with any value."""
    return st.fixed_dictionaries({}, optional={f: value for f in fields})


def _upload(name: str, head: bytes, body: bytes) -> SimpleUploadedFile:
    """A file as a browser sends it; names Django itself refuses to build ("", "..", "a/")
    cannot come from a browser (the multipart parser keeps only the base name)."""
    try:
        return SimpleUploadedFile(name, head + body)
    except SuspiciousFileOperation:
        return SimpleUploadedFile("x", head + body)


uploads = st.builds(
    _upload,
    st.one_of(st.text(max_size=80), weird),
    st.sampled_from([b"", b"%PDF-1.4\n", b"\x89PNG\r\n\x1a\n", b"MZ\x90\x00", b"<html><script>", b"PK\x03\x04"]),
    st.binary(max_size=2048),
)


@pytest.fixture
def world(commune, other_commune, officer, head, other_officer) -> World:
    return build_world(commune, other_commune, officer, head, other_officer)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


def _post(url: str, data: dict[str, Any]) -> int:
    """One anonymous post in its own rolled-back transaction, with a fresh rate-limit window."""
    cache.clear()
    with transaction.atomic():
        status = Client(REMOTE_ADDR=CLIENT_IP).post(url, data).status_code
        transaction.set_rollback(True)
    return status


def _get(url: str, query: dict[str, Any]) -> int:
    cache.clear()
    return Client(REMOTE_ADDR=CLIENT_IP).get(url, query).status_code


# --- public forms ----------------------------------------------------------------------------


def test_the_dossier_lookup_never_fails(world):
    url = reverse("adminreform:lookup")

    @FUZZ
    @given(form_data(["code", "pin"]))
    def check(data: dict[str, str]) -> None:
        assert _post(url, data) in ALLOWED_STATUSES
        assert _get(url, data) in ALLOWED_STATUSES

    check()


def test_rating_from_the_lookup_never_fails(world):
    url = reverse("adminreform:rate")
    dossier = world.made["list_dossier"]

    @FUZZ
    @given(
        form_data(["code", "pin", "rate-score", "rate-visits", "rate-comment"]),
        st.booleans(),
    )
    def check(data: dict[str, str], real_code: bool) -> None:
        if real_code:  # reach the rating form itself, not only the lookup
            data = {**data, "code": dossier.ref, "pin": dossier.lookup_pin}
        assert _post(url, data) in ALLOWED_STATUSES

    check()


def test_the_online_submission_never_fails(world, media):
    procedure = world.procedure
    url = reverse("adminreform:online_submit", args=[procedure.pk])
    doc_fields = [f"doc_{d.pk}" for d in procedure.documents.all()]
    text_fields = [
        "applicant_name",
        "applicant_phone",
        "applicant_email",
        "applicant_id_number",
        "applicant_address",
        "unit",
        "consent",
    ]

    @FUZZ
    @given(
        form_data(text_fields),
        st.fixed_dictionaries({}, optional={f: uploads for f in doc_fields}),
        st.booleans(),
    )
    def check(data: dict[str, Any], files: dict[str, SimpleUploadedFile], plausible: bool) -> None:
        if plausible:  # get past the shape checks to the service and the file checks
            data = {
                **data,
                "applicant_name": data.get("applicant_name") or "Nguyễn Văn Ánh",
                "applicant_phone": "0912345678",
                "unit": str(world.commune.pk),
                "consent": "on",
            }
            data.pop("applicant_email", None)
            data.pop("applicant_id_number", None)
        assert _post(url, {**data, **files}) in ALLOWED_STATUSES
        assert _get(url, {}) in ALLOWED_STATUSES

    check()


def test_filing_a_petition_never_fails(world, media):
    if not app_live("petitions"):
        pytest.skip("the petitions app is not merged yet")
    url = reverse("petitions:file")
    fields = [
        "unit",
        "kind",
        "petitioner_name",
        "petitioner_id_number",
        "petitioner_address",
        "petitioner_phone",
        "petitioner_email",
        "subject",
        "respondent",
        "content",
        "signers",
        "consent",
        "website",
        "idempotency_key",
    ]

    @FUZZ
    @given(form_data(fields), st.lists(uploads, max_size=3), st.booleans())
    def check(data: dict[str, Any], files: list[SimpleUploadedFile], plausible: bool) -> None:
        if plausible:  # get past the shape checks to the service and the file checks
            data = {
                **data,
                "unit": str(world.commune.pk),
                "kind": "recommendation",
                "petitioner_name": data.get("petitioner_name") or "Nguyễn Văn Ánh",
                "petitioner_address": "12 Hàng Bạc",
                "subject": data.get("subject") or "Đèn đường hỏng",
                "content": data.get("content") or "Đèn đường trước số 12 hỏng đã một tháng.",
                "signers": "1",
                "consent": "on",
                "idempotency_key": "f" * 32,
            }
            data.pop("website", None)
            data.pop("petitioner_email", None)
        assert _post(url, {**data, "attachments": files}) in ALLOWED_STATUSES
        assert _get(url, {"unit": data.get("unit", "")}) in ALLOWED_STATUSES

    check()


def test_tracking_a_petition_never_fails(world):
    if not app_live("petitions"):
        pytest.skip("the petitions app is not merged yet")
    url = reverse("petitions:track")
    petition = world.made["list_petition"]

    @FUZZ
    @given(form_data(["code", "secret"]), st.booleans())
    def check(data: dict[str, str], real_code: bool) -> None:
        if real_code:
            data = {**data, "code": petition.tracking_code}
        assert _post(url, data) in ALLOWED_STATUSES
        assert _get(url, data) in ALLOWED_STATUSES

    check()


def test_the_public_reception_schedule_never_fails(world):
    if not app_live("reception"):
        pytest.skip("the reception app is not merged yet")
    url = reverse("reception:schedule")

    @FUZZ
    @given(form_data(["q", "unit", "page"]))
    @example({"unit": "\x00"})  # found by this test on PostgreSQL: a NUL in the unit code, a 500
    def check(query: dict[str, str]) -> None:
        assert _get(url, query) in ALLOWED_STATUSES

    check()


def test_the_public_lists_never_fail(world):
    @FUZZ
    @given(st.sampled_from(["adminreform:online_list", "adminreform:lookup", "core:home"]), form_data(["q", "page"]))
    @example("adminreform:online_list", {"q": "a " * 5_000})  # found by this test: one condition per word, a 500
    def check(name: str, query: dict[str, str]) -> None:
        assert _get(reverse(name), query) in ALLOWED_STATUSES

    check()


# --- the dossier workflow ------------------------------------------------------------------


def _closure() -> set[str]:
    reached, todo = {DossierStatus.RECEIVED.value}, [DossierStatus.RECEIVED.value]
    while todo:
        for nxt in TRANSITIONS[todo.pop()]:
            if nxt not in reached:
                reached.add(nxt)
                todo.append(nxt)
    return reached


REACHABLE = _closure()
OPERATIONS = (
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
)
step = st.tuples(
    st.sampled_from(OPERATIONS),
    st.one_of(st.integers(0, 4), st.integers(-400, 400)),  # the call's date, in days from the receipt
    st.booleans(),  # with the version the caller saw, or a stale one
    # Services take text that a form has already validated: Django's CharField refuses NUL
    # (ProhibitNullCharactersValidator, fuzzed through the public forms above), and
    # PostgreSQL cannot store it, so the service-level sequences draw text without it.
    st.one_of(st.just(""), st.text(alphabet=st.characters(blacklist_characters="\x00"), max_size=30)),
)


def _snapshot(dossier: Dossier) -> dict[str, Any]:
    row = Dossier.objects.get(pk=dossier.pk)
    return {f.attname: getattr(row, f.attname) for f in Dossier._meta.concrete_fields}


def _call(w: World, dossier: Dossier, op: str, on: date, version: int, text: str) -> Dossier:
    actor = w.users["officer"]
    common: dict[str, Any] = {"dossier": dossier, "actor": actor, "expected_version": version}
    if op == "assign":
        return ar.dossier_assign(assignee=actor, **common)
    if op == "transfer":
        return ar.dossier_transfer(to_unit=w.other_commune, note=text, **common)
    if op == "supplement":
        return ar.dossier_request_supplement(missing=[text or "Giấy tờ"], on=on, **common)
    if op == "resubmit":
        return ar.dossier_resubmit(on=on, **common)
    if op == "apology":
        return ar.dossier_apologise(new_due_on=on + timedelta(days=5), reason=text or "Quá tải", on=on, **common)
    if op == "result":
        return ar.dossier_mark_result_ready(result_note=text, **common)
    if op == "return":
        return ar.dossier_return(on=on, **common)
    if op == "refuse":
        return ar.dossier_refuse(reason=text or "Không đủ điều kiện", on=on, **common)
    if op == "stop":
        return ar.dossier_stop(reason=text or "Dừng", on=on, **common)
    return ar.dossier_withdraw(reason=text, on=on, **common)


def test_random_sequences_of_dossier_services_never_reach_an_illegal_state(world):
    @settings(FUZZ, max_examples=100)  # cheap (no HTTP): more sequences reach the rarer statuses
    @given(
        st.dates(min_value=date(2024, 1, 1), max_value=date(2027, 12, 31)),
        st.lists(step, max_size=12),
    )
    @example(date(2024, 1, 1), [("refuse", -1, True, "")])  # found by this test: resolved before received
    def check(received_on: date, steps: list[tuple[str, int, bool, str]]) -> None:
        with transaction.atomic():
            dossier = world.dossier(on=received_on)
            assert dossier.due_on >= dossier.received_on
            for op, offset, fresh, text in steps:
                before = _snapshot(dossier)
                version = before["version"] if fresh else before["version"] - 1
                on = received_on + timedelta(days=offset)
                try:
                    with transaction.atomic():
                        _call(world, dossier, op, on, version, text)
                except ValidationError:  # DomainError, InvalidTransition, StaleEdit: refused
                    assert _snapshot(dossier) == before, f"{op} was refused but changed the dossier"
                    continue
                after = _snapshot(dossier)
                where = f"{op} on {on} from {before['status']}"
                assert after["status"] in REACHABLE, where
                assert after["status"] == before["status"] or after["status"] in TRANSITIONS[before["status"]], where
                assert after["version"] == before["version"] + 1, where
                assert after["due_on"] >= after["received_on"], where
                assert (after["resolved_on"] is None) == (after["status"] in OPEN_STATUSES), where
                if after["resolved_on"] is not None:
                    assert after["resolved_on"] >= after["received_on"], where
                if after["clock_started_on"] is not None:
                    assert after["clock_started_on"] >= after["received_on"], where
            transaction.set_rollback(True)

    check()
