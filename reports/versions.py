"""Differences between two compilations of the same report. Pure functions."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

SKIPPED = {"summary", "trend", "unit", "kinds"}


@dataclass(frozen=True)
class Difference:
    key: str
    before: Any
    after: Any


def flatten(figures: Mapping[str, Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    """('dossiers.district.resolved', 5903)…; list entries keyed by their level."""
    for key, value in figures.items():
        if key in SKIPPED:
            continue
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            yield from flatten(value, name + ".")
        elif isinstance(value, list):
            for entry in value:
                if isinstance(entry, Mapping) and "level" in entry:
                    yield from flatten({k: v for k, v in entry.items() if k != "level"}, f"{name}.{entry['level']}.")
        else:
            yield name, value


def report_differences(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[Difference]:
    old, new = dict(flatten(before)), dict(flatten(after))
    keys = [k for k in new if k not in old] + [k for k in old]
    seen: list[Difference] = []
    for key in dict.fromkeys(sorted(keys)):
        if old.get(key) != new.get(key):
            seen.append(Difference(key=key, before=old.get(key), after=new.get(key)))
    return seen
