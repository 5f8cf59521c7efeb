"""Citizen reception (LEGAL.md §3.1): 01/TCD, the reception itself, and 02/TCD, the petitions
received at the reception, classified and handled."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .common import Column, Header, Row, headers_of, label, level_label, petition_form_rows, unit_rows


def tcd_rows(figures: Mapping[str, Any], children: Sequence[Mapping[str, Any]]) -> list[Row]:
    def values(r: Mapping[str, Any]) -> list[int | float | None]:
        tcd = r.get("tcd")
        if not tcd:  # a report compiled before the form's figures were kept
            return [r["visits"], r["people"], *([None] * 27)]
        regular, head, delegated = tcd["regular"], tcd["head"], tcd["delegated"]

        def group(mode: Mapping[str, int]) -> list[int | float | None]:
            return [
                mode["visits"],
                mode["people"],
                mode["first"],
                mode["repeat"],
                mode["delegation_visits"],
                mode["delegation_people"],
                mode["delegation_first"],
                mode["delegation_repeat"],
            ]

        matters = sum(m["first"] + m["repeat"] for m in (regular, head, delegated))
        return [
            regular["visits"] + head["visits"] + delegated["visits"],
            regular["people"] + head["people"] + delegated["people"],
            matters,
            *group(regular),
            tcd["head_days"],
            *group(head),
            tcd["delegated_days"],
            *group(delegated),
        ]

    rows: list[Row] = [(level_label(figures, e), values(e)) for e in figures["reception"]["levels"]]
    rows += [(label(r, figures), values(r["reception"])) for r in unit_rows(figures, children)]
    return rows


def _tcd_group(group: str, with_days: bool) -> list[Header]:
    days: list[Header] = [(group, "Số kỳ tiếp")] if with_days else []
    return [
        *days,
        (group, "Số lượt"),
        (group, "Số người"),
        (group, "Vụ việc tiếp lần đầu"),
        (group, "Vụ việc tiếp nhiều lần"),
        (group, "Đoàn đông người: số đoàn"),
        (group, "Đoàn đông người: số người"),
        (group, "Đoàn đông người: vụ việc tiếp lần đầu"),
        (group, "Đoàn đông người: vụ việc tiếp nhiều lần"),
    ]


# LEGAL.md §3.1, 01/TCD: 29 columns. The head's periodic and ad-hoc reception (tiếp định kỳ và
# đột xuất) splits into the head in person and the delegated; their group names say both.
TCD_HEADERS: list[Header] = [
    ("", "Tổng số lượt tiếp"),
    ("", "Tổng số người được tiếp"),
    ("", "Tổng số vụ việc"),
    *_tcd_group("Tiếp thường xuyên", with_days=False),
    *_tcd_group("Tiếp định kỳ và đột xuất: Thủ trưởng tiếp", with_days=True),
    *_tcd_group("Tiếp định kỳ và đột xuất: Ủy quyền tiếp", with_days=True),
]


def _tcd(name: str) -> Any:
    return lambda f: f[f"tcd_{name}"]


def _by_kind(text: str, kinds: tuple[str, ...]) -> list[Column]:
    group = f"Phân loại theo nội dung: {text}"
    return [
        (group, "Số đơn", lambda f: sum(f[f"tcd_{k}"] for k in kinds)),
        (group, "Số vụ việc", lambda f: sum(f[f"tcd_{k}_cases"] for k in kinds)),
    ]


def _not_competent(unit: str, suffix: str) -> list[Column]:
    group = f"Phân loại theo thẩm quyền: không thuộc thẩm quyền ({unit})"
    return [
        (group, "Tổng số", _tcd(f"incompetent{suffix}")),
        (group, "Hướng dẫn", _tcd(f"guided{suffix}")),
        (group, "Chuyển đơn", _tcd(f"transferred{suffix}")),
        (group, "Đôn đốc giải quyết", _tcd(f"urged{suffix}")),
    ]


# 02/TCD (TT 02/2021): the petitions received in person at the reception; 19 columns of figures
# and the notes.
TCD2_COLUMNS: list[Column] = [
    ("", "Tổng số đơn nhận được qua tiếp công dân", _tcd("received")),
    ("", "Tổng số vụ việc được tiếp", _tcd("received_cases")),
    *_by_kind("khiếu nại", ("complaint",)),
    *_by_kind("tố cáo", ("denunciation",)),
    *_by_kind("kiến nghị, phản ánh", ("recommendation", "feedback")),
    ("Phân loại theo thẩm quyền: thuộc thẩm quyền", "Số đơn", _tcd("competent")),
    ("Phân loại theo thẩm quyền: thuộc thẩm quyền", "Số vụ việc", _tcd("competent_cases")),
    *_not_competent("số đơn", ""),
    *_not_competent("số vụ việc", "_cases"),
    ("", "Số văn bản phúc đáp nhận được do chuyển đơn", _tcd("replies")),
]
TCD2_HEADERS: list[Header] = [*headers_of(TCD2_COLUMNS), ("", "Ghi chú")]


def tcd2_rows(figures: Mapping[str, Any], children: Sequence[Mapping[str, Any]]) -> list[Row]:
    return [(name, [*values, None]) for name, values in petition_form_rows(figures, children, TCD2_COLUMNS)]
