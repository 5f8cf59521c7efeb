"""The one-stop shop's hand-written SQL, behind one door.

There is one statement: a dossier import's rows (`import_records dossiers`, CONTRACTS.md)
are COPied into a temporary table and inserted from it in one statement, on PostgreSQL;
conflicts on (unit, ref) update the contract fields, and rows whose values did not change are
not touched at all (re-importing a file changes nothing, not even `updated_at`). Its table
and column names come from `Dossier._meta`, and a new row's other columns get their model
defaults, as `save()` would give them. Its twin is `dossier_upsert_orm` (bulk upserts through
the ORM), the reference it is tested against (tests/perf/test_dossier_import_parts.py) and the
path SQLite takes. Why COPY: docs/performance.md, "Imports".

The dossier list's two-part read (`selectors.dossier_open_list_of_unit`) is a speed-up
written with the ORM: it stays with the selectors.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from django.db import connection, transaction
from django.db.models import NOT_PROVIDED, Field

from .models import Dossier

BATCH = 5000
STAGE_TABLE = "import_dossier_stage"

# An imported row, in the order of its fields here (unit and procedure by id).
Record = tuple[int, str, date, int | None, str, date, int | None, date | None, str, str, datetime | None, date]
STAGED: tuple[str, ...] = (
    "unit",
    "ref",
    "received_on",
    "procedure",
    "channel",
    "due_on",
    "due_rule_id",
    "resolved_on",
    "outcome",
    "status",
    "received_at",
    "clock_started_on",
)
# A new row's fields that repeat a staged one: it is handled at its own unit.
COPIED = {"handling_unit": "unit"}
# What a re-import may change in an existing row, and what tells that it changed (the time of
# receipt and the day the clock started stay as first written).
UPDATED: tuple[str, ...] = ("received_on", "procedure", "channel", "due_on", "due_rule_id", "resolved_on", "outcome")
COMPARED: tuple[str, ...] = ("received_on", "procedure", "channel", "due_on", "resolved_on", "outcome")
CONFLICT: tuple[str, ...] = ("unit", "ref")  # Dossier's unique constraint dossier_unique_ref


def dossier_upsert(records: Sequence[Record]) -> int:
    """Write the imported `records`, new or changed; returns how many were new."""
    if connection.vendor == "postgresql":
        return dossier_upsert_copy(records)
    return dossier_upsert_orm(records)


# --- PostgreSQL: COPY, then one INSERT … ON CONFLICT ---------------------------------------------


def _field(name: str) -> Field[Any, Any]:
    field = Dossier._meta.get_field(name)
    assert isinstance(field, Field)
    return field


def _column(name: str) -> str:
    column = _field(name).column
    assert column is not None  # a concrete field
    return connection.ops.quote_name(column)


def _stage_sql() -> str:
    columns = ", ".join(f"{_column(name)} {_field(name).db_type(connection)}" for name in STAGED)
    return f"CREATE TEMPORARY TABLE {STAGE_TABLE} ({columns}) ON COMMIT DROP"


def _upsert_sql() -> tuple[str, list[Any]]:
    """The INSERT of the staged rows, with every other column of a new row given as `save()`
    would give it: timestamps now, the model's defaults, NULL where the field allows it."""
    staged = set(STAGED)
    columns: list[str] = []
    values: list[str] = []
    params: list[Any] = []
    for field in Dossier._meta.concrete_fields:
        if field.primary_key or field.db_default is not NOT_PROVIDED:
            continue  # the database gives them
        name = field.name
        if name in staged:
            value = f"t.{_column(name)}"
        elif name in COPIED:
            value = f"t.{_column(COPIED[name])}"
        elif getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            value = "now()"
        elif (default := field.get_default()) is not None:  # "" for text without a default
            value = "%s"
            params.append(field.get_db_prep_save(default, connection))
        elif field.null:
            continue
        else:
            raise LookupError(f"Dossier.{name}: no value for an imported row")
        columns.append(_column(name))
        values.append(value)
    table = connection.ops.quote_name(Dossier._meta.db_table)
    updated_at = _column("updated_at")
    sets = ", ".join(f"{_column(n)} = EXCLUDED.{_column(n)}" for n in (*UPDATED, "status"))
    mine = ", ".join(f"{table}.{_column(n)}" for n in COMPARED)
    theirs = ", ".join(f"EXCLUDED.{_column(n)}" for n in COMPARED)
    sql = (
        f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(values)} FROM {STAGE_TABLE} AS t "  # noqa: S608 (names from the model; values are parameters)
        f"ON CONFLICT ({', '.join(_column(n) for n in CONFLICT)}) DO UPDATE SET {sets}, "
        f"{updated_at} = EXCLUDED.{updated_at} WHERE ({mine}) IS DISTINCT FROM ({theirs}) "
        "RETURNING (xmax = 0)"
    )
    return sql, params


NULL = "\\N"


def _copy_text(value: str) -> str:
    """A text value in COPY's text format (refs may hold anything)."""
    if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
        return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return value


def _copy_buffer(records: Sequence[Record]) -> io.StringIO:
    """The records as COPY text, one line each, in the order of STAGED."""
    lines = [
        f"{unit_id}\t{_copy_text(ref)}\t{received_on}\t{NULL if procedure_id is None else procedure_id}\t"
        f"{channel}\t{due_on}\t{NULL if rule_id is None else rule_id}\t"
        f"{NULL if resolved_on is None else resolved_on}\t{outcome}\t{status}\t"
        f"{NULL if received_at is None else received_at.isoformat()}\t{clock_started_on}\n"
        for (
            unit_id,
            ref,
            received_on,
            procedure_id,
            channel,
            due_on,
            rule_id,
            resolved_on,
            outcome,
            status,
            received_at,
            clock_started_on,
        ) in records
    ]
    return io.StringIO("".join(lines))


def dossier_upsert_copy(records: Sequence[Record]) -> int:
    """The PostgreSQL path: returns how many rows were new (`xmax = 0`: inserted, not updated)."""
    if not records:
        return 0
    sql, params = _upsert_sql()
    staged = ", ".join(_column(name) for name in STAGED)
    with transaction.atomic(), connection.cursor() as cursor:  # the stage table lives until the commit
        cursor.execute(f"DROP TABLE IF EXISTS {STAGE_TABLE}")
        cursor.execute(_stage_sql())
        cursor.copy_expert(f"COPY {STAGE_TABLE} ({staged}) FROM STDIN", _copy_buffer(records))
        cursor.execute(sql, params)
        created = sum(1 for (inserted,) in cursor.fetchall() if inserted)
        cursor.execute(f"DROP TABLE {STAGE_TABLE}")
    return created


# --- the twin: bulk upserts through the ORM -------------------------------------------------------


def dossier_upsert_orm(records: Sequence[Record]) -> int:
    """The portable path and the reference of the COPY path: the same rows through the ORM
    (it also rewrites unchanged rows, so their `updated_at` moves)."""
    existing = 0
    refs_by_unit: dict[int, list[str]] = {}
    for record in records:
        refs_by_unit.setdefault(record[0], []).append(record[1])
    for unit_id, refs in refs_by_unit.items():
        for i in range(0, len(refs), BATCH):
            existing += Dossier.objects.filter(unit_id=unit_id, ref__in=refs[i : i + BATCH]).count()
    rows = []
    for record in records:
        values = dict(zip(STAGED, record, strict=True))
        values |= {copy: values[source] for copy, source in COPIED.items()}
        rows.append(Dossier(**{_field(name).attname: value for name, value in values.items()}))
    Dossier.objects.bulk_create(
        rows,
        batch_size=BATCH,
        update_conflicts=True,
        unique_fields=list(CONFLICT),
        update_fields=[*UPDATED, "status", "updated_at"],
    )
    return len(records) - existing
