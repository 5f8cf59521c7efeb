"""What a caller may read through the API: every list and record goes through `in_scope`,
which limits it to the caller's subtrees (a key's unit, or the staff member's units)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from django.db.models import Model, Q, QuerySet

from core.models import Unit
from core.selectors import unit_subtree_q

M = TypeVar("M", bound=Model)


def unit_ids_under(paths: Sequence[str]) -> list[int]:
    """The ids of the units in the subtrees at `paths`: one indexed prefix query, so that the
    record queries filter on `unit_id IN (…)` and use their (unit, …) indexes."""
    return list(Unit.objects.filter(unit_subtree_q(paths, field="")).values_list("id", flat=True))


def in_scope(qs: QuerySet[M], *, paths: Sequence[str] | None, fields: Sequence[str] = ("unit",)) -> QuerySet[M]:
    """`qs` limited to the rows whose unit (any of `fields`) lies under `paths`; None: all."""
    if paths is None:
        return qs
    ids = unit_ids_under(paths)
    condition = Q(pk__in=[])
    for field in fields:
        condition |= Q(**{f"{field}_id__in": ids})
    return qs.filter(condition)
