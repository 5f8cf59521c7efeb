"""Hand-written statements that PostgreSQL plans once per connection.

Some statements cost PostgreSQL more to plan than to run: the commune queue's count and page
(petitions.fastpath.UnitQueue), the public lookup by tracking code, a filing's numbering
upsert (petitions.services.numbering) and the INSERTs every filing writes. Prepared on each
connection (`PREPARE name AS …`, then `EXECUTE name(…)`), they are planned once, and
PostgreSQL then keeps one generic plan for every parameter value. What each saves:
docs/performance.md.

A statement is prepared by the same round trip that first executes it on a connection
(`PREPARE …; EXECUTE …`), so a page issues the same number of statements whether its
connection is new or not. Prepared statements live as long as the PostgreSQL session and are
not undone by a rollback; the names prepared are remembered per driver connection, so a
connection that Django closes and opens anew prepares them again. After a statement fails
(whose PREPARE may have been kept), the next call asks pg_prepared_statements before
preparing it again. Callers keep the set of names small and fixed (a name per statement,
never per parameter value): each lives in the session until it ends. They need session-level
connections to PostgreSQL (as Django's own persistent connections are), not a
transaction-pooling proxy. On other databases the statement runs as written.

The benchmark's and the plan tests' EXPLAIN helpers for these statements are in bench/plans.py.
"""

from __future__ import annotations

import functools
import re
import weakref
from collections.abc import Sequence
from typing import Any

from django.db import connection, models
from django.db.models import signals

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
    for every row (docs/performance.md, P1). No model signal is sent and no `save()` override
    runs, so a model that has either is refused (ValueError): its rows go through `save()`.
    Rows holding an expression (a database default, `F()`, `Now()`) are left to `save()`."""
    model = type(objs[0])
    if any(type(obj) is not model or not obj._state.adding for obj in objs):
        raise ValueError("insert_prepared saves new rows of one model")
    refused = _bypassed(model)
    if refused:
        raise ValueError(f"insert_prepared would bypass {refused} of {model._meta.label}: save() its rows")
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


@functools.cache
def _overrides_save(model: type[models.Model]) -> str:
    """The class below models.Model, if any, whose own `save()` (or `save_base()`) the model runs."""
    for cls in model.__mro__:
        if cls is models.Model:
            break
        if "save" in vars(cls) or "save_base" in vars(cls):
            return f"{cls.__name__}.save()"
    return ""


def _bypassed(model: type[models.Model]) -> str:
    """What `save()` would do for a row of `model` that a plain INSERT would not: a `save()`
    override or receivers of its pre_save or post_save signals (connected at any time, so
    asked on every call)."""
    receivers = [s for s in (signals.pre_save, signals.post_save) if s.has_listeners(model)]
    if receivers:
        return " and ".join(f"the {'pre_save' if s is signals.pre_save else 'post_save'} receivers" for s in receivers)
    return _overrides_save(model)


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
