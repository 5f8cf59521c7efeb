"""What makes an export a document an office can sign (Decree 30/2020/NĐ-CP on the form of
administrative documents): the national motto, the issuing body, the number and symbol, the
place and date, the period, the signature block, and "DỰ THẢO" until the version is published.
Pure data and text; every renderer (XLSX, PDF, DOCX) lays out the same `Letterhead`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from core.collation import vietnamese_sort_key

from .formatting import change, rate, vi_decimal, vi_int, vi_pct

NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
DRAFT = "DỰ THẢO"
COMPILER = "NGƯỜI LẬP BIỂU"
HEAD = "THỦ TRƯỞNG ĐƠN VỊ"
COMPILER_NOTE = "(Ký, ghi rõ họ tên)"
HEAD_NOTE = "(Ký tên, đóng dấu)"
ISSUER = "ỦY BAN NHÂN DÂN"
# The symbol of a People's Committee's report (Decree 30/2020, appendix III): BC-UBND. The number
# is given by the office's register of outgoing documents when it is signed: left blank here.
NUMBER_SYMBOL = "Số:" + "\u00a0" * 10 + "/BC-UBND"  # no-break spaces: a renderer keeps the gap
# "Thành phố Hà Nội" → "Hà Nội": the place in the date line is the province's proper name.
PLACE_PREFIXES = ("Thành phố ", "Tỉnh ", "TP. ")


@dataclass(frozen=True)
class Letterhead:
    issuer: str  # "ỦY BAN NHÂN DÂN"
    unit: str  # "PHƯỜNG HOÀN KIẾM"
    number_symbol: str
    place: str  # "Hà Nội"
    signed_on: date
    period: str  # "Từ ngày 15/12/2025 đến ngày 14/03/2026"
    draft: bool

    @property
    def date_line(self) -> str:
        day = self.signed_on
        when = f"ngày {day.day:02d} tháng {day.month:02d} năm {day.year}"
        return f"{self.place}, {when}" if self.place else when[:1].upper() + when[1:]


def place_of(province_name: str) -> str:
    for prefix in PLACE_PREFIXES:
        if province_name.startswith(prefix):
            return province_name[len(prefix) :]
    return province_name


def vi_date(iso: str) -> str:
    return date.fromisoformat(iso).strftime("%d/%m/%Y")


def period_label(figures: Mapping[str, Any]) -> str:
    return f"Từ ngày {vi_date(figures['period']['from'])} đến ngày {vi_date(figures['period']['to'])}"


def letterhead(*, figures: Mapping[str, Any], province_name: str, signed_on: date, draft: bool) -> Letterhead:
    return Letterhead(
        issuer=ISSUER,
        unit=figures["unit"]["name"].upper(),
        number_symbol=NUMBER_SYMBOL,
        place=place_of(province_name),
        signed_on=signed_on,
        period=period_label(figures),
        draft=draft,
    )


def by_name(reports: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The units' reports in Vietnamese alphabetical order of their names (Hà Đông before Hoàng Mai)."""
    return sorted(reports, key=lambda r: vietnamese_sort_key(r["unit"]["name"]))


# --- the same period last year -----------------------------------------------------------


@dataclass(frozen=True)
class YearRow:
    key: str  # machine name, for the CSV
    label: str
    current: int | float | None
    previous: int | float | None
    is_rate: bool = False

    @property
    def change_text(self) -> str:
        """A count's change in per cent ("+12,5%"), a rate's in percentage points ("−2,1 điểm %")."""
        if self.current is None or self.previous is None:
            return "—"
        if self.is_rate:
            points = Decimal(str(self.current)) - Decimal(str(self.previous))
            sign = "+" if points > 0 else "−" if points < 0 else ""
            return f"{sign}{vi_decimal(abs(points))} điểm %"
        pct = change(int(self.current), int(self.previous))
        if pct is None:
            return "—"
        sign = "+" if pct > 0 else "−" if pct < 0 else ""
        return f"{sign}{vi_pct(abs(pct))}"

    @staticmethod
    def text(value: int | float | None, is_rate: bool) -> str:
        if value is None:
            return "—"
        return vi_pct(value) if is_rate else vi_int(int(value))


def _get(figures: Mapping[str, Any], *path: str) -> Any:
    value: Any = figures
    for key in path:
        if not isinstance(value, Mapping) or key not in value:
            return None
        value = value[key]
    return value


def _rate(figures: Mapping[str, Any], numerator: tuple[str, ...], denominator: tuple[str, ...]) -> float | None:
    top, bottom = _get(figures, *numerator), _get(figures, *denominator)
    if top is None or bottom is None:
        return None
    value = rate(int(top), int(bottom))
    return None if value is None else float(value)


def _dossier_sum(figures: Mapping[str, Any], key: str) -> int | None:
    levels = _get(figures, "dossiers", "levels")
    return None if levels is None else sum(int(e.get(key) or 0) for e in levels)


def year_on_year(figures: Mapping[str, Any], previous: Mapping[str, Any] | None) -> list[YearRow]:
    """This period against the same period last year, figure by figure: counts and rates. Without
    last year's figures (a report compiled before they were kept) only petitions received compare."""
    before: Mapping[str, Any] = previous or {}

    def count(key: str, label: str, *path: str) -> YearRow:
        now = _get(figures, *path)
        was = _get(before, *path)
        if key == "petitions_received" and was is None:
            was = _get(figures, "petitions", "received_previous")
        return YearRow(key, label, now, was)

    def ratio(key: str, label: str, numerator: tuple[str, ...], denominator: tuple[str, ...]) -> YearRow:
        return YearRow(
            key,
            label,
            _rate(figures, numerator, denominator),
            _rate(before, numerator, denominator) if before else None,
            is_rate=True,
        )

    dossiers_now = {k: _dossier_sum(figures, k) for k in ("resolved", "on_time")}
    dossiers_before = {k: _dossier_sum(before, k) if before else None for k in ("resolved", "on_time")}

    def dossier_rate(values: Mapping[str, int | None]) -> float | None:
        if values["resolved"] is None or values["on_time"] is None:
            return None
        value = rate(values["on_time"], values["resolved"])
        return None if value is None else float(value)

    return [
        count("reception_visits", "Lượt tiếp công dân", "reception", "visits"),
        count("reception_head_visits", "Lượt do thủ trưởng tiếp", "reception", "head_visits"),
        count("reception_delegations", "Đoàn đông người", "reception", "delegations"),
        count("dialogues_conferences", "Hội nghị đối thoại", "dialogues", "conferences"),
        count("petitions_received", "Đơn tiếp nhận", "petitions", "received"),
        count("petitions_resolved", "Đơn đã giải quyết", "petitions", "resolved"),
        count("petitions_in_progress", "Đơn đang giải quyết", "petitions", "in_progress"),
        count("petitions_crowd_over_level", "Đơn đông người vượt cấp", "petitions", "crowd_over_level"),
        count("cases_to_resolve", "Vụ việc khiếu nại, tố cáo phải giải quyết", "petitions", "cases", "to_resolve"),
        count("cases_decided", "Vụ việc đã có quyết định, kết luận", "petitions", "cases", "decided"),
        ratio(
            "cases_decided_pct",
            "Tỷ lệ giải quyết vụ việc khiếu nại, tố cáo",
            ("petitions", "cases", "decided"),
            ("petitions", "cases", "to_resolve"),
        ),
        ratio(
            "cases_on_time_pct",
            "Tỷ lệ giải quyết đúng thời hạn (vụ việc)",
            ("petitions", "cases", "on_time"),
            ("petitions", "cases", "decided"),
        ),
        YearRow("dossiers_resolved", "Hồ sơ TTHC đã giải quyết", dossiers_now["resolved"], dossiers_before["resolved"]),
        YearRow(
            "dossiers_on_time_pct",
            "Tỷ lệ hồ sơ TTHC giải quyết đúng hạn",
            dossier_rate(dossiers_now),
            dossier_rate(dossiers_before),
            is_rate=True,
        ),
    ]


def previous_label(figures: Mapping[str, Any]) -> str:
    previous = figures["previous_period"]
    return f"Cùng kỳ năm trước ({vi_date(previous['from'])} – {vi_date(previous['to'])})"
