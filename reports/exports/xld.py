"""Petition handling (LEGAL.md §3.1): 02/XLD of TT 06/2025 (01/XLD of TT 02/2021), every
petition, and its breakdowns by kind with the field (lĩnh vực): complaints (02/XLD of TT
02/2021), denunciations (03/XLD) and recommendations and feedback (04/XLD). Figures from
`petitions.forms` (petitions.formstats says how each is counted)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .common import Column, Row, Value, headers_of, minus, petition_form_rows

TOTAL = "Tổng số đơn phải xử lý"
COMPETENT = "Kết quả xử lý: thuộc thẩm quyền"
NOT_COMPETENT = "Kết quả xử lý: không thuộc thẩm quyền"
REPLIES = "Số văn bản phúc đáp nhận được do chuyển đơn"


def _get(group: str, name: str) -> Any:
    return lambda f: f[f"xld_{group}_{name}"]


def _skeleton(group: str) -> list[Column]:
    """The columns every XLD form opens with: petitions to process and their processing."""

    def total(f: Mapping[str, int]) -> Value:
        return f[f"xld_{group}_carried"] + f[f"xld_{group}_received"]

    return [
        (TOTAL, "Tổng số", total),
        (TOTAL, "Kỳ trước chuyển sang", _get(group, "carried")),
        (TOTAL, "Tiếp nhận trong kỳ", _get(group, "received")),
        ("", "Số đơn đã xử lý", _get(group, "processed")),
        ("", "Số đơn chưa xử lý (chuyển kỳ sau)", lambda f: minus(total(f), f[f"xld_{group}_processed"])),
        ("Đủ điều kiện xử lý", "Số đơn", _get(group, "eligible")),
        ("Đủ điều kiện xử lý", "Số vụ việc", _get(group, "eligible_cases")),
    ]


def _not_competent(group: str) -> list[Column]:
    return [
        (NOT_COMPETENT, "Tổng số", _get(group, "incompetent")),
        (NOT_COMPETENT, "Hướng dẫn", _get(group, "guided")),
        (NOT_COMPETENT, "Chuyển đơn", _get(group, "transferred")),
        (NOT_COMPETENT, "Đôn đốc giải quyết", _get(group, "urged")),
        ("", REPLIES, _get(group, "replies")),
    ]


def _kn_pa(f: Mapping[str, int], name: str) -> int:
    return f[f"{name}_recommendation"] + f[f"{name}_feedback"]


# 01/XLD (TT 02/2021), 02/XLD (TT 06/2025): 22 columns.
XLD_COLUMNS: list[Column] = [
    *_skeleton("all"),
    ("Phân loại theo nội dung", "Khiếu nại", _get("all", "eligible_complaint")),
    ("Phân loại theo nội dung", "Tố cáo", _get("all", "eligible_denunciation")),
    ("Phân loại theo nội dung", "Kiến nghị, phản ánh", lambda f: _kn_pa(f, "xld_all_eligible")),
    ("Theo tình trạng giải quyết", "Đã được giải quyết lần đầu", _get("all", "resolved_once")),
    ("Theo tình trạng giải quyết", "Đã được giải quyết nhiều lần", _get("all", "resolved_many")),
    (
        "Theo tình trạng giải quyết",
        "Chưa được giải quyết",
        lambda f: minus(f["xld_all_eligible"], f["xld_all_resolved_once"], f["xld_all_resolved_many"]),
    ),
    (COMPETENT, "Tổng số", _get("all", "competent")),
    (COMPETENT, "Khiếu nại", _get("complaint", "competent")),
    (COMPETENT, "Tố cáo", _get("denunciation", "competent")),
    (COMPETENT, "Kiến nghị, phản ánh", _get("kn_pa", "competent")),
    *_not_competent("all"),
]
XLD_HEADERS = headers_of(XLD_COLUMNS)


def xld_rows(figures: Mapping[str, Any], children: Sequence[Mapping[str, Any]]) -> list[Row]:
    return petition_form_rows(figures, children, XLD_COLUMNS)
