"""The XLSX: a summary sheet (narrative, the table of the same period last year) and one sheet per
form, each with the letterhead, the forms' merged two-row headers, the column numbers and the
signature block. Numbers are numeric cells with thousands grouping, so that Excel in Vietnamese
shows 1.645 and 96,8 and officials can still add them up."""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from core.exports import safe_cell

from ..documents import (
    COMPILER,
    COMPILER_NOTE,
    DRAFT,
    HEAD,
    HEAD_NOTE,
    MOTTO,
    NATION,
    Letterhead,
    YearRow,
    previous_label,
    year_on_year,
)
from .common import Form, Header, Row, default_letterhead
from .forms import FORMS, form_rows

INT_FORMAT = "#,##0"
PCT_FORMAT = "0.0"
THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="DDE7F0")

BOLD = Font(bold=True)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)


def _put(ws: Worksheet, row: int, first: int, last: int, value: Any, font: Font | None = None) -> None:
    """`value` in row `row`, merged over columns first..last, centred."""
    if last > first:
        ws.merge_cells(start_row=row, start_column=first, end_row=row, end_column=last)
    cell = ws.cell(row=row, column=first, value=safe_cell(value))
    cell.alignment = CENTER
    if font is not None:
        cell.font = font


def _letterhead_xlsx(ws: Worksheet, head: Letterhead, width: int) -> int:
    """The letterhead over `width` columns: the issuing body left, the national motto right,
    "DỰ THẢO" under them while a draft. Returns the next free row."""
    split = max(2, width * 2 // 5)
    _put(ws, 1, 1, split, head.issuer, BOLD)
    _put(ws, 1, split + 1, width, NATION, BOLD)
    _put(ws, 2, 1, split, head.unit, BOLD)
    _put(ws, 2, split + 1, width, MOTTO, Font(bold=True, underline="single"))
    _put(ws, 3, 1, split, head.number_symbol)
    _put(ws, 3, split + 1, width, head.date_line, Font(italic=True))
    if head.draft:
        _put(ws, 4, 1, width, DRAFT, Font(bold=True, size=14, color="C00000"))
    return 5


def _signatures_xlsx(ws: Worksheet, row: int, width: int) -> None:
    split = max(2, width * 2 // 5)
    _put(ws, row, 1, split, COMPILER, BOLD)
    _put(ws, row, split + 1, width, HEAD, BOLD)
    _put(ws, row + 1, 1, split, COMPILER_NOTE, Font(italic=True))
    _put(ws, row + 1, split + 1, width, HEAD_NOTE, Font(italic=True))


def _header_cell(ws: Worksheet, row: int, col: int, text: str) -> None:
    cell = ws.cell(row=row, column=col, value=text)
    cell.font = BOLD
    cell.fill = HEADER_FILL
    cell.border = BORDER
    cell.alignment = CENTER


def _write_headers(ws: Worksheet, top: int, headers: list[Header]) -> None:
    """Two header rows with the forms' merged group headings, then the column numbers (1) (2) …"""
    columns = [("", "STT"), ("", "Đơn vị"), *headers]
    for col, (group, text) in enumerate(columns, start=1):
        if group:
            _header_cell(ws, top + 1, col, text)
        else:
            _header_cell(ws, top, col, text)
            _header_cell(ws, top + 1, col, "")
            ws.merge_cells(start_row=top, start_column=col, end_row=top + 1, end_column=col)
        number = ws.cell(row=top + 2, column=col, value=f"({col})")
        number.alignment = Alignment(horizontal="center")
        number.border = BORDER
        number.font = Font(italic=True, size=9)
    col = 1
    while col <= len(columns):
        group = columns[col - 1][0]
        last = col
        while group and last < len(columns) and columns[last][0] == group:
            last += 1
        if group:
            for c in range(col, last + 1):
                _header_cell(ws, top, c, group if c == col else "")
            if last > col:
                ws.merge_cells(start_row=top, start_column=col, end_row=top, end_column=last)
        col = last + 1
    ws.row_dimensions[top].height = 45
    ws.row_dimensions[top + 1].height = 75


def _write_form(ws: Worksheet, head: Letterhead, form: Form, rows: list[Row]) -> None:
    width = len(form.headers) + 2
    top = _letterhead_xlsx(ws, head, width)
    _put(ws, top, 1, width, f"{form.number} — {form.basis}", Font(italic=True, size=9))
    _put(ws, top + 1, 1, width, form.title, Font(bold=True, size=13))
    _put(ws, top + 2, 1, width, f"(Số liệu tính {head.period.lower()})", Font(italic=True))
    header_row = top + 4
    _write_headers(ws, header_row, form.headers)
    first = header_row + 3
    for i, (label, values) in enumerate(rows):
        r = first + i
        is_total = label == "Tổng cộng"
        ws.cell(row=r, column=1, value=None if is_total else i + 1).border = BORDER
        name = ws.cell(row=r, column=2, value=safe_cell(label))
        name.border = BORDER
        name.alignment = Alignment(wrap_text=True)
        for j, value in enumerate(values, start=3):
            cell = ws.cell(row=r, column=j, value=value)
            cell.border = BORDER
            cell.number_format = PCT_FORMAT if "(%)" in form.headers[j - 3][1] else INT_FORMAT
            if is_total:
                cell.font = BOLD
        if is_total:
            name.font = BOLD
    _signatures_xlsx(ws, first + len(rows) + 2, width)
    ws.column_dimensions["A"].width = 5
    ws.column_dimensions["B"].width = 34
    for col in range(3, width + 1):
        ws.column_dimensions[get_column_letter(col)].width = 12
    ws.freeze_panes = ws.cell(row=first, column=3)
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def _write_summary(ws: Worksheet, figures: Mapping[str, Any], head: Letterhead, years: list[YearRow]) -> None:
    width = 6
    top = _letterhead_xlsx(ws, head, width)
    _put(ws, top, 1, width, "BÁO CÁO", Font(bold=True, size=14))
    _put(
        ws,
        top + 1,
        1,
        width,
        "Kết quả công tác tiếp công dân, xử lý đơn, giải quyết khiếu nại, tố cáo và giải quyết thủ tục hành chính",
        BOLD,
    )
    _put(ws, top + 2, 1, width, f"({head.period})", Font(italic=True))
    ws.merge_cells(start_row=top + 4, start_column=1, end_row=top + 16, end_column=width)
    narrative = ws.cell(row=top + 4, column=1, value=safe_cell(figures.get("summary", "")))
    narrative.alignment = Alignment(wrap_text=True, vertical="top")
    row = top + 18
    _put(ws, row, 1, width, "SO SÁNH VỚI CÙNG KỲ NĂM TRƯỚC", BOLD)
    row += 1
    for col, text in enumerate(["Chỉ tiêu", "", "Kỳ này", previous_label(figures), "Tăng (+), giảm (−)", ""], 1):
        _header_cell(ws, row, col, text)
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=2)
    ws.merge_cells(start_row=row, start_column=5, end_row=row, end_column=6)
    for line in years:
        row += 1
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=2)
        ws.merge_cells(start_row=row, start_column=5, end_row=row, end_column=6)
        ws.cell(row=row, column=1, value=line.label).border = BORDER
        for col, value in ((3, line.current), (4, line.previous)):
            cell = ws.cell(row=row, column=col, value=value)
            cell.border = BORDER
            cell.number_format = PCT_FORMAT if line.is_rate else INT_FORMAT
        ws.cell(row=row, column=5, value=line.change_text).border = BORDER
    _signatures_xlsx(ws, row + 3, width)
    for col, size in zip("ABCDEF", (30, 14, 14, 24, 12, 12), strict=True):
        ws.column_dimensions[col].width = size
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4


def render_xlsx(
    figures: Mapping[str, Any],
    children: Sequence[Mapping[str, Any]] = (),
    *,
    letterhead: Letterhead | None = None,
    previous: Mapping[str, Any] | None = None,
) -> bytes:
    head = letterhead or default_letterhead(figures)
    wb = Workbook()
    summary = wb.active
    summary.title = "Báo cáo"
    _write_summary(summary, figures, head, year_on_year(figures, previous))
    rows = form_rows(figures, children)
    for form in FORMS:
        _write_form(wb.create_sheet(form.sheet), head, form, rows[form.sheet])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
