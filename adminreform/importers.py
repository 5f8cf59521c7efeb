"""`manage.py import_records dossiers FILE`, exactly as CONTRACTS.md defines it.

Fast by construction: two lookups (units, procedures), one working-day calendar
built once for every year in the file, then bulk upserts on (unit, ref) in
batches. No save() per row: 100,000 rows in seconds (bench/import_dossiers.py).
"""

from __future__ import annotations

from datetime import date

from django.db.models import Q

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
    if rows:
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
    objects: list[Dossier] = []
    for row in rows:
        v = row.values
        bad: list[RowError] = []
        unit_id = units.get(v["unit_code"])
        if unit_id is None:
            bad.append(RowError(row.line, "unit_code", f"unknown unit '{v['unit_code']}'"))
        procedure = procedures.get(v["procedure_code"]) if v["procedure_code"] else None
        if v["procedure_code"] and procedure is None:
            bad.append(RowError(row.line, "procedure_code", f"unknown procedure '{v['procedure_code']}'"))
        received_on: date = v["received_on"]
        due_on: date | None = v["due_on"]
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
            bad.append(RowError(row.line, "due_on", "empty, and no procedure to compute it from"))
        if v["resolved_on"] is not None and v["resolved_on"] < received_on:
            bad.append(RowError(row.line, "resolved_on", "before received_on"))
        if unit_id is not None:
            key2 = (unit_id, v["ref"])
            if key2 in seen:
                bad.append(RowError(row.line, "ref", f"same unit_code and ref as line {seen[key2]}"))
            else:
                seen[key2] = row.line
        if bad:
            errors.extend(bad)
            continue
        resolved_on = v["resolved_on"]
        outcome = v["outcome"]
        objects.append(
            Dossier(
                unit_id=unit_id,
                ref=v["ref"],
                received_on=received_on,
                procedure_id=procedure[0] if procedure else None,
                channel=v["channel"],
                due_on=due_on,
                due_rule_id=rule_id,
                clock_started_on=received_on,
                resolved_on=resolved_on,
                outcome=outcome,
                status=STATUS_BY_OUTCOME[outcome] if resolved_on else DossierStatus.RECEIVED,
                handling_unit_id=unit_id,
            )
        )
    if errors and not skip_invalid:
        return LoadResult(), errors
    refs_by_unit: dict[int, set[str]] = {}
    for o in objects:
        refs_by_unit.setdefault(o.unit_id, set()).add(o.ref)
    existing = 0
    for unit_id, refs in refs_by_unit.items():
        ref_list = list(refs)
        for i in range(0, len(ref_list), BATCH):
            existing += Dossier.objects.filter(Q(unit_id=unit_id) & Q(ref__in=ref_list[i : i + BATCH])).count()
    Dossier.objects.bulk_create(
        objects,
        batch_size=BATCH,
        update_conflicts=True,
        unique_fields=["unit", "ref"],
        update_fields=[*CONTRACT_FIELDS, "due_rule_id", "status", "updated_at"],
    )
    return LoadResult(created=len(objects) - existing, updated=existing), errors


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
    )
)
