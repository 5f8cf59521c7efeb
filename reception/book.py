"""The reception book (Sổ tiếp công dân, Mẫu 03/TCD of Decree 154/2026) as rows and as XLSX."""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.exports import safe_row
from core.models import Unit

from .models import Visit, VisitOutcome

KIND_CODES = {"complaint": "KN", "denunciation": "TC", "recommendation": "KN-PA", "feedback": "KN-PA"}

COLUMNS = (
    gettext_lazy("No."),
    gettext_lazy("Date received"),
    gettext_lazy("Full name, address"),
    gettext_lazy("ID card / passport"),
    gettext_lazy("Content of the matter"),
    gettext_lazy("Kind of petition"),
    gettext_lazy("People with the same content"),
    gettext_lazy("Body that handled it before"),
    gettext_lazy("Within competence (x)"),
    gettext_lazy("Guidance"),
    gettext_lazy("Petition transferred"),
    gettext_lazy("Follow-up of the result"),
)


@dataclass(frozen=True)
class BookRow:
    number: int
    received_on: date
    name_address: str
    identity_number: str
    content: str
    kind_code: str
    people: int
    earlier_handling: str
    competent: str
    guidance: str
    transferred: str
    follow_up: str

    def cells(self) -> list[object]:
        return [
            self.number,
            self.received_on,
            self.name_address,
            self.identity_number,
            self.content,
            self.kind_code,
            self.people,
            self.earlier_handling,
            self.competent,
            self.guidance,
            self.transferred,
            self.follow_up,
        ]


def book_rows(visits: Iterable[Visit]) -> list[BookRow]:
    rows = []
    for number, v in enumerate(visits, start=1):
        follow = []
        if v.petition_ref:
            follow.append(_("Petition %(ref)s") % {"ref": v.petition_ref})
        if v.answer:
            follow.append(f"{v.get_answer_display()} ({v.answered_on:%d/%m/%Y})" if v.answered_on else "")
        elif v.answer_due_on:
            follow.append(_("Answer due %(date)s") % {"date": f"{v.answer_due_on:%d/%m/%Y}"})
        if v.outcome == VisitOutcome.ANSWERED:
            follow.append(str(VisitOutcome.ANSWERED.label))
        if (result := v.result) is not None:
            follow.append(_("Result received %(date)s") % {"date": f"{result.received_on:%d/%m/%Y}"})
            if result.notified_on:
                follow.append(_("Citizen told %(date)s") % {"date": f"{result.notified_on:%d/%m/%Y}"})
        rows.append(
            BookRow(
                number=number,
                received_on=v.received_on,
                name_address=v.shown_name
                if v.is_denunciation
                else ", ".join(p for p in (v.citizen_name, v.address) if p),
                identity_number=v.shown_name if v.is_denunciation else v.identity_number,
                content=v.content,
                kind_code=KIND_CODES.get(v.kind, ""),
                people=v.people,
                earlier_handling=v.earlier_handling,
                competent="x" if v.outcome == VisitOutcome.PETITION else "",
                guidance=v.guided_to if v.outcome == VisitOutcome.GUIDED else "",
                transferred=v.guided_to if v.answer == "forwarded" else "",
                follow_up="; ".join(f for f in follow if f),
            )
        )
    return rows


def book_xlsx(*, unit: Unit, start: date, end: date, rows: list[BookRow]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    ws = wb.active
    ws.title = "So tiep cong dan"
    ws.append([_("RECEPTION BOOK")])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append(safe_row([f"{unit.name} · {start:%d/%m/%Y} – {end:%d/%m/%Y}"]))
    ws.append([str(c) for c in COLUMNS])
    for cell in ws[3]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in rows:
        ws.append(safe_row(row.cells()))
        ws.cell(row=ws.max_row, column=2).number_format = "DD/MM/YYYY"
    for letter, width in zip("ABCDEFGHIJKL", (6, 12, 32, 16, 50, 10, 10, 24, 10, 24, 24, 30), strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A4"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
