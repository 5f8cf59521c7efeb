"""Hand-written statements that PostgreSQL plans once per connection.

The commune queue's two statements (petitions.selectors.UnitQueue) took PostgreSQL longer to
plan than to run: at 10M dossiers, 0.37 + 0.83 ms of planning against 0.27 + 0.35 ms of
execution (docs/performance.md, P5). Prepared on each connection (`PREPARE name AS …`, then
`EXECUTE name(…)`), they are planned once, and PostgreSQL then keeps one generic plan for
every unit: both statements together cost about 0.4 ms instead of 2.2. A filing's numbering
statement (petitions.services._take_number: an upsert with three unique-index look-ups) cost
PostgreSQL 0.25–0.35 ms a filing to plan; prepared, a filing's PostgreSQL CPU fell from 1.25 to
0.97 ms.

A statement is prepared by the same round trip that first executes it on a connection
(`PREPARE …; EXECUTE …`), so a page issues the same number of statements whether its
connection is new or not. Prepared statements live as long as the PostgreSQL session and are
not undone by a rollback; the names prepared are remembered per driver connection, so a
connection that Django closes and opens anew prepares them again. After a statement fails
(whose PREPARE may have been kept), the next call asks pg_prepared_statements before
preparing it again. They need session-level
connections to PostgreSQL (as Django's own persistent connections are), not a
transaction-pooling proxy. On other databases the statement runs as written.
"""

from __future__ import annotations

import functools
import re
import weakref
from collections.abc import Sequence
from typing import Any

from django.db import connection, models

# Per driver connection, each statement's state: True prepared, False unknown (a statement that
# failed: PostgreSQL keeps a PREPARE even when what followed it failed and was rolled back).
_PREPARED: weakref.WeakKeyDictionary[Any, dict[str, bool]] = weakref.WeakKeyDictionary()
_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")


def _numbered(sql: str) -> str:
    """`%s` placeholders as PostgreSQL's `$1`, `$2`, … (the statement holds no other `%`)."""
    counter = iter(range(1, sql.count("%s") + 1))
    return re.sub(r"%s", lambda _: f"${next(counter)}", sql)


def fetch_prepared(name: str, sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    """The rows of `sql` (with `%s` placeholders and no other `%`) for `params`, run as the
    prepared statement `name` on PostgreSQL. The same `name` must always carry the same `sql`."""
    if not _NAME.match(name) or "%" in sql.replace("%s", ""):
        raise ValueError(f"not a statement to prepare: {name!r}")
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            cursor.execute(sql, params)
            return list(cursor.fetchall())
        placeholders = ", ".join(["%s"] * len(params))
        execute = f"EXECUTE {name}({placeholders})" if params else f"EXECUTE {name}"
        states = _PREPARED.setdefault(connection.connection, {})
        if states.get(name) is False:
            cursor.execute("SELECT 1 FROM pg_prepared_statements WHERE name = %s", [name])
            states[name] = cursor.fetchone() is not None
        try:
            if states.get(name):
                cursor.execute(execute, params)
            else:
                cursor.execute(f"PREPARE {name} AS {_numbered(sql)}; {execute}", params)
                states[name] = True
        except Exception:
            states[name] = False  # asked again from pg_prepared_statements on the next call
            raise
        return list(cursor.fetchall())


def insert_prepared(*objs: models.Model) -> None:
    """Save the new `objs` (of one model) as `save()` would: every concrete field's
    `pre_save`, `auto_now` included, and its value as the database takes it. One
    `INSERT … RETURNING` their keys, prepared once per PostgreSQL connection for that many rows.

    For the rows every filing writes: Django compiles the INSERT of a 60-column petition anew
    for every row, a fifth of a filing's Python time. No model signal is sent and no `save()`
    override runs, so use it only for models that have neither. Rows holding an expression (a
    database default, `F()`, `Now()`) are left to `save()`."""
    model = type(objs[0])
    if any(type(obj) is not model or not obj._state.adding for obj in objs):
        raise ValueError("insert_prepared saves new rows of one model")
    fields, row_sql, returning = _insert_statement(model)
    values: list[Any] = []
    for obj in objs:
        for field in fields:
            value = field.pre_save(obj, True)
            if hasattr(value, "resolve_expression"):
                for each in objs:
                    each.save(force_insert=True)
                return
            values.append(field.get_db_prep_save(value, connection))
    name = f"insert_{model._meta.db_table}" + (f"_{len(objs)}" if len(objs) > 1 else "")
    sql = f"{row_sql} VALUES {', '.join([_placeholders(len(fields))] * len(objs))} {returning}"
    for obj, (pk,) in zip(objs, fetch_prepared(name, sql, values), strict=True):
        obj.pk = pk
        obj._state.adding = False
        obj._state.db = connection.alias


def _placeholders(count: int) -> str:
    return "(" + ", ".join(["%s"] * count) + ")"


@functools.cache
def _insert_statement(model: type[models.Model]) -> tuple[list[Any], str, str]:
    """The fields an INSERT of `model` writes, its `INSERT INTO … (columns)` and its `RETURNING`."""
    opts = model._meta
    if opts.parents or opts.auto_field is None:
        raise ValueError(f"{opts.label}: only a model with an automatic key and no parent model")
    fields = [f for f in opts.local_concrete_fields if f is not opts.auto_field]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    return fields, f"INSERT INTO {quote(opts.db_table)} ({columns})", f"RETURNING {quote(opts.pk.column)}"


_EXECUTE = re.compile(r"EXECUTE (?P<name>[a-z_][a-z0-9_]*)(\([^;]*\))?\s*$")


def as_run(sql: str) -> tuple[str, str]:
    """A statement as captured (Django's CaptureQueriesContext) → (the query it runs, what to
    write after EXPLAIN). The execution of a prepared statement runs the query prepared under
    its name on this connection (read from pg_prepared_statements) and is explained as
    `EXECUTE name(…)`; any other statement is itself twice."""
    match = _EXECUTE.search(sql)
    if match is None or connection.vendor != "postgresql":
        return sql, sql
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements WHERE name = %s", [match["name"]])
        row = cursor.fetchone()
    return (str(row[0]) if row else sql), match.group(0)


def reads_of(captured: Sequence[dict[str, Any]], tables: Sequence[str]) -> list[tuple[str, str]]:
    """The statements among `captured` (Django's CaptureQueriesContext) that read any of
    `tables`, each as `as_run` gives it: (the query it runs, what to write after EXPLAIN)."""
    found = []
    for query in captured:
        run, explain = as_run(query["sql"])
        if run.lstrip().upper().startswith(("SELECT", "PREPARE")) and any(t in run for t in tables):
            found.append((run, explain))
    return found
