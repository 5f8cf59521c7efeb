"""Vietnamese alphabetical order, the one helper for unit and person names.

Python compares code points, so "Đống Đa" sorts after "Tây Hồ" and "Bắc Từ Liêm" before
"Ba Đình". The Vietnamese alphabet is a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y:
ă, â, đ, ê, ô, ơ, ư are letters of their own. Tone marks only break ties, in dictionary order
(none, huyền, hỏi, ngã, sắc, nặng), and case breaks the remaining ties, lower case first. This
is the order of ICU's Vietnamese collation.

In the database: `vietnamese(field)` orders a query by that field in this order
(`qs.order_by(vietnamese("name"))`). On PostgreSQL it is the ICU collation `vi-VN-x-icu`
(migration core/0008 creates it where the server has ICU and lacks it); on SQLite the same name
is a collation registered on every connection that compares with `vietnamese_sort_key`. Where
neither exists (PostgreSQL built without ICU) the order is the column's own. In Python:
`sorted(names, key=vietnamese_sort_key)`."""

from __future__ import annotations

import unicodedata
from functools import cache
from typing import Any

from django.db import connection
from django.db.backends.signals import connection_created
from django.db.models import F
from django.db.models.expressions import Expression
from django.db.models.functions import Collate

COLLATION = "vi-VN-x-icu"

_ALPHABET = list("aăâbcdđeêfghijklmnoôơpqrstuưvwxyz")
_LETTER_RANK = {letter: rank for rank, letter in enumerate(_ALPHABET)}
# Combining marks that make a letter of its own (breve, circumflex, horn) …
_LETTER_MARKS = {"\u0306", "\u0302", "\u031b"}
# … and the five tones, in dictionary order after the unmarked (ngang) tone.
_TONE_RANK = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}

SortKey = tuple[tuple[tuple[int, int], ...], tuple[int, ...], str]


def vietnamese_sort_key(text: str) -> SortKey:
    """A key for sorted(): base letters first, then tones, then case.

    >>> sorted(["Đống Đa", "Cầu Giấy", "Bắc Từ Liêm", "Ba Đình"], key=vietnamese_sort_key)
    ['Ba Đình', 'Bắc Từ Liêm', 'Cầu Giấy', 'Đống Đa']
    """
    letters: list[tuple[int, int]] = []
    tones: list[int] = []
    for char in unicodedata.normalize("NFD", text.casefold()):
        if unicodedata.combining(char):
            if char in _TONE_RANK and tones:
                tones[-1] = _TONE_RANK[char]
            elif char in _LETTER_MARKS and letters:
                base = unicodedata.normalize("NFC", _ALPHABET[letters[-1][1]] + char) if letters[-1][0] == 1 else ""
                if base in _LETTER_RANK:
                    letters[-1] = (1, _LETTER_RANK[base])
            continue
        if char in _LETTER_RANK:
            letters.append((1, _LETTER_RANK[char]))
        elif char.isalpha():
            letters.append((2, ord(char)))
        else:  # spaces, digits and punctuation sort before letters
            letters.append((0, ord(char)))
        tones.append(0)
    # swapcase: lower case sorts before upper case on the last tie, as ICU's tertiary level does.
    return tuple(letters), tuple(tones), text.swapcase()


def _compare(a: str, b: str) -> int:
    ka, kb = vietnamese_sort_key(a), vietnamese_sort_key(b)
    return (ka > kb) - (ka < kb)


def register_sqlite_collation(sender: Any, connection: Any, **kwargs: Any) -> None:
    """`connection_created` receiver: the collation on each new SQLite connection."""
    if connection.vendor == "sqlite":
        connection.connection.create_collation(COLLATION, _compare)


connection_created.connect(register_sqlite_collation, dispatch_uid="core-vietnamese-collation")


@cache
def _postgresql_has_collation(alias: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT EXISTS (SELECT 1 FROM pg_collation WHERE collname = %s)", [COLLATION])
        (found,) = cursor.fetchone()
    return bool(found)


def collation_available() -> bool:
    """Whether the database orders in Vietnamese (`vietnamese()` then uses its collation)."""
    if connection.vendor == "sqlite":
        return True
    if connection.vendor == "postgresql":
        return _postgresql_has_collation(connection.alias)
    return False


def vietnamese(field: str) -> Expression:
    """`field` as an expression ordered in Vietnamese: `.order_by(vietnamese("name"))`, or
    `vietnamese("name").desc()`."""
    if collation_available():
        return Collate(F(field), COLLATION)
    return F(field)
