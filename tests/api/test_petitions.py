"""Petitions through the API: filing with the web form's rules, the status by code and secret,
and staff and system reads limited to their scope."""

import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from api.models import ApiKeyEvent
from petitions.models import Attachment, Petition
from tests.api.conftest import with_key
from tests.files import pdf_bytes
from tests.petitions.factories import receive

pytestmark = pytest.mark.django_db


def filing(**changes):
    data = {
        "unit": "00070",
        "kind": "feedback",
        "petitioner_name": "Trần Thị Bình",
        "petitioner_address": "5 Hàng Gai, Hoàn Kiếm",
        "petitioner_phone": "0987654321",
        "subject": "Đèn đường hỏng",
        "content": "Đèn đường trước số 5 Hàng Gai không sáng từ một tuần nay.",
        "signers": 1,
        "consent": True,
        "idempotency_key": str(uuid.uuid4()),
    }
    data.update(changes)
    return data


def test_a_system_files_a_petition_once_per_idempotency_key(api, commune):
    data = filing()
    first = api.post("/api/v1/petitions/file/", data, format="json")
    assert first.status_code == 201, first.json()
    again = api.post("/api/v1/petitions/file/", data, format="json")
    assert again.status_code == 201
    assert first.json()["tracking_code"] == again.json()["tracking_code"]
    petition = Petition.objects.get()
    assert petition.channel == "online" and petition.unit == commune and petition.kind == "feedback"
    status = api.post(
        "/api/v1/petitions/status/",
        {"code": first.json()["tracking_code"], "secret": first.json()["tracking_secret"]},
        format="json",
    )
    assert status.status_code == 200
    assert status.json()["timeline"][0]["text"]


def test_the_web_forms_rules_apply_and_nothing_is_written(api, commune):
    response = api.post(
        "/api/v1/petitions/file/",
        filing(kind="complaint", petitioner_phone="", consent=False, unit="99999"),
        format="json",
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert {"unit", "petitioner_id_number", "respondent", "petitioner_phone", "consent"} <= errors.keys()
    assert errors["petitioner_id_number"][0]["en"] == "The law asks for your identity number for this kind."
    assert errors["petitioner_id_number"][0]["vi"] != errors["petitioner_id_number"][0]["en"]
    assert not Petition.objects.exists()
    bad_key = api.post("/api/v1/petitions/file/", filing(idempotency_key="x"), format="json")
    assert bad_key.status_code == 400 and "idempotency_key" in bad_key.json()["errors"]


def test_attachments_are_checked_like_the_forms(api, commune):
    data = filing()
    data["consent"] = "on"
    good = SimpleUploadedFile("don.pdf", pdf_bytes(), content_type="application/pdf")
    response = api.post("/api/v1/petitions/file/", {**data, "attachments": [good]}, format="multipart")
    assert response.status_code == 201, response.json()
    assert Attachment.objects.get().mime == "application/pdf"
    fake = SimpleUploadedFile("anh.png", b"MZ\x90\x00 not a picture", content_type="image/png")
    data["idempotency_key"] = str(uuid.uuid4())
    refused = api.post("/api/v1/petitions/file/", {**data, "attachments": [fake]}, format="multipart")
    assert refused.status_code == 400 and "attachments" in refused.json()["errors"]
    assert Petition.objects.count() == 1


@override_settings(PETITIONS_FILE_RATE=1, PETITIONS_TRACK_RATE=1)
def test_anonymous_callers_meet_the_forms_limits(api, commune):
    assert api.post("/api/v1/petitions/file/", filing(), format="json").status_code == 201
    refused = api.post("/api/v1/petitions/file/", filing(), format="json")
    assert refused.status_code == 429 and refused.json()["type"].endswith("rate_limited")
    assert Petition.objects.count() == 1


def test_a_wrong_code_and_a_wrong_secret_get_the_same_answer(api, commune):
    filed = api.post("/api/v1/petitions/file/", filing(), format="json").json()
    wrong_secret = api.post(
        "/api/v1/petitions/status/", {"code": filed["tracking_code"], "secret": "ABCD-EFGH"}, format="json"
    )
    wrong_code = api.post("/api/v1/petitions/status/", {"code": "ZZZZZZZZ", "secret": filed["tracking_secret"]})
    assert wrong_secret.status_code == wrong_code.status_code == 404
    assert wrong_secret.json() == wrong_code.json()


def test_a_key_sees_its_wards_petitions_only(api, commune, other_commune, read_key):
    mine = receive(commune)
    theirs = receive(other_commune)
    with_key(api, read_key)
    listed = api.get("/api/v1/petitions/")
    assert [p["ref"] for p in listed.json()["results"]] == [mine.ref]
    assert api.get(f"/api/v1/petitions/{mine.pk}/").json()["unit"] == "00070"
    assert api.get(f"/api/v1/petitions/{theirs.pk}/").status_code == 404
    assert api.get("/api/v1/petitions/", {"unit": "00004"}).json()["results"] == []


def test_staff_read_through_their_session_within_their_units(api, commune, other_commune, officer, other_officer):
    mine = receive(commune)
    receive(other_commune)
    assert api.get("/api/v1/petitions/").status_code == 401
    api.force_login(officer)
    assert [p["id"] for p in api.get("/api/v1/petitions/").json()["results"]] == [mine.pk]
    api.force_login(other_officer)
    assert api.get(f"/api/v1/petitions/{mine.pk}/").status_code == 404


def test_lists_are_paged_by_cursor_with_filters(api, commune, read_key):
    from datetime import date

    for day in range(1, 6):
        receive(commune, received_on=date(2026, 3, day))
    with_key(api, read_key)
    page = api.get("/api/v1/petitions/", {"page_size": 2, "received_from": "2026-03-02"}).json()
    assert [p["received_on"] for p in page["results"]] == ["2026-03-05", "2026-03-04"]
    following = api.get(page["next"]).json()
    assert [p["received_on"] for p in following["results"]] == ["2026-03-03", "2026-03-02"]
    assert api.get(following["next"]).json()["results"] == [] if following["next"] else True
    assert api.get("/api/v1/petitions/", {"received_from": "tomorrow"}).status_code == 400


def test_a_keys_writes_are_audited(api, commune, write_key):
    with_key(api, write_key)
    api.post("/api/v1/petitions/file/", filing(), format="json")
    api.post("/api/v1/petitions/file/", filing(subject=""), format="json")
    writes = ApiKeyEvent.objects.filter(api_key=write_key, kind="write").order_by("pk")
    assert [(e.data["path"], e.data["status"]) for e in writes] == [
        ("/api/v1/petitions/file/", 201),
        ("/api/v1/petitions/file/", 400),
    ]
    assert Petition.objects.get().source == "API: Ứng dụng phản ánh"


def test_a_replayed_key_from_another_sender_files_nothing_and_shows_nothing(commune):
    from rest_framework.test import APIClient

    # given a citizen's app filed with its key
    data = filing()
    first = APIClient(REMOTE_ADDR="198.51.100.7").post("/api/v1/petitions/file/", data, format="json")
    assert first.status_code == 201
    # when someone else sends the same key, with other content
    replay = APIClient(REMOTE_ADDR="203.0.113.9").post(
        "/api/v1/petitions/file/", {**data, "subject": "Khác"}, format="json"
    )
    # then nothing is filed and neither the code nor the secret is shown
    assert 400 <= replay.status_code < 500
    body = replay.content.decode()
    assert first.json()["tracking_code"] not in body and first.json()["tracking_secret"] not in body
    assert Petition.objects.count() == 1
