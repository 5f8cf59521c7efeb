"""The tidy CSV: one row per unit × indicator."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from typing import Any

from core.exports import safe_row

from ..documents import by_name
from .common import sum_levels

# The indicators of the tidy CSV: machine name, Vietnamese name, path in the report.
INDICATORS: list[tuple[str, str, tuple[str, ...]]] = [
    ("reception.visits", "Lượt tiếp công dân", ("reception", "visits")),
    ("reception.people", "Người được tiếp", ("reception", "people")),
    ("reception.head_visits", "Lượt do thủ trưởng tiếp", ("reception", "head_visits")),
    ("reception.delegations", "Đoàn đông người", ("reception", "delegations")),
    ("reception.delegation_people", "Người trong đoàn đông người", ("reception", "delegation_people")),
    ("dialogues.conferences", "Hội nghị đối thoại", ("dialogues", "conferences")),
    ("dialogues.attendees", "Lượt người tham dự đối thoại", ("dialogues", "attendees")),
    ("petitions.received", "Đơn tiếp nhận", ("petitions", "received")),
    ("petitions.received_previous", "Đơn tiếp nhận cùng kỳ năm trước", ("petitions", "received_previous")),
    ("petitions.change_pct", "Tăng, giảm so với cùng kỳ (%)", ("petitions", "change_pct")),
    ("petitions.resolved", "Đơn đã giải quyết", ("petitions", "resolved")),
    ("petitions.in_progress", "Đơn đang giải quyết", ("petitions", "in_progress")),
    ("petitions.by_kind.complaint", "Đơn khiếu nại", ("petitions", "by_kind", "complaint")),
    ("petitions.by_kind.denunciation", "Đơn tố cáo", ("petitions", "by_kind", "denunciation")),
    ("petitions.by_kind.recommendation", "Đơn kiến nghị", ("petitions", "by_kind", "recommendation")),
    ("petitions.by_kind.feedback", "Đơn phản ánh", ("petitions", "by_kind", "feedback")),
    ("petitions.crowd_over_level", "Đơn đông người vượt cấp", ("petitions", "crowd_over_level")),
    (
        "petitions.complaint_cases.to_resolve",
        "Vụ việc khiếu nại phải giải quyết",
        ("petitions", "complaint_cases", "to_resolve"),
    ),
    (
        "petitions.complaint_cases.resolved",
        "Vụ việc khiếu nại đã giải quyết",
        ("petitions", "complaint_cases", "resolved"),
    ),
    (
        "petitions.complaint_cases.resolved_pct",
        "Tỷ lệ giải quyết khiếu nại (%)",
        ("petitions", "complaint_cases", "resolved_pct"),
    ),
    ("petitions.complaint_cases.withdrawn", "Vụ việc khiếu nại rút", ("petitions", "complaint_cases", "withdrawn")),
    ("petitions.cases.to_resolve", "Vụ việc khiếu nại, tố cáo phải giải quyết", ("petitions", "cases", "to_resolve")),
    ("petitions.cases.decided", "Vụ việc đã có quyết định, kết luận", ("petitions", "cases", "decided")),
    ("petitions.cases.decided_pct", "Tỷ lệ giải quyết khiếu nại, tố cáo (%)", ("petitions", "cases", "decided_pct")),
    ("petitions.cases.on_time", "Vụ việc giải quyết đúng thời hạn", ("petitions", "cases", "on_time")),
    ("petitions.cases.on_time_pct", "Tỷ lệ giải quyết đúng thời hạn (%)", ("petitions", "cases", "on_time_pct")),
    ("dossiers.to_resolve", "Hồ sơ TTHC phải giải quyết", ("dossiers", "to_resolve")),
    ("dossiers.resolved", "Hồ sơ TTHC đã giải quyết", ("dossiers", "resolved")),
    ("dossiers.on_time", "Hồ sơ TTHC đúng hạn", ("dossiers", "on_time")),
    ("dossiers.late", "Hồ sơ TTHC quá hạn", ("dossiers", "late")),
    ("dossiers.in_progress", "Hồ sơ TTHC đang giải quyết", ("dossiers", "in_progress")),
    ("dossiers.on_time_pct", "Tỷ lệ hồ sơ TTHC đúng hạn (%)", ("dossiers", "on_time_pct")),
]
# The CSV's columns: machine name (the header line) and what it holds (docs/reports.md).
CSV_COLUMNS: list[tuple[str, str]] = [
    ("unit_code", "Mã đơn vị"),
    ("unit_name", "Tên đơn vị"),
    ("level", "Cấp"),
    ("period_from", "Từ ngày"),
    ("period_to", "Đến ngày"),
    ("indicator", "Mã chỉ tiêu"),
    ("indicator_name", "Chỉ tiêu"),
    ("value", "Giá trị"),
]


def _indicator_value(figures: Mapping[str, Any], path: tuple[str, ...]) -> Any:
    if path[0] == "dossiers" and len(path) == 2:
        levels = (figures.get("dossiers") or {}).get("levels") or []
        if path[1] == "on_time_pct":
            total = sum_levels(levels)
            return None if total is None else total["on_time_pct"]
        return sum(int(e.get(path[1]) or 0) for e in levels)
    value: Any = figures
    for key in path:
        if not isinstance(value, Mapping) or key not in value:
            return None
        value = value[key]
    return value


def render_csv(figures: Mapping[str, Any], children: Sequence[Mapping[str, Any]] = ()) -> bytes:
    """Tidy: one row per unit × indicator (the report's unit, then each unit below by name): the
    indicator's machine name and its Vietnamese name side by side, dot decimals, empty when
    unknown."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([machine for machine, _ in CSV_COLUMNS])
    period = figures.get("period") or {}
    for report in [figures, *by_name(children)]:
        unit = report["unit"]
        for key, name, path in INDICATORS:
            value = _indicator_value(report, path)
            writer.writerow(
                safe_row(
                    [
                        unit["code"],
                        unit["name"],
                        unit.get("level", ""),
                        period.get("from", ""),
                        period.get("to", ""),
                        key,
                        name,
                        "" if value is None else value,
                    ]
                )
            )
    return ("\ufeff" + buffer.getvalue()).encode()  # BOM: Excel opens UTF-8 Vietnamese correctly
