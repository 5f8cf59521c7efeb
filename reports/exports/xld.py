"""Petition handling: 02/XLD (01/XLD of TT 02/2021) (LEGAL.md §3.1)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .common import Header, Row, label, unit_rows


def xld_rows(figures: Mapping[str, Any], children: Sequence[Mapping[str, Any]]) -> list[Row]:
    rows: list[Row] = []
    for r in unit_rows(figures, children):
        p = r["petitions"]
        kinds, outcomes = p["by_kind"], p.get("by_outcome", {})
        rows.append(
            (
                label(r, figures),
                [
                    p["received"],
                    p["resolved"],
                    p["in_progress"],
                    kinds["complaint"],
                    kinds["denunciation"],
                    kinds["recommendation"] + kinds["feedback"],
                    p.get("competent"),
                    outcomes.get("guided"),
                    outcomes.get("transferred"),
                    outcomes.get("urged"),
                    p["crowd_over_level"],
                    p["received_previous"],
                    p["change_pct"],
                ],
            )
        )
    return rows


XLD_HEADERS: list[Header] = [
    ("", "Tổng số đơn tiếp nhận trong kỳ"),
    ("", "Số đơn đã xử lý, giải quyết"),
    ("", "Số đơn đang giải quyết (chuyển kỳ sau)"),
    ("Phân loại theo nội dung", "Khiếu nại"),
    ("Phân loại theo nội dung", "Tố cáo"),
    ("Phân loại theo nội dung", "Kiến nghị, phản ánh"),
    ("Kết quả xử lý", "Thuộc thẩm quyền"),
    ("Không thuộc thẩm quyền", "Hướng dẫn"),
    ("Không thuộc thẩm quyền", "Chuyển đơn"),
    ("Không thuộc thẩm quyền", "Đôn đốc giải quyết"),
    ("", "Đơn đông người vượt cấp"),
    ("", "Cùng kỳ năm trước: số đơn"),
    ("", "Tăng (+), giảm (−) so với cùng kỳ (%)"),
]
