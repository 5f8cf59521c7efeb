"""The petitions app's hand-written SQL reads, in one place: the pages whose cost decides a
performance figure (docs/performance.md, P2 and P5) read through them instead of the ORM.

Each read has its ORM twin, the reference it must agree with row for row:

| fast read                | ORM twin                                   | test                                   |
|--------------------------|--------------------------------------------|----------------------------------------|
| `UnitQueue`              | `selectors.petition_queue` (unfiltered)    | tests/perf/test_queue_parts.py         |
| `first_units`            | `first_units_orm`                          | tests/perf/test_fastpath.py            |
| `handler_choices`        | `selectors.handlers_for`                   | tests/perf/test_queue_page.py          |
| `petition_by_code`       | `petition_by_code_orm`                     | tests/perf/test_fastpath.py            |
| `public_events`          | `public_events_orm`                        | tests/perf/test_fastpath.py            |
| `petition_and_events_by_code` | `petition_by_code_orm`, `public_events_orm` | tests/perf/test_fastpath.py       |

Every table and column is named from the models' `_meta` (quoted by the connection), never
written by hand. The statements run often enough to be prepared once per PostgreSQL connection
(core.prepared); their names are a fixed, small set (a page of the queue is prepared per size
class of `offset + limit`, a power of two, never per offset). Writes are not here: the register
number's upsert stays with the numbering service (services/numbering.py).

One piece of markup is here too, for the same reason: the public lookup's answer
(`tracking_html`, P2), held equal to the template fragment it replaced by
tests/perf/test_tracking_html.py.
"""

from __future__ import annotations

import functools
import html
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, NamedTuple

from django.contrib.auth.models import User
from django.db import connection, models
from django.template.defaultfilters import filesizeformat, linebreaksbr
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext, pgettext

from core.models import Membership, Unit
from core.prepared import fetch_prepared
from core.selectors import unit_subtree_q

from .models import CLOCK_STATUSES, OPEN_STATUSES, Petition, PetitionDuty, PetitionEvent, PetitionStatus

if TYPE_CHECKING:
    from .selectors import PublicTracking


class _Columns:
    """`model`'s quoted table (`.table`) and columns (`.<field name>`), from its `_meta`. Each
    statement is built once (functools.cache), not on every call."""

    def __init__(self, model: type[models.Model]) -> None:
        self._model_meta = model._meta

    @property
    def table(self) -> str:
        return connection.ops.quote_name(self._model_meta.db_table)

    def __getattr__(self, name: str) -> str:
        field = self._model_meta.get_field(name)
        assert isinstance(field, models.Field) and field.column, f"{name} is not a column"
        return connection.ops.quote_name(field.column)


def _sql_list(values: Sequence[str]) -> str:
    """A SQL list of constant strings of the models (statuses): literals, not parameters, so that
    PostgreSQL can match the partial indexes' predicates whatever the driver's binding."""
    assert all(v.isidentifier() for v in values)
    return "(" + ", ".join(f"'{v}'" for v in values) + ")"


def _day(value: date | str | None) -> date | None:
    """SQLite hands back a computed date column as text."""
    return date.fromisoformat(value) if isinstance(value, str) else value


# --- the commune official's queue (P5) ---------------------------------------------------------


class QueueRow(NamedTuple):
    """One row of the queue's table: only what it shows (and the order's keys), whichever read
    produced it. Never the petitioner or denouncer: the queue has no identity column. A named
    tuple: made fifty times a request, it is cheaper to build than a frozen dataclass."""

    pk: int
    ref: str
    subject: str
    kind: str
    status: str
    due_on: date | None
    received_on: date
    duty_due_on: date | None  # the nearest pending denunciation duty
    unit_name: str
    handler: str  # "" when nobody is assigned

    @classmethod
    def of(cls, p: Petition) -> QueueRow:
        """From a petition of the general query (`petition_queue` with `select_related`)."""
        a = p.assignee
        return cls(
            pk=p.pk,
            ref=p.ref,
            subject=p.subject,
            kind=p.kind,
            status=p.status,
            due_on=p.due_on,
            received_on=p.received_on,
            duty_due_on=getattr(p, "duty_due_on", None),
            unit_name=p.unit.name,
            handler=(a.get_full_name() or a.username) if a else "",
        )


@functools.cache
def _queue_statements() -> tuple[str, str]:
    """The queue's bounded count and its page, with `{counted}` and `{need}` left to write in.

    The page is one statement for the three ordered parts (see UnitQueue), each an index range
    scan cut at `need` rows, merged by the ORDER BY around them; the unit's name and the
    handler's are joined to the page's rows only. `x IS NULL, x` is NULLS LAST on both
    PostgreSQL and SQLite. The count stays a statement of its own (docs/performance.md, P5):
    the open rows are exactly those of the two partial indexes (dated and undated, disjoint),
    counted by index-only scans, then the closed rows that still owe a denunciation duty."""
    p, d, u, a = _Columns(Petition), _Columns(PetitionDuty), _Columns(Unit), _Columns(User)
    clock, open_ = _sql_list(CLOCK_STATUSES), _sql_list(OPEN_STATUSES)
    suspended = f"'{PetitionStatus.SUSPENDED.value}'"
    pending = f"SELECT 1 FROM {d.table} d WHERE d.{d.petition} = p.{p.id} AND d.{d.done_on} IS NULL"  # noqa: S608 - names from the model
    row = ", ".join(
        f"p.{getattr(p, field)} AS {alias}"
        for field, alias in (
            *((name, name) for name in ("id", "ref", "subject", "kind", "status", "due_on", "received_on")),
            ("unit", "unit_id"),
            ("assignee", "assignee_id"),
        )
    )
    count = f"""SELECT COUNT(*) FROM (
    SELECT 1 FROM {p.table} p
    WHERE p.{p.unit} = %s AND p.{p.status} IN {clock} AND p.{p.due_on} IS NOT NULL
    UNION ALL
    SELECT 1 FROM {p.table} p
    WHERE p.{p.unit} = %s
        AND (p.{p.status} = {suspended} OR (p.{p.status} IN {clock} AND p.{p.due_on} IS NULL))
    UNION ALL
    SELECT 1 FROM {p.table} p
    WHERE p.{p.unit} = %s AND p.{p.status} NOT IN {open_}
        AND p.{p.id} IN (SELECT d.{d.petition} FROM {d.table} d WHERE d.{d.done_on} IS NULL)
    LIMIT {{counted}}) counted"""  # noqa: S608 - names from the models, constants of the models
    page = f"""SELECT q.id, q.ref, q.subject, q.kind, q.status, q.due_on, q.received_on, q.duty_due_on,
    u.{u.name}, a.{a.first_name}, a.{a.last_name}, a.{a.username}
FROM (SELECT * FROM (
    SELECT * FROM (
        SELECT {row}, w.duty_due_on,
            CASE WHEN p.{p.status} IN {clock} AND p.{p.due_on} < w.duty_due_on THEN p.{p.due_on}
                ELSE w.duty_due_on END AS next_due_on
        FROM {p.table} p JOIN (
            SELECT d.{d.petition} AS petition_id, MIN(d.{d.due_on}) AS duty_due_on FROM {d.table} d
            WHERE d.{d.done_on} IS NULL GROUP BY d.{d.petition}
        ) w ON w.petition_id = p.{p.id}
        WHERE p.{p.unit} = %s
        ORDER BY next_due_on, p.{p.received_on} DESC, p.{p.id} DESC LIMIT {{need}}
    ) with_duty
    UNION ALL
    SELECT * FROM (
        SELECT {row}, CAST(NULL AS date) AS duty_due_on, p.{p.due_on} AS next_due_on
        FROM {p.table} p
        WHERE p.{p.unit} = %s AND p.{p.status} IN {clock} AND p.{p.due_on} IS NOT NULL AND NOT EXISTS ({pending})
        ORDER BY p.{p.due_on}, p.{p.received_on} DESC, p.{p.id} DESC LIMIT {{need}}
    ) dated
    UNION ALL
    SELECT * FROM (
        SELECT {row}, CAST(NULL AS date) AS duty_due_on, CAST(NULL AS date) AS next_due_on
        FROM {p.table} p
        WHERE p.{p.unit} = %s AND (p.{p.status} = {suspended}
            OR (p.{p.status} IN {clock} AND p.{p.due_on} IS NULL)) AND NOT EXISTS ({pending})
        ORDER BY p.{p.received_on} DESC, p.{p.id} DESC LIMIT {{need}}
    ) undated
) parts
ORDER BY next_due_on IS NULL, next_due_on, received_on DESC, id DESC
LIMIT %s OFFSET %s) q
JOIN {u.table} u ON u.{u.id} = q.unit_id
LEFT JOIN {a.table} a ON a.{a.id} = q.assignee_id
ORDER BY q.next_due_on IS NULL, q.next_due_on, q.received_on DESC, q.id DESC"""  # noqa: S608 - as above
    return count, page


SMALLEST_NEED = 64


def page_need(offset: int, limit: int) -> int:
    """How many rows each part of the queue reads for rows offset .. offset + limit - 1: the
    power of two at or above their end (at least SMALLEST_NEED). A page's statement is prepared
    once per connection for each such size, so deep paging prepares a handful, not one per page."""
    return max(SMALLEST_NEED, 1 << max(0, offset + limit - 1).bit_length())


@dataclass(frozen=True)
class UnitQueue:
    """The unfiltered open queue of one unit, in exactly `petition_queue`'s order, read in
    ordered parts so that each is an index range scan with a LIMIT (docs/performance.md, P5):

    1. rows with a pending denunciation duty (few), by their nearest deadline;
    2. the other rows whose clock runs with a deadline, by `due_on` (petition_queue_dated_idx);
    3. the rest — suspended, or no deadline yet — newest first (petition_queue_undated_idx).

    "Overdue first" needs no part of its own: a row is overdue exactly when its nearest running
    deadline is before today, so ordering by that deadline puts the overdue rows first. The
    parts are read by one statement (`window`); its only parameters are the unit and the
    window, so PostgreSQL keeps one generic plan of it for every unit (core.prepared)."""

    unit_id: int

    def bounded_count(self, bound: int) -> int:
        """How many rows the queue has, counting no further than bound + 1."""
        count, _page = _queue_statements()
        counted = int(bound) + 1
        rows = fetch_prepared(f"unit_queue_count_{counted}", count.format(counted=counted), [self.unit_id] * 3)
        return int(rows[0][0])

    @staticmethod
    def statement_name(offset: int, limit: int) -> str:
        return f"unit_queue_page_{page_need(offset, limit)}"

    def window(self, offset: int, limit: int) -> list[QueueRow]:
        """Rows offset .. offset + limit - 1 of the queue."""
        _count, page = _queue_statements()
        need = page_need(offset, limit)
        found = fetch_prepared(
            self.statement_name(offset, limit), page.format(need=need), [self.unit_id] * 3 + [limit, offset]
        )
        return [
            QueueRow(
                pk=pk,
                ref=ref,
                subject=subject,
                kind=kind,
                status=status,
                due_on=_day(due_on),
                received_on=_day(received_on),  # type: ignore[arg-type]  # never NULL
                duty_due_on=_day(duty_due_on),
                unit_name=unit_name,
                handler=(f"{first} {last}".strip() or username) if username is not None else "",
            )
            for (
                pk,
                ref,
                subject,
                kind,
                status,
                due_on,
                received_on,
                duty_due_on,
                unit_name,
                first,
                last,
                username,
            ) in found
        ]

    def __getitem__(self, window: slice) -> list[QueueRow]:
        offset = window.start or 0
        return self.window(offset, window.stop - offset)


# --- the queue's scope and handlers ------------------------------------------------------------


@functools.cache
def _first_units_sql(prefixes: int) -> str:
    u = _Columns(Unit)
    where = " OR ".join([f"{u.path} LIKE %s ESCAPE '\\'"] * prefixes)
    sql = f"SELECT {u.id}, {u.path}, {u.level} FROM {u.table} "  # noqa: S608 - names from the model
    return sql + (f"WHERE {where} " if prefixes else "") + f"ORDER BY {u.path} LIMIT 2"


def first_units(paths: Sequence[str] | None) -> list[tuple[int, str, str]]:
    """(id, path, level) of the first two units, by path, of the subtrees at `paths` (None:
    every unit; none: no unit). One plain statement: the queue asks it on every request."""
    if paths is not None and not paths:
        return []
    prefixes = [connection.ops.prep_for_like_query(p) + "%" for p in paths or []]
    with connection.cursor() as cursor:
        cursor.execute(_first_units_sql(len(prefixes)), prefixes)
        return [(pk, path, level) for pk, path, level in cursor.fetchall()]


def first_units_orm(paths: Sequence[str] | None) -> list[tuple[int, str, str]]:
    """`first_units` through the ORM: the reference."""
    units = Unit.objects.all() if paths is None else Unit.objects.filter(unit_subtree_q(paths, field=""))
    return list(units.order_by("path").values_list("id", "path", "level")[:2])


@functools.cache
def _handler_choices_sql(paths: int, roles: tuple[str, ...]) -> str:
    a, m, u = _Columns(User), _Columns(Membership), _Columns(Unit)
    return f"""SELECT DISTINCT a.{a.id}, a.{a.first_name}, a.{a.last_name}, a.{a.username} FROM {a.table} a
        JOIN {m.table} m ON m.{m.user} = a.{a.id} JOIN {u.table} u ON u.{u.id} = m.{m.unit}
        WHERE a.{a.is_active} AND m.{m.role} IN {_sql_list(roles)} AND u.{u.path} IN ({", ".join(["%s"] * paths)})
        ORDER BY a.{a.last_name}, a.{a.first_name}"""  # noqa: S608 - names from the models, constants, placeholders


def handler_choices(*, paths: Sequence[str], roles: Sequence[str]) -> list[tuple[int, str]]:
    """(id, full name or username) of the active users holding one of `roles` in a unit at one
    of `paths`, by last and first name: `selectors.handlers_for` as choices, in one plain
    statement (the queue's filter offers them on every request)."""
    with connection.cursor() as cursor:
        cursor.execute(_handler_choices_sql(len(paths), tuple(roles)), list(paths))
        return [(pk, f"{first} {last}".strip() or username) for pk, first, last, username in cursor.fetchall()]


# --- the public lookup (P2) --------------------------------------------------------------------

# The columns the lookup needs: the secret check and the tracking page.
PUBLIC_TRACKING_FIELDS = (
    "id",
    "tracking_code",
    "tracking_secret_hash",
    "kind",
    "status",
    "step",
    "received_on",
    "due_on",
)


@functools.cache
def _by_code_sql() -> tuple[list[str], str]:
    """The columns read (plain fields, in the model's order, as `from_db` takes them) and the SQL."""
    names = [f.attname for f in Petition._meta.concrete_fields if f.attname in PUBLIC_TRACKING_FIELDS]
    if len(names) != len(PUBLIC_TRACKING_FIELDS):
        raise ValueError(f"not plain petition fields: {set(PUBLIC_TRACKING_FIELDS) - set(names)}")
    p = _Columns(Petition)
    columns = ", ".join(getattr(p, name) for name in names)
    return names, f"SELECT {columns} FROM {p.table} WHERE {p.tracking_code} = %s LIMIT 1"  # noqa: S608


def petition_by_code(code: str) -> Petition | None:
    """The petition with tracking code `code` (normalised), with the lookup's columns only. In SQL
    written once and prepared once per connection, made a model with `from_db`: building the
    same ORM query on every lookup cost more CPU than running it (docs/performance.md, P2)."""
    names, sql = _by_code_sql()
    rows = fetch_prepared("petition_by_code", sql, [code])
    return Petition.from_db(connection.alias, names, rows[0]) if rows else None


def petition_by_code_orm(code: str) -> Petition | None:
    """`petition_by_code` through the ORM: the reference."""
    return Petition.objects.only(*PUBLIC_TRACKING_FIELDS).filter(tracking_code=code).first()


# Chains of up to this many petitions (a petition and the units it was transferred to) read
# their events by a statement prepared per length; a longer chain, rare, by a plain one.
PREPARED_CHAIN = 4
PUBLIC_EVENT_FIELDS = ("id", "occurred_at", "kind", "data", "reason")


@functools.cache
def _event_names() -> list[str]:
    """The timeline's columns in the model's order, as `from_db` takes them."""
    return [f.attname for f in PetitionEvent._meta.concrete_fields if f.attname in PUBLIC_EVENT_FIELDS]


@functools.cache
def _events_sql(petitions: int) -> str:
    e = _Columns(PetitionEvent)
    placeholders = ", ".join(["%s"] * petitions)
    return (
        f"SELECT {', '.join(getattr(e, name) for name in _event_names())} FROM {e.table} "  # noqa: S608
        f"WHERE {e.petition} IN ({placeholders}) ORDER BY {e.occurred_at}, {e.id}"
    )


def public_events(petition_ids: Sequence[int]) -> list[PetitionEvent]:
    """The events of `petition_ids` (a transfer chain), oldest first, with the columns the public
    timeline reads. On PostgreSQL a statement prepared per chain length, its rows made models
    with `from_db` (`data` through its field's `from_db_value`, as the ORM reads it): the raw
    query's iterator cost more CPU than the read (docs/performance.md, P2)."""
    ids = list(petition_ids)
    sql = _events_sql(len(ids))
    if connection.vendor != "postgresql" or len(ids) > PREPARED_CHAIN:
        return list(PetitionEvent.objects.raw(sql, ids))  # the ORM's converters (SQLite's dates)
    return [_event(row) for row in fetch_prepared(f"public_events_{len(ids)}", sql, ids)]


def _event(row: Sequence[Any]) -> PetitionEvent:
    """An event of the timeline from its columns (`_event_names`), read by a prepared statement:
    `data` decoded as its JSONField does (the driver hands jsonb to Django as text)."""
    names = _event_names()
    values = list(row)
    data, field = names.index("data"), PetitionEvent._meta.get_field("data")
    assert isinstance(field, models.JSONField)
    if isinstance(values[data], str):
        values[data] = json.loads(values[data], cls=field.decoder)
    return PetitionEvent.from_db(connection.alias, names, values)


@functools.cache
def _lookup_sql() -> str:
    """`petition_by_code`'s row joined to its events, oldest first (no event: one row of NULLs)."""
    names, _sql = _by_code_sql()
    p, e = _Columns(Petition), _Columns(PetitionEvent)
    petition = ", ".join(getattr(p, name) for name in names)
    columns = [f"p.{getattr(p, name)}" for name in names] + [f"e.{getattr(e, name)}" for name in _event_names()]
    return (
        f"SELECT {', '.join(columns)} FROM (SELECT {petition} FROM {p.table} "  # noqa: S608 - names from the models
        f"WHERE {p.tracking_code} = %s LIMIT 1) p LEFT JOIN {e.table} e ON e.{e.petition} = p.{p.id} "
        f"ORDER BY e.{e.occurred_at}, e.{e.id}"
    )


def petition_and_events_by_code(code: str) -> tuple[Petition | None, list[PetitionEvent]]:
    """`petition_by_code` and the petition's `public_events`, read by one prepared statement: a
    lookup's second round trip cost more CPU than its rows (docs/performance.md, P2). Other
    databases: the two reads."""
    if connection.vendor != "postgresql":
        petition = petition_by_code(code)
        return petition, public_events([petition.pk]) if petition is not None else []
    rows = fetch_prepared("petition_lookup", _lookup_sql(), [code])
    if not rows:
        return None, []
    names, _sql = _by_code_sql()
    width = len(names)
    petition = Petition.from_db(connection.alias, names, rows[0][:width])
    return petition, [_event(row[width:]) for row in rows if row[width] is not None]


def public_events_orm(petition_ids: Sequence[int]) -> list[PetitionEvent]:
    """`public_events` through the ORM: the reference."""
    return list(
        PetitionEvent.objects.filter(petition_id__in=petition_ids)
        .only(*PUBLIC_EVENT_FIELDS)
        .order_by("occurred_at", "id")
    )


# --- the public lookup's answer (P2) ------------------------------------------------------------


# What Django's csrf context processor gives when the request has no token.
NO_CSRF_TOKEN = "NOTPROVIDED"  # noqa: S105 - a marker, not a secret


@functools.lru_cache(maxsize=8)
def _tracking_labels(language: str | None) -> dict[str, str]:
    """The answer's fixed words in `language` (the active one), translated and escaped once per
    process, as `{% translate %}` escapes them."""
    words = {
        "kind": gettext("Kind"),
        "received_on": pgettext("petition", "Received on"),
        "status": gettext("Status"),
        "step": gettext("Current step"),
        "due_on": gettext("Due by"),
        "conclusion": gettext("Conclusion of the denunciation"),
        "answer": gettext("The answer to your petition"),
        "notice": gettext("Download the conclusion notice"),
        "letter": gettext("Download the reply letter"),
        "timeline": gettext("What has happened"),
    }
    labels = {key: html.escape(str(word)) for key, word in words.items()}
    # `{% blocktranslate %}` escapes the code it puts in, not the sentence around it.
    labels["heading"] = gettext("Petition %(code)s")
    return labels


@functools.lru_cache(maxsize=4096)
def _short_date(language: str | None, day: date) -> str:
    """`day` as the `date:"SHORT_DATE_FORMAT"` filter writes it in `language` (the active one),
    escaped; once per process (a formatting cost 12 µs, a lookup shows two to five dates)."""
    return html.escape(date_format(day, "SHORT_DATE_FORMAT"))


def tracking_html(tracking: PublicTracking, *, secret: str, csrf_token: str) -> SafeString:
    """The lookup's answer: status, the running step's deadline, the result with the reply
    letter's download form (`csrf_token`: the page's), and the timeline. The markup the template
    fragment drew (`tests/perf/test_tracking_html.py` holds them equal, in both languages, every
    value escaped), written in Python: that fragment was a fifth of a lookup's CPU."""
    language = get_language()
    words = _tracking_labels(language)

    def short(day: date | None) -> str:
        return _short_date(language, day) if day else ""

    code = html.escape(tracking.code)
    out = [
        '<section aria-labelledby="status-heading" class="mb-4">\n'
        f'  <h2 class="h5" id="status-heading">{words["heading"] % {"code": code}}</h2>\n'
        '  <dl class="row">\n'
        f'    <dt class="col-sm-4">{words["kind"]}</dt><dd class="col-sm-8">{html.escape(tracking.kind)}</dd>\n'
        f'    <dt class="col-sm-4">{words["received_on"]}</dt>'
        f'<dd class="col-sm-8">{short(tracking.received_on)}</dd>\n'
        f'    <dt class="col-sm-4">{words["status"]}</dt>'
        f'<dd class="col-sm-8" id="tracking-status">{html.escape(tracking.status)}</dd>\n    '
    ]
    if tracking.due_on:
        out.append(
            f'\n    <dt class="col-sm-4">{words["step"]}</dt><dd class="col-sm-8">{html.escape(tracking.step)}</dd>\n'
            f'    <dt class="col-sm-4">{words["due_on"]}</dt><dd class="col-sm-8">{short(tracking.due_on)}</dd>\n    '
        )
    out.append("\n  </dl>\n  ")
    if tracking.result:
        denunciation = tracking.is_denunciation
        out.append(
            '\n  <section aria-labelledby="answer-heading" class="answer-box mb-3" id="answer">\n'
            f'    <h3 class="h6" id="answer-heading">{words["conclusion" if denunciation else "answer"]}</h3>\n'
            f"    <p><strong>{html.escape(tracking.result)}</strong> ({short(tracking.resolved_on)})</p>\n    "
        )
        if tracking.answer:
            out.append(f'<p id="answer-text">{linebreaksbr(tracking.answer)}</p>')
        out.append("\n    ")
        if tracking.letter:
            size = html.escape(str(filesizeformat(tracking.letter.size)))
            token = ""
            if csrf_token and csrf_token != NO_CSRF_TOKEN:  # as {% csrf_token %} writes it
                token = f'<input type="hidden" name="csrfmiddlewaretoken" value="{html.escape(csrf_token)}">'
            out.append(
                f'\n    <form method="post" action="{html.escape(reverse("petitions:track_letter"))}">{token}\n'
                f'      <input type="hidden" name="code" value="{code}">\n'
                f'      <input type="hidden" name="secret" value="{html.escape(secret)}">\n'
                '      <button type="submit" class="btn btn-primary" id="download-letter">'
                f"{words['notice' if denunciation else 'letter']} ({size})</button>\n"
                "    </form>\n    "
            )
        out.append("\n  </section>\n  ")
    out.append(f'\n  <h3 class="h6">{words["timeline"]}</h3>\n  <ol class="timeline">\n    ')
    out.extend(f"<li><strong>{short(step.on)}</strong>: {html.escape(step.text)}</li>" for step in tracking.timeline)
    out.append("\n  </ol>\n</section>")
    return mark_safe("".join(out))  # noqa: S308 - every value above is escaped
