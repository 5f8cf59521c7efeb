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


def _field(group: str, *fields: str) -> Any:
    return lambda f: sum(f[f"xld_{group}_field_{name}"] for name in fields)


ADMIN = "Lĩnh vực: hành chính"
FIELD = "Lĩnh vực"
STATE = "Theo tình trạng giải quyết"


def _not_resolved(group: str, *others: str) -> Any:
    """Eligible, less those resolved once or more and `others` (0 in a version compiled before
    they were kept)."""
    return lambda f: minus(
        f[f"xld_{group}_eligible"],
        f[f"xld_{group}_resolved_once"],
        f[f"xld_{group}_resolved_many"],
        *(f.get(f"xld_{group}_{name}", 0) for name in others),
    )


# 02/XLD of TT 02/2021: complaints, by field.
XLD_COMPLAINT_COLUMNS: list[Column] = [
    *_skeleton("complaint"),
    (ADMIN, "Chế độ, chính sách", _field("complaint", "admin_policy")),
    (ADMIN, "Đất đai, nhà cửa", _field("complaint", "admin_land")),
    (ADMIN, "Khác", _field("complaint", "admin_other", "admin_civil_service")),
    (FIELD, "Tư pháp", _field("complaint", "judicial")),
    (FIELD, "Đảng, đoàn thể", _field("complaint", "party")),
    (FIELD, "Khác", _field("complaint", "other", "corruption")),
    (STATE, "Đã được giải quyết lần đầu", _get("complaint", "resolved_once")),
    (STATE, "Đã được giải quyết lần 2", _get("complaint", "resolved_many")),
    # absent from a version compiled before it was kept
    (STATE, "Đã có bản án", lambda f: f.get("xld_complaint_court_judgment")),
    (STATE, "Chưa được giải quyết xong", _not_resolved("complaint", "court_judgment")),
    (COMPETENT, "Tổng số", _get("complaint", "competent")),
    (COMPETENT, "Khiếu nại lần đầu", _get("complaint", "competent_first")),
    (COMPETENT, "Khiếu nại lần 2", _get("complaint", "competent_second")),
    *_not_competent("complaint"),
]

# 03/XLD of TT 02/2021: denunciations, by field.
XLD_DENUNCIATION_COLUMNS: list[Column] = [
    *_skeleton("denunciation"),
    (ADMIN, "Chế độ, chính sách", _field("denunciation", "admin_policy")),
    (ADMIN, "Đất đai, nhà cửa", _field("denunciation", "admin_land")),
    (ADMIN, "Công chức, công vụ", _field("denunciation", "admin_civil_service")),
    (ADMIN, "Khác", _field("denunciation", "admin_other")),
    (FIELD, "Tham nhũng", _field("denunciation", "corruption")),
    (FIELD, "Tư pháp", _field("denunciation", "judicial")),
    (FIELD, "Đảng, đoàn thể", _field("denunciation", "party")),
    (FIELD, "Khác", _field("denunciation", "other")),
    (STATE, "Quá hạn chưa được giải quyết", _get("denunciation", "overdue_before")),
    (
        STATE,
        "Đã có kết luận giải quyết (tố cáo tiếp)",
        lambda f: f["xld_denunciation_resolved_once"] + f["xld_denunciation_resolved_many"],
    ),
    (COMPETENT, "Tổng số", _get("denunciation", "competent")),
    (
        COMPETENT,
        "Tố cáo lần đầu",
        lambda f: minus(f["xld_denunciation_competent"], f["xld_denunciation_competent_follow_up"]),
    ),
    (COMPETENT, "Tố cáo tiếp", _get("denunciation", "competent_follow_up")),
    *_not_competent("denunciation"),
]

# 04/XLD of TT 02/2021: recommendations and feedback, by content.
XLD_KN_PA_COLUMNS: list[Column] = [
    *_skeleton("kn_pa"),
    ("Theo nội dung", "Chế độ, chính sách", _field("kn_pa", "admin_policy")),
    ("Theo nội dung", "Đất đai", _field("kn_pa", "admin_land")),
    ("Theo nội dung", "Tư pháp", _field("kn_pa", "judicial")),
    (
        "Theo nội dung",
        "Khác",
        _field("kn_pa", "admin_other", "admin_civil_service", "corruption", "party", "other"),
    ),
    (COMPETENT, "Tổng số", _get("kn_pa", "competent")),
    (COMPETENT, "Đã giải quyết", _get("kn_pa", "competent_resolved")),
    (
        COMPETENT,
        "Chưa giải quyết",
        lambda f: minus(f["xld_kn_pa_competent"], f["xld_kn_pa_competent_resolved"]),
    ),
    *_not_competent("kn_pa"),
]


def xld_kind_rows(columns: list[Column]) -> Any:
    def rows(figures: Mapping[str, Any], children: Sequence[Mapping[str, Any]]) -> list[Row]:
        return petition_form_rows(figures, children, columns)

    return rows
