"""Sums of the figures every app's statistics are made of: frozen dataclasses of counts."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from dataclasses import fields, replace
from typing import Any, TypeVar

from .selectors import ancestor_paths

T = TypeVar("T")


def add_counts(a: T, b: T) -> T:
    """`a` and `b` (frozen dataclasses of one type) added field by field: integers are summed,
    tuples of integers (figures by month) position by position; any other field keeps `a`'s
    value (the level, the kind)."""
    changes: dict[str, Any] = {}
    for field in fields(a):  # type: ignore[arg-type]
        x, y = getattr(a, field.name), getattr(b, field.name)
        if isinstance(x, int) and not isinstance(x, bool):
            changes[field.name] = x + y
        elif isinstance(x, tuple) and all(isinstance(v, int) for v in x):
            changes[field.name] = tuple(p + q for p, q in zip(x, y, strict=True))
    return replace(a, **changes)  # type: ignore[type-var]


def roll_up(
    rows: Iterable[T], *, path_of: Callable[[T], str], key: Callable[[T], Hashable], start: Callable[[T], T]
) -> dict[str, list[T]]:
    """Rows of figures grouped by unit, rolled up along the unit tree: for the path of every
    unit and of every unit above it, one sum per `key` (level and kind, say), in key order.
    `start(row)` is the first row of a sum, with the unit's own fields cleared."""
    rolled: dict[str, dict[Hashable, T]] = {}
    for row in rows:
        for path in ancestor_paths(path_of(row)):
            sums = rolled.setdefault(path, {})
            k = key(row)
            sums[k] = add_counts(sums[k], row) if k in sums else start(row)
    return {path: [sums[k] for k in sorted(sums)] for path, sums in rolled.items()}  # type: ignore[type-var]
