"""Rates and Vietnamese number formatting. Pure functions.

Rates and changes are rounded half-up to one decimal (96.85 → 96.9, 96.849 → 96.8) with
Decimal arithmetic: floats would turn 96.85 into 96.8499… and round it down.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

ONE_DECIMAL = Decimal("0.1")


def rate(numerator: int, denominator: int) -> Decimal | None:
    """numerator / denominator × 100, rounded half-up to one decimal; None when denominator is 0."""
    if denominator == 0:
        return None
    return (Decimal(numerator) * 100 / Decimal(denominator)).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


def change(current: int, previous: int) -> Decimal | None:
    """(current − previous) / previous × 100, rounded half-up; None when previous is 0."""
    if previous == 0:
        return None
    return (Decimal(current - previous) * 100 / Decimal(previous)).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


def as_json_number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def vi_int(value: int) -> str:
    """1645 → '1.645' (Vietnamese thousands separator)."""
    sign = "-" if value < 0 else ""
    return sign + f"{abs(value):,}".replace(",", ".")


def vi_decimal(value: Decimal | float) -> str:
    """96.8 → '96,8'; 9.0 → '9'; 1234.5 → '1.234,5'."""
    value = Decimal(str(value)).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)
    whole, _, fraction = f"{abs(value):f}".partition(".")
    text = vi_int(int(whole))
    if fraction and fraction.strip("0"):
        text += "," + fraction
    return ("-" if value < 0 else "") + text


def vi_pct(value: Decimal | float) -> str:
    return vi_decimal(value) + "%"
