"""Builders for report fixtures: many rows of the minimal contract models in bulk."""

from __future__ import annotations

import itertools
from datetime import date

from adminreform.models import Dossier, DossierChannel
from core.models import Unit, UnitKind, UnitLevel
from petitions.models import Case, Petition
from reception.models import ReceivedBy, Visit
from tests.factories import UnitFactory

_refs = itertools.count(1)


def ref(prefix: str) -> str:
    return f"{prefix}-{next(_refs):07d}"


def unit(code: str, name: str, *, level: str, kind: str = "", parent: Unit | None = None) -> Unit:
    return UnitFactory(code=code, name=name, level=level, kind=kind, parent=parent)


def city_tree() -> tuple[Unit, Unit, Unit, Unit]:
    """A city, an urban district with one ward, and a rural district: (city, district, ward, other)."""
    city = unit("T01", "Thành phố Thử", level=UnitLevel.PROVINCE, kind=UnitKind.CENTRAL_CITY)
    district = unit("T011", "Quận Một", level=UnitLevel.DISTRICT, kind=UnitKind.URBAN_DISTRICT, parent=city)
    ward = unit("T0111", "Phường Một", level=UnitLevel.COMMUNE, kind=UnitKind.WARD, parent=district)
    other = unit("T012", "Huyện Hai", level=UnitLevel.DISTRICT, kind=UnitKind.RURAL_DISTRICT, parent=city)
    return city, district, ward, other


def spread(total: int, units: list[Unit]) -> list[tuple[Unit, int]]:
    """`total` split as evenly as possible over `units` (the first ones get one more)."""
    share, rest = divmod(total, len(units))
    return [(u, share + (1 if i < rest else 0)) for i, u in enumerate(units)]


def visits(
    target: Unit | list[Unit],
    n: int,
    *,
    on: date,
    received_by: str = ReceivedBy.STAFF,
    people: int = 1,
    repeat: bool = False,
) -> list[Visit]:
    units = target if isinstance(target, list) else [target]
    return [
        Visit(unit=u, ref=ref("TCD"), received_on=on, received_by=received_by, people=people, repeat=repeat)
        for u, k in spread(n, units)
        for _ in range(k)
    ]


def petitions(
    target: Unit | list[Unit],
    n: int,
    *,
    on: date,
    kind: str = "recommendation",
    resolved_on: date | None = None,
    signers: int = 1,
    over_level: bool = False,
    outcome: str = "",
    competent: bool | None = None,
    case: Case | None = None,
) -> list[Petition]:
    units = target if isinstance(target, list) else [target]
    return [
        Petition(
            unit=u,
            ref=ref("DON"),
            received_on=on,
            kind=kind,
            resolved_on=resolved_on,
            signers=signers,
            over_level=over_level,
            outcome=outcome,
            competent=competent,
            case=case,
        )
        for u, k in spread(n, units)
        for _ in range(k)
    ]


def dossiers(
    target: Unit | list[Unit],
    n: int,
    *,
    on: date,
    due: date,
    resolved_on: date | None = None,
    channel: str = DossierChannel.COUNTER,
) -> list[Dossier]:
    units = target if isinstance(target, list) else [target]
    return [
        Dossier(unit=u, ref=ref("HS"), received_on=on, due_on=due, resolved_on=resolved_on, channel=channel)
        for u, k in spread(n, units)
        for _ in range(k)
    ]


def save(*batches: list) -> None:
    """bulk_create every batch (lists of unsaved rows of one model each)."""
    for batch in batches:
        if batch:
            type(batch[0]).objects.bulk_create(batch, batch_size=5000)


__all__ = ["UnitKind", "UnitLevel", "dossiers", "petitions", "ref", "save", "spread", "unit", "visits"]
