"""The dossier import's COPY path (`adminreform.fastpath.dossier_upsert_copy`, PostgreSQL) writes
exactly the rows of its ORM twin (`dossier_upsert_orm`): every field of a new row (the staged
values, the handling unit they imply, and the model's defaults for the rest), the
contract fields it updates in an existing row and those it leaves alone there (a dossier received
at the counter keeps its applicant, version and assignee), and the same count of new rows — on
refs that COPY's text format would misread if they were not escaped."""

from datetime import date, datetime

import pytest
from django.db import transaction
from django.utils import timezone

from adminreform.fastpath import Record, dossier_upsert_copy, dossier_upsert_orm
from adminreform.models import Dossier
from core.models import DeadlineRule
from tests.adminreform.factories import DossierFactory, ProcedureFactory

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]
SKIPPED = {"id", "created_at", "updated_at"}


def _records(commune, other_commune, procedure_id: int, rule_id: int) -> list[Record]:
    refs = ["HS-1", "HS\\2", "HS\t3", "\\N", "HS 5\n", "HS-6"]
    records: list[Record] = []
    for i, ref in enumerate(refs):
        unit = commune if i % 2 else other_commune
        resolved = date(2026, 3, 10 + i) if i % 3 else None
        status = "returned" if resolved else "received"
        records.append(
            (
                unit.pk,
                ref,
                date(2026, 3, 2 + i),
                procedure_id if i % 2 else None,
                ["counter", "online", "post"][i % 3],
                date(2026, 3, 9 + i),
                rule_id if i % 2 else None,
                resolved,
                "granted",
                status,
                timezone.make_aware(datetime(2026, 3, 2 + i, 16, 5)) if i % 2 else None,
                date(2026, 3, 3 + i) if i % 2 else date(2026, 3, 2 + i),
            )
        )
    return records


def _rows() -> dict[tuple[int, str], dict[str, object]]:
    fields = [f.attname for f in Dossier._meta.concrete_fields if f.attname not in SKIPPED]
    return {(d.unit_id, d.ref): {name: getattr(d, name) for name in fields} for d in Dossier.objects.all()}


def _through(upsert, first: list[Record], second: list[Record]):
    """Both imports through one path, the rows they leave, and then nothing of it."""
    with transaction.atomic():
        counts = (upsert(first), upsert(second))
        rows = _rows()
        transaction.set_rollback(True)
    return counts, rows


def test_the_copy_path_writes_the_rows_of_its_orm_twin(commune, other_commune, officer):
    procedure = ProcedureFactory(code="KS")
    rule_id = DeadlineRule.objects.get(code="dossier.resolve").pk
    # a dossier received at the counter that the second file also lists, with other dates
    counter = DossierFactory(unit=commune, ref="QUAY-1", procedure=procedure, received_on=date(2026, 3, 2))
    Dossier.objects.filter(pk=counter.pk).update(version=3, assignee=officer, status="in_processing")
    first = _records(commune, other_commune, procedure.pk, rule_id)
    changed = [(*r[:5], date(2026, 4, 1), *r[6:]) for r in first[:3]]  # a new due date
    again = first[3:]  # unchanged
    listed = (commune.pk, "QUAY-1", date(2026, 3, 2), procedure.pk, "counter", date(2026, 3, 20), None, None, "granted")
    second = [*changed, *again, (*listed, "received", None, date(2026, 3, 2)), (commune.pk, "MOI-1", *first[0][2:])]

    copied = _through(dossier_upsert_copy, first, second)
    reference = _through(dossier_upsert_orm, first, second)

    assert copied == reference
    (new_first, new_second), rows = copied
    assert (new_first, new_second) == (6, 1)
    kept = rows[(commune.pk, "QUAY-1")]
    assert (kept["version"], kept["assignee_id"], kept["applicant_name"]) == (3, officer.pk, counter.applicant_name)
    assert kept["due_on"] == date(2026, 3, 20)
    new = rows[(commune.pk, "HS\\2")]
    assert (new["version"], new["handling_unit_id"]) == (1, commune.pk)
    # received at 16:05: the time is kept and the clock starts the next day
    assert (new["received_at"], new["clock_started_on"]) == (
        timezone.make_aware(datetime(2026, 3, 3, 16, 5)),
        date(2026, 3, 4),
    )
    assert (new["supplement_missing"], new["applicant_id_number"], new["lookup_pin_digest"]) == ([], "", "")
