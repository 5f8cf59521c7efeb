"""Compile the report of a unit and its subtree over a period (CONTRACTS.md `compile_report`).

JSON by default: the JSON alone on standard output, anything else on standard error,
so that other tools can pipe it. XLSX, PDF and CSV go to --output (or standard output).
"""

from __future__ import annotations

import json
import sys
from datetime import date, datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from core.selectors import unit_by_code
from reports.compiling import UnitEnded, compile_figures
from reports.periods import Period

FORMATS = ("json", "xlsx", "pdf", "csv", "docx")


def parse_day(value: str) -> date:
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(value.strip(), fmt).date()
        except ValueError:
            continue
    raise CommandError(f"'{value}' is not a date (YYYY-MM-DD or DD/MM/YYYY).")


class Command(BaseCommand):
    help = "Compile the report of a unit and every unit below it over a period (both ends included)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--unit", required=True, help="unit code, e.g. 01 or 00070")
        parser.add_argument("--from", dest="start", required=True, help="first day, YYYY-MM-DD or DD/MM/YYYY")
        parser.add_argument("--to", dest="end", required=True, help="last day, YYYY-MM-DD or DD/MM/YYYY")
        parser.add_argument("--format", choices=FORMATS, default="json")
        parser.add_argument("--output", help="file to write (default: standard output)")

    def handle(self, *args: Any, **options: Any) -> None:
        start, end = parse_day(options["start"]), parse_day(options["end"])
        if end < start:
            raise CommandError("--to is before --from.")
        unit = unit_by_code(options["unit"])
        if unit is None:
            raise CommandError(f"No unit with code '{options['unit']}'.")
        try:
            figures = compile_figures(unit=unit, period=Period(start, end))
        except UnitEnded as exc:
            raise CommandError(exc.message) from None
        fmt = options["format"]
        if fmt == "json":
            data = (json.dumps(figures, ensure_ascii=False, indent=2) + "\n").encode()
        else:
            # openpyxl and the PDF renderer take most of a second to import: only when asked.
            from reports.documents import letterhead
            from reports.exports import render_export
            from reports.selectors import province_name_of

            previous = compile_figures(unit=unit, period=Period(start, end).previous, with_trend=False)
            head = letterhead(
                figures=figures, province_name=province_name_of(unit), signed_on=timezone.localdate(), draft=True
            )
            data = render_export(figures, fmt, letterhead=head, previous=previous)
        if options["output"]:
            with open(options["output"], "wb") as fh:
                fh.write(data)
            self.stderr.write(f"Wrote {options['output']} ({len(data)} bytes).")
            return
        if fmt == "json":
            self.stdout.write(data.decode(), ending="")
        else:
            self.stdout.flush()
            sys.stdout.buffer.write(data)
            sys.stdout.buffer.flush()
