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

import datetime
import functools
import hashlib
import re
import uuid
import weakref
from collections.abc import Sequence
from typing import Any, TypeVar

from django.db import connection, models
from django.db.backends.postgresql.psycopg_any import is_psycopg3
from django.db.models import signals
from django.db.models.base import DEFERRED

# Per driver connection, each statement's state: True prepared, False unknown (a statement that
# failed: PostgreSQL keeps a PREPARE even when what followed it failed and was rolled back).
_PREPARED: weakref.WeakKeyDictionary[Any, dict[str, bool]] = weakref.WeakKeyDictionary()
_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")
_UNSET = object()  # an attribute a new row does not hold (deferred): its field's own path
M = TypeVar("M", bound=models.Model)


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


def new_row(model: type[M], **values: Any) -> M:
    """`model(**values)`: a new row of `model` with these field values (by name or attname),
    every other field at its default; made by the positional path `Model.from_db` takes,
    defaults that are not made anew for each row read once per process. Django's keyword path
    looks up each of a wide model's fields in the keywords and asks each absent one its
    default: the petition's 77 fields cost 59 µs, this path 28 (docs/tuning.md). A related
    object given by its field's name is set after, through its descriptor as Django sets it.
    Any other keyword (a property), or a `pre_init` receiver, takes Django's path."""
    names = _field_names(model)
    if not values.keys() <= names or signals.pre_init.has_listeners(model):
        return model(**values)
    args: list[Any] = []
    related: list[tuple[str, Any]] = []
    for field, fresh, default in _row_defaults(model):
        if field.attname in values:
            args.append(values[field.attname])
        elif field.name in values:
            args.append(DEFERRED)
            related.append((field.name, values[field.name]))
        else:
            args.append(field.get_default() if fresh else default)
    row = model(*args)
    for name, value in related:
        setattr(row, name, value)
    return row


@functools.cache
def _field_names(model: type[models.Model]) -> frozenset[str]:
    return frozenset(n for f in model._meta.concrete_fields for n in (f.name, f.attname))


@functools.cache
def _row_defaults(model: type[models.Model]) -> tuple[tuple[models.Field[Any, Any], bool, Any], ...]:
    """Per concrete field: whether its default is made anew for each row (a callable, a database
    default: asked each time), and otherwise the default, which Django's `get_default` returns
    the same for every row."""
    defaults = []
    for field in model._meta.concrete_fields:
        fresh = callable(field.default) if field.has_default() else field.has_db_default()
        defaults.append((field, fresh, None if fresh else field.get_default()))
    return tuple(defaults)


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
    plain = _plain_types(model)
    values: list[Any] = []
    for obj in objs:
        for field, kind in zip(fields, plain, strict=True):
            value = _plain_value(obj, field, kind)
            if value is not _UNSET:
                values.append(value)
                continue
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


def insert_prepared_with(parent: models.Model, *groups: Sequence[models.Model]) -> None:
    """Save the new `parent` and the new rows of `groups` as `insert_prepared` would, in ONE
    statement: each group holds rows of one model whose foreign key to the parent's model was
    given the unsaved `parent` (`PetitionEvent(petition=petition, …)`). On PostgreSQL the
    parent's INSERT is a data-modifying CTE whose key each child row reads, and the statement
    is prepared once per connection for that shape (tables and rows per group); one statement
    is atomic by itself. Elsewhere, or when a value is an expression, the rows are saved one
    INSERT after the other (in the caller's transaction). Refuses what `insert_prepared`
    refuses; a model whose `save()` only guards changes to saved rows declares
    `SAVE_ADDS_NOTHING_TO_AN_INSERT = True` (audit events)."""
    groups = tuple(g for g in groups if g)
    models_ = [type(parent), *(type(g[0]) for g in groups)]
    for model, objs in zip(models_, [(parent,), *groups], strict=True):
        if any(type(obj) is not model or not obj._state.adding for obj in objs):
            raise ValueError("insert_prepared_with saves new rows, each group of one model")
        refused = _bypassed(model)
        if refused:
            raise ValueError(f"insert_prepared_with would bypass {refused} of {model._meta.label}: save() its rows")
    links = [_link(parent, group) for group in groups]
    if connection.vendor != "postgresql" or not _insert_together(parent, groups, links):
        insert_prepared(parent)
        for group, link in zip(groups, links, strict=True):
            for obj in group:
                setattr(obj, link.name, parent)  # its key now that the parent has one
            insert_prepared(*group)


def _link(parent: models.Model, group: Sequence[models.Model]) -> models.ForeignKey[Any, Any]:
    """The foreign key of the group's rows that holds `parent`."""
    for field in type(group[0])._meta.concrete_fields:
        if isinstance(field, models.ForeignKey) and all(field.get_cached_value(o, None) is parent for o in group):
            return field
    raise ValueError(f"{type(group[0])._meta.label} rows do not point at the {type(parent)._meta.label} given")


def _insert_together(
    parent: models.Model, groups: Sequence[Sequence[models.Model]], links: Sequence[models.ForeignKey[Any, Any]]
) -> bool:
    """The one statement of `insert_prepared_with`; False (nothing written) when a value is an
    expression that only `save()` can write."""
    values: list[Any] = []
    rows_sql: list[str] = []
    for objs, link in [((parent,), None), *zip(groups, links, strict=True)]:
        fields, _columns, _returning = _insert_statement(type(objs[0]))
        plain = _plain_types(type(objs[0]))
        for obj in objs:
            parts = []
            for field, kind in zip(fields, plain, strict=True):
                if field is link:
                    parts.append("(SELECT k FROM parent)")
                    continue
                value = _plain_value(obj, field, kind)
                if value is not _UNSET:
                    values.append(value)
                    parts.append("%s")
                    continue
                value = field.pre_save(obj, True)
                if hasattr(value, "resolve_expression"):
                    return False
                values.append(field.get_db_prep_save(value, connection))
                parts.append("%s")
            rows_sql.append("(" + ", ".join(parts) + ")")
    shape = (type(parent), *((type(g[0]), len(g)) for g in groups))
    sql, name = _together_statement(shape, tuple(rows_sql))
    found = fetch_prepared(name, sql, values)
    keys: dict[int, list[int]] = {}
    for group, pk in found:
        keys.setdefault(group, []).append(pk)
    for index, objs in enumerate([(parent,), *groups]):
        for obj, pk in zip(objs, keys.get(index, []), strict=True):
            obj.pk = pk
            obj._state.adding = False
            obj._state.db = connection.alias
    for group, link in zip(groups, links, strict=True):
        for obj in group:
            setattr(obj, link.name, parent)  # sets the key column from the saved parent
    return True


@functools.cache
def _together_statement(shape: tuple[Any, ...], rows: tuple[str, ...]) -> tuple[str, str]:
    """The statement for a parent model and (model, rows) groups, and its prepared name (a
    digest: PostgreSQL names stop at 63 characters)."""
    parent_model, *group_shapes = shape
    quote = connection.ops.quote_name
    row = iter(rows)
    _fields, columns, _returning = _insert_statement(parent_model)
    pk = quote(parent_model._meta.pk.column)
    parts = [f"parent AS ({columns} VALUES {next(row)} RETURNING {pk} AS k)"]
    keys = ["SELECT 0, k FROM parent"]
    for index, (model, count) in enumerate(group_shapes, start=1):
        _fields, columns, _returning = _insert_statement(model)
        values = ", ".join(next(row) for _ in range(count))
        parts.append(f"g{index} AS ({columns} VALUES {values} RETURNING {quote(model._meta.pk.column)} AS k)")
        keys.append(f"SELECT {index}, k FROM g{index}")  # noqa: S608 - numbers only
    sql = "WITH " + ", ".join(parts) + " " + " UNION ALL ".join(keys)
    digest = hashlib.sha256(sql.encode()).hexdigest()[:20]
    return sql, f"insert_with_{digest}"


@functools.cache
def _overrides_save(model: type[models.Model]) -> str:
    """The class below models.Model, if any, whose own `save()` (or `save_base()`) the model
    runs and that does not declare it adds nothing to an INSERT of a new row."""
    for cls in model.__mro__:
        if cls is models.Model:
            break
        if ("save" in vars(cls) or "save_base" in vars(cls)) and not vars(cls).get("SAVE_ADDS_NOTHING_TO_AN_INSERT"):
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


# Fields whose `pre_save` only reads the attribute and whose `get_db_prep_save` hands a value of
# exactly this type, or None, to the driver unchanged (Django's own classes, never a subclass:
# an encrypted field is a CharField that encrypts). In a text field, a `str` subclass (a
# `TextChoices` member, a SafeString) is handed over unchanged as well; a value of any other type
# (a lazy string, a datetime in a DateField, a bool in an IntegerField) takes the field's own path.
_PLAIN: dict[type[models.Field[Any, Any]], type] = {
    models.CharField: str,
    models.TextField: str,
    models.BooleanField: bool,
    models.IntegerField: int,
    models.PositiveIntegerField: int,
    models.PositiveSmallIntegerField: int,
    models.SmallIntegerField: int,
    models.BigIntegerField: int,
    models.DateField: datetime.date,
    models.UUIDField: uuid.UUID,  # PostgreSQL's own uuid type, adapted by the driver
    # Only their None goes as it is: a time or a number takes the field's checks and rounding.
    models.DateTimeField: type(None),
    models.DecimalField: type(None),
    models.GenericIPAddressField: type(None),
}


def _plain_value(obj: models.Model, field: models.Field[Any, Any], kind: type | None) -> Any:
    """`obj`'s value of `field` when it goes to the driver as it is (`_plain_types`), else _UNSET:
    then it takes the field's own `pre_save` and `get_db_prep_save`."""
    if kind is None:
        return _UNSET
    value = obj.__dict__.get(field.attname, _UNSET)
    if value is None or type(value) is kind or (kind is str and isinstance(value, str)):
        return value
    return _UNSET


@functools.cache
def _plain_types(model: type[models.Model]) -> tuple[type | None, ...]:
    """Per field of `_insert_statement(model)`, the type of value it writes as it is, or None:
    `save()` spends most of a wide row's Python in each field's `pre_save` and
    `get_db_prep_save`, which for these only read the attribute and return it (with psycopg2;
    psycopg 3 wraps integers, SQLite takes dates as text: there every value takes its field's path)."""
    fields = _insert_statement(model)[0]
    if connection.vendor != "postgresql" or is_psycopg3:  # their adapters change these values
        return (None,) * len(fields)
    kinds: list[type | None] = []
    for field in fields:
        if type(field) is models.ForeignKey:  # its key column, written as the key it points at
            target = type(field.target_field)
            kinds.append(int if target in (models.AutoField, models.BigAutoField) else _PLAIN.get(target))
        elif getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            kinds.append(None)
        else:
            kinds.append(_PLAIN.get(type(field)))
    return tuple(kinds)
