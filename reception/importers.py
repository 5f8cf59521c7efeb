"""`manage.py import_records receptions FILE`: one row per visit, and `import_records dialogues
FILE`: one row per dialogue conference, as CONTRACTS.md defines them."""

from __future__ import annotations

import io

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from core.choices import PetitionKind
from core.importing import (
    Column,
    ImportSpec,
    LoadResult,
    ParsedRow,
    RowError,
    choice_parser,
    int_parser,
    max_length_parser,
    parse_bool,
    parse_date,
    register_importer,
)
from core.selectors import unit_ids_by_code

from .models import DialogueConference, ReceivedBy, Visit

# The contract's columns, by model field name.
CONTRACT_FIELDS = (
    "received_on",
    "people",
    "received_by",
    "kind",
    "repeat",
    "citizen_name",
    "content",
    "petition_ref",
)


def load_receptions(rows: list[ParsedRow], skip_invalid: bool) -> tuple[LoadResult, list[RowError]]:
    """Insert or update visits by (unit, ref) in bulk; unknown unit codes are refused by line.

    One INSERT … ON CONFLICT (unit, ref) DO UPDATE per batch of rows (PostgreSQL and SQLite
    both speak it): an existing visit gets the file's contract fields and keeps everything the
    reception workflow added (session, answer…)."""
    ids = unit_ids_by_code(r.values["unit_code"] for r in rows)
    errors: list[RowError] = []
    by_key: dict[tuple[int, str], ParsedRow] = {}
    for row in rows:
        unit_id = ids.get(row.values["unit_code"])
        if unit_id is None:
            errors.append(RowError(row.line, "unit_code", f"unknown unit '{row.values['unit_code']}'"))
            continue
        key = (unit_id, row.values["ref"])
        if key in by_key:
            errors.append(RowError(row.line, "ref", f"same ref as line {by_key[key].line}"))
            continue
        by_key[key] = row
    if errors and not skip_invalid:
        return LoadResult(), errors
    existing = _existing_keys(list(by_key))
    columns, constants = _upsert_columns()
    updated = len(existing)
    if connection.vendor == "postgresql":
        _upsert_with_copy(by_key, columns, constants)
        return LoadResult(created=len(by_key) - updated, updated=updated), errors
    ops = connection.ops
    now = ops.adapt_datetimefield_value(timezone.now())
    params = [
        [
            now,
            now,
            unit_id,
            ref,
            ops.adapt_datefield_value(row.values["received_on"]),
            *(row.values[name] for name in CONTRACT_FIELDS[1:]),
            *constants,
        ]
        for (unit_id, ref), row in by_key.items()
    ]
    # Many rows per statement, within the database's limit on query parameters.
    per_statement = max(1, min(1000, (connection.features.max_query_params or 60000) // len(columns)))
    with connection.cursor() as cursor:
        for start in range(0, len(params), per_statement):
            chunk = params[start : start + per_statement]
            cursor.execute(_upsert_sql(columns, len(chunk)), [value for row in chunk for value in row])
    return LoadResult(created=len(params) - updated, updated=updated), errors


def _upsert_columns() -> tuple[list[str], list[object]]:
    """The columns written and the constant values of the workflow's NOT NULL columns (their
    defaults). Built from the model, so a field added later cannot be forgotten."""
    named = ["created_at", "updated_at", "unit", "ref", *CONTRACT_FIELDS]
    columns = [Visit._meta.get_field(name).column for name in named]
    constants: list[object] = []
    for field in Visit._meta.concrete_fields:
        if field.primary_key or field.name in named or field.null:
            continue
        columns.append(field.column)
        constants.append(field.get_db_prep_save(field.get_default(), connection))
    return columns, constants


def _upsert_sql(columns: list[str], rows: int, source: str = "") -> str:
    """INSERT … ON CONFLICT (unit, ref) DO UPDATE for `rows` rows (or from `source`, a SELECT).
    Only names from the model and placeholders go into the text; every value is a query
    parameter."""
    qn = connection.ops.quote_name
    row = "(" + ", ".join(["%s"] * len(columns)) + ")"
    table = qn(Visit._meta.db_table)
    contract = [Visit._meta.get_field(name).column for name in CONTRACT_FIELDS]
    # Rows whose values did not change are left alone: re-importing a file writes nothing.
    differs = "IS DISTINCT FROM" if connection.vendor == "postgresql" else "IS NOT"
    return (
        f"INSERT INTO {table} ({', '.join(qn(c) for c in columns)}) "
        + (source or f"VALUES {', '.join([row] * rows)} ")
        + f"ON CONFLICT ({qn('unit_id')}, {qn('ref')}) DO UPDATE SET "
        + ", ".join(f"{qn(c)} = excluded.{qn(c)}" for c in ["updated_at", *contract])
        + " WHERE "
        + " OR ".join(f"{table}.{qn(c)} {differs} excluded.{qn(c)}" for c in contract)
    )


# PostgreSQL: the file's rows are COPied into a temporary table and written with one
# INSERT … SELECT … ON CONFLICT, about twice as fast as many-row VALUES statements.
STAGE_TABLE = "import_visit_stage"
ROW_COLUMNS = ("unit", "ref", *CONTRACT_FIELDS)


def _copy_value(value: object) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, str):
        return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return str(value)  # numbers, dates


def _upsert_with_copy(by_key: dict[tuple[int, str], ParsedRow], columns: list[str], constants: list[object]) -> None:
    qn = connection.ops.quote_name
    row_columns = [Visit._meta.get_field(name).column for name in ROW_COLUMNS]
    lines = [
        "\t".join([str(unit_id), _copy_value(ref), *(_copy_value(row.values[name]) for name in CONTRACT_FIELDS)])
        for (unit_id, ref), row in by_key.items()
    ]
    # created_at, updated_at, then the row's columns, then the workflow's constants (typed).
    constant_fields = [f for f in Visit._meta.concrete_fields if f.column in columns[2 + len(row_columns) :]]
    select = (
        "SELECT now(), now(), "  # noqa: S608 (names from the model; values are parameters)
        + ", ".join(f"s.{qn(c)}" for c in row_columns)
        + "".join(f", CAST(%s AS {f.db_type(connection)})" for f in constant_fields)
        + f" FROM {STAGE_TABLE} AS s "
    )
    stage_sql = (
        f"CREATE TEMPORARY TABLE {STAGE_TABLE} ON COMMIT DROP AS SELECT "  # noqa: S608
        + ", ".join(qn(c) for c in row_columns)
        + f" FROM {qn(Visit._meta.db_table)} WITH NO DATA"
    )
    with transaction.atomic(), connection.cursor() as cursor:  # the stage table lives until the commit
        cursor.execute(f"DROP TABLE IF EXISTS {STAGE_TABLE}")
        cursor.execute(stage_sql)
        cursor.copy_expert(
            f"COPY {STAGE_TABLE} ({', '.join(qn(c) for c in row_columns)}) FROM STDIN",
            io.StringIO("".join(line + "\n" for line in lines)),
        )
        cursor.execute(_upsert_sql(columns, 0, select), constants)
        cursor.execute(f"DROP TABLE {STAGE_TABLE}")


def _existing_keys(keys: list[tuple[int, str]]) -> set[tuple[int, str]]:
    found: set[tuple[int, str]] = set()
    by_unit: dict[int, list[str]] = {}
    for unit_id, ref in keys:
        by_unit.setdefault(unit_id, []).append(ref)
    for unit_id, refs in by_unit.items():
        for start in range(0, len(refs), 900):  # SQLite's limit on query parameters
            found.update(
                Visit.objects.filter(Q(unit_id=unit_id) & Q(ref__in=refs[start : start + 900])).values_list(
                    "unit_id", "ref"
                )
            )
    return found


register_importer(
    ImportSpec(
        kind="receptions",
        columns=[
            Column("ref", required=True, parse=max_length_parser(40)),
            Column("unit_code", required=True, parse=max_length_parser(20)),
            Column("received_on", required=True, parse=parse_date),
            Column("people", parse=int_parser(minimum=1), default=1),
            Column("received_by", parse=choice_parser(ReceivedBy.values), default=ReceivedBy.STAFF),
            Column("kind", parse=choice_parser(PetitionKind.values), default=""),
            Column("repeat", parse=parse_bool, default=False),
            Column("citizen_name", parse=max_length_parser(200), default=""),
            Column("content", default=""),
            Column("petition_ref", parse=max_length_parser(40), default=""),
        ],
        load=load_receptions,
        tables=[Visit._meta.db_table],
    )
)


# --- dialogue conferences ----------------------------------------------------------------

DIALOGUE_FIELDS = ("held_on", "attendees", "topic")


def load_dialogues(rows: list[ParsedRow], skip_invalid: bool) -> tuple[LoadResult, list[RowError]]:
    """Insert or update dialogue conferences by (unit, ref); a register holds a few hundred rows
    a year, so the ORM's bulk calls suffice. Unchanged rows are not written."""
    ids = unit_ids_by_code(r.values["unit_code"] for r in rows)
    errors: list[RowError] = []
    by_key: dict[tuple[int, str], ParsedRow] = {}
    for row in rows:
        unit_id = ids.get(row.values["unit_code"])
        if unit_id is None:
            errors.append(RowError(row.line, "unit_code", f"unknown unit '{row.values['unit_code']}'"))
            continue
        key = (unit_id, row.values["ref"])
        if key in by_key:
            errors.append(RowError(row.line, "ref", f"same ref as line {by_key[key].line}"))
            continue
        by_key[key] = row
    if errors and not skip_invalid:
        return LoadResult(), errors
    existing: dict[tuple[int, str], DialogueConference] = {}
    by_unit: dict[int, list[str]] = {}
    for unit_id, ref in by_key:
        by_unit.setdefault(unit_id, []).append(ref)
    for unit_id, refs in by_unit.items():
        for start in range(0, len(refs), 900):
            for conference in DialogueConference.objects.filter(unit_id=unit_id, ref__in=refs[start : start + 900]):
                existing[(unit_id, conference.ref)] = conference
    new, changed = [], []
    now = timezone.now()
    for (unit_id, ref), row in by_key.items():
        found = existing.get((unit_id, ref))
        if found is None:
            new.append(DialogueConference(unit_id=unit_id, ref=ref, **{f: row.values[f] for f in DIALOGUE_FIELDS}))
        elif any(getattr(found, f) != row.values[f] for f in DIALOGUE_FIELDS):
            for f in DIALOGUE_FIELDS:
                setattr(found, f, row.values[f])
            found.updated_at = now
            changed.append(found)
    DialogueConference.objects.bulk_create(new, batch_size=1000)
    DialogueConference.objects.bulk_update(changed, [*DIALOGUE_FIELDS, "updated_at"], batch_size=500)
    return LoadResult(created=len(new), updated=len(existing)), errors


register_importer(
    ImportSpec(
        kind="dialogues",
        columns=[
            Column("ref", required=True, parse=max_length_parser(40)),
            Column("unit_code", required=True, parse=max_length_parser(20)),
            Column("held_on", required=True, parse=parse_date),
            Column("attendees", parse=int_parser(minimum=0), default=0),
            Column("topic", parse=max_length_parser(300), default=""),
        ],
        load=load_dialogues,
        tables=[DialogueConference._meta.db_table],
    )
)
