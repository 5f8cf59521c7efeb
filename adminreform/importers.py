"""`manage.py import_records dossiers FILE`, exactly as CONTRACTS.md defines it.

Fast by construction: two lookups (units, procedures), one working-day calendar
built once for every year in the file, then bulk upserts on (unit, ref) in
batches. No save() per row: 100,000 rows in seconds (bench/import_dossiers.py).
"""

from __future__ import annotations

import io
from datetime import date

from django.db import connection, transaction

from civicdesk.workdays import add_days
from core.importing import (
    Column,
    ImportSpec,
    LoadResult,
    ParsedRow,
    RowError,
    choice_parser,
    max_length_parser,
    parse_date,
    register_importer,
)
from core.models import DeadlineRule, Unit
from core.selectors import work_calendar

from .models import Dossier, DossierChannel, DossierOutcome, DossierStatus, Procedure

BATCH = 5000
STATUS_BY_OUTCOME = {
    DossierOutcome.GRANTED: DossierStatus.RETURNED,
    DossierOutcome.REFUSED: DossierStatus.REFUSED,
    DossierOutcome.WITHDRAWN: DossierStatus.WITHDRAWN,
}
CONTRACT_FIELDS = ["received_on", "procedure", "channel", "due_on", "resolved_on", "outcome"]


def load_dossiers(rows: list[ParsedRow], skip_invalid: bool) -> tuple[LoadResult, list[RowError]]:
    errors: list[RowError] = []
    units = dict(Unit.objects.filter(code__in={r.values["unit_code"] for r in rows}).values_list("code", "id"))
    procedure_codes = {r.values["procedure_code"] for r in rows if r.values["procedure_code"]}
    procedures = {
        code: (pk, days)
        for code, pk, days in Procedure.objects.filter(code__in=procedure_codes).values_list(
            "code", "id", "processing_days"
        )
    }
    rules = list(
        DeadlineRule.objects.filter(code="dossier.resolve")
        .order_by("valid_from")
        .values_list("id", "valid_from", "valid_to", "day_kind")
    )
    calendar = None
    # The working calendar (holidays included) costs about half a second to build: only when
    # some row leaves due_on to be computed.
    if any(r.values["due_on"] is None for r in rows):
        first = min(r.values["received_on"] for r in rows)
        last = max(r.values["received_on"] for r in rows)
        calendar = work_calendar(start=first, end=date(last.year + 2, 12, 31))

    def rule_for(day: date) -> tuple[int, str] | None:
        chosen = None
        for pk, valid_from, valid_to, kind in rules:
            if valid_from <= day and (valid_to is None or valid_to >= day):
                chosen = (pk, kind)
        if chosen is None and rules:  # dossiers older than the first rule: the earliest one
            chosen = (rules[0][0], rules[0][3])
        return chosen

    due_cache: dict[tuple[date, int], tuple[date, int]] = {}
    seen: dict[tuple[int, str], int] = {}
    records: list[Record] = []
    append = records.append
    received_status = str(DossierStatus.RECEIVED)
    status_by_outcome = {str(k): str(v) for k, v in STATUS_BY_OUTCOME.items()}
    for line, v in rows:
        bad: list[RowError] = []
        unit_code, procedure_code, ref = v["unit_code"], v["procedure_code"], v["ref"]
        unit_id = units.get(unit_code)
        if unit_id is None:
            bad.append(RowError(line, "unit_code", f"unknown unit '{unit_code}'"))
        procedure = procedures.get(procedure_code) if procedure_code else None
        if procedure_code and procedure is None:
            bad.append(RowError(line, "procedure_code", f"unknown procedure '{procedure_code}'"))
        received_on: date = v["received_on"]
        due_on: date | None = v["due_on"]
        resolved_on: date | None = v["resolved_on"]
        rule_id: int | None = None
        if due_on is None and procedure is not None and calendar is not None:
            key = (received_on, procedure[1])
            if key not in due_cache:
                rule = rule_for(received_on)
                if rule is not None:
                    due_cache[key] = (add_days(received_on, procedure[1], rule[1], calendar=calendar), rule[0])
            if key in due_cache:
                due_on, rule_id = due_cache[key]
        if due_on is None and not bad:
            bad.append(RowError(line, "due_on", "empty, and no procedure to compute it from"))
        if resolved_on is not None and resolved_on < received_on:
            bad.append(RowError(line, "resolved_on", "before received_on"))
        if unit_id is not None:
            key2 = (unit_id, ref)
            if key2 in seen:
                bad.append(RowError(line, "ref", f"same unit_code and ref as line {seen[key2]}"))
            else:
                seen[key2] = line
        if bad:
            errors.extend(bad)
            continue
        outcome = v["outcome"]
        append(
            (
                unit_id,  # type: ignore[arg-type]  # not None: checked above
                ref,
                received_on,
                procedure[0] if procedure else None,
                v["channel"],
                due_on,
                rule_id,
                resolved_on,
                outcome,
                status_by_outcome[outcome] if resolved_on else received_status,
            )
        )
    if errors and not skip_invalid:
        return LoadResult(), errors
    created = _upsert_postgresql(records) if connection.vendor == "postgresql" else _upsert_orm(records)
    return LoadResult(created=created, updated=len(records) - created), errors


Record = tuple[int, str, date, int | None, str, date, int | None, date | None, str, str]

# New rows and changed rows in one statement: the file's rows are first COPied into a
# temporary table (the fastest way into PostgreSQL: about twice as fast as arrays through
# unnest), then inserted from it; conflicts on (unit, ref) update the contract fields, and
# rows whose values did not change are not touched at all (so re-importing a file changes
# nothing, not even updated_at).
STAGE_TABLE = "import_dossier_stage"
STAGE_SQL = f"""
CREATE TEMPORARY TABLE {STAGE_TABLE} (unit_id bigint, ref text, received_on date, procedure_id bigint,
    channel text, due_on date, rule_id integer, resolved_on date, outcome text, status text) ON COMMIT DROP
"""
UPSERT_SQL = """
INSERT INTO {table} (created_at, updated_at, unit_id, ref, received_on, procedure_id, channel, due_on,
    due_rule_id, clock_started_on, resolved_on, outcome, status, handling_unit_id, version,
    applicant_name, applicant_phone, applicant_email, applicant_address, applicant_id_number,
    supplement_missing, supplement_count, apology_reason, status_reason, result_note, lookup_pin,
    rating_comment)
SELECT now(), now(), t.unit_id, t.ref, t.received_on, t.procedure_id, t.channel, t.due_on,
    t.rule_id, t.received_on, t.resolved_on, t.outcome, t.status, t.unit_id, 1,
    '', '', '', '', '', '[]'::jsonb, 0, '', '', '', '', ''
FROM {stage} AS t
ON CONFLICT (unit_id, ref) DO UPDATE SET
    received_on = EXCLUDED.received_on, procedure_id = EXCLUDED.procedure_id, channel = EXCLUDED.channel,
    due_on = EXCLUDED.due_on, due_rule_id = EXCLUDED.due_rule_id, resolved_on = EXCLUDED.resolved_on,
    outcome = EXCLUDED.outcome, status = EXCLUDED.status, updated_at = EXCLUDED.updated_at
WHERE ({table}.received_on, {table}.procedure_id, {table}.channel, {table}.due_on, {table}.resolved_on,
       {table}.outcome)
    IS DISTINCT FROM (EXCLUDED.received_on, EXCLUDED.procedure_id, EXCLUDED.channel, EXCLUDED.due_on,
       EXCLUDED.resolved_on, EXCLUDED.outcome)
RETURNING (xmax = 0)
"""
NULL = "\\N"


def _copy_text(value: str) -> str:
    """A text value in COPY's text format (refs may hold anything)."""
    if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
        return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return value


def _copy_buffer(records: list[Record]) -> io.StringIO:
    lines = [
        f"{unit_id}\t{_copy_text(ref)}\t{received_on}\t{NULL if procedure_id is None else procedure_id}\t"
        f"{channel}\t{due_on}\t{NULL if rule_id is None else rule_id}\t"
        f"{NULL if resolved_on is None else resolved_on}\t{outcome}\t{status}\n"
        for unit_id, ref, received_on, procedure_id, channel, due_on, rule_id, resolved_on, outcome, status in records
    ]
    return io.StringIO("".join(lines))


def _upsert_postgresql(records: list[Record]) -> int:
    if not records:
        return 0
    sql = UPSERT_SQL.format(table=connection.ops.quote_name(Dossier._meta.db_table), stage=STAGE_TABLE)
    with transaction.atomic(), connection.cursor() as cursor:  # the stage table lives until the commit
        cursor.execute(f"DROP TABLE IF EXISTS {STAGE_TABLE}")
        cursor.execute(STAGE_SQL)
        cursor.copy_expert(f"COPY {STAGE_TABLE} FROM STDIN", _copy_buffer(records))
        cursor.execute(sql)
        created = sum(1 for (inserted,) in cursor.fetchall() if inserted)
        cursor.execute(f"DROP TABLE {STAGE_TABLE}")
    return created


def _upsert_orm(records: list[Record]) -> int:
    """The portable path (SQLite in tests): bulk upserts through the ORM."""
    existing = 0
    refs_by_unit: dict[int, list[str]] = {}
    for record in records:
        refs_by_unit.setdefault(record[0], []).append(record[1])
    for unit_id, refs in refs_by_unit.items():
        for i in range(0, len(refs), BATCH):
            existing += Dossier.objects.filter(unit_id=unit_id, ref__in=refs[i : i + BATCH]).count()
    Dossier.objects.bulk_create(
        [
            Dossier(
                unit_id=unit_id,
                ref=ref,
                received_on=received_on,
                procedure_id=procedure_id,
                channel=channel,
                due_on=due_on,
                due_rule_id=rule_id,
                clock_started_on=received_on,
                resolved_on=resolved_on,
                outcome=outcome,
                status=status,
                handling_unit_id=unit_id,
            )
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
            ) in records
        ],
        batch_size=BATCH,
        update_conflicts=True,
        unique_fields=["unit", "ref"],
        update_fields=[*CONTRACT_FIELDS, "due_rule_id", "status", "updated_at"],
    )
    return len(records) - existing


register_importer(
    ImportSpec(
        kind="dossiers",
        columns=[
            Column("ref", required=True, parse=max_length_parser(40)),
            Column("unit_code", required=True, parse=max_length_parser(20)),
            Column("received_on", required=True, parse=parse_date),
            Column("procedure_code", parse=max_length_parser(40), default=""),
            Column("channel", parse=choice_parser(DossierChannel.values), default=DossierChannel.COUNTER),
            Column("due_on", parse=parse_date),
            Column("resolved_on", parse=parse_date),
            Column("outcome", parse=choice_parser(DossierOutcome.values), default=DossierOutcome.GRANTED),
        ],
        load=load_dossiers,
        tables=[Dossier._meta.db_table],
    )
)
