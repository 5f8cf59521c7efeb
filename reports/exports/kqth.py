"""Carrying out decisions and conclusions (LEGAL.md §3.1): 05/KQTH of TT 06/2025, as 02/KQGQ
(decisions on complaints) and 04/KQGQ (conclusions on denunciations) of TT 02/2021. What the
decisions require beside what has been carried out; figures from `petitions.forms`
(petitions.formstats `_to_carry_out` says which decisions count)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .common import Column, Row, headers_of, petition_form_rows

MONEY = "Tiền (triệu đồng)"
LAND = "Đất (m²)"
OFFICIALS = "Trong đó: cán bộ, công chức, viên chức"


def _get(kind: str, name: str) -> Any:
    """A figure absent from a version compiled before they were kept: no value."""
    return lambda f: f.get(f"kq_{kind}_{name}")


def _money(kind: str, name: str) -> Any:
    """A sum in đồng, shown in million đồng (triệu đồng) as the forms do."""
    return lambda f: None if f.get(f"kq_{kind}_{name}") is None else round(f[f"kq_{kind}_{name}"] / 1_000_000, 3)


def _amounts(kind: str, group: str, verb: str, required: str, done: str) -> list[Column]:
    """`group: phải …` the money and land the decisions require, then `group: đã …` carried out."""
    return [
        (f"{group}: phải {verb}", MONEY, _money(kind, f"required_{required}_money")),
        (f"{group}: phải {verb}", LAND, _get(kind, f"required_{required}_land_m2")),
        (f"{group}: đã {verb}", MONEY, _money(kind, f"done_{done}_money")),
        (f"{group}: đã {verb}", LAND, _get(kind, f"done_{done}_land_m2")),
    ]


def _columns(kind: str, decisions: str) -> list[Column]:
    return [
        ("", f"Tổng số {decisions} phải thực hiện", _get(kind, "to_carry_out")),
        ("", f"Số {decisions} đã thực hiện xong", _get(kind, "carried_out")),
        *_amounts(kind, "Thu hồi cho Nhà nước", "thu", "recover", "recovered"),
        *_amounts(kind, "Trả lại cho tổ chức", "trả", "return_org", "returned_org"),
        *_amounts(kind, "Trả lại cho cá nhân", "trả", "return_ind", "returned_ind"),
        ("Đã xử lý hành chính", "Số người", _get(kind, "done_handled_people")),
        ("Đã xử lý hành chính", OFFICIALS, _get(kind, "done_handled_officials")),
        ("Đã khởi tố", "Số vụ", _get(kind, "done_prosecuted_cases")),
        ("Đã khởi tố", "Số người", _get(kind, "done_prosecuted_people")),
        ("Đã khởi tố", OFFICIALS, _get(kind, "done_prosecuted_officials")),
    ]


# 02/KQGQ (TT 02/2021), 05/KQTH (TT 06/2025) for decisions on complaints: 19 columns.
KQTH_COMPLAINT_COLUMNS = _columns("complaint", "quyết định")
# 04/KQGQ (TT 02/2021), 05/KQTH (TT 06/2025) for conclusions on denunciations: 19 columns.
KQTH_DENUNCIATION_COLUMNS = _columns("denunciation", "kết luận")
KQTH_COMPLAINT_HEADERS = headers_of(KQTH_COMPLAINT_COLUMNS)
KQTH_DENUNCIATION_HEADERS = headers_of(KQTH_DENUNCIATION_COLUMNS)


def kqth_complaint_rows(figures: Mapping[str, Any], children: Sequence[Mapping[str, Any]]) -> list[Row]:
    return petition_form_rows(figures, children, KQTH_COMPLAINT_COLUMNS)


def kqth_denunciation_rows(figures: Mapping[str, Any], children: Sequence[Mapping[str, Any]]) -> list[Row]:
    return petition_form_rows(figures, children, KQTH_DENUNCIATION_COLUMNS)
