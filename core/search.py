"""One search for every list a person types into: the reception schedule's units, the petition
queue, the procedure catalogue and the unit pages. Typed with or without diacritics, in any case
("hoan kiem", "HOÀN KIẾM" and "Hoàn Kiếm" find Phường Hoàn Kiếm), every word must appear.

Two kinds of column are searched the same way:

- a column already stored folded (`search_text` of petitions and procedures, written with
  `fold` when the row is saved): each folded word is looked for in it;
- a plain column (a unit's name): compared through the SQL function `civicdesk_fold`, which is
  `lower(unaccent(…))` on PostgreSQL (an IMMUTABLE wrapper created by core's migration 0006,
  indexed with pg_trgm so that `LIKE '%…%'` uses a trigram index) and this module's `fold`
  registered on every SQLite connection: the same answers on both.

`fold` is the one definition: NFD, combining marks dropped, đ → d, lower case, spaces squeezed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from typing import Any, TypeVar

from django.db import models
from django.db.backends.signals import connection_created
from django.db.models import Q, QuerySet

FOLD_FUNCTION = "civicdesk_fold"
MAX_WORDS = 6  # a longer query narrows nothing more and costs a LIKE per word

_MARKS = re.compile("[\u0300-\u036f]+")  # combining diacritics: all of category Mn

M = TypeVar("M", bound=models.Model)


def _slow_fold(text: str) -> str:
    """`fold` by its definition: decompose, drop every combining mark, lower, squeeze spaces."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
    return " ".join(stripped.lower().split())


def fold(text: str) -> str:
    """Lower case without diacritics: 'Đường Láng' -> 'duong lang'.

    Fast path (imports fold every row): when the decomposed text is ASCII once its combining
    diacritics are removed, every character removed was a mark (category Mn), so the result is
    exactly the per-character filter's; anything else takes that filter."""
    quick = _MARKS.sub("", unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D")))
    if quick.isascii():
        return " ".join(quick.lower().split())
    return _slow_fold(text)


def words(text: str) -> list[str]:
    """The folded words of a query, at most MAX_WORDS."""
    return fold(text).split()[:MAX_WORDS]


class Fold(models.Func):
    """`civicdesk_fold(expression)`: the column folded like `fold`, in SQL."""

    function = FOLD_FUNCTION
    output_field = models.TextField()


def search(qs: QuerySet[M], text: str, *, folded: Sequence[str] = (), plain: Sequence[str] = ()) -> QuerySet[M]:
    """Rows of `qs` in which every word of `text` appears in one of the columns: `folded`
    ones already hold folded text, `plain` ones are folded in SQL. An empty query changes
    nothing."""
    terms = words(text)
    if not terms:
        return qs
    aliases = {f"_fold_{name.replace('__', '_')}": name for name in plain}
    if aliases:
        qs = qs.alias(**{alias: Fold(models.F(name)) for alias, name in aliases.items()})
    columns = [*folded, *aliases]
    for word in terms:
        match = Q()
        for column in columns:
            match |= Q(**{f"{column}__contains": word})
        qs = qs.filter(match)
    return qs


def _register_sqlite_fold(sender: Any, connection: Any, **kwargs: Any) -> None:
    """SQLite has no unaccent: give every connection `civicdesk_fold` as Python's `fold`."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(
            FOLD_FUNCTION, 1, lambda value: None if value is None else fold(str(value)), deterministic=True
        )


connection_created.connect(_register_sqlite_fold, dispatch_uid="core-search-sqlite-fold")
