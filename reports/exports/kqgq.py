"""Resolution of complaints and denunciations within competence (LEGAL.md §3.1): 03/GQKN and
04/GQTC of TT 06/2025 (01/KQGQ and 03/KQGQ of TT 02/2021). Figures from `petitions.forms`
(petitions.formstats says how each is counted)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .common import Column, Row, headers_of, minus, petition_form_rows

PETITIONS = "Đơn thuộc thẩm quyền"
RESOLVED = "Đã giải quyết"
TIME_LIMIT = "Chấp hành thời hạn giải quyết"


def _get(kind: str, name: str) -> Any:
    return lambda f: f[f"gq_{kind}_{name}"]


def _cases(kind: str, name: str) -> Any:
    return lambda f: f[f"gq_{kind}_{name}_cases"]


def _opt(kind: str, name: str) -> Any:
    """A decision figure: absent from a version compiled before they were kept."""
    return lambda f: f.get(f"gq_{kind}_{name}")


def _money(kind: str, name: str) -> Any:
    """A sum in đồng, shown in million đồng (triệu đồng) as the forms do."""
    return lambda f: None if f.get(f"gq_{kind}_{name}") is None else round(f[f"gq_{kind}_{name}"] / 1_000_000, 3)


def _decision_figures(kind: str) -> list[Column]:
    """What the decisions or conclusions recommend and return (their figures), summed."""
    return [
        ("Kiến nghị thu hồi cho Nhà nước", "Tiền (triệu đồng)", _money(kind, "recover_money")),
        ("Kiến nghị thu hồi cho Nhà nước", "Đất (m²)", _opt(kind, "recover_land_m2")),
        ("Trả lại cho tổ chức, cá nhân", "Tiền (triệu đồng)", _money(kind, "return_money")),
        ("Trả lại cho tổ chức, cá nhân", "Đất (m²)", _opt(kind, "return_land_m2")),
        (
            "Trả lại cho tổ chức, cá nhân",
            "Số tổ chức được trả lại quyền lợi",
            _opt(kind, "returned_organisations"),
        ),
        (
            "Trả lại cho tổ chức, cá nhân",
            "Số cá nhân được trả lại quyền lợi",
            _opt(kind, "returned_individuals"),
        ),
        ("Kiến nghị xử lý hành chính", "Tổng số người", _opt(kind, "handling_proposed_people")),
        (
            "Kiến nghị xử lý hành chính",
            "Trong đó: cán bộ, công chức, viên chức",
            _opt(kind, "handling_proposed_officials"),
        ),
        ("Chuyển cơ quan điều tra", "Số vụ", _opt(kind, "referred_cases")),
        ("Chuyển cơ quan điều tra", "Số người", _opt(kind, "referred_people")),
        (
            "Chuyển cơ quan điều tra",
            "Trong đó: cán bộ, công chức, viên chức",
            _opt(kind, "referred_officials"),
        ),
    ]


def _time_limit(kind: str) -> list[Column]:
    return [
        (TIME_LIMIT, "Đúng quy định", _cases(kind, "on_time")),
        (
            TIME_LIMIT,
            "Không đúng quy định",
            lambda f: minus(f[f"gq_{kind}_decided_cases"], f[f"gq_{kind}_on_time_cases"]),
        ),
    ]


def _petitions(kind: str) -> list[Column]:
    return [
        (PETITIONS, "Tổng số", _get(kind, "petitions")),
        (PETITIONS, "Kỳ trước chuyển sang", _get(kind, "carried")),
        (PETITIONS, "Tiếp nhận trong kỳ", _get(kind, "received")),
    ]


# 01/KQGQ (TT 02/2021), 03/GQKN (TT 06/2025): 25 columns.
GQKN_COLUMNS: list[Column] = [
    *_petitions("complaint"),
    ("", "Tổng số vụ việc", _cases("complaint", "cases")),
    (RESOLVED, "Tổng số", _cases("complaint", "resolved")),
    (RESOLVED, "Bằng quyết định hành chính", _cases("complaint", "decided")),
    (RESOLVED, "Rút đơn thông qua giải thích, thuyết phục", _cases("complaint", "withdrawn")),
    *_decision_figures("complaint"),
    ("Phân tích kết quả: giải quyết lần đầu", "Khiếu nại đúng", _cases("complaint", "correct")),
    ("Phân tích kết quả: giải quyết lần đầu", "Khiếu nại sai", _cases("complaint", "wrong")),
    ("Phân tích kết quả: giải quyết lần đầu", "Khiếu nại đúng một phần", _cases("complaint", "partly")),
    (
        "Phân tích kết quả: giải quyết lần 2",
        "Công nhận quyết định lần đầu",
        _opt("complaint", "recognised_cases"),
    ),
    (
        "Phân tích kết quả: giải quyết lần 2",
        "Hủy, sửa quyết định lần đầu",
        _opt("complaint", "annulled_amended_cases"),
    ),
    *_time_limit("complaint"),
]
GQKN_HEADERS = headers_of(GQKN_COLUMNS)


def _first(name: str) -> Any:
    return lambda f: minus(f[f"gq_denunciation_{name}_cases"], f[f"gq_denunciation_follow_up_{name}_cases"])


FIRST_TIME = "Phân tích kết quả: tố cáo lần đầu"
FOLLOW_UP = "Phân tích kết quả: tố cáo tiếp"
# 03/KQGQ (TT 02/2021), 04/GQTC (TT 06/2025): 29 columns.
GQTC_COLUMNS: list[Column] = [
    *_petitions("denunciation"),
    ("Vụ việc thuộc thẩm quyền", "Tổng số", _cases("denunciation", "cases")),
    ("Vụ việc thuộc thẩm quyền", "Trong đó: tố cáo tiếp", _cases("denunciation", "follow_up")),
    (RESOLVED, "Tổng số", _cases("denunciation", "resolved")),
    (RESOLVED, "Tố cáo lần đầu", _cases("denunciation", "first")),
    (RESOLVED, "Tố cáo tiếp", _cases("denunciation", "follow_up_decided")),
    (RESOLVED, "Rút toàn bộ nội dung tố cáo", _cases("denunciation", "withdrawn")),
    (RESOLVED, "Đình chỉ không do rút tố cáo", _cases("denunciation", "terminated")),
    *_decision_figures("denunciation"),
    (FIRST_TIME, "Tố cáo đúng", _first("correct")),
    (FIRST_TIME, "Tố cáo sai", _first("wrong")),
    (FIRST_TIME, "Tố cáo có đúng, có sai", _first("partly")),
    (FOLLOW_UP, "Tố cáo đúng", _cases("denunciation", "follow_up_correct")),
    (FOLLOW_UP, "Tố cáo sai", _cases("denunciation", "follow_up_wrong")),
    (FOLLOW_UP, "Tố cáo có đúng, có sai", _cases("denunciation", "follow_up_partly")),
    *_time_limit("denunciation"),
]
GQTC_HEADERS = headers_of(GQTC_COLUMNS)


def gqkn_rows(figures: Mapping[str, Any], children: Sequence[Mapping[str, Any]]) -> list[Row]:
    return petition_form_rows(figures, children, GQKN_COLUMNS)


def gqtc_rows(figures: Mapping[str, Any], children: Sequence[Mapping[str, Any]]) -> list[Row]:
    return petition_form_rows(figures, children, GQTC_COLUMNS)
