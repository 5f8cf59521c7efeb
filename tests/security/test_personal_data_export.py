"""A person's data on request (Law 91/2025): `export_personal_data` gathers the records of
every app through their providers, and every export is audited."""

import io
import json
from datetime import date

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from civicdesk.crypto import IndexFamily, blind_index
from core.choices import PetitionKind
from core.models import PersonalDataExportEvent
from core.personal_data import providers
from petitions.models import PetitionEvent
from tests.adminreform.factories import DossierFactory
from tests.petitions.factories import receive
from tests.reception.factories import VisitFactory

AN = "001085012345"
BINH = "079090000777"

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(commune, other_commune):
    """An (AN) filed a complaint and a denunciation, came to reception twice and has a dossier;
    Bình (BINH) has records too, and denounced An."""
    return {
        "complaint": receive(commune, petitioner_id_number=AN, respondent="Quyết định 12/QĐ-UBND của ông Lê C"),
        "denunciation": receive(
            commune,
            kind=PetitionKind.DENUNCIATION,
            petitioner_name="Nguyễn Văn An",
            petitioner_id_number=AN,
            respondent="Ông Trần Văn D, cán bộ địa chính",
        ),
        "visits": [
            VisitFactory(unit=commune, identity_number=AN, ref="TCD-1", received_on=date(2026, 1, 5)),
            VisitFactory(unit=other_commune, identity_number="001 085 012 345", ref="TCD-2"),
        ],
        "dossier": DossierFactory(unit=commune, applicant_id_number=AN, ref="00070-260101-0001", lookup_pin="864209"),
        "binh_petition": receive(
            commune,
            kind=PetitionKind.DENUNCIATION,
            petitioner_name="Lê Thị Bình",
            petitioner_id_number=BINH,
            respondent=f"Nguyễn Văn An, CCCD {AN}",
        ),
        "binh_visit": VisitFactory(unit=commune, identity_number=BINH, ref="TCD-9"),
        "binh_dossier": DossierFactory(unit=commune, applicant_id_number=BINH, ref="00070-260101-0009"),
    }


def _export(*args: str) -> dict:
    out, err = io.StringIO(), io.StringIO()
    call_command("export_personal_data", *args, stdout=out, stderr=err)
    return json.loads(out.getvalue())


def _section(document: dict, source: str) -> dict:
    return next(s for s in document["sections"] if s["source"] == source)


def test_every_app_registers_its_provider_and_core_imports_none():
    assert set(providers()) >= {"petitions", "reception", "adminreform"}


def test_the_export_gathers_the_persons_records_from_every_app(records):
    document = _export("--identity-number", "001085 012345", "--reason", "Đơn yêu cầu ngày 02/03/2026")
    assert document["identity_number"] == AN and document["reason"] == "Đơn yêu cầu ngày 02/03/2026"
    (complaint,) = _section(document, "petitions.petitions")["records"]
    assert complaint["ref"] == records["complaint"].ref and complaint["petitioner_id_number"] == AN
    assert complaint["petitioner_name"] == "Nguyễn Văn An"
    visits = _section(document, "reception.visits")["records"]
    assert [v["ref"] for v in visits] == ["TCD-1", "TCD-2"]  # both units, the number typed differently
    assert visits[0]["received_on"] == "05/01/2026" and visits[1]["identity_number"] == "001 085 012 345"
    (dossier,) = _section(document, "adminreform.dossiers")["records"]
    assert dossier["ref"] == "00070-260101-0001" and dossier["applicant_id_number"] == AN
    text = json.dumps(document, ensure_ascii=False)
    # Nothing of Bình's, and nothing the records say about others.
    for other in ("Lê Thị Bình", BINH, "TCD-9", "00070-260101-0009", records["binh_petition"].ref):
        assert other not in text
    assert "Lê C" not in text and "Trần Văn D" not in text
    assert "864209" not in text  # the lookup PIN is a credential, not data about An


def test_the_denouncers_vault_is_included_only_for_the_denouncer_and_says_so(records):
    document = _export("--identity-number", AN)
    section = _section(document, "petitions.denunciations")
    (record,) = section["records"]
    assert record["ref"] == records["denunciation"].ref
    assert (record["denouncer_name"], record["denouncer_id_number"]) == ("Nguyễn Văn An", AN)
    assert "vault" in section["note"] or "kho" in section["note"]
    assert "respondent" not in record
    # Opening the vault is audited on the petition like any reveal.
    reveal = PetitionEvent.objects.get(petition=records["denunciation"], kind=PetitionEvent.Kind.IDENTITY_REVEALED)
    assert reveal.data == {"personal_data_export": True}
    # Bình, who denounced An, is not in An's export, and her vault was not opened.
    assert not PetitionEvent.objects.filter(
        petition=records["binh_petition"], kind=PetitionEvent.Kind.IDENTITY_REVEALED
    ).exists()


def test_a_person_with_no_records_gets_empty_sections():
    document = _export("--identity-number", "001000000000")
    assert {s["source"] for s in document["sections"]} >= {
        "petitions.petitions",
        "petitions.denunciations",
        "reception.visits",
        "adminreform.dossiers",
    }
    assert all(s["count"] == 0 for s in document["sections"])


def test_every_export_writes_an_audit_event_with_the_reason_and_never_the_number(records, head):
    _export("--identity-number", AN, "--reason", "Công dân yêu cầu", "--by", head.username)
    _export("--identity-number", AN)
    first, second = PersonalDataExportEvent.objects.order_by("pk")
    assert (first.actor, first.reason, first.subject_index) == (
        head,
        "Công dân yêu cầu",
        blind_index(AN, family=IndexFamily.DATA_SUBJECT),
    )
    assert first.data["records"] == {
        "adminreform.dossiers": 1,
        "petitions.denunciations": 1,
        "petitions.petitions": 1,
        "reception.denunciation_visits": 0,
        "reception.visits": 2,
    }
    assert first.data["format"] == "json"
    assert "91/2025" in second.reason  # no reason given: the person's own request, by law
    assert AN not in json.dumps([first.data, first.reason, second.data, second.reason])


def test_the_xlsx_export_has_a_summary_and_a_sheet_per_kind_of_record(records, tmp_path):
    path = tmp_path / "an.xlsx"
    call_command(
        "export_personal_data", "--identity-number", AN, "--format", "xlsx", "--output", str(path), stderr=io.StringIO()
    )
    workbook = load_workbook(path)
    assert workbook.sheetnames[0] == "Tổng hợp"
    visits = workbook["reception visits"]
    header = [c.value for c in visits[1]]
    rows = [dict(zip(header, [c.value for c in row], strict=True)) for row in visits.iter_rows(min_row=2)]
    assert [r["ref"] for r in rows] == ["TCD-1", "TCD-2"]
    assert PersonalDataExportEvent.objects.get().data["format"] == "xlsx"


def test_a_partial_or_missing_number_and_xlsx_without_a_file_are_refused():
    with pytest.raises(CommandError, match=r"\(CCCD, CMND"):
        call_command("export_personal_data", "--identity-number", "0010", stdout=io.StringIO())
    with pytest.raises(CommandError, match="--output"):
        call_command("export_personal_data", "--identity-number", AN, "--format", "xlsx", stdout=io.StringIO())
    with pytest.raises(CommandError, match="No user"):
        call_command("export_personal_data", "--identity-number", AN, "--by", "nobody", stdout=io.StringIO())
    assert not PersonalDataExportEvent.objects.exists()


# --- the administrators' page -------------------------------------------------------------


@pytest.fixture
def exporter(db):
    from django.contrib.auth.models import Permission

    from tests.factories import UserFactory

    user = UserFactory(username="quantri", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="export_personal_data"))
    return user


def test_an_administrator_downloads_the_export_and_the_event_has_their_name_and_address(records, exporter, client):
    client.force_login(exporter)
    page = client.get("/admin/personal-data/")
    assert page.status_code == 200 and 'name="identity_number"' in page.content.decode()
    response = client.post(
        "/admin/personal-data/",
        {"identity_number": AN, "format": "json", "reason": "Đơn số 15 ngày 02/03/2026"},
        REMOTE_ADDR="10.1.2.3",
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert "no-store" in response["Cache-Control"]
    document = json.loads(response.content)
    assert [v["ref"] for v in _section(document, "reception.visits")["records"]] == ["TCD-1", "TCD-2"]
    event = PersonalDataExportEvent.objects.get()
    assert (event.actor, event.reason, event.ip_address) == (exporter, "Đơn số 15 ngày 02/03/2026", "10.1.2.3")
    assert event.data["channel"] == "staff page"


def test_the_page_needs_a_reason_and_a_whole_number(exporter, client):
    client.force_login(exporter)
    response = client.post("/admin/personal-data/", {"identity_number": AN, "format": "json", "reason": ""})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    response = client.post("/admin/personal-data/", {"identity_number": "0010", "format": "json", "reason": "x"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    assert not PersonalDataExportEvent.objects.exists()


def test_staff_without_the_permission_and_anonymous_visitors_get_nothing(records, client, head):
    from tests.factories import UserFactory

    staff = UserFactory(username="nhanvien", is_staff=True)
    client.force_login(staff)
    post = {"identity_number": AN, "format": "json", "reason": "tò mò"}
    assert client.get("/admin/personal-data/").status_code == 403
    assert client.post("/admin/personal-data/", post).status_code == 403
    client.force_login(head)  # a head of commune is not staff of the admin
    assert client.post("/admin/personal-data/", post).status_code == 302
    client.logout()
    assert client.post("/admin/personal-data/", post).status_code == 302
    assert not PersonalDataExportEvent.objects.exists()
