"""One-stop dossiers: 06/VPCP/KSTT (TT 01/2020/TT-VPCP, LEGAL.md §3.2), rows by level, each
followed by its fields (lĩnh vực: the field of the dossiers' procedure), then the units below."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..documents import by_name
from .common import Header, Row, level_label, sum_levels

NO_FIELD = "chưa ghi lĩnh vực"


def field_label(name: str) -> str:
    """A field's row under its level (TT 01/2020: rows by level × lĩnh vực)."""
    return f"Lĩnh vực {name}" if name else f"Thủ tục {NO_FIELD}"


def vpcp_rows(figures: Mapping[str, Any], children: Sequence[Mapping[str, Any]]) -> list[Row]:
    def values(e: Mapping[str, Any]) -> list[int | float | None]:
        overdue = e.get("in_progress_overdue")
        early = e.get("early")
        return [
            e["to_resolve"],
            e["online"],
            e["received"] - e["online"],
            e["carried_over"],
            e["resolved"],
            early,
            None if early is None else e["on_time"] - early,
            e["late"],
            e["in_progress"],
            None if overdue is None else e["in_progress"] - overdue,
            overdue,
            e["on_time_pct"],
        ]

    rows: list[Row] = []
    fields = (figures.get("forms") or {}).get("dossier_fields") or []
    for e in figures["dossiers"]["levels"]:
        rows.append((level_label(figures, e), values(e)))
        rows += [(field_label(f["field"]), values(f)) for f in fields if f["level"] == e["level"]]
    for r in by_name(children):
        levels = r["dossiers"]["levels"]
        for e in levels:
            suffix = "" if len(levels) == 1 else f" ({level_label(r, e)})"
            rows.append((f"– {r['unit']['name']}{suffix}", values(e)))
    total = sum_levels(figures["dossiers"]["levels"])
    if total:
        rows.append(("Tổng cộng", values(total)))
    return rows


VPCP_HEADERS: list[Header] = [
    ("Số hồ sơ nhận giải quyết", "Tổng số"),
    ("Số hồ sơ nhận giải quyết", "Trong kỳ: trực tuyến"),
    ("Số hồ sơ nhận giải quyết", "Trong kỳ: trực tiếp, dịch vụ bưu chính"),
    ("Số hồ sơ nhận giải quyết", "Từ kỳ trước chuyển sang"),
    ("Số hồ sơ đã giải quyết", "Tổng số"),
    ("Số hồ sơ đã giải quyết", "Trước hạn"),
    ("Số hồ sơ đã giải quyết", "Đúng hạn"),
    ("Số hồ sơ đã giải quyết", "Quá hạn"),
    ("Số hồ sơ đang giải quyết", "Tổng số"),
    ("Số hồ sơ đang giải quyết", "Trong hạn"),
    ("Số hồ sơ đang giải quyết", "Quá hạn"),
    ("", "Tỷ lệ giải quyết đúng hạn (%)"),
]
