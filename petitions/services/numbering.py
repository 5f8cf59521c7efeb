"""A new petition's register number (`2026/00042`, per unit and year) and tracking code.

One hand-written statement, kept here rather than in `petitions.fastpath`: it is a write (the
unit's counter is created or moved on), not a read with an ORM twin, and every table and column
it names comes from the models' `_meta`. Its cost and why it is prepared once per connection:
docs/performance.md (P1).

The number is taken before the filing's own transaction when the caller has none open: the
counter row of a unit is then locked for one statement, not for the whole filing, so a surge of
filings to one unit is not served one at a time. A filing that fails after it leaves a gap in
the unit's numbers (rare; imported registers already make gaps): a decision, not an accident.

Taken on its own, the number's commit does not wait for its WAL to reach the disk
(`synchronous_commit` off for that one statement's transaction): the filing's own commit, which
does wait, flushes the WAL up to its commit record and so the counter's change before it. A crash
in between can only lose a number no committed petition holds, which the next filing takes again;
a committed petition's number is never given twice. One flush a filing instead of two
(docs/performance.md, P1). Inside a caller's transaction the statement changes nothing of the
kind: that transaction commits as it would have.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from django.db import connection, models

from core.models import Unit
from core.prepared import fetch_prepared

from ..models import Petition, PetitionCounter
from ..text import random_code


@dataclass(frozen=True)
class Number:
    ref: str
    tracking_code: str


@functools.cache
def _numbering_sql(*, on_its_own: bool = False) -> str:
    """The numbering statement; `on_its_own` (PostgreSQL, no transaction open): its commit does
    not wait for the disk (the module's docstring says why nothing is lost)."""
    qn = connection.ops.quote_name
    counter, petition = qn(PetitionCounter._meta.db_table), qn(Petition._meta.db_table)

    def c(model: type[Petition] | type[PetitionCounter], name: str) -> str:
        field = model._meta.get_field(name)
        assert isinstance(field, models.Field) and field.column
        return qn(field.column)

    unit, year, last = c(PetitionCounter, "unit"), c(PetitionCounter, "year"), c(PetitionCounter, "last")
    p_unit, p_ref = c(Petition, "unit"), c(Petition, "ref")
    p_key, p_code = c(Petition, "idempotency_key"), c(Petition, "tracking_code")
    # f"{n:05d}" in SQL that PostgreSQL and SQLite both speak (no lpad or :: cast in SQLite).
    text = f"CAST({counter}.{last} AS TEXT)"
    number = f"CASE WHEN length({text}) >= 5 THEN {text} ELSE substr('0000' || {text}, length({text})) END"
    # set_config(…, true) lasts until the end of this statement's own transaction.
    unflushed = "set_config('synchronous_commit', 'off', true) IS NOT NULL AND " if on_its_own else ""
    return (
        f"INSERT INTO {counter} ({unit}, {year}, {last}) SELECT %s, %s, 1 "  # noqa: S608 - names from the models
        f"WHERE {unflushed}NOT EXISTS (SELECT 1 FROM {petition} p WHERE p.{p_key} = %s) "
        f"ON CONFLICT ({unit}, {year}) DO UPDATE SET {last} = {counter}.{last} + 1 "
        f"RETURNING {counter}.{last}, "
        f"EXISTS (SELECT 1 FROM {petition} p WHERE p.{p_unit} = %s AND p.{p_ref} = %s || {number}), "
        f"EXISTS (SELECT 1 FROM {petition} p WHERE p.{p_code} = %s)"
    )


def take_number(unit: Unit, year: int, *, idempotency_key: str | None = None) -> Number | None:
    """The next register number of `unit` in `year` and a new tracking code, in one round trip;
    None (and no number taken) when a petition with `idempotency_key` exists (a double click).

    One statement creates the (unit, year) counter at 1 or adds 1 to it, unless the key is
    already used, and says whether the new number (imported registers may already use numbers
    of this form) or the drawn code is taken. A taken number is skipped; a taken code (about
    one draw in a million) is drawn again. The unique constraints on ref, tracking code and
    key stay the last word against a concurrent filing. Inside a caller's transaction the
    counter row stays locked until it commits, so that unit's numbers stay consecutive."""
    on_its_own = connection.vendor == "postgresql" and not connection.in_atomic_block
    sql = _numbering_sql(on_its_own=on_its_own)
    name = "petition_number_on_its_own" if on_its_own else "petition_number"
    code = random_code()
    while True:
        rows = fetch_prepared(name, sql, [unit.pk, year, idempotency_key, unit.pk, f"{year}/", code])
        if not rows:
            return None
        last, ref_taken, code_taken = rows[0]
        if not ref_taken:
            return Number(ref=f"{year}/{last:05d}", tracking_code=new_code() if code_taken else code)


def next_ref(unit: Unit, year: int) -> str:
    """The next register number of `unit` in `year` (no double-click key: never refused)."""
    number = take_number(unit, year)
    assert number is not None
    return number.ref


def new_code() -> str:
    """A tracking code no petition has."""
    while True:
        code = random_code()
        if not Petition.objects.filter(tracking_code=code).exists():
            return code
