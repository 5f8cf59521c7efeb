"""Exports of a report an office can sign and file: XLSX in the shape of the official forms, PDF
(A4 landscape) and DOCX of the narrative and the figures, and a tidy CSV.

Every document carries the letterhead of `reports.documents` (national motto, issuing body,
number and symbol, place and date, period), "DỰ THẢO" until the version is published, the
table of the same period last year, and the signature block. Forms (LEGAL.md §3), named by
their TT 06/2025/TT-TTCP number with the TT 02/2021/TT-TTCP number beside it: 01/TCD reception,
02/XLD (01/XLD) petition handling, 03/GQKN (01/KQGQ) and 04/GQTC (03/KQGQ) resolution of
complaints and denunciations, 05/KQTH (02/KQGQ and 04/KQGQ) carrying out the decisions and
conclusions; 06/VPCP one-stop dossiers (TT 01/2020/TT-VPCP). The headers are
the forms' own Vietnamese wording. Numbers are numeric cells with thousands grouping, so that
Excel in Vietnamese shows 1.645 and 96,8 and officials can still add them up. The units below
are listed in Vietnamese alphabetical order.

Modules: `common` (rows, labels, letterhead), one module per family of forms (`tcd`, `xld`,
`kqgq`, `kqth`, `vpcp`) and `forms` (their order), then one per format (`xlsx`, `pdf`, `tidy_csv`; the
DOCX narrative is `reports.narrative_docx`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..documents import Letterhead
from .common import default_letterhead
from .forms import FORMS, form_rows
from .pdf import render_pdf
from .tcd import tcd_rows
from .tidy_csv import CSV_COLUMNS, INDICATORS, render_csv
from .xlsx import render_xlsx

__all__ = [
    "CSV_COLUMNS",
    "FORMS",
    "INDICATORS",
    "form_rows",
    "render_csv",
    "render_export",
    "render_pdf",
    "render_xlsx",
    "tcd_rows",
]


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
        from ..narrative_docx import render_docx

        return render_docx(figures, letterhead=letterhead or default_letterhead(figures), previous=previous)
    if fmt == "csv":
        return render_csv(figures, children)
    raise ValueError(f"Unknown export format {fmt!r}.")
