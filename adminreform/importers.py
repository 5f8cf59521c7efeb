"""`manage.py import_records dossiers FILE`, exactly as CONTRACTS.md defines it.

Fast by construction: two lookups (units, procedures), one working-day calendar
built once for every year in the file, then one bulk upsert on (unit, ref)
(`fastpath.dossier_upsert`: COPY on PostgreSQL). No save() per row; its speed is
measured by bench/import_dossiers.py (docs/performance.md).
"""

from __future__ import annotations

from datetime import date, datetime, time

from django.utils import timezone

from civicdesk.workdays import add_days
from core.importing import (
    CellError,
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

from .fastpath import Record, dossier_upsert
from .models import Dossier, DossierChannel, DossierOutcome, DossierStatus, Procedure
from .services.intake import counting_start

STATUS_BY_OUTCOME = {
    DossierOutcome.GRANTED: DossierStatus.RETURNED,
    DossierOutcome.REFUSED: DossierStatus.REFUSED,
    DossierOutcome.WITHDRAWN: DossierStatus.WITHDRAWN,
}


def parse_time(value: str) -> time:
    """A time of day, `HH:MM` (24-hour; `16h20` also read)."""
    text = value.strip().lower().replace("h", ":").rstrip(":")
    for fmt in ("%H:%M", "%H:%M:%S", "%H"):
        try:
            return datetime.strptime(text, fmt).time()
        except ValueError:
            continue
    raise CellError(f"'{value}' is not a time of day (HH:MM, 24-hour)")


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
    # some row leaves due_on to be computed, or was received at a given time (after 15:00 its
    # clock starts the next working day).
    if any(r.values["due_on"] is None or r.values.get("received_time") is not None for r in rows):
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
        received_time: time | None = v.get("received_time")
        received_at = None
        start = received_on
        if received_time is not None and calendar is not None:
            received_at = timezone.make_aware(datetime.combine(received_on, received_time))
            start = counting_start(received_on, received_time, calendar=calendar)
        due_on: date | None = v["due_on"]
        resolved_on: date | None = v["resolved_on"]
        rule_id: int | None = None
        if due_on is None and procedure is not None and calendar is not None:
            key = (start, procedure[1])
            if key not in due_cache:
                rule = rule_for(received_on)
                if rule is not None:
                    due_cache[key] = (add_days(start, procedure[1], rule[1], calendar=calendar), rule[0])
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
                received_at,
                start,
            )
        )
    if errors and not skip_invalid:
        return LoadResult(), errors
    created = dossier_upsert(records)
    return LoadResult(created=created, updated=len(records) - created), errors


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
            # Optional, beyond CONTRACTS.md (docs/imports.md): the time of receipt, HH:MM.
            Column("received_time", parse=parse_time),
        ],
        load=load_dossiers,
        tables=[Dossier._meta.db_table],
    )
)
