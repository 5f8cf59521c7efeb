"""Resolution of complaints and denunciations: 03/GQKN and 04/GQTC (01/KQGQ, 03/KQGQ of TT 02/2021)
(LEGAL.md §3.1)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .common import Header, Row, label, unit_rows


def kqgq_rows(figures: Mapping[str, Any], children: Sequence[Mapping[str, Any]], key: str) -> list[Row]:
    rows: list[Row] = []
    for r in unit_rows(figures, children):
        cases = r["petitions"].get(key) or {}
        to_resolve, resolved = cases.get("to_resolve"), cases.get("resolved")
        decided, withdrawn = cases.get("decided"), cases.get("withdrawn")
        on_time, upheld = cases.get("on_time"), cases.get("upheld")

        def minus(a: int | None, *b: int | None) -> int | None:
            return None if a is None or any(x is None for x in b) else a - sum(x for x in b if x is not None)

        rows.append(
            (
                label(r, figures),
                [
                    to_resolve,
                    resolved,
                    decided,
                    withdrawn,
                    minus(resolved, decided, withdrawn),
                    minus(to_resolve, resolved),
                    upheld,
                    minus(decided, upheld),
                    on_time,
                    minus(decided, on_time),
                    cases.get("resolved_pct"),
                ],
            )
        )
    return rows


KQGQ_HEADERS: list[Header] = [
    ("", "Tổng số vụ việc thuộc thẩm quyền phải giải quyết"),
    ("Đã giải quyết", "Tổng số"),
    ("Đã giải quyết", "Bằng quyết định, kết luận"),
    ("Đã giải quyết", "Rút toàn bộ"),
    ("Đã giải quyết", "Đình chỉ không do rút"),
    ("", "Số vụ việc đang giải quyết"),
    ("Phân tích kết quả (vụ việc)", "Đúng, đúng một phần"),
    ("Phân tích kết quả (vụ việc)", "Sai"),
    ("Chấp hành thời hạn giải quyết", "Đúng quy định"),
    ("Chấp hành thời hạn giải quyết", "Không đúng quy định"),
    ("", "Tỷ lệ giải quyết (%)"),
]
