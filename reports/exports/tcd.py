"""Citizen reception: 01/TCD (LEGAL.md §3.1)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .common import Header, Row, label, level_label, unit_rows


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
