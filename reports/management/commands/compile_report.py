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
from reports.periods import Convention, Period, PeriodKind, period_of

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
        parser.add_argument("--from", dest="start", help="first day, YYYY-MM-DD or DD/MM/YYYY")
        parser.add_argument("--to", dest="end", help="last day, YYYY-MM-DD or DD/MM/YYYY")
        # or a named period instead of --from/--to
        parser.add_argument("--period", choices=[k.value for k in PeriodKind if k != PeriodKind.RANGE])
        parser.add_argument("--year", type=int, help="the period's year (with --period)")
        parser.add_argument("--number", type=int, default=1, help="quarter 1-4 or half 1-2 (with --period)")
        parser.add_argument(
            "--convention",
            choices=[c.value for c in Convention],
            default=Convention.CALENDAR.value,
            help="calendar months, or the official cut-off: the 15th of the month before to the 14th",
        )
        parser.add_argument("--format", choices=FORMATS, default="json")
        parser.add_argument("--output", help="file to write (default: standard output)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["period"]:
            if options["start"] or options["end"] or options["year"] is None:
                raise CommandError("--period takes --year (and --number), not --from/--to.")
            try:
                named = period_of(
                    PeriodKind(options["period"]), options["year"], options["number"], Convention(options["convention"])
                )
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
            start, end = named.start, named.end
        else:
            if not options["start"] or not options["end"]:
                raise CommandError("Give --from and --to, or --period with --year.")
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
