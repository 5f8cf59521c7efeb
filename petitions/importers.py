"""`import_records petitions FILE`: petition registers, exactly as CONTRACTS.md defines them.

Bulk and idempotent: rows are upserted on (unit, ref) in batches; cases come from
`case_ref` (one case per unit and case_ref); only newly created petitions get an
IMPORTED event, so importing a file twice changes nothing."""

from __future__ import annotations

from datetime import date

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

from .models import OUTCOME_STATUS, Case, Channel, Outcome, Petition, PetitionEvent, PetitionStatus
from .text import fold

BATCH = 2000
UPDATE_FIELDS = [
    "received_on", "kind", "channel", "signers", "anonymous", "over_level", "outcome", "competent", "case",
    "resolved_on", "subject", "status", "search_text",
]  # fmt: skip

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
        key = (v["unit_code"], v["ref"])
        if key in seen:
            row_errors.append(RowError(row.line, "ref", f"repeats line {seen[key]} for the same unit"))
        else:
            seen[key] = row.line
        errors.extend(row_errors)
        if not row_errors:
            good.append(row)
    return good, errors


def _cases(rows: list[ParsedRow], units: dict[str, int]) -> dict[tuple[int, str], int]:
    wanted: dict[tuple[int, str], ParsedRow] = {}
    for row in rows:
        if row.values["case_ref"]:
            wanted.setdefault((units[row.values["unit_code"]], row.values["case_ref"]), row)
    if not wanted:
        return {}
    Case.objects.bulk_create(
        [
            Case(unit_id=unit_id, ref=ref, kind=row.values["kind"], subject=row.values["subject"])
            for (unit_id, ref), row in wanted.items()
        ],
        ignore_conflicts=True,
        batch_size=BATCH,
    )
    found: dict[tuple[int, str], int] = {}
    keys = list(wanted)
    for i in range(0, len(keys), 500):
        chunk = keys[i : i + 500]
        q = Q(pk__in=[])
        for unit_id, ref in chunk:
            q |= Q(unit_id=unit_id, ref=ref)
        found.update({(u, r): pk for pk, u, r in Case.objects.filter(q).values_list("pk", "unit_id", "ref")})
    return found


def load(rows: list[ParsedRow], skip_invalid: bool) -> tuple[LoadResult, list[RowError]]:
    units = unit_ids_by_code(r.values["unit_code"] for r in rows)
    good, errors = _check(rows, units)
    if errors and not skip_invalid:
        return LoadResult(), errors
    cases = _cases(good, units)
    existing: set[tuple[int, str]] = set()
    by_unit: dict[int, list[str]] = {}
    for row in good:
        by_unit.setdefault(units[row.values["unit_code"]], []).append(row.values["ref"])
    for unit_id, refs in by_unit.items():
        for i in range(0, len(refs), BATCH):
            existing.update(
                Petition.objects.filter(unit_id=unit_id, ref__in=refs[i : i + BATCH]).values_list("unit_id", "ref")
            )
    petitions = []
    for row in good:
        v = row.values
        unit_id = units[v["unit_code"]]
        petitions.append(
            Petition(
                unit_id=unit_id,
                ref=v["ref"],
                received_on=v["received_on"],
                kind=v["kind"],
                channel=v["channel"],
                signers=v["signers"],
                anonymous=v["anonymous"],
                over_level=v["over_level"],
                outcome=v["outcome"],
                competent=v["competent"],
                case_id=cases.get((unit_id, v["case_ref"])) if v["case_ref"] else None,
                resolved_on=v["resolved_on"],
                subject=v["subject"],
                status=status_for(v["outcome"], v["resolved_on"]),
                search_text=fold(f"{v['ref']} {v['subject']}"),
                source="import",
            )
        )
    Petition.objects.bulk_create(
        petitions, batch_size=BATCH, update_conflicts=True, unique_fields=["unit", "ref"], update_fields=UPDATE_FIELDS
    )
    new_keys = [(p.unit_id, p.ref) for p in petitions if (p.unit_id, p.ref) not in existing]
    if new_keys:
        ids: list[int] = []
        new_by_unit: dict[int, list[str]] = {}
        for unit_id, ref in new_keys:
            new_by_unit.setdefault(unit_id, []).append(ref)
        for unit_id, refs in new_by_unit.items():
            for i in range(0, len(refs), BATCH):
                ids.extend(
                    Petition.objects.filter(unit_id=unit_id, ref__in=refs[i : i + BATCH]).values_list("pk", flat=True)
                )
        PetitionEvent.objects.bulk_create(
            [PetitionEvent(petition_id=pk, kind=PetitionEvent.Kind.IMPORTED, data={"source": "import"}) for pk in ids],
            batch_size=BATCH,
        )
    created = len(new_keys)
    return LoadResult(created=created, updated=len(petitions) - created), errors


register_importer(ImportSpec(kind="petitions", columns=COLUMNS, load=load))
