"""The procedure catalogue (thủ tục hành chính): the rows of a catalogue file, written in bulk."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.contrib.auth.models import User
from django.db import transaction

from core.models import Unit

from ..models import Procedure, ProcedureDocument
from ..policies import POLICY
from ..text import fold


@dataclass(frozen=True)
class ProcedureRow:
    code: str
    name: str
    field: str
    level: str
    processing_days: int
    fee: int
    online_service: str
    valid_from: date | None
    valid_to: date | None
    documents: tuple[str, ...]


@transaction.atomic
def procedure_upsert_many(*, rows: Sequence[ProcedureRow], actor: User | None = None) -> tuple[int, int]:
    """Create or update the procedures of a catalogue file and replace their document lists.

    Returns (created, updated). Bulk writes: a few queries whatever the size. The catalogue
    is national: `actor` (None: the system) must be an administrator of a top unit."""
    if actor is not None:
        POLICY.authorize(actor=actor, action="catalogue_import", unit=list(Unit.objects.filter(parent__isnull=True)))
    codes = [r.code for r in rows]
    existing = set(Procedure.objects.filter(code__in=codes).values_list("code", flat=True))
    Procedure.objects.bulk_create(
        [
            Procedure(
                code=r.code,
                name=r.name,
                field=r.field,
                level=r.level,
                processing_days=r.processing_days,
                fee=r.fee,
                online_service=r.online_service,
                valid_from=r.valid_from,
                valid_to=r.valid_to,
                search_text=fold(f"{r.code} {r.name} {r.field}"),
            )
            for r in rows
        ],
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=[
            "name",
            "field",
            "level",
            "processing_days",
            "fee",
            "online_service",
            "valid_from",
            "valid_to",
            "search_text",
            "updated_at",
        ],
    )
    ids = dict(Procedure.objects.filter(code__in=codes).values_list("code", "id"))
    ProcedureDocument.objects.filter(procedure_id__in=ids.values()).delete()
    ProcedureDocument.objects.bulk_create(
        [
            ProcedureDocument(procedure_id=ids[r.code], position=i, name=name)
            for r in rows
            for i, name in enumerate(r.documents, start=1)
        ]
    )
    return len(set(codes) - existing), len(existing)
