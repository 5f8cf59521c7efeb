"""The PDF: A4 landscape, the letterhead, the narrative, the table of the same period last year, the
figures by level and unit, the charts and the signature block, in DejaVu Sans (Vietnamese
diacritics)."""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from typing import Any

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
    by_name,
    previous_label,
    year_on_year,
)
from ..formatting import vi_int, vi_pct
from .common import Form, Row, default_letterhead, level_label
from .forms import FORMS, form_rows


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
    from reportlab.platypus import Image, PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    from ..charts import trend_chart

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

    def signatures() -> Table:
        return two_blocks(
            [Paragraph(COMPILER, centre_bold), Paragraph(f"<i>{COMPILER_NOTE}</i>", centre)],
            [Paragraph(HEAD, centre_bold), Paragraph(f"<i>{HEAD_NOTE}</i>", centre)],
        )

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
    story.append(signatures())
    rows_of = form_rows(figures, children)
    for form in FORMS:
        story += [PageBreak(), *_form_story(form, rows_of[form.sheet], head.period)]
        story += [Spacer(1, 0.6 * cm), signatures()]
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


def _form_story(form: Form, rows: list[Row], period: str) -> list[Any]:
    """A form on its own page: its number and circular, its title and period, and the table
    with the official merged headers (group over its columns), the column numbers and the rows."""
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import cm
    from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

    font = _font()
    size = 6 if len(form.headers) <= 16 else 5 if len(form.headers) <= 24 else 4.5
    cell = ParagraphStyle("cell", fontName=font, fontSize=size, leading=size + 1.5, alignment=TA_CENTER)
    bold_cell = ParagraphStyle("bold_cell", parent=cell, fontName="DejaVuSans-Bold")
    name_cell = ParagraphStyle("name_cell", parent=cell, alignment=0)
    centre = ParagraphStyle("form_centre", fontName=font, fontSize=9, leading=12, alignment=TA_CENTER)
    title = ParagraphStyle("form_title", parent=centre, fontName="DejaVuSans-Bold", fontSize=11, leading=14)
    columns = [("", "STT"), ("", "Đơn vị"), *form.headers]
    top: list[Any] = []
    bottom: list[Any] = []
    spans: list[tuple[Any, ...]] = []
    col = 0
    while col < len(columns):
        group, text = columns[col]
        if not group:
            top.append(Paragraph(text, bold_cell))
            bottom.append("")
            spans.append(("SPAN", (col, 0), (col, 1)))
            col += 1
            continue
        last = col
        while last + 1 < len(columns) and columns[last + 1][0] == group:
            last += 1
        top += [Paragraph(group, bold_cell)] + [""] * (last - col)
        bottom += [Paragraph(columns[c][1], cell) for c in range(col, last + 1)]
        if last > col:
            spans.append(("SPAN", (col, 0), (last, 0)))
        col = last + 1
    numbers = [Paragraph(f"({i})", cell) for i in range(1, len(columns) + 1)]
    body = []
    for i, (name, values) in enumerate(rows, start=1):
        is_total = name == "Tổng cộng"
        style = bold_cell if is_total else cell
        body.append(
            [
                Paragraph("" if is_total else str(i), cell),
                Paragraph(name, bold_cell if is_total else name_cell),
                *[Paragraph(_fmt_cell(v), style) for v in values],
            ]
        )
    width = 25.7 * cm
    first = 0.7 * cm
    name_width = (3.6 if len(form.headers) <= 24 else 3) * cm
    rest = (width - first - name_width) / max(1, len(form.headers))
    table = Table(
        [top, bottom, numbers, *body], colWidths=[first, name_width] + [rest] * len(form.headers), repeatRows=3
    )
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.black),
                ("BACKGROUND", (0, 0), (-1, 1), colors.HexColor("#DDE7F0")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LEFTPADDING", (0, 0), (-1, -1), 1.5),
                ("RIGHTPADDING", (0, 0), (-1, -1), 1.5),
                *spans,
            ]
        )
    )
    return [
        Paragraph(f"<i>{form.number} — {form.basis}</i>", centre),
        Paragraph(form.title, title),
        Paragraph(f"<i>(Số liệu tính {period.lower()})</i>", centre),
        Spacer(1, 0.3 * cm),
        table,
    ]


def _fmt_cell(value: Any) -> str:
    """A form's figure as Vietnamese writes it (1.645; 96,8; 0,35); empty for a notes column."""
    if value is None:
        return ""
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.3f}".rstrip("0").rstrip(".").replace(",", " ").replace(".", ",").replace(" ", ".")
    return vi_int(int(value))
