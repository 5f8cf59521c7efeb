"""`import_records petitions FILE`: petition registers, exactly as CONTRACTS.md defines them.

Bulk and idempotent on (unit, ref): new rows are inserted, rows whose values changed are
updated, unchanged rows are not written at all; cases come from `case_ref` (one case per
unit and case_ref); only newly created petitions get an IMPORTED event, so importing a file
twice changes nothing. On PostgreSQL the rows go as plain tuples into COPY text, into a
stage table, and out with one `INSERT … SELECT … ON CONFLICT` that also writes the IMPORTED
events (see `_upsert_postgresql`); elsewhere through `bulk_create`/`bulk_update`.

Each row gets its stored deadlines from the rule table, as its state implies (see
`RowDeadlines`): computed in memory from one read of the rules and one calendar, never
a query per row."""

from __future__ import annotations

import io
import json
from datetime import date, datetime

from django.db import connection, transaction
from django.db.models import UUIDField
from django.utils import timezone

from civicdesk.workdays import WorkCalendar, compute_deadline
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
from core.models import DeadlineRule, Unit
from core.selectors import unit_ids_by_code, work_calendar

from .choices import Closure, Finding, Step, result_of
from .figures import DENUNCIATION_ONLY_FIELDS, PetitionField
from .models import OUTCOME_STATUS, Case, Channel, Outcome, Petition, PetitionEvent, PetitionStatus
from .text import fold

BATCH = 2000
UPDATE_FIELDS = [
    "received_on", "kind", "channel", "signers", "anonymous", "over_level", "outcome", "competent", "case",
    "resolved_on", "subject", "status", "search_text", "result", "field", "court_judgment",
    "step", "due_on", "due_rule", "classify_due_on", "classify_rule",
]  # fmt: skip
FK_FIELDS = {"case", "due_rule", "classify_rule"}
STATUS_AT = UPDATE_FIELDS.index("status")
DEADLINE_AT = {f: UPDATE_FIELDS.index(f) for f in ("step", "due_on", "due_rule", "classify_due_on", "classify_rule")}

COLUMNS = [
    Column("ref", required=True, parse=max_length_parser(40)),
    Column("unit_code", required=True, parse=max_length_parser(20)),
    Column("received_on", required=True, parse=parse_date),
    Column("kind", required=True, parse=choice_parser(PetitionKind.values)),
    Column("channel", parse=choice_parser(Channel.values), default=Channel.POST),
    Column("signers", parse=int_parser(minimum=1), default=1),
    Column("anonymous", parse=parse_bool, default=False),
    Column("over_level", parse=parse_bool, default=False),
    Column("outcome", parse=choice_parser(Outcome.values), default=""),
    Column("competent", parse=parse_bool, default=None),
    Column("case_ref", parse=max_length_parser(40), default=""),
    Column("resolved_on", parse=parse_date, default=None),
    Column("subject", parse=max_length_parser(300), default=""),
    Column("closure", parse=choice_parser(Closure.values), default=""),
    Column("finding", parse=choice_parser(Finding.values), default=""),
    Column("due_on", parse=parse_date, default=None),
    # Not in CONTRACTS.md: an optional column of this project (docs/petitions.md).
    Column("field", parse=choice_parser(PetitionField.values), default=""),
    # Also this project's: a court has judged the complaint's matter (02/XLD "Đã có bản án").
    Column("court_judgment", parse=parse_bool, default=False),
]


def status_for(outcome: str, resolved_on: date | None) -> str:
    """The workflow status an imported row stands in."""
    if outcome == Outcome.ACCEPTED:
        return PetitionStatus.RESOLVED if resolved_on else PetitionStatus.ACCEPTED
    if outcome:
        return OUTCOME_STATUS[outcome]
    return PetitionStatus.RESOLVED if resolved_on else PetitionStatus.RECEIVED


def _check(rows: list[ParsedRow], units: dict[str, int]) -> tuple[list[ParsedRow], list[RowError]]:
    errors: list[RowError] = []
    good: list[ParsedRow] = []
    seen: dict[tuple[str, str], int] = {}
    for row in rows:
        v = row.values
        row_errors = []
        if v["unit_code"] not in units:
            row_errors.append(RowError(row.line, "unit_code", f"unknown unit '{v['unit_code']}'"))
        if v["resolved_on"] and v["resolved_on"] < v["received_on"]:
            row_errors.append(RowError(row.line, "resolved_on", "before received_on"))
        if v["due_on"] and v["due_on"] < v["received_on"]:
            row_errors.append(RowError(row.line, "due_on", "before received_on"))
        if v["field"] in DENUNCIATION_ONLY_FIELDS and v["kind"] != PetitionKind.DENUNCIATION:
            row_errors.append(RowError(row.line, "field", f"'{v['field']}' is a field of denunciations only"))
        if v["court_judgment"] and v["kind"] != PetitionKind.COMPLAINT:
            row_errors.append(RowError(row.line, "court_judgment", "only a complaint can have a court judgment"))
        key = (v["unit_code"], v["ref"])
        if key in seen:
            row_errors.append(RowError(row.line, "ref", f"repeats line {seen[key]} for the same unit"))
        else:
            seen[key] = row.line
        errors.extend(row_errors)
        if not row_errors:
            good.append(row)
    return good, errors


def _chunks(items: list[str], size: int = BATCH) -> list[list[str]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def _cases(rows: list[ParsedRow], units: dict[str, int]) -> dict[tuple[int, str], int]:
    wanted: dict[tuple[int, str], ParsedRow] = {}
    for row in rows:
        if row.values["case_ref"]:
            wanted.setdefault((units[row.values["unit_code"]], row.values["case_ref"]), row)
    if not wanted:
        return {}
    if connection.vendor == "postgresql":
        return _cases_postgresql(wanted)
    Case.objects.bulk_create(
        [
            Case(unit_id=unit_id, ref=ref, kind=row.values["kind"], subject=row.values["subject"])
            for (unit_id, ref), row in wanted.items()
        ],
        ignore_conflicts=True,
        batch_size=BATCH,
    )
    refs_by_unit: dict[int, list[str]] = {}
    for unit_id, ref in wanted:
        refs_by_unit.setdefault(unit_id, []).append(ref)
    found: dict[tuple[int, str], int] = {}
    for unit_id, refs in refs_by_unit.items():
        for chunk in _chunks(refs):
            for pk, ref in Case.objects.filter(unit_id=unit_id, ref__in=chunk).values_list("pk", "ref"):
                found[(unit_id, ref)] = pk
    return found


def _cases_postgresql(wanted: dict[tuple[int, str], ParsedRow]) -> dict[tuple[int, str], int]:
    """The same on PostgreSQL in two statements: the new cases inserted from arrays (an existing
    case is left as it is), then every wanted case's id read back by (unit, ref)."""
    qn = connection.ops.quote_name
    table = qn(Case._meta.db_table)
    unit_ids = [unit_id for unit_id, _ in wanted]
    refs = [ref for _, ref in wanted]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (created_at, updated_at, unit_id, ref, kind, subject) "  # noqa: S608
            "SELECT now(), now(), w.unit_id, w.ref, w.kind, w.subject "
            "FROM unnest(%s::bigint[], %s::text[], %s::text[], %s::text[]) AS w(unit_id, ref, kind, subject) "
            "ON CONFLICT (unit_id, ref) DO NOTHING",
            [
                unit_ids,
                refs,
                [row.values["kind"] for row in wanted.values()],
                [row.values["subject"] for row in wanted.values()],
            ],
        )
        cursor.execute(
            f"SELECT c.unit_id, c.ref, c.id FROM {table} AS c "  # noqa: S608
            "JOIN unnest(%s::bigint[], %s::text[]) AS w(unit_id, ref) ON c.unit_id = w.unit_id AND c.ref = w.ref",
            [unit_ids, refs],
        )
        return {(unit_id, ref): pk for unit_id, ref, pk in cursor.fetchall()}


def _attname(field: str) -> str:
    return f"{field}_id" if field in FK_FIELDS else field


def _values(p: Petition) -> tuple[object, ...]:
    return tuple(getattr(p, _attname(f)) for f in UPDATE_FIELDS)


# (step, due_on, due_rule_id, classify_due_on, classify_rule_id): UPDATE_FIELDS' order
Deadlines = tuple[str, date | None, int | None, date | None, int | None]


class RowDeadlines:
    """The stored deadlines of imported rows, from the rule table, in bulk: one query for the
    rules, one calendar for the whole file, and a memo per (rule, start day).

    Every row: the classification limit from receipt (`petition.classify`). The running step
    as the row's state implies: received → a complaint's acceptance (`complaint.accept`), a
    denunciation's initial processing, or its transfer when recorded outside competence,
    otherwise classification; accepted and not resolved → the resolution limit (complaint
    30 days, 45 in a remote unit; denunciation 30; recommendation and feedback
    `recommendation.resolve`), counted from receipt since the register
    gives no acceptance date (the strictest reading: acceptance is due within 10 days of it);
    closed → none."""

    def __init__(self, rows: list[ParsedRow], units: dict[str, int]) -> None:
        self.rules: dict[str, list[DeadlineRule]] = {}
        for rule in DeadlineRule.objects.order_by("code", "valid_from"):
            self.rules.setdefault(rule.code, []).append(rule)
        days = [r.values["received_on"] for r in rows]
        self.calendar = (
            work_calendar(start=min(days), end=date(max(days).year + 2, 12, 31)) if days else WorkCalendar.of()
        )
        self.remote = set(Unit.objects.filter(pk__in=set(units.values()), is_remote=True).values_list("pk", flat=True))
        self.memo: dict[tuple[str, date], tuple[date, int] | None] = {}
        self.rows: dict[tuple[str, str, bool, bool, date], Deadlines] = {}

    def _due(self, code: str, start: date) -> tuple[date, int] | None:
        key = (code, start)
        if key not in self.memo:
            rule = next(
                (
                    r
                    for r in reversed(self.rules.get(code, []))
                    if r.valid_from <= start and (r.valid_to is None or start <= r.valid_to)
                ),
                None,
            )
            self.memo[key] = (
                None
                if rule is None
                else (compute_deadline(start, rule.as_spec(), calendar=self.calendar).due_on, rule.pk)
            )
        return self.memo[key]

    def of(self, *, kind: str, status: str, competent: bool | None, unit_id: int, received: date) -> Deadlines:
        """The deadlines of a row in this state, memoised: rows sharing kind, state, competence,
        remoteness and receipt day share them."""
        key = (kind, status, competent is False, unit_id in self.remote, received)
        found = self.rows.get(key)
        if found is None:
            found = self.rows[key] = self._compute(*key)
        return found

    def _compute(self, kind: str, status: str, incompetent: bool, remote: bool, received: date) -> Deadlines:
        classify_due, classify_rule = self._due("petition.classify", received) or (None, None)
        step, code = Step.NONE, ""
        if status == PetitionStatus.RECEIVED:
            if kind == PetitionKind.COMPLAINT:
                step, code = Step.ACCEPT, "complaint.accept"
            elif kind == PetitionKind.DENUNCIATION and incompetent:
                step, code = Step.TRANSFER, "denunciation.transfer"
            elif kind == PetitionKind.DENUNCIATION:
                step, code = Step.INITIAL, "denunciation.initial"
            else:
                step, code = Step.CLASSIFY, "petition.classify"
        elif status == PetitionStatus.ACCEPTED:
            if kind == PetitionKind.COMPLAINT:
                step, code = Step.RESOLVE, "complaint.first.resolve" + (".remote" if remote else "")
            elif kind == PetitionKind.DENUNCIATION:
                step, code = Step.RESOLVE, "denunciation.resolve"
            else:
                step, code = Step.RESOLVE, "recommendation.resolve"
        due = self._due(code, received) if code else None
        if due is None:
            return str(Step.NONE), None, None, classify_due, classify_rule
        return str(step), due[0], due[1], classify_due, classify_rule


# One row as written: unit_id, ref, then UPDATE_FIELDS in order (FKs as ids).
HANDLED_KINDS = (PetitionKind.COMPLAINT, PetitionKind.DENUNCIATION)
ACCEPTED, RESOLVED = str(PetitionStatus.ACCEPTED), str(PetitionStatus.RESOLVED)
Record = tuple[object, ...]


def _records(good: list[ParsedRow], units: dict[str, int], cases: dict[tuple[int, str], int]) -> list[Record]:
    """The rows as they will be written: plain tuples, no model instances."""
    deadlines = RowDeadlines(good, units)
    of = deadlines.of
    records: list[Record] = []
    append = records.append
    for row in good:
        v = row.values
        unit_id = units[v["unit_code"]]
        ref, subject, kind, outcome, resolved_on = v["ref"], v["subject"], v["kind"], v["outcome"], v["resolved_on"]
        status = str(status_for(outcome, resolved_on))
        received = v["received_on"]
        deadlines = of(kind=kind, status=status, competent=v["competent"], unit_id=unit_id, received=received)
        due_on = v["due_on"]
        if status == RESOLVED and kind in HANDLED_KINDS:
            # The resolution deadline it kept: the register's, or the rule table's from receipt.
            if due_on is None:
                resolve = of(kind=kind, status=ACCEPTED, competent=True, unit_id=unit_id, received=received)
                deadlines = (resolve[0], resolve[1], resolve[2], deadlines[3], deadlines[4])
            else:
                deadlines = (str(Step.RESOLVE), due_on, None, deadlines[3], deadlines[4])
        elif due_on is not None and (status == RESOLVED or deadlines[0] == Step.RESOLVE):
            deadlines = (deadlines[0] or str(Step.RESOLVE), due_on, None, deadlines[3], deadlines[4])
        result = (
            result_of(kind=kind, closure=v["closure"] or Closure.DECIDED, finding=v["finding"])
            if status == RESOLVED
            else ""
        )
        append(
            (
                unit_id,
                ref,
                received,
                kind,
                v["channel"],
                v["signers"],
                v["anonymous"],
                v["over_level"],
                outcome,
                v["competent"],
                cases.get((unit_id, v["case_ref"])) if v["case_ref"] else None,
                resolved_on,
                subject,
                status,
                fold(f"{ref} {subject}"),
                result,
                v["field"],
                v["court_judgment"],
                *deadlines,
            )
        )
    return records


def load(rows: list[ParsedRow], skip_invalid: bool) -> tuple[LoadResult, list[RowError]]:
    """Insert new rows, update changed ones, leave unchanged ones alone (all in bulk)."""
    units = unit_ids_by_code(r.values["unit_code"] for r in rows)
    good, errors = _check(rows, units)
    if errors and not skip_invalid:
        return LoadResult(), errors
    cases = _cases(good, units)
    records = _records(good, units, cases)
    created = _upsert_postgresql(records) if connection.vendor == "postgresql" else _upsert_orm(records)
    return LoadResult(created=created, updated=len(records) - created), errors


def _upsert_orm(records: list[Record]) -> int:
    """The portable path (SQLite in tests): look the rows up, then bulk_create and bulk_update."""
    refs_by_unit: dict[int, list[str]] = {}
    for record in records:
        refs_by_unit.setdefault(record[0], []).append(record[1])  # type: ignore[arg-type]
    columns = ["pk", "unit_id", "ref", *(_attname(f) for f in UPDATE_FIELDS)]
    existing: dict[tuple[int, str], tuple[int, tuple[object, ...]]] = {}
    for unit_id, refs in refs_by_unit.items():
        for chunk in _chunks(refs, 900):
            for values in Petition.objects.filter(unit_id=unit_id, ref__in=chunk).values_list(*columns):
                existing[(values[1], values[2])] = (values[0], tuple(values[3:]))
    new: list[Petition] = []
    changed: list[Petition] = []
    now = timezone.now()
    for record in records:
        petition = Petition(
            unit_id=record[0], ref=record[1], source="import", **dict(zip(ATTNAMES, record[2:], strict=True))
        )
        found = existing.get((record[0], record[1]))  # type: ignore[arg-type]
        if found is not None and found[1][STATUS_AT] == petition.status:
            # Same state as stored: keep its deadlines (an extension or a suspension may have moved them).
            for name, index in DEADLINE_AT.items():
                setattr(petition, _attname(name), found[1][index])
        if found is None:
            new.append(petition)
        elif found[1] != _values(petition):
            petition.pk = found[0]
            petition.updated_at = now
            changed.append(petition)
    if changed:
        Petition.objects.bulk_update(changed, [*UPDATE_FIELDS, "updated_at"], batch_size=500)
    Petition.objects.bulk_create(new, batch_size=BATCH)
    PetitionEvent.objects.bulk_create(
        [PetitionEvent(petition_id=p.pk, kind=PetitionEvent.Kind.IMPORTED, data=IMPORTED_DATA) for p in new],
        batch_size=BATCH,
    )
    return len(new)


ATTNAMES = [_attname(f) for f in UPDATE_FIELDS]
IMPORTED_DATA = {"source": "import"}

# --- PostgreSQL: COPY into a stage table, one INSERT … SELECT … ON CONFLICT -------------
#
# The file's rows are COPied, as text lines written straight from the parsed values, into a
# temporary table shaped like the petitions table, then written with one statement: new rows
# are inserted (every other column gets its default, computed once per import and passed as
# a typed parameter; `content_key` a fresh UUID each), existing rows whose values changed are
# updated (keeping their stored deadlines when their state did not change: an extension or a
# suspension may have moved them), unchanged rows are not touched, and each newly inserted
# row gets its IMPORTED event in the same statement (`INSERT … SELECT` from the RETURNING).

STAGE_TABLE = "import_petition_stage"
# Columns compared to decide that a stored row changed (its deadlines follow from its state).
COMPARED = [f for f in UPDATE_FIELDS if f not in DEADLINE_AT]
# The time of the import (one value, as Django's auto_now would give at save time).
TIMESTAMPS = {"created_at", "updated_at"}


def _copy_text(value: str) -> str:
    """A text value in COPY's text format: backslash, tab, newline and carriage return escaped
    (so a literal `\\N` stays text, never NULL)."""
    if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
        return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return value


def _copy_buffer(records: list[Record]) -> io.StringIO:
    """One COPY text line per record, in `Record`'s order; only the three free-text columns
    (ref, subject, search_text) are escaped, the rest are numbers, dates and choice codes."""

    def n(value: object) -> object:
        return "\\N" if value is None else value

    def b(value: object) -> str:
        return "\\N" if value is None else "t" if value else "f"

    esc = _copy_text
    lines = [
        f"{unit_id}\t{esc(ref)}\t{received}\t{kind}\t{channel}\t{signers}\t{b(anonymous)}\t{b(over_level)}\t"
        f"{outcome}\t{b(competent)}\t{n(case_id)}\t{n(resolved_on)}\t{esc(subject)}\t{status}\t{esc(search)}\t"
        f"{result}\t{field}\t{b(court)}\t{step}\t{n(due_on)}\t{n(due_rule)}\t{n(classify_due)}\t{n(classify_rule)}\n"
        for (
            unit_id, ref, received, kind, channel, signers, anonymous, over_level, outcome, competent, case_id,
            resolved_on, subject, status, search, result, field, court, step, due_on, due_rule, classify_due,
            classify_rule,
        ) in records  # type: ignore[misc]
    ]  # fmt: skip
    return io.StringIO("".join(lines))


def _defaults(now: datetime) -> tuple[list[str], list[str], list[object]]:
    """The columns a new row gets without the file, the SQL for each, and its parameters:
    built from the model once per import, so a field added later cannot be forgotten."""
    qn = connection.ops.quote_name
    written = {"unit_id", "ref", *ATTNAMES}
    columns: list[str] = []
    sql: list[str] = []
    params: list[object] = []
    for field in Petition._meta.concrete_fields:
        if field.primary_key or field.attname in written:
            continue
        columns.append(qn(field.column))
        if field.column in TIMESTAMPS:
            sql.append("CAST(%s AS timestamptz)")
            params.append(now)
        elif isinstance(field, UUIDField) and callable(field.default):
            sql.append("gen_random_uuid()")  # one per row, as uuid4 would give
        elif field.name == "source":
            sql.append("%s")
            params.append("import")
        elif not field.has_default() and field.null:
            sql.append("NULL")
        else:
            sql.append(f"CAST(%s AS {field.db_type(connection)})")
            params.append(field.get_db_prep_save(field.get_default(), connection))
    return columns, sql, params


def _upsert_sql(default_columns: list[str], default_sql: list[str]) -> str:
    qn = connection.ops.quote_name
    table = qn(Petition._meta.db_table)
    events = qn(PetitionEvent._meta.db_table)
    stage = [qn(c) for c in ("unit_id", "ref", *ATTNAMES)]
    deadline_columns = [qn(_attname(f)) for f in DEADLINE_AT]
    compared = [qn(_attname(f)) for f in COMPARED]
    keep = ", ".join(
        f"{c} = CASE WHEN {table}.{qn('status')} = EXCLUDED.{qn('status')} THEN {table}.{c} ELSE EXCLUDED.{c} END"
        for c in deadline_columns
    )
    # Only names from the model go into the text; every value is a parameter.
    return (
        f"WITH written AS (INSERT INTO {table} ({', '.join(stage + default_columns)}) "  # noqa: S608
        f"SELECT {', '.join('s.' + c for c in stage)}, {', '.join(default_sql)} FROM {STAGE_TABLE} AS s "
        f"ON CONFLICT ({qn('unit_id')}, {qn('ref')}) DO UPDATE SET "
        + ", ".join(f"{c} = EXCLUDED.{c}" for c in compared)
        + f", {keep}, {qn('updated_at')} = EXCLUDED.{qn('updated_at')} "  # noqa: S608
        f"WHERE ({', '.join(f'{table}.{c}' for c in compared)}) "
        f"IS DISTINCT FROM ({', '.join(f'EXCLUDED.{c}' for c in compared)}) "
        f"RETURNING {table}.{qn('id')} AS id, (xmax = 0) AS inserted), "
        f"imported AS (INSERT INTO {events} ({qn('occurred_at')}, {qn('kind')}, {qn('from_status')}, "
        f"{qn('to_status')}, {qn('reason')}, {qn('data')}, {qn('petition_id')}) "
        "SELECT CAST(%s AS timestamptz), %s, '', '', '', CAST(%s AS jsonb), w.id "
        "FROM written AS w WHERE w.inserted ORDER BY w.id) "
        "SELECT count(*) FILTER (WHERE inserted) FROM written"
    )


def _upsert_postgresql(records: list[Record]) -> int:
    if not records:
        return 0
    qn = connection.ops.quote_name
    now = timezone.now()
    default_columns, default_sql, params = _defaults(now)
    stage_columns = ", ".join(qn(c) for c in ("unit_id", "ref", *ATTNAMES))
    with transaction.atomic(), connection.cursor() as cursor:  # the stage table lives until the commit
        cursor.execute(f"DROP TABLE IF EXISTS {STAGE_TABLE}")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {STAGE_TABLE} ON COMMIT DROP AS SELECT {stage_columns} "  # noqa: S608
            f"FROM {qn(Petition._meta.db_table)} WITH NO DATA"
        )
        cursor.copy_expert(f"COPY {STAGE_TABLE} ({stage_columns}) FROM STDIN", _copy_buffer(records))
        cursor.execute(
            _upsert_sql(default_columns, default_sql),
            [*params, now, str(PetitionEvent.Kind.IMPORTED), json.dumps(IMPORTED_DATA)],
        )
        (created,) = cursor.fetchone()
        cursor.execute(f"DROP TABLE {STAGE_TABLE}")
    return int(created)


register_importer(ImportSpec(kind="petitions", columns=COLUMNS, load=load, tables=[Petition._meta.db_table]))
