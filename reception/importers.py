"""`manage.py import_records receptions FILE`: one row per visit, as CONTRACTS.md defines it."""

from __future__ import annotations

from django.db.models import Q

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

from .models import ReceivedBy, Visit

BATCH = 2000
UPDATED_FIELDS = [
    "received_on",
    "people",
    "received_by",
    "kind",
    "repeat",
    "citizen_name",
    "content",
    "petition_ref",
    "updated_at",
]


def load_receptions(rows: list[ParsedRow], skip_invalid: bool) -> tuple[LoadResult, list[RowError]]:
    """Insert or update visits by (unit, ref) in bulk; unknown unit codes are refused by line."""
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
    visits = [
        Visit(
            unit_id=unit_id,
            ref=ref,
            received_on=row.values["received_on"],
            people=row.values["people"],
            received_by=row.values["received_by"],
            kind=row.values["kind"],
            repeat=row.values["repeat"],
            citizen_name=row.values["citizen_name"],
            content=row.values["content"],
            petition_ref=row.values["petition_ref"],
        )
        for (unit_id, ref), row in by_key.items()
    ]
    for start in range(0, len(visits), BATCH):
        Visit.objects.bulk_create(
            visits[start : start + BATCH],
            update_conflicts=True,
            unique_fields=["unit", "ref"],
            update_fields=UPDATED_FIELDS,
        )
    updated = len(existing)
    return LoadResult(created=len(visits) - updated, updated=updated), errors


def _existing_keys(keys: list[tuple[int, str]]) -> set[tuple[int, str]]:
    found: set[tuple[int, str]] = set()
    by_unit: dict[int, list[str]] = {}
    for unit_id, ref in keys:
        by_unit.setdefault(unit_id, []).append(ref)
    for unit_id, refs in by_unit.items():
        for start in range(0, len(refs), BATCH):
            found.update(
                Visit.objects.filter(Q(unit_id=unit_id) & Q(ref__in=refs[start : start + BATCH])).values_list(
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
    )
)
