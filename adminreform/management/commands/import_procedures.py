"""Load or update the procedure catalogue from a CSV file.

Columns: code,name,field,level,processing_days,fee,online_service,valid_from,valid_to,documents
(`online_service` is none, partly or fully; `documents` lists the required papers
separated by ";"). Importing the same file twice changes nothing. A file with any
bad row imports nothing and lists every bad row.
"""

from __future__ import annotations

import csv
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from adminreform.models import OnlineService
from adminreform.services import ProcedureRow, procedure_upsert_many
from core.importing import CellError, parse_date
from core.models import UnitLevel

COLUMNS = ["code", "name", "field", "level", "processing_days", "fee", "online_service", "valid_from", "valid_to"]


def parse_rows(path: Path) -> tuple[list[ProcedureRow], list[str]]:
    rows: list[ProcedureRow] = []
    errors: list[str] = []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        header = reader.fieldnames or []
        unknown = [h for h in header if h not in {*COLUMNS, "documents"}]
        missing = [c for c in ("code", "name", "level", "processing_days") if c not in header]
        if unknown or missing:
            return [], [f"line 1: unknown columns {unknown}, missing columns {missing}"]
        for record in reader:
            line = reader.line_num
            cell = {k: (record.get(k) or "").strip() for k in [*COLUMNS, "documents"]}
            problems = []
            if not cell["code"] or len(cell["code"]) > 40:
                problems.append("code: empty or longer than 40 characters")
            if not cell["name"]:
                problems.append("name: empty")
            if cell["level"] not in UnitLevel.values:
                problems.append(f"level: '{cell['level']}' is not one of {', '.join(UnitLevel.values)}")
            online = cell["online_service"] or OnlineService.NONE
            if online not in OnlineService.values:
                problems.append(f"online_service: '{online}' is not one of {', '.join(OnlineService.values)}")
            numbers = {}
            for name in ("processing_days", "fee"):
                text = cell[name] or "0"
                if not text.isdigit():
                    problems.append(f"{name}: '{text}' is not a whole number")
                numbers[name] = int(text) if text.isdigit() else 0
            dates = {}
            for name in ("valid_from", "valid_to"):
                try:
                    dates[name] = parse_date(cell[name]) if cell[name] else None
                except CellError as exc:
                    problems.append(f"{name}: {exc}")
            if problems:
                errors.extend(f"line {line}, column {p}" for p in problems)
                continue
            rows.append(
                ProcedureRow(
                    code=cell["code"],
                    name=cell["name"],
                    field=cell["field"],
                    level=cell["level"],
                    processing_days=numbers["processing_days"],
                    fee=numbers["fee"],
                    online_service=online,
                    valid_from=dates["valid_from"],
                    valid_to=dates["valid_to"],
                    documents=tuple(d.strip() for d in cell["documents"].split(";") if d.strip()),
                )
            )
    return rows, errors


class Command(BaseCommand):
    help = "Load or update the procedure catalogue (thủ tục hành chính) from a CSV file."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.exists():
            raise CommandError(f"{path}: no such file")
        rows, errors = parse_rows(path)
        if errors:
            for error in errors:
                self.stderr.write(error)
            raise CommandError(f"{len(errors)} problem(s): nothing imported")
        created, updated = procedure_upsert_many(rows=rows)
        self.stdout.write(self.style.SUCCESS(f"{created} procedures added, {updated} updated"))
