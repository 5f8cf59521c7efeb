"""Exports: the XLSX forms, the PDF and the CSV show the same numbers as the JSON."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command
from openpyxl import load_workbook
from pypdf import PdfReader

from core.models import UnitKind, UnitLevel
from reports.compiling import compile_figures
from reports.exports import render_csv, render_pdf, render_xlsx
from reports.periods import Period
from tests.reports.factories import dossiers, petitions, save, unit, visits

pytestmark = pytest.mark.django_db
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
D = date


@pytest.fixture
def report(db):
    district = unit("X1", "Quận Hai Bà Trưng", level=UnitLevel.DISTRICT, kind=UnitKind.URBAN_DISTRICT)
    wards = [
        unit(f"X1{i}", f"Phường Bạch Đằng {i}", level=UnitLevel.COMMUNE, kind=UnitKind.WARD, parent=district)
        for i in (1, 2)
    ]
    save(
        visits(district, 1209, on=D(2019, 3, 1))
        + visits(district, 39, on=D(2019, 4, 1), received_by="head")
        + visits(wards, 350, on=D(2019, 5, 1))
        + visits(wards, 47, on=D(2019, 6, 1), received_by="head"),
        petitions(district, 737, on=D(2019, 2, 2), kind="complaint") + petitions(district, 810, on=D(2018, 2, 2)),
        dossiers(district, 5717, on=D(2019, 1, 5), due=D(2019, 1, 20), resolved_on=D(2019, 1, 10))
        + dossiers(district, 186, on=D(2019, 2, 5), due=D(2019, 2, 10), resolved_on=D(2019, 2, 20))
        + dossiers(district, 193, on=D(2019, 8, 5), due=D(2019, 8, 10))
        + dossiers(wards, 1000, on=D(2019, 7, 1), due=D(2019, 7, 9), resolved_on=D(2019, 7, 2), channel="online"),
    )
    period = Period(D(2019, 1, 1), D(2019, 8, 31))
    figures = compile_figures(unit=district, period=period)
    children = [
        {k: v for k, v in compile_figures(unit=w, period=period, with_trend=False).items() if k != "summary"}
        for w in wards
    ]
    return figures, children


def test_xlsx_follows_the_official_forms(report):
    figures, children = report
    data = render_xlsx(figures, children)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "report.xlsx").write_bytes(data)
    wb = load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["Tóm tắt", "01-TCD", "01-XLD", "01-KQGQ", "03-KQGQ", "06-VPCP"]
    assert wb["Tóm tắt"]["A5"].value == figures["summary"]
    tcd = wb["01-TCD"]
    assert tcd["A3"].value == "TỔNG HỢP KẾT QUẢ TIẾP CÔNG DÂN THƯỜNG XUYÊN, ĐỊNH KỲ VÀ ĐỘT XUẤT"
    rows = {r[1]: r[2:] for r in tcd.iter_rows(min_row=8, values_only=True) if r[1]}
    assert rows["Tổng cộng"][:2] == (1645, 1645)
    assert rows["Cấp quận (Quận Hai Bà Trưng)"][0] == 1248
    assert rows["– Phường Bạch Đằng 1"][0] == 199
    assert tcd.cell(row=8, column=3).number_format == "#,##0"
    vpcp = wb["06-VPCP"]
    rows = {r[1]: r[2:] for r in vpcp.iter_rows(min_row=8, values_only=True) if r[1]}
    district = rows["Cấp quận (Quận Hai Bà Trưng)"]
    # total, online, in person/post, carried over, resolved, early, on time, late, in progress, within, over, rate
    assert district == (6096, 0, 6096, 0, 5903, 5717, 0, 186, 193, 0, 193, 96.8)
    assert rows["Cấp phường"][:2] == (1000, 1000)
    xld = wb["01-XLD"]
    total = next(r for r in xld.iter_rows(min_row=8, values_only=True) if r[1] == "Tổng cộng")
    assert total[2:5] == (737, 0, 737)
    assert total[-1] == -9.0


def test_pdf_has_the_narrative_in_vietnamese(report):
    figures, children = report
    data = render_pdf(figures, children)
    (ARTIFACTS / "report.pdf").write_bytes(data)
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    assert "Tổng số đã tiếp 1.645 lượt công dân" in " ".join(text.split())
    assert "96,8%" in text
    assert "Phường Bạch Đằng 2" in text


def test_csv_has_the_raw_figures(report):
    figures, _ = report
    rows = dict(csv.reader(io.StringIO(render_csv(figures).decode("utf-8-sig"))))
    assert rows["reception.visits"] == "1645"
    assert rows["dossiers.levels.district.on_time_pct"] == "96.8"
    assert rows["petitions.change_pct"] == "-9.0"


def test_the_command_writes_each_format(report, tmp_path):
    for fmt in ("xlsx", "pdf", "csv", "json"):
        target = tmp_path / f"r.{fmt}"
        err = io.StringIO()
        call_command(
            "compile_report",
            "--unit",
            "X1",
            "--from",
            "2019-01-01",
            "--to",
            "2019-08-31",
            "--format",
            fmt,
            "--output",
            str(target),
            stderr=err,
        )
        assert target.stat().st_size > 0
        assert "Wrote" in err.getvalue()
    assert json.loads((tmp_path / "r.json").read_text())["reception"]["visits"] == 1645
