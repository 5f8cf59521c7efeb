"""Exports of a report a leader can file: XLSX in the shape of the official forms, PDF of the
figures and the narrative, CSV of the raw figures.

Forms (LEGAL.md §3): 01/TCD reception, 01/XLD petition handling, 01/KQGQ and 03/KQGQ
resolution of complaints and denunciations (TT 02/2021/TT-TTCP), 06/VPCP one-stop dossiers
(TT 01/2020/TT-VPCP). Only the columns the records can answer are filled; the headers are the
forms' own Vietnamese wording. Numbers are numeric cells with thousands grouping, so that
Excel in Vietnamese shows 1.645 and 96,8 and officials can still add them up.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from core.exports import safe_cell, safe_row

from .formatting import vi_int, vi_pct
from .narrative import level_noun
from .versions import flatten

INT_FORMAT = "#,##0"
PCT_FORMAT = "0.0"
THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="DDE7F0")


def _vi_date(iso: str) -> str:
    return date.fromisoformat(iso).strftime("%d/%m/%Y")


def period_label(figures: Mapping[str, Any]) -> str:
    return f"Từ ngày {_vi_date(figures['period']['from'])} đến ngày {_vi_date(figures['period']['to'])}"


def level_label(figures: Mapping[str, Any], entry: Mapping[str, Any]) -> str:
    unit = figures["unit"]
    if entry["level"] == unit["level"]:
        return f"Cấp {level_noun(unit['level'], [unit.get('kind') or ''])} ({unit['name']})"
    return f"Cấp {level_noun(entry['level'], entry.get('kinds') or [])}"


# --- rows of each form -----------------------------------------------------------------

Row = tuple[str, list[int | float | None]]


def _unit_rows(figures: Mapping[str, Any], children: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The report itself (total) and, when known, each unit directly below."""
    return [*children, figures]


def _label(report: Mapping[str, Any], figures: Mapping[str, Any]) -> str:
    return "Tổng cộng" if report is figures else f"– {report['unit']['name']}"


def tcd_rows(figures: Mapping[str, Any], children: Sequence[Mapping[str, Any]]) -> list[Row]:
    def values(r: Mapping[str, Any]) -> list[int | float | None]:
        return [
            r["visits"],
            r["people"],
            r.get("staff_visits"),
            r["head_visits"],
            r.get("delegate_visits"),
            r["delegations"],
            r["delegation_people"],
            r.get("repeat_visits"),
        ]

    rows: list[Row] = [(level_label(figures, e), values(e)) for e in figures["reception"]["levels"]]
    rows += [(_label(r, figures), values(r["reception"])) for r in _unit_rows(figures, children)]
    return rows


TCD_HEADERS = [
    "Tổng số lượt tiếp",
    "Tổng số người được tiếp",
    "Tiếp thường xuyên: số lượt",
    "Thủ trưởng tiếp: số lượt",
    "Ủy quyền tiếp: số lượt",
    "Đoàn đông người: số đoàn",
    "Đoàn đông người: số người",
    "Vụ việc tiếp nhiều lần: số lượt",
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


XLD_HEADERS = [
    "Tổng số đơn tiếp nhận trong kỳ",
    "Số đơn đã xử lý, giải quyết",
    "Số đơn đang giải quyết (chuyển kỳ sau)",
    "Phân loại theo nội dung: khiếu nại",
    "Phân loại theo nội dung: tố cáo",
    "Phân loại theo nội dung: kiến nghị, phản ánh",
    "Thuộc thẩm quyền",
    "Không thuộc thẩm quyền: hướng dẫn",
    "Không thuộc thẩm quyền: chuyển đơn",
    "Không thuộc thẩm quyền: đôn đốc giải quyết",
    "Đơn đông người vượt cấp",
    "Cùng kỳ năm trước: số đơn",
    "Tăng (+), giảm (−) so với cùng kỳ (%)",
]


def kqgq_rows(figures: Mapping[str, Any], children: Sequence[Mapping[str, Any]], key: str) -> list[Row]:
    rows: list[Row] = []
    for r in _unit_rows(figures, children):
        cases = r["petitions"].get(key) or {"to_resolve": None, "resolved": None, "resolved_pct": None}
        to_resolve, resolved = cases["to_resolve"], cases["resolved"]
        in_progress = None if to_resolve is None else to_resolve - resolved
        rows.append((_label(r, figures), [to_resolve, resolved, in_progress, cases["resolved_pct"]]))
    return rows


KQGQ_HEADERS = [
    "Tổng số vụ việc thuộc thẩm quyền phải giải quyết",
    "Số vụ việc đã giải quyết",
    "Số vụ việc đang giải quyết",
    "Tỷ lệ giải quyết (%)",
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
    for r in children:
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


VPCP_HEADERS = [
    "Số hồ sơ nhận giải quyết: tổng số",
    "Trong kỳ: trực tuyến",
    "Trong kỳ: trực tiếp, dịch vụ bưu chính",
    "Từ kỳ trước chuyển sang",
    "Số hồ sơ đã giải quyết: tổng số",
    "Trước hạn",
    "Đúng hạn",
    "Quá hạn",
    "Số hồ sơ đang giải quyết: tổng số",
    "Trong hạn",
    "Quá hạn ",
    "Tỷ lệ giải quyết đúng hạn (%)",
]

FORMS: list[tuple[str, str, str, list[str]]] = [
    ("01-TCD", "Biểu số 01/TCD", "TỔNG HỢP KẾT QUẢ TIẾP CÔNG DÂN THƯỜNG XUYÊN, ĐỊNH KỲ VÀ ĐỘT XUẤT", TCD_HEADERS),
    ("01-XLD", "Biểu số 01/XLD", "TỔNG HỢP KẾT QUẢ XỬ LÝ ĐƠN", XLD_HEADERS),
    ("01-KQGQ", "Biểu số 01/KQGQ", "TỔNG HỢP KẾT QUẢ GIẢI QUYẾT KHIẾU NẠI THUỘC THẨM QUYỀN", KQGQ_HEADERS),
    ("03-KQGQ", "Biểu số 03/KQGQ", "TỔNG HỢP KẾT QUẢ GIẢI QUYẾT TỐ CÁO THUỘC THẨM QUYỀN", KQGQ_HEADERS),
    (
        "06-VPCP",
        "Biểu số 06/VPCP/KSTT",
        "TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH TẠI CƠ QUAN, ĐƠN VỊ TRỰC TIẾP GIẢI QUYẾT TTHC",
        VPCP_HEADERS,
    ),
]


def form_rows(figures: Mapping[str, Any], children: Sequence[Mapping[str, Any]]) -> dict[str, list[Row]]:
    return {
        "01-TCD": tcd_rows(figures, children),
        "01-XLD": xld_rows(figures, children),
        "01-KQGQ": kqgq_rows(figures, children, "complaint_cases"),
        "03-KQGQ": kqgq_rows(figures, children, "denunciation_cases"),
        "06-VPCP": vpcp_rows(figures, children),
    }


# --- XLSX --------------------------------------------------------------------------------


def _write_form(ws: Worksheet, figures: Mapping[str, Any], code: str, title: str, headers: list[str], rows: list[Row]):
    last_col = len(headers) + 2
    ws["A1"] = safe_cell(figures["unit"]["name"].upper())
    ws["A1"].font = Font(bold=True)
    ws.cell(row=1, column=last_col, value=code).font = Font(bold=True, italic=True)
    ws.cell(row=1, column=last_col).alignment = Alignment(horizontal="right")
    ws.merge_cells(start_row=3, start_column=1, end_row=3, end_column=last_col)
    ws["A3"] = title
    ws["A3"].font = Font(bold=True, size=13)
    ws["A3"].alignment = Alignment(horizontal="center", wrap_text=True)
    ws.merge_cells(start_row=4, start_column=1, end_row=4, end_column=last_col)
    ws["A4"] = f"(Số liệu tính {period_label(figures).lower()})"
    ws["A4"].alignment = Alignment(horizontal="center")
    ws["A4"].font = Font(italic=True)
    header_row = 6
    for col, text in enumerate(["STT", "Đơn vị", *headers], start=1):
        cell = ws.cell(row=header_row, column=col, value=text)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.border = BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        # the forms number their columns: (1) (2) …
        number = ws.cell(row=header_row + 1, column=col, value=f"({col})")
        number.alignment = Alignment(horizontal="center")
        number.border = BORDER
        number.font = Font(italic=True, size=9)
    ws.row_dimensions[header_row].height = 75
    for i, (label, values) in enumerate(rows, start=1):
        r = header_row + 1 + i
        is_total = label == "Tổng cộng"
        ws.cell(row=r, column=1, value=None if is_total else i).border = BORDER
        name = ws.cell(row=r, column=2, value=safe_cell(label))
        name.border = BORDER
        name.alignment = Alignment(wrap_text=True)
        for j, value in enumerate(values, start=3):
            cell = ws.cell(row=r, column=j, value=value)
            cell.border = BORDER
            is_pct = "(%)" in headers[j - 3]
            cell.number_format = PCT_FORMAT if is_pct else INT_FORMAT
            if is_total:
                cell.font = Font(bold=True)
        if is_total:
            name.font = Font(bold=True)
    ws.column_dimensions["A"].width = 5
    ws.column_dimensions["B"].width = 34
    for col in range(3, last_col + 1):
        ws.column_dimensions[get_column_letter(col)].width = 13
    ws.freeze_panes = ws.cell(row=header_row + 2, column=3)
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def render_xlsx(figures: Mapping[str, Any], children: Sequence[Mapping[str, Any]] = ()) -> bytes:
    wb = Workbook()
    summary = wb.active
    summary.title = "Tóm tắt"
    summary["A1"] = f"BÁO CÁO: {figures['unit']['name']}"
    summary["A1"].font = Font(bold=True, size=13)
    summary["A2"] = period_label(figures)
    summary["A3"] = (
        f"Cùng kỳ năm trước: {_vi_date(figures['previous_period']['from'])} – "
        f"{_vi_date(figures['previous_period']['to'])}"
    )
    summary["A5"] = safe_cell(figures.get("summary", ""))
    summary["A5"].alignment = Alignment(wrap_text=True, vertical="top")
    summary.merge_cells("A5:H25")
    for col in "ABCDEFGH":
        summary.column_dimensions[col].width = 16
    rows = form_rows(figures, children)
    for code, form, title, headers in FORMS:
        _write_form(wb.create_sheet(code), figures, form, title, headers, rows[code])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


# --- CSV ---------------------------------------------------------------------------------


def render_csv(figures: Mapping[str, Any]) -> bytes:
    """The raw figures, one per line: `figure,value` (dot decimals, machine-readable)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["figure", "value"])
    writer.writerow(safe_row(["unit.code", figures["unit"]["code"]]))
    writer.writerow(safe_row(["unit.name", figures["unit"]["name"]]))
    writer.writerow(safe_row(["unit.level", figures["unit"]["level"]]))
    for key, value in flatten({k: v for k, v in figures.items() if k not in ("unit", "summary", "trend")}):
        writer.writerow(safe_row([key, "" if value is None else value]))
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


def render_pdf(figures: Mapping[str, Any], children: Sequence[Mapping[str, Any]] = ()) -> bytes:
    from django.utils import translation
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_JUSTIFY
    from reportlab.lib.pagesizes import A4
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

    story: list[Any] = [
        Paragraph(f"Báo cáo: {figures['unit']['name']}", title),
        Paragraph(period_label(figures), small),
        Spacer(1, 0.3 * cm),
        Paragraph("Tóm tắt", heading),
        Paragraph(figures.get("summary", ""), body),
        Paragraph("Tiếp công dân", heading),
    ]
    r = figures["reception"]
    rows = [["Cấp", "Lượt tiếp", "Lãnh đạo tiếp", "Đoàn đông người"]]
    rows += [
        [level_label(figures, e), _fmt(e["visits"]), _fmt(e["head_visits"]), _fmt(e.get("delegations"))]
        for e in r["levels"]
    ]
    rows.append(["Tổng cộng", _fmt(r["visits"]), _fmt(r["head_visits"]), _fmt(r["delegations"])])
    story.append(table(rows, [6 * cm, 3.5 * cm, 3.5 * cm, 3.5 * cm]))
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
            [2.8 * cm] * 6,
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
    story.append(table(rows, [4.4 * cm] + [2.1 * cm] * 6))
    if children:
        story.append(Paragraph("Các đơn vị trực thuộc", heading))
        rows = [["Đơn vị", "Lượt tiếp", "Đơn tiếp nhận", "Đơn đã giải quyết", "Hồ sơ đã giải quyết", "Đúng hạn"]]
        for c in children:
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
        story.append(table(rows, [5 * cm] + [2.4 * cm] * 5))
    trend = figures.get("trend")
    if trend and trend.get("months"):
        for name in ("people", "dossiers"):
            story.append(Spacer(1, 0.4 * cm))
            with translation.override("vi"):  # the filed document is in Vietnamese
                chart = trend_chart(trend, name, "png")
            story.append(Image(io.BytesIO(chart), width=16 * cm, height=8 * cm))
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
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


def render_export(figures: Mapping[str, Any], fmt: str, children: Sequence[Mapping[str, Any]] = ()) -> bytes:
    if fmt == "xlsx":
        return render_xlsx(figures, children)
    if fmt == "pdf":
        return render_pdf(figures, children)
    if fmt == "csv":
        return render_csv(figures)
    raise ValueError(f"Unknown export format {fmt!r}.")
