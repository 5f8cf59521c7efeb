"""Exports: the XLSX forms, the PDF and the CSV show the same numbers as the JSON."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader

from core.models import UnitKind, UnitLevel
from reports.compiling import compile_figures
from reports.documents import NUMBER_SYMBOL
from reports.exports import render_csv, render_export, render_pdf, render_xlsx, tcd_rows
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


def _rows(sheet, first: int) -> dict:
    return {r[1]: r[2:] for r in sheet.iter_rows(min_row=first, values_only=True) if r[1]}


def _header_row(sheet) -> int:
    """The first header row of a form: the one whose column B says "Đơn vị"."""
    return next(r for r in range(1, 20) if sheet.cell(row=r, column=2).value == "Đơn vị")


def test_xlsx_follows_the_official_forms(report):
    figures, children = report
    data = render_xlsx(figures, children)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "report.xlsx").write_bytes(data)
    wb = load_workbook(io.BytesIO(data))
    assert wb.sheetnames == [
        "Báo cáo",
        "01-TCD",
        "02-TCD",
        "02-XLD",
        "02-XLD (KN)",
        "02-XLD (TC)",
        "02-XLD (KNPA)",
        "03-GQKN",
        "04-GQTC",
        "05-KQTH (KN)",
        "05-KQTH (TC)",
        "06-VPCP",
    ]
    summary = wb["Báo cáo"]
    assert figures["summary"] in [c.value for row in summary.iter_rows() for c in row]
    tcd = wb["01-TCD"]
    assert "TỔNG HỢP KẾT QUẢ TIẾP CÔNG DÂN THƯỜNG XUYÊN, ĐỊNH KỲ VÀ ĐỘT XUẤT" in [c.value for c in tcd["A"]]
    first = _header_row(tcd) + 3
    rows = _rows(tcd, first)
    assert rows["Tổng cộng"][:2] == (1645, 1645)
    assert rows["Cấp quận (Quận Hai Bà Trưng)"][0] == 1248
    assert rows["– Phường Bạch Đằng 1"][0] == 199
    assert tcd.cell(row=first, column=3).number_format == "#,##0"
    vpcp = wb["06-VPCP"]
    rows = _rows(vpcp, _header_row(vpcp) + 3)
    district = rows["Cấp quận (Quận Hai Bà Trưng)"]
    # total, online, in person/post, carried over, resolved, early, on time, late, in progress, within, over, rate
    assert district == (6096, 0, 6096, 0, 5903, 5717, 0, 186, 193, 0, 193, 96.8)
    assert rows["Cấp phường"][:2] == (1000, 1000)
    xld = wb["02-XLD"]
    total = _rows(xld, _header_row(xld) + 3)["Tổng cộng"]
    # to process: the 810 of 2018 never classified, carried over, and the 737 received; none
    # processed yet: all 1.547 go on to the next period
    assert total[:5] == (1547, 810, 737, 0, 1547)


def test_every_sheet_is_a_document_to_sign_marked_draft(report):
    figures, children = report
    wb = load_workbook(io.BytesIO(render_xlsx(figures, children)))
    for sheet in wb.worksheets:
        values = [c.value for row in sheet.iter_rows() for c in row if c.value]
        for text in (
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "Độc lập - Tự do - Hạnh phúc",
            "ỦY BAN NHÂN DÂN",
            "QUẬN HAI BÀ TRƯNG",
            NUMBER_SYMBOL,
            "DỰ THẢO",
            "NGƯỜI LẬP BIỂU",
            "THỦ TRƯỞNG ĐƠN VỊ",
        ):
            assert text in values, (sheet.title, text)
        assert any(str(v).startswith("Ngày ") and " tháng " in str(v) for v in values), sheet.title
        assert sheet.page_setup.orientation == "landscape"
    # the national motto spans the right half of the page: a merged cell
    assert any("A1" not in str(r) and r.min_row == 1 for r in wb["01-TCD"].merged_cells.ranges)
    forms = [c.value for c in wb["03-GQKN"]["A"] if c.value and str(c.value).startswith("Biểu số")]
    assert forms == ["Biểu số 03/GQKN — TT 06/2025/TT-TTCP (01/KQGQ theo TT 02/2021/TT-TTCP)"]


def test_the_same_period_last_year_is_in_every_format(report):
    figures, children = report
    summary = load_workbook(io.BytesIO(render_xlsx(figures, children)))["Báo cáo"]
    lines = {r[0]: r for r in summary.iter_rows(values_only=True) if r[0]}
    # 737 petitions against 810 a year earlier: −9,0%
    assert lines["Đơn tiếp nhận"][2:5] == (737, 810, "−9%")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(render_pdf(figures, children))).pages)
    assert "So sánh với cùng kỳ năm trước" in text and "−9%" in text
    docx = Document(io.BytesIO(render_export(figures, "docx")))
    cells = [c.text for table in docx.tables for row in table.rows for c in row.cells]
    assert "Đơn tiếp nhận" in cells and "−9%" in cells


def test_a_rate_changes_in_percentage_points():
    from reports.documents import YearRow

    assert YearRow("x", "x", 96.2, 98.3, is_rate=True).change_text == "−2,1 điểm %"
    assert YearRow("x", "x", 204, 178).change_text == "+14,6%"


def test_pdf_is_a4_landscape_with_the_letterhead_and_the_narrative_in_vietnamese(report):
    figures, children = report
    data = render_pdf(figures, children)
    (ARTIFACTS / "report.pdf").write_bytes(data)
    reader = PdfReader(io.BytesIO(data))
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (842, 595)  # A4 landscape, in points
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "Tổng số đã tiếp 1.645 lượt công dân" in " ".join(text.split())
    for words in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "DỰ THẢO", "NGƯỜI LẬP BIỂU", "THỦ TRƯỞNG ĐƠN VỊ"):
        assert words in text
    assert "96,8%" in text
    assert "Phường Bạch Đằng 2" in text


def test_docx_follows_the_narrative_outline(report):
    figures, _ = report
    data = render_export(figures, "docx")
    (ARTIFACTS / "report.docx").write_bytes(data)
    docx = Document(io.BytesIO(data))
    paragraphs = [p.text for p in docx.paragraphs]
    headings = [p for p in paragraphs if p[:3] in ("I. ", "II.", "III", "IV.", "V. ")]
    assert [h.split(" ")[0] for h in headings] == ["I.", "II.", "III.", "IV.", "V."]
    assert "BÁO CÁO" in paragraphs and "DỰ THẢO" in paragraphs
    assert any(p.startswith("Tổng số đã tiếp 1.645 lượt công dân") for p in paragraphs)
    letterhead = [c.text for c in docx.tables[0].rows[0].cells]
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in letterhead[1] and "QUẬN HAI BÀ TRƯNG" in letterhead[0]
    assert "THỦ TRƯỞNG ĐƠN VỊ" in docx.tables[-1].rows[0].cells[1].text


def test_csv_is_tidy_one_row_per_unit_and_indicator(report):
    figures, children = report
    rows = list(csv.DictReader(io.StringIO(render_csv(figures, children).decode("utf-8-sig"))))
    assert list(rows[0]) == [
        "unit_code", "unit_name", "level", "period_from", "period_to", "indicator", "indicator_name", "value"
    ]  # fmt: skip
    by_key = {(r["unit_code"], r["indicator"]): r for r in rows}
    visits = by_key[("X1", "reception.visits")]
    assert (visits["unit_name"], visits["indicator_name"], visits["value"]) == (
        "Quận Hai Bà Trưng",
        "Lượt tiếp công dân",
        "1645",
    )
    assert by_key[("X1", "dossiers.on_time_pct")]["value"] == "97.3"  # 6.717 of 6.903, wards included
    assert by_key[("X1", "petitions.change_pct")]["value"] == "-9.0"
    assert by_key[("X12", "reception.visits")]["value"] == "198"
    assert [r["unit_code"] for r in rows[:: len(rows) // 3]] == ["X1", "X11", "X12"]


def test_units_below_are_in_vietnamese_order_everywhere(db):
    city = unit("V0", "Thành phố Hà Nội", level=UnitLevel.PROVINCE, kind=UnitKind.CENTRAL_CITY)
    names = ["Phường Hoàng Mai", "Phường Hà Đông", "Phường Đống Đa", "Phường Ba Đình"]
    wards = [unit(f"V0{i}", n, level=UnitLevel.COMMUNE, kind=UnitKind.WARD, parent=city) for i, n in enumerate(names)]
    period = Period(D(2026, 1, 1), D(2026, 3, 31))
    figures = compile_figures(unit=city, period=period)
    children = [compile_figures(unit=w, period=period, with_trend=False) for w in wards]
    expected = ["Phường Ba Đình", "Phường Đống Đa", "Phường Hà Đông", "Phường Hoàng Mai"]
    wb = load_workbook(io.BytesIO(render_xlsx(figures, children)))
    tcd = wb["01-TCD"]
    listed = [
        r[1][2:] for r in tcd.iter_rows(min_row=_header_row(tcd) + 3, values_only=True) if r[1] and r[1][:2] == "– "
    ]
    assert listed == expected
    codes = [r["unit_name"] for r in csv.DictReader(io.StringIO(render_csv(figures, children).decode("utf-8-sig")))]
    assert list(dict.fromkeys(codes))[1:] == expected


def test_the_command_writes_each_format(report, tmp_path):
    for fmt in ("xlsx", "pdf", "csv", "docx", "json"):
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


# LEGAL.md §3.1, 01/TCD, columns 1–29 in order (group headings as the form splits them).
TCD_GROUP = [
    "Số lượt",
    "Số người",
    "Vụ việc tiếp lần đầu",
    "Vụ việc tiếp nhiều lần",
    "Đoàn đông người: số đoàn",
    "Đoàn đông người: số người",
    "Đoàn đông người: vụ việc tiếp lần đầu",
    "Đoàn đông người: vụ việc tiếp nhiều lần",
]
LEGAL_COLUMNS = {
    "01-TCD": [
        "Tổng số lượt tiếp",
        "Tổng số người được tiếp",
        "Tổng số vụ việc",
        *TCD_GROUP,
        "Số kỳ tiếp",
        *TCD_GROUP,
        "Số kỳ tiếp",
        *TCD_GROUP,
    ],
    "06-VPCP": [
        "Tổng số",
        "Trong kỳ: trực tuyến",
        "Trong kỳ: trực tiếp, dịch vụ bưu chính",
        "Từ kỳ trước chuyển sang",
        "Tổng số",
        "Trước hạn",
        "Đúng hạn",
        "Quá hạn",
        "Tổng số",
        "Trong hạn",
        "Quá hạn",
        "Tỷ lệ giải quyết đúng hạn (%)",
    ],
}
LEGAL_GROUPS = {
    "01-TCD": [""] * 3
    + ["Tiếp thường xuyên"] * 8
    + ["Tiếp định kỳ và đột xuất: Thủ trưởng tiếp"] * 9
    + ["Tiếp định kỳ và đột xuất: Ủy quyền tiếp"] * 9,
    "06-VPCP": ["Số hồ sơ nhận giải quyết"] * 4
    + ["Số hồ sơ đã giải quyết"] * 4
    + ["Số hồ sơ đang giải quyết"] * 3
    + [""],
}


@pytest.mark.parametrize("sheet", sorted(LEGAL_COLUMNS))
def test_the_form_headers_are_the_columns_of_legal_md(report, sheet):
    figures, children = report
    ws = load_workbook(io.BytesIO(render_xlsx(figures, children)))[sheet]
    top = _header_row(ws)
    width = len(LEGAL_COLUMNS[sheet]) + 2
    groups, columns = [], []
    for col in range(3, width + 1):
        upper, lower = ws.cell(row=top, column=col).value, ws.cell(row=top + 1, column=col).value
        merged = next((r for r in ws.merged_cells.ranges if r.min_row == top and r.min_col <= col <= r.max_col), None)
        spans_both = merged is not None and merged.max_row == top + 1
        group = "" if spans_both else ws.cell(row=top, column=merged.min_col if merged else col).value or upper
        groups.append(group)
        columns.append(upper if spans_both else lower)
    assert columns == LEGAL_COLUMNS[sheet]
    assert groups == LEGAL_GROUPS[sheet]
    assert ws.cell(row=top, column=width + 1).value is None  # no column the form does not have


def test_tcd_splits_visits_by_mode_with_first_time_and_repeated_matters(db):
    from tests.reports.factories import visits as make_visits

    ward = unit("W1", "Phường Một", level=UnitLevel.COMMUNE, kind=UnitKind.WARD)
    save(
        make_visits(ward, 3, on=D(2026, 1, 5))  # regular, first time
        + make_visits(ward, 1, on=D(2026, 1, 6), repeat=True)  # regular, repeated
        + make_visits(ward, 2, on=D(2026, 1, 7), received_by="head", people=6)  # head: 2 delegations, day 1
        + make_visits(ward, 1, on=D(2026, 1, 21), received_by="party_secretary", repeat=True)  # head group, day 2
        + make_visits(ward, 1, on=D(2026, 2, 4), received_by="delegate", people=2)  # delegated, day 1
    )
    figures = compile_figures(unit=ward, period=Period(D(2026, 1, 1), D(2026, 3, 31)))
    row = dict(tcd_rows(figures, []))["Tổng cộng"]
    assert row[:3] == [8, 4 + 12 + 1 + 2, 8]
    assert row[3:11] == [4, 4, 3, 1, 0, 0, 0, 0]  # regular
    assert row[11:20] == [2, 3, 13, 2, 1, 2, 12, 2, 0]  # head: 2 days, 3 visits, 13 people, 2 delegations
    assert row[20:29] == [1, 1, 2, 1, 0, 0, 0, 0, 0]  # delegated
