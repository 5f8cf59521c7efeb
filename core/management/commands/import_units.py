"""Import administrative units (historical districts and wards, or corrections) from CSV:
`code,name,level,parent_code[,kind,valid_from,valid_to,predecessor_codes]`. All or nothing:
any bad row is reported with its line and column and nothing is written.

`predecessor_codes` (semicolon-separated) names the units merged, wholly or in part, into
this one: each must exist (earlier in the file or already loaded), not be the unit itself,
and end on or before this unit's `valid_from`. Reports count a predecessor's records dated
before that day as the successor's (docs/reports.md)."""

from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.importing import Column, RowError, choice_parser, parse_date, parse_table, read_table
from core.models import Unit, UnitKind, UnitLevel, unit_code_validator
from core.services import UnitRow, units_upsert

KIND_WORDS = {
    **{k.value: k.value for k in UnitKind},
    "tỉnh": UnitKind.PROVINCE,
    "thành phố trung ương": UnitKind.CENTRAL_CITY,
    "quận": UnitKind.URBAN_DISTRICT,
    "huyện": UnitKind.RURAL_DISTRICT,
    "thị xã": UnitKind.TOWN,
    "thành phố": UnitKind.PROVINCIAL_CITY,
    "phường": UnitKind.WARD,
    "xã": UnitKind.COMMUNE,
    "đặc khu": UnitKind.SPECIAL_ZONE,
    "thị trấn": UnitKind.TOWNSHIP,
}


def parse_code(value: str) -> str:
    from django.core.exceptions import ValidationError

    from core.importing import CellError

    try:
        unit_code_validator(value.strip())
    except ValidationError:
        raise CellError("code must be up to 20 letters, digits, '-' or '_'") from None
    return value.strip()


def parse_codes(value: str) -> tuple[str, ...]:
    codes = tuple(dict.fromkeys(c.strip() for c in value.split(";") if c.strip()))
    for code in codes:
        parse_code(code)
    return codes


def parse_kind(value: str) -> str:
    from core.importing import CellError

    kind = KIND_WORDS.get(value.strip().lower())
    if kind is None:
        raise CellError(f"'{value}' is not a known kind of unit")
    return str(kind)


COLUMNS = [
    Column("code", required=True, parse=parse_code),
    Column("name", required=True),
    Column("level", required=True, parse=choice_parser(UnitLevel.values)),
    Column("parent_code", default=""),
    Column("kind", parse=parse_kind, default=""),
    Column("valid_from", parse=parse_date),
    Column("valid_to", parse=parse_date),
    Column("predecessor_codes", parse=parse_codes, default=()),
]


def predecessor_errors(
    line: int, values: dict[str, Any], known: set[str], seen: set[str], ends: dict[str, date | None]
) -> list[RowError]:
    """What is wrong with a row's predecessors: each must be another unit, `known` (earlier in
    the file or already loaded), that ends (`ends`: its valid_to, the file's when the file has
    it) on or before this unit's valid_from."""
    errors = []
    starts = values["valid_from"]
    for code in values["predecessor_codes"]:
        if code == values["code"]:
            reason = "a unit cannot be its own predecessor"
        elif code not in known and code not in seen:
            reason = f"unknown unit '{code}' (not in the database nor earlier in the file)"
        elif starts is None:
            reason = f"'{code}' is named as a predecessor but this unit has no valid_from"
        elif ends[code] is None:
            reason = f"predecessor '{code}' has no valid_to: it must end on or before {starts:%d/%m/%Y}"
        elif ends[code] > starts:  # type: ignore[operator]
            reason = (
                f"predecessor '{code}' is valid until {ends[code]:%d/%m/%Y}, after this unit starts ({starts:%d/%m/%Y})"
            )
        else:
            continue
        errors.append(RowError(line, "predecessor_codes", reason))
    return errors


class Command(BaseCommand):
    help = (
        "Import administrative units from a CSV file "
        "(code,name,level,parent_code[,kind,valid_from,valid_to,predecessor_codes])."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        from core.importing import ImportSpec, LoadResult

        path: Path = options["file"]
        if not path.exists():
            raise CommandError(f"No such file: {path}")
        spec = ImportSpec(kind="units", columns=COLUMNS, load=lambda rows, skip: (LoadResult(), []))
        header, rows = read_table(path)
        parsed, errors = parse_table(spec, header, rows)
        named = [r.values["parent_code"] for r in parsed] + [c for r in parsed for c in r.values["predecessor_codes"]]
        loaded = dict(Unit.objects.filter(code__in=named).values_list("code", "valid_to"))
        known = set(loaded)
        ends: dict[str, date | None] = loaded | {r.values["code"]: r.values["valid_to"] for r in parsed}
        seen: set[str] = set()
        for row in parsed:
            v = row.values
            if v["code"] in seen:
                errors.append(RowError(row.line, "code", f"'{v['code']}' appears twice in the file"))
            if v["parent_code"] and v["parent_code"] not in known and v["parent_code"] not in seen:
                errors.append(
                    RowError(
                        row.line,
                        "parent_code",
                        f"unknown unit '{v['parent_code']}' (not in the database nor earlier in the file)",
                    )
                )
            if v["valid_from"] and v["valid_to"] and v["valid_to"] < v["valid_from"]:
                errors.append(RowError(row.line, "valid_to", "ends before valid_from"))
            errors += predecessor_errors(row.line, v, known, seen, ends)
            seen.add(v["code"])
        if errors:
            for error in sorted(errors, key=lambda e: (e.line, e.column)):
                self.stderr.write(str(error))
            raise CommandError(f"{len(errors)} error(s); nothing was imported.")
        # Without the column, the units' predecessors stay as they are; with it, a row's
        # (even an empty one) is the whole list.
        with_predecessors = "predecessor_codes" in [h.strip() for h in header]
        result = units_upsert(
            rows=[
                UnitRow(
                    **{
                        k: (v if v is not None else ("" if k in {"kind", "parent_code"} else None))
                        for k, v in r.values.items()
                    }
                    | {"predecessor_codes": r.values["predecessor_codes"] if with_predecessors else None}
                )
                for r in parsed
            ],
            actor=None,
            source=f"import_units {path.name}",
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Units: {result.created} created, {result.updated} updated, {result.unchanged} unchanged."
            )
        )
