"""Exports of a compiled report: XLSX in the shape of the official forms, PDF, CSV."""

from __future__ import annotations

from typing import Any


def render_export(figures: dict[str, Any], fmt: str) -> bytes:
    raise NotImplementedError(fmt)
