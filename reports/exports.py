"""Exports of a report an office can sign and file: XLSX in the shape of the official forms, PDF
(A4 landscape) and DOCX of the narrative and the figures, and a tidy CSV.

Every document carries the letterhead of `reports.documents` (national motto, issuing body,
number and symbol, place and date, period), "DỰ THẢO" until the version is published, the
table of the same period last year, and the signature block. Forms (LEGAL.md §3), named by
their TT 06/2025/TT-TTCP number with the TT 02/2021/TT-TTCP number beside it: 01/TCD reception,
02/XLD (01/XLD) petition handling, 03/GQKN (01/KQGQ) and 04/GQTC (03/KQGQ) resolution of
complaints and denunciations; 06/VPCP one-stop dossiers (TT 01/2020/TT-VPCP). The headers are
the forms' own Vietnamese wording. Numbers are numeric cells with thousands grouping, so that
Excel in Vietnamese shows 1.645 and 96,8 and officials can still add them up. The units below
are listed in Vietnamese alphabetical order.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from core.exports import safe_cell, safe_row

from .documents import (
    COMPILER,
    COMPILER_NOTE,
    DRAFT,
    HEAD,
    HEAD_NOTE,
    MOTTO,
    NATION,
    NUMBER_SYMBOL,
    Letterhead,
    YearRow,
    by_name,
    period_label,
    previous_label,
    year_on_year,
)
from .formatting import vi_int, vi_pct
from .narrative import level_noun

INT_FORMAT = "#,##0"
PCT_FORMAT = "0.0"
THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="DDE7F0")


def default_letterhead(figures: Mapping[str, Any]) -> Letterhead:
    """A draft dated today, with no place: for callers that know nothing more."""
    return Letterhead(
        issuer="ỦY BAN NHÂN DÂN",
        unit=figures["unit"]["name"].upper(),
        number_symbol=NUMBER_SYMBOL,
        place="",
        signed_on=date.today(),
        period=period_label(figures),
        draft=True,
    )


def level_label(figures: Mapping[str, Any], entry: Mapping[str, Any]) -> str:
    unit = figures["unit"]
    if entry["level"] == unit["level"]:
        return f"Cấp {level_noun(unit['level'], [unit.get('kind') or ''])} ({unit['name']})"
    return f"Cấp {level_noun(entry['level'], entry.get('kinds') or [])}"


# --- rows of each form -----------------------------------------------------------------

Row = tuple[str, list[int | float | None]]
Header = tuple[str, str]  # (group, column); an empty group: the column spans both header rows


def _unit_rows(figures: Mapping[str, Any], children: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The report itself (total) and, when known, each unit directly below (by name)."""
    return [*by_name(children), figures]


def _label(report: Mapping[str, Any], figures: Mapping[str, Any]) -> str:
    return "Tổng cộng" if report is figures else f"– {report['unit']['name']}"


def tcd_rows(figures: Mapping[str, Any], children: Sequence[Mapping[str, Any]]) -> list[Row]:
    def values(r: Mapping[str, Any]) -> list[int | float | None]:
        tcd = r.get("tcd")
        if not tcd:  # a report compiled before the form's figures were kept
            return [r["visits"], r["people"], *([None] * 27)]
        regular, head, delegated = tcd["regular"], tcd["head"], tcd["delegated"]

        def group(mode: Mapping[str, int]) -> list[int | float | None]:
            return [
                mode["visits"],
                mode["people"],
                mode["first"],
                mode["repeat"],
                mode["delegation_visits"],
                mode["delegation_people"],
                mode["delegation_first"],
                mode["delegation_repeat"],
            ]

        matters = sum(m["first"] + m["repeat"] for m in (regular, head, delegated))
        return [
            regular["visits"] + head["visits"] + delegated["visits"],
            regular["people"] + head["people"] + delegated["people"],
            matters,
            *group(regular),
            tcd["head_days"],
            *group(head),
            tcd["delegated_days"],
            *group(delegated),
        ]

    rows: list[Row] = [(level_label(figures, e), values(e)) for e in figures["reception"]["levels"]]
    rows += [(_label(r, figures), values(r["reception"])) for r in _unit_rows(figures, children)]
    return rows


def _tcd_group(group: str, with_days: bool) -> list[Header]:
    days: list[Header] = [(group, "Số kỳ tiếp")] if with_days else []
    return [
        *days,
        (group, "Số lượt"),
        (group, "Số người"),
        (group, "Vụ việc tiếp lần đầu"),
        (group, "Vụ việc tiếp nhiều lần"),
        (group, "Đoàn đông người: số đoàn"),
        (group, "Đoàn đông người: số người"),
        (group, "Đoàn đông người: vụ việc tiếp lần đầu"),
        (group, "Đoàn đông người: vụ việc tiếp nhiều lần"),
    ]


# LEGAL.md §3.1, 01/TCD: 29 columns. The head's periodic and ad-hoc reception (tiếp định kỳ và
# đột xuất) splits into the head in person and the delegated; their group names say both.
TCD_HEADERS: list[Header] = [
    ("", "Tổng số lượt tiếp"),
    ("", "Tổng số người được tiếp"),
    ("", "Tổng số vụ việc"),
    *_tcd_group("Tiếp thường xuyên", with_days=False),
    *_tcd_group("Tiếp định kỳ và đột xuất: Thủ trưởng tiếp", with_days=True),
    *_tcd_group("Tiếp định kỳ và đột xuất: Ủy quyền tiếp", with_days=True),
]


def xld_rows(figures: Mapping[str, Any], children: Sequence[Mapping[str, Any]]) -> list[Row]:
    rows: list[Row] = []
    for r in _unit_rows(figures, children):
        p = r["petitions"]
        kinds, outcomes = p["by_kind"], p.get("by_outcome", {})
        rows.append(
            (
                _label(r, figures),
                [
                    p["received"],
                    p["resolved"],
                    p["in_progress"],
                    kinds["complaint"],
                    kinds["denunciation"],
                    kinds["recommendation"] + kinds["feedback"],
                    p.get("competent"),
                    outcomes.get("guided"),
                    outcomes.get("transferred"),
                    outcomes.get("urged"),
                    p["crowd_over_level"],
                    p["received_previous"],
                    p["change_pct"],
                ],
            )
        )
    return rows


XLD_HEADERS: list[Header] = [
    ("", "Tổng số đơn tiếp nhận trong kỳ"),
    ("", "Số đơn đã xử lý, giải quyết"),
    ("", "Số đơn đang giải quyết (chuyển kỳ sau)"),
    ("Phân loại theo nội dung", "Khiếu nại"),
    ("Phân loại theo nội dung", "Tố cáo"),
    ("Phân loại theo nội dung", "Kiến nghị, phản ánh"),
    ("Kết quả xử lý", "Thuộc thẩm quyền"),
    ("Không thuộc thẩm quyền", "Hướng dẫn"),
    ("Không thuộc thẩm quyền", "Chuyển đơn"),
    ("Không thuộc thẩm quyền", "Đôn đốc giải quyết"),
    ("", "Đơn đông người vượt cấp"),
    ("", "Cùng kỳ năm trước: số đơn"),
    ("", "Tăng (+), giảm (−) so với cùng kỳ (%)"),
]


def kqgq_rows(figures: Mapping[str, Any], children: Sequence[Mapping[str, Any]], key: str) -> list[Row]:
    rows: list[Row] = []
    for r in _unit_rows(figures, children):
        cases = r["petitions"].get(key) or {}
        to_resolve, resolved = cases.get("to_resolve"), cases.get("resolved")
        decided, withdrawn = cases.get("decided"), cases.get("withdrawn")
        on_time, upheld = cases.get("on_time"), cases.get("upheld")

        def minus(a: int | None, *b: int | None) -> int | None:
            return None if a is None or any(x is None for x in b) else a - sum(x for x in b if x is not None)

        rows.append(
            (
                _label(r, figures),
                [
                    to_resolve,
                    resolved,
                    decided,
                    withdrawn,
                    minus(resolved, decided, withdrawn),
                    minus(to_resolve, resolved),
                    upheld,
                    minus(decided, upheld),
                    on_time,
                    minus(decided, on_time),
                    cases.get("resolved_pct"),
                ],
            )
        )
    return rows


KQGQ_HEADERS: list[Header] = [
    ("", "Tổng số vụ việc thuộc thẩm quyền phải giải quyết"),
    ("Đã giải quyết", "Tổng số"),
    ("Đã giải quyết", "Bằng quyết định, kết luận"),
    ("Đã giải quyết", "Rút toàn bộ"),
    ("Đã giải quyết", "Đình chỉ không do rút"),
    ("", "Số vụ việc đang giải quyết"),
    ("Phân tích kết quả (vụ việc)", "Đúng, đúng một phần"),
    ("Phân tích kết quả (vụ việc)", "Sai"),
    ("Chấp hành thời hạn giải quyết", "Đúng quy định"),
    ("Chấp hành thời hạn giải quyết", "Không đúng quy định"),
    ("", "Tỷ lệ giải quyết (%)"),
]


def vpcp_rows(figures: Mapping[str, Any], children: Sequence[Mapping[str, Any]]) -> list[Row]:
    def values(e: Mapping[str, Any]) -> list[int | float | None]:
        overdue = e.get("in_progress_overdue")
        early = e.get("early")
        return [
            e["to_resolve"],
            e["online"],
            e["received"] - e["online"],
            e["carried_over"],
            e["resolved"],
            early,
            None if early is None else e["on_time"] - early,
            e["late"],
            e["in_progress"],
            None if overdue is None else e["in_progress"] - overdue,
            overdue,
            e["on_time_pct"],
        ]

    rows: list[Row] = [(level_label(figures, e), values(e)) for e in figures["dossiers"]["levels"]]
    for r in by_name(children):
        levels = r["dossiers"]["levels"]
        for e in levels:
            suffix = "" if len(levels) == 1 else f" ({level_label(r, e)})"
            rows.append((f"– {r['unit']['name']}{suffix}", values(e)))
    total = _sum_levels(figures["dossiers"]["levels"])
    if total:
        rows.append(("Tổng cộng", values(total)))
    return rows


def _sum_levels(levels: Sequence[Mapping[str, Any]]) -> dict[str, Any] | None:
    if not levels:
        return None
    keys = ("to_resolve", "online", "received", "carried_over", "resolved", "on_time", "late", "in_progress")
    total: dict[str, Any] = {k: sum(e[k] for e in levels) for k in keys}
    for k in ("early", "in_progress_overdue"):
        total[k] = None if any(e.get(k) is None for e in levels) else sum(e[k] for e in levels)
    total["on_time_pct"] = float(vi_pct_decimal(total["on_time"], total["resolved"])) if total["resolved"] else None
    return total


def vi_pct_decimal(numerator: int, denominator: int) -> float:
    from .formatting import rate

    value = rate(numerator, denominator)
    return float(value) if value is not None else 0.0


VPCP_HEADERS: list[Header] = [
    ("Số hồ sơ nhận giải quyết", "Tổng số"),
    ("Số hồ sơ nhận giải quyết", "Trong kỳ: trực tuyến"),
    ("Số hồ sơ nhận giải quyết", "Trong kỳ: trực tiếp, dịch vụ bưu chính"),
    ("Số hồ sơ nhận giải quyết", "Từ kỳ trước chuyển sang"),
    ("Số hồ sơ đã giải quyết", "Tổng số"),
    ("Số hồ sơ đã giải quyết", "Trước hạn"),
    ("Số hồ sơ đã giải quyết", "Đúng hạn"),
    ("Số hồ sơ đã giải quyết", "Quá hạn"),
    ("Số hồ sơ đang giải quyết", "Tổng số"),
    ("Số hồ sơ đang giải quyết", "Trong hạn"),
    ("Số hồ sơ đang giải quyết", "Quá hạn"),
    ("", "Tỷ lệ giải quyết đúng hạn (%)"),
]


@dataclass(frozen=True)
class Form:
    sheet: str  # the sheet's name: the form's current number
    number: str  # "Biểu số 02/XLD"
    basis: str  # the circular, and the former number where it was renumbered
    title: str
    headers: list[Header]


FORMS: list[Form] = [
    Form(
        "01-TCD",
        "Biểu số 01/TCD",
        "TT 06/2025/TT-TTCP (01/TCD theo TT 02/2021/TT-TTCP)",
        "TỔNG HỢP KẾT QUẢ TIẾP CÔNG DÂN THƯỜNG XUYÊN, ĐỊNH KỲ VÀ ĐỘT XUẤT",
        TCD_HEADERS,
    ),
    Form(
        "02-XLD",
        "Biểu số 02/XLD",
        "TT 06/2025/TT-TTCP (01/XLD theo TT 02/2021/TT-TTCP)",
        "TỔNG HỢP KẾT QUẢ TIẾP NHẬN, XỬ LÝ ĐƠN",
        XLD_HEADERS,
    ),
    Form(
        "03-GQKN",
        "Biểu số 03/GQKN",
        "TT 06/2025/TT-TTCP (01/KQGQ theo TT 02/2021/TT-TTCP)",
        "TỔNG HỢP KẾT QUẢ GIẢI QUYẾT KHIẾU NẠI THUỘC THẨM QUYỀN",
        KQGQ_HEADERS,
    ),
    Form(
        "04-GQTC",
        "Biểu số 04/GQTC",
        "TT 06/2025/TT-TTCP (03/KQGQ theo TT 02/2021/TT-TTCP)",
        "TỔNG HỢP KẾT QUẢ GIẢI QUYẾT TỐ CÁO THUỘC THẨM QUYỀN",
        KQGQ_HEADERS,
    ),
    Form(
        "06-VPCP",
        "Biểu số 06/VPCP/KSTT",
        "TT 01/2020/TT-VPCP",
        "TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH TẠI CƠ QUAN, ĐƠN VỊ TRỰC TIẾP GIẢI QUYẾT TTHC",
        VPCP_HEADERS,
    ),
]


def form_rows(figures: Mapping[str, Any], children: Sequence[Mapping[str, Any]]) -> dict[str, list[Row]]:
    return {
        "01-TCD": tcd_rows(figures, children),
        "02-XLD": xld_rows(figures, children),
        "03-GQKN": kqgq_rows(figures, children, "complaint_cases"),
        "04-GQTC": kqgq_rows(figures, children, "denunciation_cases"),
        "06-VPCP": vpcp_rows(figures, children),
    }


# --- XLSX --------------------------------------------------------------------------------

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


# --- CSV ---------------------------------------------------------------------------------

# The indicators of the tidy CSV: machine name, Vietnamese name, path in the report.
INDICATORS: list[tuple[str, str, tuple[str, ...]]] = [
    ("reception.visits", "Lượt tiếp công dân", ("reception", "visits")),
    ("reception.people", "Người được tiếp", ("reception", "people")),
    ("reception.head_visits", "Lượt do thủ trưởng tiếp", ("reception", "head_visits")),
    ("reception.delegations", "Đoàn đông người", ("reception", "delegations")),
    ("reception.delegation_people", "Người trong đoàn đông người", ("reception", "delegation_people")),
    ("dialogues.conferences", "Hội nghị đối thoại", ("dialogues", "conferences")),
    ("dialogues.attendees", "Lượt người tham dự đối thoại", ("dialogues", "attendees")),
    ("petitions.received", "Đơn tiếp nhận", ("petitions", "received")),
    ("petitions.received_previous", "Đơn tiếp nhận cùng kỳ năm trước", ("petitions", "received_previous")),
    ("petitions.change_pct", "Tăng, giảm so với cùng kỳ (%)", ("petitions", "change_pct")),
    ("petitions.resolved", "Đơn đã giải quyết", ("petitions", "resolved")),
    ("petitions.in_progress", "Đơn đang giải quyết", ("petitions", "in_progress")),
    ("petitions.by_kind.complaint", "Đơn khiếu nại", ("petitions", "by_kind", "complaint")),
    ("petitions.by_kind.denunciation", "Đơn tố cáo", ("petitions", "by_kind", "denunciation")),
    ("petitions.by_kind.recommendation", "Đơn kiến nghị", ("petitions", "by_kind", "recommendation")),
    ("petitions.by_kind.feedback", "Đơn phản ánh", ("petitions", "by_kind", "feedback")),
    ("petitions.crowd_over_level", "Đơn đông người vượt cấp", ("petitions", "crowd_over_level")),
    (
        "petitions.complaint_cases.to_resolve",
        "Vụ việc khiếu nại phải giải quyết",
        ("petitions", "complaint_cases", "to_resolve"),
    ),
    (
        "petitions.complaint_cases.resolved",
        "Vụ việc khiếu nại đã giải quyết",
        ("petitions", "complaint_cases", "resolved"),
    ),
    (
        "petitions.complaint_cases.resolved_pct",
        "Tỷ lệ giải quyết khiếu nại (%)",
        ("petitions", "complaint_cases", "resolved_pct"),
    ),
    ("petitions.complaint_cases.withdrawn", "Vụ việc khiếu nại rút", ("petitions", "complaint_cases", "withdrawn")),
    ("petitions.cases.to_resolve", "Vụ việc khiếu nại, tố cáo phải giải quyết", ("petitions", "cases", "to_resolve")),
    ("petitions.cases.decided", "Vụ việc đã có quyết định, kết luận", ("petitions", "cases", "decided")),
    ("petitions.cases.decided_pct", "Tỷ lệ giải quyết khiếu nại, tố cáo (%)", ("petitions", "cases", "decided_pct")),
    ("petitions.cases.on_time", "Vụ việc giải quyết đúng thời hạn", ("petitions", "cases", "on_time")),
    ("petitions.cases.on_time_pct", "Tỷ lệ giải quyết đúng thời hạn (%)", ("petitions", "cases", "on_time_pct")),
    ("dossiers.to_resolve", "Hồ sơ TTHC phải giải quyết", ("dossiers", "to_resolve")),
    ("dossiers.resolved", "Hồ sơ TTHC đã giải quyết", ("dossiers", "resolved")),
    ("dossiers.on_time", "Hồ sơ TTHC đúng hạn", ("dossiers", "on_time")),
    ("dossiers.late", "Hồ sơ TTHC quá hạn", ("dossiers", "late")),
    ("dossiers.in_progress", "Hồ sơ TTHC đang giải quyết", ("dossiers", "in_progress")),
    ("dossiers.on_time_pct", "Tỷ lệ hồ sơ TTHC đúng hạn (%)", ("dossiers", "on_time_pct")),
]
# The CSV's columns: machine name (the header line) and what it holds (docs/reports.md).
CSV_COLUMNS: list[tuple[str, str]] = [
    ("unit_code", "Mã đơn vị"),
    ("unit_name", "Tên đơn vị"),
    ("level", "Cấp"),
    ("period_from", "Từ ngày"),
    ("period_to", "Đến ngày"),
    ("indicator", "Mã chỉ tiêu"),
    ("indicator_name", "Chỉ tiêu"),
    ("value", "Giá trị"),
]


def _indicator_value(figures: Mapping[str, Any], path: tuple[str, ...]) -> Any:
    if path[0] == "dossiers" and len(path) == 2:
        levels = (figures.get("dossiers") or {}).get("levels") or []
        if path[1] == "on_time_pct":
            total = _sum_levels(levels)
            return None if total is None else total["on_time_pct"]
        return sum(int(e.get(path[1]) or 0) for e in levels)
    value: Any = figures
    for key in path:
        if not isinstance(value, Mapping) or key not in value:
            return None
        value = value[key]
    return value


def render_csv(figures: Mapping[str, Any], children: Sequence[Mapping[str, Any]] = ()) -> bytes:
    """Tidy: one row per unit × indicator (the report's unit, then each unit below by name): the
    indicator's machine name and its Vietnamese name side by side, dot decimals, empty when
    unknown."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([machine for machine, _ in CSV_COLUMNS])
    period = figures.get("period") or {}
    for report in [figures, *by_name(children)]:
        unit = report["unit"]
        for key, name, path in INDICATORS:
            value = _indicator_value(report, path)
            writer.writerow(
                safe_row(
                    [
                        unit["code"],
                        unit["name"],
                        unit.get("level", ""),
                        period.get("from", ""),
                        period.get("to", ""),
                        key,
                        name,
                        "" if value is None else value,
                    ]
                )
            )
    return ("\ufeff" + buffer.getvalue()).encode()  # BOM: Excel opens UTF-8 Vietnamese correctly


# --- PDF ---------------------------------------------------------------------------------


def _font() -> str:
    from pathlib import Path

    import matplotlib
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if "DejaVuSans" not in pdfmetrics.getRegisteredFontNames():
        ttf = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
        pdfmetrics.registerFont(TTFont("DejaVuSans", str(ttf / "DejaVuSans.ttf")))
        pdfmetrics.registerFont(TTFont("DejaVuSans-Bold", str(ttf / "DejaVuSans-Bold.ttf")))
    return "DejaVuSans"


def _fmt(value: Any, pct: bool = False) -> str:
    if value is None:
        return "—"
    return vi_pct(value) if pct else vi_int(int(value))


def render_pdf(
    figures: Mapping[str, Any],
    children: Sequence[Mapping[str, Any]] = (),
    *,
    letterhead: Letterhead | None = None,
    previous: Mapping[str, Any] | None = None,
) -> bytes:
    from django.utils import translation
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import cm
    from reportlab.platypus import Image, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    from .charts import trend_chart

    font = _font()
    title = ParagraphStyle("title", fontName="DejaVuSans-Bold", fontSize=14, leading=18, spaceAfter=4)
    heading = ParagraphStyle("heading", fontName="DejaVuSans-Bold", fontSize=11, leading=14, spaceBefore=8)
    body = ParagraphStyle("body", fontName=font, fontSize=10, leading=14, alignment=TA_JUSTIFY)
    small = ParagraphStyle("small", fontName=font, fontSize=9, leading=11)

    def table(data: list[list[str]], widths: list[float]) -> Table:
        t = Table([[Paragraph(c, small) for c in row] for row in data], colWidths=widths, repeatRows=1)
        t.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#DDE7F0")),
                    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ]
            )
        )
        return t

    head = letterhead or default_letterhead(figures)
    centre = ParagraphStyle("centre", parent=body, alignment=TA_CENTER)
    centre_bold = ParagraphStyle("centre_bold", parent=centre, fontName="DejaVuSans-Bold")
    draft = ParagraphStyle(
        "draft", parent=centre_bold, fontSize=14, leading=18, textColor=colors.HexColor("#C00000"), spaceBefore=6
    )

    def two_blocks(left: list[Paragraph], right: list[Paragraph]) -> Table:
        t = Table([[left, right]], colWidths=[10 * cm, 15.7 * cm])
        t.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
        return t

    story: list[Any] = [
        two_blocks(
            [
                Paragraph(head.issuer, centre_bold),
                Paragraph(head.unit, centre_bold),
                Paragraph(head.number_symbol, centre),
            ],
            [
                Paragraph(NATION, centre_bold),
                Paragraph(f"<u>{MOTTO}</u>", centre_bold),
                Paragraph(f"<i>{head.date_line}</i>", centre),
            ],
        ),
    ]
    if head.draft:
        story.append(Paragraph(DRAFT, draft))
    story += [
        Spacer(1, 0.3 * cm),
        Paragraph("BÁO CÁO", ParagraphStyle("doc_title", parent=title, alignment=TA_CENTER)),
        Paragraph(
            "Kết quả công tác tiếp công dân, xử lý đơn, giải quyết khiếu nại, tố cáo và giải quyết thủ tục hành chính",
            centre_bold,
        ),
        Paragraph(f"({head.period})", centre),
        Spacer(1, 0.3 * cm),
        Paragraph("Tóm tắt", heading),
        Paragraph(figures.get("summary", ""), body),
        Paragraph("So sánh với cùng kỳ năm trước", heading),
        table(
            [["Chỉ tiêu", "Kỳ này", previous_label(figures), "Tăng (+), giảm (−)"]]
            + [
                [y.label, YearRow.text(y.current, y.is_rate), YearRow.text(y.previous, y.is_rate), y.change_text]
                for y in year_on_year(figures, previous)
            ],
            [10 * cm, 4 * cm, 6.5 * cm, 4.5 * cm],
        ),
        Paragraph("Tiếp công dân", heading),
    ]
    r = figures["reception"]
    rows = [["Cấp", "Lượt tiếp", "Lãnh đạo tiếp", "Đoàn đông người"]]
    rows += [
        [level_label(figures, e), _fmt(e["visits"]), _fmt(e["head_visits"]), _fmt(e.get("delegations"))]
        for e in r["levels"]
    ]
    rows.append(["Tổng cộng", _fmt(r["visits"]), _fmt(r["head_visits"]), _fmt(r["delegations"])])
    story.append(table(rows, [10 * cm, 5 * cm, 5 * cm, 5 * cm]))
    p = figures["petitions"]
    story.append(Paragraph("Tiếp nhận, xử lý đơn", heading))
    story.append(
        table(
            [
                ["Tiếp nhận", "Cùng kỳ", "Tăng/giảm", "Đã giải quyết", "Đang giải quyết", "Vụ việc KN đã GQ"],
                [
                    _fmt(p["received"]),
                    _fmt(p["received_previous"]),
                    _fmt(p["change_pct"], pct=True),
                    _fmt(p["resolved"]),
                    _fmt(p["in_progress"]),
                    f"{_fmt(p['complaint_cases']['resolved'])}/{_fmt(p['complaint_cases']['to_resolve'])}",
                ],
            ],
            [4.2 * cm] * 6,
        )
    )
    story.append(Paragraph("Giải quyết thủ tục hành chính", heading))
    rows = [["Cấp", "Phải giải quyết", "Kỳ trước chuyển sang", "Đã giải quyết", "Đúng hạn", "Quá hạn", "Tỷ lệ"]]
    rows += [
        [
            level_label(figures, e),
            _fmt(e["to_resolve"]),
            _fmt(e["carried_over"]),
            _fmt(e["resolved"]),
            _fmt(e["on_time"]),
            _fmt(e["late"]),
            _fmt(e["on_time_pct"], pct=True),
        ]
        for e in figures["dossiers"]["levels"]
    ]
    story.append(table(rows, [7.7 * cm] + [3 * cm] * 6))
    if children:
        story.append(Paragraph("Các đơn vị trực thuộc", heading))
        rows = [["Đơn vị", "Lượt tiếp", "Đơn tiếp nhận", "Đơn đã giải quyết", "Hồ sơ đã giải quyết", "Đúng hạn"]]
        for c in by_name(children):
            levels = c["dossiers"]["levels"]
            resolved = sum(e["resolved"] for e in levels)
            on_time = sum(e["on_time"] for e in levels)
            rows.append(
                [
                    c["unit"]["name"],
                    _fmt(c["reception"]["visits"]),
                    _fmt(c["petitions"]["received"]),
                    _fmt(c["petitions"]["resolved"]),
                    _fmt(resolved),
                    _fmt(on_time),
                ]
            )
        story.append(table(rows, [8.2 * cm] + [3.5 * cm] * 5))
    trend = figures.get("trend")
    if trend and trend.get("months"):
        for name in ("people", "dossiers"):
            story.append(Spacer(1, 0.4 * cm))
            with translation.override("vi"):  # the filed document is in Vietnamese
                chart = trend_chart(trend, name, "png")
            story.append(Image(io.BytesIO(chart), width=18 * cm, height=9 * cm))
    story.append(Spacer(1, 0.8 * cm))
    story.append(
        two_blocks(
            [Paragraph(COMPILER, centre_bold), Paragraph(f"<i>{COMPILER_NOTE}</i>", centre)],
            [Paragraph(HEAD, centre_bold), Paragraph(f"<i>{HEAD_NOTE}</i>", centre)],
        )
    )
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=landscape(A4),
        leftMargin=2 * cm,
        rightMargin=2 * cm,
        topMargin=1.5 * cm,
        bottomMargin=1.5 * cm,
        title=f"Báo cáo {figures['unit']['name']}",
        author="CivicDesk",
        invariant=True,
    )
    doc.build(story)
    return buffer.getvalue()


def render_export(
    figures: Mapping[str, Any],
    fmt: str,
    children: Sequence[Mapping[str, Any]] = (),
    *,
    letterhead: Letterhead | None = None,
    previous: Mapping[str, Any] | None = None,
) -> bytes:
    if fmt == "xlsx":
        return render_xlsx(figures, children, letterhead=letterhead, previous=previous)
    if fmt == "pdf":
        return render_pdf(figures, children, letterhead=letterhead, previous=previous)
    if fmt == "docx":
        from .narrative_docx import render_docx

        return render_docx(figures, letterhead=letterhead or default_letterhead(figures), previous=previous)
    if fmt == "csv":
        return render_csv(figures, children)
    raise ValueError(f"Unknown export format {fmt!r}.")
