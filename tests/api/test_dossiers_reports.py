"""Dossiers handed over by another system, their status and events; compiled reports and their
versions; the public reception schedule. A key sees its ward's records, never another's."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from adminreform.models import Dossier
from reception.models import ReceptionSession
from reports.models import CompiledReport, CompileState
from tests.adminreform.factories import ProcedureDocumentFactory, ProcedureFactory
from tests.api.conftest import with_key

pytestmark = pytest.mark.django_db


@pytest.fixture
def procedure(db):
    p = ProcedureFactory(code="1.001193", name="Đăng ký khai sinh", processing_days=3)
    ProcedureDocumentFactory(procedure=p, name="Tờ khai đăng ký khai sinh", position=1)
    ProcedureDocumentFactory(procedure=p, name="Giấy chứng sinh", position=2)
    return p


def handover(**changes):
    data = {
        "unit": "00070",
        "procedure": "1.001193",
        "applicant_name": "Lê Văn Cường",
        "applicant_phone": "0911222333",
        "applicant_id_number": "001090012345",
        "documents": [1, 2],
        "external_id": "DVCQG-000123",
    }
    data.update(changes)
    return data


def test_the_portal_hands_over_an_online_dossier_once(api, commune, procedure, write_key):
    with_key(api, write_key)
    first = api.post("/api/v1/dossiers/", handover(), format="json")
    assert first.status_code == 201, first.json()
    body = first.json()
    assert body["channel"] == "online" and body["status"] == "received" and body["unit"] == "00070"
    assert "applicant_id_number" not in body and "lookup_pin" not in body
    again = api.post("/api/v1/dossiers/", handover(), format="json")
    assert again.status_code == 200 and again.json()["ref"] == body["ref"]
    assert Dossier.objects.count() == 1
    events = api.get(f"/api/v1/dossiers/{body['ref']}/events/").json()
    assert [e["kind"] for e in events] == ["received"]
    assert api.get(f"/api/v1/dossiers/{body['ref']}/").json()["due_on"]


def test_handover_refusals_leave_nothing(api, commune, other_commune, procedure, write_key, read_key):
    with_key(api, write_key)
    incomplete = api.post("/api/v1/dossiers/", handover(documents=[1]), format="json")
    assert incomplete.status_code == 422 and incomplete.json()["type"].endswith(":rule")
    other_ward = api.post("/api/v1/dossiers/", handover(unit="00004"), format="json")
    assert other_ward.status_code == 400 and "unit" in other_ward.json()["errors"]
    unknown_doc = api.post("/api/v1/dossiers/", handover(documents=[1, 2, 9]), format="json")
    assert unknown_doc.status_code == 422
    not_json = api.post("/api/v1/dossiers/", "{oops", content_type="application/json")
    assert not_json.status_code == 400 and not_json.json()["type"].endswith(":malformed")
    read_only = with_key(api, read_key).post("/api/v1/dossiers/", handover(), format="json")
    assert read_only.status_code == 403
    assert not Dossier.objects.exists()


def test_a_key_reads_its_wards_dossiers_only(api, commune, procedure, write_key, other_key):
    with_key(api, write_key)
    ref = api.post("/api/v1/dossiers/", handover(), format="json").json()["ref"]
    with_key(api, other_key)
    assert api.get(f"/api/v1/dossiers/{ref}/").status_code == 404
    assert api.get(f"/api/v1/dossiers/{ref}/events/").status_code == 404
    assert api.get("/api/v1/dossiers/").json()["results"] == []


def _report(unit, version, **kwargs):
    return CompiledReport.objects.create(
        unit=unit,
        period_from=date(2026, 1, 1),
        period_to=date(2026, 3, 31),
        version=version,
        state=CompileState.DONE,
        figures={"unit": {"code": unit.code}, "version": version},
        compiled_at=timezone.now(),
        **kwargs,
    )


def test_a_units_report_and_its_versions(api, commune, other_commune, read_key):
    _report(commune, 1)
    latest = _report(commune, 2)
    theirs = _report(other_commune, 1)
    with_key(api, read_key)
    listed = api.get("/api/v1/reports/", {"period_from": "2026-01-01"}).json()["results"]
    assert [(r["unit"], r["version"]) for r in listed] == [("00070", 2), ("00070", 1)]
    assert "figures" not in listed[0]
    detail = api.get(f"/api/v1/reports/{latest.pk}/").json()
    assert detail["figures"] == {"unit": {"code": "00070"}, "version": 2}
    versions = api.get(f"/api/v1/reports/{latest.pk}/versions/").json()
    assert [v["version"] for v in versions] == [2, 1]
    assert api.get(f"/api/v1/reports/{theirs.pk}/").status_code == 404
    assert api.get(f"/api/v1/reports/{theirs.pk}/versions/").status_code == 404


def test_the_public_schedule(api, commune):
    soon = timezone.localdate() + timedelta(days=3)
    ReceptionSession.objects.create(
        unit=commune, kind="head_periodic", date=soon, place="Trụ sở UBND phường", published_at=timezone.now()
    )
    ReceptionSession.objects.create(unit=commune, kind="head_periodic", date=soon)  # not published
    rows = api.get("/api/v1/units/00070/schedule/").json()
    assert [(r["date"], r["place"]) for r in rows] == [(soon.isoformat(), "Trụ sở UBND phường")]
    assert api.get("/api/v1/units/nope/schedule/").status_code == 404
