"""Importing registers from CSV or XLSX, as CONTRACTS.md defines it.

An importer is an `ImportSpec`: its columns (with a parser each) and a `load`
function that writes the parsed rows in bulk. `run_import` reads the file,
parses every row, reports every bad row with its line number, column and reason,
and writes nothing if any row is bad (unless `skip_invalid`). Each domain app
registers its importers in its `importers.py` module; core never imports them.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, NamedTuple

from django.db import connection, transaction
from django.utils.module_loading import autodiscover_modules

Row = dict[str, Any]


class CellError(ValueError):
    """A cell's value is not acceptable; the message says why."""


# --- cell parsers ---------------------------------------------------------------------


def parse_text(value: str) -> str:
    return value.strip()


def parse_date(value: str) -> date:
    value = value.strip()
    # Fast path for the usual YYYY-MM-DD (about 20 times cheaper than strptime); anything
    # else, or an impossible date, goes through strptime, which decides and words the error.
    if len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise CellError(f"'{value}' is not a date (YYYY-MM-DD or DD/MM/YYYY)")


TRUE_WORDS = {"1", "true", "có", "co"}
FALSE_WORDS = {"0", "false", "không", "khong"}


def parse_bool(value: str) -> bool:
    word = value.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise CellError(f"'{value}' is not a yes/no value (1/0, true/false, có/không)")


def int_parser(*, minimum: int = 0) -> Callable[[str], int]:
    def parse(value: str) -> int:
        try:
            number = int(value.strip())
        except ValueError:
            raise CellError(f"'{value}' is not a whole number") from None
        if number < minimum:
            raise CellError(f"{number} is below the minimum {minimum}")
        return number

    return parse


def choice_parser(choices: Sequence[str]) -> Callable[[str], str]:
    allowed = tuple(choices)

    def parse(value: str) -> str:
        word = value.strip()
        if word not in allowed:
            raise CellError(f"'{value}' is not one of {', '.join(allowed)}")
        return word

    return parse


def max_length_parser(length: int) -> Callable[[str], str]:
    def parse(value: str) -> str:
        text = value.strip()
        if len(text) > length:
            raise CellError(f"longer than {length} characters")
        return text

    return parse


# --- specs and results --------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    name: str
    required: bool = False
    parse: Callable[[str], Any] = parse_text
    default: Any = None


@dataclass(frozen=True)
class RowError:
    line: int
    column: str
    reason: str

    def __str__(self) -> str:
        where = f"line {self.line}" + (f", column {self.column}" if self.column else "")
        return f"{where}: {self.reason}"


class ParsedRow(NamedTuple):
    """A good row: its line number in the file and its parsed values by column name.
    (A named tuple: creating 100,000 of them costs a fraction of a frozen dataclass.)"""

    line: int
    values: Row


@dataclass(frozen=True)
class LoadResult:
    created: int = 0
    updated: int = 0


@dataclass(frozen=True)
class ImportSpec:
    kind: str
    columns: Sequence[Column]
    # Writes the good rows; may return more errors (unknown unit code…) for rows it refuses.
    load: Callable[[list[ParsedRow], bool], tuple[LoadResult, list[RowError]]]
    # The tables `load` fills: ANALYZEd after an import that grew them by a large share.
    tables: Sequence[str] = ()

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]


@dataclass
class ImportReport:
    kind: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    errors: list[RowError] = field(default_factory=list)
    committed: bool = False


# --- reading ------------------------------------------------------------------------


def read_table(path: Path) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    """Header and (line number, cells) of a CSV (UTF-8, with or without BOM) or of the
    first sheet of an XLSX. Line numbers are those a person sees in the file."""
    if path.suffix.lower() in {".xlsx", ".xlsm"}:
        from openpyxl import load_workbook

        sheet = load_workbook(path, read_only=True, data_only=True).worksheets[0]
        values = sheet.iter_rows(values_only=True)
        header = [_cell_text(c) for c in next(values, ())]

        def xlsx_rows() -> Iterator[tuple[int, list[str]]]:
            for number, cells in enumerate(values, start=2):
                yield number, [_cell_text(c) for c in cells]

        return header, xlsx_rows()
    text = path.read_text(encoding="utf-8-sig")
    reader = csv.reader(io.StringIO(text))
    header = next(reader, [])

    def csv_rows() -> Iterator[tuple[int, list[str]]]:
        for cells in reader:
            yield reader.line_num, cells

    return [h.strip() for h in header], csv_rows()


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def parse_table(
    spec: ImportSpec, header: list[str], rows: Iterator[tuple[int, list[str]]]
) -> tuple[list[ParsedRow], list[RowError]]:
    errors: list[RowError] = []
    known = set(spec.column_names)
    unknown = [h for h in header if h not in known]
    for name in unknown:
        errors.append(RowError(1, name, "unknown column"))
    missing = [c.name for c in spec.columns if c.required and c.name not in header]
    for name in missing:
        errors.append(RowError(1, name, "required column is missing"))
    if errors:
        return [], errors
    index = {name: i for i, name in enumerate(header)}
    # One tuple per column, looked up once per file rather than once per cell.
    plan = [(c.name, index.get(c.name), c.required, c.parse, c.default) for c in spec.columns]
    width = len(header)
    parsed: list[ParsedRow] = []
    append = parsed.append
    for line, cells in rows:
        if not "".join(cells).strip():
            continue
        short = len(cells) < width
        values: Row = {}
        row_errors: list[RowError] | None = None
        for name, i, required, parse, default in plan:
            raw = "" if i is None or (short and i >= len(cells)) else cells[i].strip()
            if not raw:
                if required:
                    if row_errors is None:
                        row_errors = []
                    row_errors.append(RowError(line, name, "required value is empty"))
                values[name] = default
                continue
            try:
                values[name] = parse(raw)
            except CellError as exc:
                if row_errors is None:
                    row_errors = []
                row_errors.append(RowError(line, name, str(exc)))
        if row_errors:
            errors.extend(row_errors)
        else:
            append(ParsedRow(line, values))
    return parsed, errors


def run_import(spec: ImportSpec, path: Path, *, skip_invalid: bool = False, dry_run: bool = False) -> ImportReport:
    """Import `path` with `spec`: all or nothing unless `skip_invalid`."""
    report = ImportReport(kind=spec.kind)
    header, rows = read_table(path)
    parsed, errors = parse_table(spec, header, rows)
    report.rows = len(parsed) + len({e.line for e in errors if e.line > 1})
    report.errors.extend(errors)
    if any(e.line == 1 for e in errors):
        return report
    if errors and not skip_invalid:
        # Still validate references so the person sees every problem at once.
        with transaction.atomic():
            _, load_errors = spec.load(parsed, True)
            transaction.set_rollback(True)
        report.errors.extend(load_errors)
        report.errors.sort(key=lambda e: (e.line, e.column))
        return report
    rows_before = _estimated_rows(spec.tables) if len(parsed) >= ANALYZE_MIN_ROWS and not dry_run else {}
    with transaction.atomic():
        result, load_errors = spec.load(parsed, skip_invalid)
        report.errors.extend(load_errors)
        report.errors.sort(key=lambda e: (e.line, e.column))
        if (load_errors and not skip_invalid) or dry_run:
            transaction.set_rollback(True)
            return report
    report.created, report.updated, report.committed = result.created, result.updated, True
    _analyze_if_grown(rows_before, result.created)
    return report


# After a bulk load the planner's statistics describe the table before it: ANALYZE when an
# import added at least this many rows and at least this share of what the table held. A
# smaller addition is left to autovacuum (its own threshold is 10% of the table), since
# ANALYZE of a table of a million rows costs one to two seconds.
ANALYZE_MIN_ROWS = 10_000
ANALYZE_MIN_SHARE = 0.2


def _estimated_rows(tables: Sequence[str]) -> dict[str, float]:
    if not tables or connection.vendor != "postgresql":
        return {}
    with connection.cursor() as cursor:
        cursor.execute("SELECT relname, reltuples FROM pg_class WHERE relname = ANY(%s)", [list(tables)])
        return {name: max(float(rows), 0.0) for name, rows in cursor.fetchall()}


def _analyze_if_grown(rows_before: dict[str, float], created: int) -> None:
    if created < ANALYZE_MIN_ROWS:
        return
    with connection.cursor() as cursor:
        for table, before in rows_before.items():
            if created >= ANALYZE_MIN_SHARE * before:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")


# --- registry ----------------------------------------------------------------------

IMPORTERS: dict[str, ImportSpec] = {}


def register_importer(spec: ImportSpec) -> ImportSpec:
    IMPORTERS[spec.kind] = spec
    return spec


def importers() -> dict[str, ImportSpec]:
    autodiscover_modules("importers")
    return IMPORTERS
