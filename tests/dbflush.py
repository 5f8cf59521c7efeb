"""After a transactional test (`transaction=True`, `live_server`: the end-to-end tests among
them) Django empties the test database with its `flush` command: on PostgreSQL one `TRUNCATE`
of every table, 66 of them. A truncation makes new files for each table and its indexes and
syncs them at commit: 1.4–2.3 s of the server's time on the shared 2-core machine, whatever the
tables held, after each of some fifty tests.

`install()` (from tests/conftest.py) has the test process's `flush` empty only the tables that
hold rows, in one transaction: the audit tables with `TRUNCATE`, as before (their triggers
refuse a `DELETE` to everyone and a `TRUNCATE` to all but the owner, the test runner: core.audit),
the other tables with `DELETE` (their foreign keys are checked at commit). The tables end as
empty as before, the triggers stay on, and nothing else changes: where that plan does not hold
(a foreign key checked at once, a truncated table that another references, sequences to reset,
a cascade asked for, another database) the flush is Django's own.
"""

from __future__ import annotations

from typing import Any

from django.db import connections


def install() -> None:
    ops = type(connections["default"].ops)
    if getattr(ops.sql_flush, "empties_only_filled_tables", False):
        return
    django_sql_flush = ops.sql_flush

    def sql_flush(
        self: Any, style: Any, tables: list[str], *, reset_sequences: bool = False, allow_cascade: bool = False
    ):
        plan = None
        if self.connection.vendor == "postgresql" and tables and not reset_sequences and not allow_cascade:
            plan = _plan(self, list(tables))
        if plan is None:
            return django_sql_flush(self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade)
        truncate, delete = plan
        quote = self.quote_name
        statements = [f"TRUNCATE {', '.join(quote(t) for t in truncate)};"] if truncate else []
        return statements + [f"DELETE FROM {quote(t)};" for t in delete]  # noqa: S608 (Django's table names)

    sql_flush.empties_only_filled_tables = True  # type: ignore[attr-defined]
    ops.sql_flush = sql_flush


def _plan(ops: Any, tables: list[str]) -> tuple[list[str], list[str]] | None:
    """(tables to truncate, tables to delete from), or None for Django's own flush."""
    quote = ops.quote_name
    with ops.connection.cursor() as cursor:
        cursor.execute(
            " UNION ALL ".join(f"SELECT %s WHERE EXISTS (SELECT 1 FROM {quote(t)})" for t in tables),  # noqa: S608
            tables,
        )
        filled = [row[0] for row in cursor.fetchall()]
        if not filled:
            return [], []
        # Tables with triggers of their own (the audit tables): truncated, as Django does.
        cursor.execute(
            "SELECT DISTINCT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE NOT t.tgisinternal AND c.relname = ANY(%s)",
            [filled],
        )
        truncate = sorted(row[0] for row in cursor.fetchall())
        # A truncated table must not be referenced, and every foreign key between the tables
        # must wait for the commit (the rows go in no particular order).
        cursor.execute(
            "SELECT EXISTS (SELECT 1 FROM pg_constraint k JOIN pg_class c ON c.oid = k.confrelid "
            "WHERE k.contype = 'f' AND c.relname = ANY(%s)) "
            "OR EXISTS (SELECT 1 FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid "
            "WHERE k.contype = 'f' AND NOT k.condeferred AND c.relname = ANY(%s))",
            [truncate, filled],
        )
        if cursor.fetchone()[0]:
            return None
    return truncate, [t for t in filled if t not in truncate]
