"""The narrative report as DOCX (python-docx), for the office to edit before signing: the
letterhead, "DỰ THẢO" while a draft, then the section outline of the inspectorate's narrative
form (Mẫu số 02, đề cương báo cáo công tác tiếp công dân, xử lý đơn, giải quyết khiếu nại, tố
cáo): results filled from the figures, the assessment, outlook, tasks and recommendations left
as headings with a line to write, and the signature block."""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt, RGBColor

from .documents import (
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
from .narrative import dialogue_sentences, dossier_sentences, petition_sentences, reception_sentences

TO_WRITE = "(Đơn vị bổ sung nội dung.)"


def _cell(cell: Any, lines: list[tuple[str, bool, bool]]) -> None:
    """Centred lines (text, bold, italic) in a table cell."""
    cell.paragraphs[0].text = ""
    for i, (text, bold, italic) in enumerate(lines):
        paragraph = cell.paragraphs[0] if i == 0 else cell.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run(text)
        run.bold, run.italic = bold, italic


def _heading(document: Any, text: str, level: int) -> None:
    paragraph = document.add_paragraph()
    run = paragraph.add_run(text)
    run.bold = True
    if level == 1:
        run.font.size = Pt(13)


def _text(document: Any, text: str, italic: bool = False) -> None:
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    paragraph.paragraph_format.first_line_indent = Cm(1)
    run = paragraph.add_run(text)
    run.italic = italic


def render_docx(figures: Mapping[str, Any], *, letterhead: Letterhead, previous: Mapping[str, Any] | None) -> bytes:
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.orientation = WD_ORIENT.PORTRAIT
    section.left_margin, section.right_margin = Cm(3), Cm(2)
    section.top_margin, section.bottom_margin = Cm(2), Cm(2)
    style = document.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(13)

    head = document.add_table(rows=1, cols=2)
    head.alignment = WD_TABLE_ALIGNMENT.CENTER
    _cell(
        head.cell(0, 0),
        [(letterhead.issuer, True, False), (letterhead.unit, True, False), (letterhead.number_symbol, False, False)],
    )
    _cell(head.cell(0, 1), [(NATION, True, False), (MOTTO, True, False), (letterhead.date_line, False, True)])
    if letterhead.draft:
        paragraph = document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run(DRAFT)
        run.bold = True
        run.font.size = Pt(14)
        run.font.color.rgb = RGBColor(0xC0, 0x00, 0x00)
    for text, bold, italic in (
        ("BÁO CÁO", True, False),
        (
            "Kết quả công tác tiếp công dân, xử lý đơn, giải quyết khiếu nại, tố cáo và giải quyết thủ tục hành chính",
            True,
            False,
        ),
        (f"({letterhead.period})", False, True),
    ):
        paragraph = document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run(text)
        run.bold, run.italic = bold, italic

    _heading(document, "I. KẾT QUẢ CÔNG TÁC TIẾP CÔNG DÂN, XỬ LÝ ĐƠN, GIẢI QUYẾT KHIẾU NẠI, TỐ CÁO", 1)
    _heading(document, "1. Công tác tiếp công dân", 2)
    for sentence in reception_sentences(figures) + dialogue_sentences(figures):
        _text(document, sentence)
    petitions = petition_sentences(figures)
    _heading(document, "2. Tiếp nhận, phân loại và xử lý đơn", 2)
    for sentence in petitions[:2]:
        _text(document, sentence)
    _heading(document, "3. Kết quả giải quyết khiếu nại, tố cáo thuộc thẩm quyền", 2)
    for sentence in petitions[2:] or ["Trong kỳ, không có vụ việc khiếu nại, tố cáo thuộc thẩm quyền phải giải quyết."]:
        _text(document, sentence)
    _heading(document, "4. Kết quả giải quyết thủ tục hành chính", 2)
    for sentence in dossier_sentences(figures):
        _text(document, sentence)
    _heading(document, "5. So sánh với cùng kỳ năm trước", 2)
    rows = year_on_year(figures, previous)
    table = document.add_table(rows=1 + len(rows), cols=4)
    table.style = "Table Grid"
    for col, text in enumerate(["Chỉ tiêu", "Kỳ này", previous_label(figures), "Tăng (+), giảm (−)"]):
        table.cell(0, col).text = text
        table.cell(0, col).paragraphs[0].runs[0].bold = True
    for i, row in enumerate(rows, start=1):
        for col, text in enumerate(
            [
                row.label,
                YearRow.text(row.current, row.is_rate),
                YearRow.text(row.previous, row.is_rate),
                row.change_text,
            ]
        ):
            table.cell(i, col).text = text
    for heading in (
        "II. ĐÁNH GIÁ, NHẬN XÉT (ưu điểm; tồn tại, hạn chế và nguyên nhân)",
        "III. DỰ BÁO TÌNH HÌNH",
        "IV. PHƯƠNG HƯỚNG, NHIỆM VỤ TRONG KỲ TỚI",
        "V. KIẾN NGHỊ, ĐỀ XUẤT",
    ):
        _heading(document, heading, 1)
        _text(document, TO_WRITE, italic=True)

    document.add_paragraph()
    signatures = document.add_table(rows=1, cols=2)
    _cell(signatures.cell(0, 0), [(COMPILER, True, False), (COMPILER_NOTE, False, True)])
    _cell(signatures.cell(0, 1), [(HEAD, True, False), (HEAD_NOTE, False, True)])
    document.core_properties.title = f"Báo cáo {figures['unit']['name']}"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
