"""The reports app's hand-written markup and SQL, in one place: the drill-through list's table
and the read of the report it counts from (P8, docs/performance.md).

A drill-through page shows up to 50 rows of 5–7 cells; through the template engine each cell
was a variable lookup, a filter and an escape, about 40 % of the page's CPU. Here each model's
columns are written once (`COLUMNS`): the heading, the value read (`drill.drill_rows` reads
exactly these, as plain values, never whole records), and how a cell shows it. Labels are
translated and escaped once per language, a date formatted once per page; every value is
escaped (`html.escape`) before it is written. The lists show no personal data: no column here
names a person.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache, lru_cache
from typing import Any

from django.db import connection
from django.db.models import Model
from django.utils.formats import date_format, localize
from django.utils.functional import Promise
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from adminreform.models import Dossier, SatisfactionScore
from core.choices import PetitionKind
from core.prepared import fetch_prepared
from petitions.models import Petition, PetitionStatus
from reception.models import DialogueConference, ReceivedBy, Visit

from .models import CompiledReport, CompileState

DASH = "—"


@cache
def _latest_done_sql() -> str:
    """The newest done version of a unit's report over a period: its id and compile time, read
    backwards through the versions' unique index; names from the model's `_meta`."""
    opts, quote = CompiledReport._meta, connection.ops.quote_name

    def column(name: str) -> str:
        return quote(opts.get_field(name).column)  # type: ignore[union-attr]

    return (
        f"SELECT {column('id')}, {column('compiled_at')} FROM {quote(opts.db_table)}"  # noqa: S608 - names from _meta
        f" WHERE {column('unit')} = %s AND {column('period_from')} = %s AND {column('period_to')} = %s"
        f" AND {column('state')} = %s ORDER BY {column('version')} DESC LIMIT 1"
    )


def latest_done_report(*, unit_id: int, start: date, end: date) -> tuple[int, datetime | str] | None:
    """(id, compiled_at) of the newest done version of unit `unit_id`'s report from `start` to
    `end`, or None: one prepared statement, without the documents or the ORM's query building.
    The caller checks that the viewer may read the unit's reports."""
    rows = fetch_prepared("report_latest_done", _latest_done_sql(), [unit_id, start, end, CompileState.DONE.value])
    return (rows[0][0], rows[0][1]) if rows else None


@dataclass(frozen=True)
class Column:
    """One column of a drill-through table: its heading, the value it reads (a field of the
    model, or across a relation: `unit__name`) and how a cell shows it."""

    label: Promise
    field: str
    show: str = "text"  # text | date | number | yes_no | one of CHOICES' names
    blank: str = ""  # what an empty value shows ("—" or nothing)
    end: bool = False  # a number: heading and cells aligned right
    css: str = ""  # the cells' class (a number's is text-end)

    @property
    def cell_css(self) -> str:
        return "text-end" if self.end else self.css


CHOICES: dict[str, Callable[[], Sequence[tuple[Any, Any]]]] = {
    "received_by": lambda: ReceivedBy.choices,
    "petition_kind": lambda: PetitionKind.choices,
    "petition_status": lambda: PetitionStatus.choices,
    "rating": lambda: SatisfactionScore.choices,
}

_REFERENCE = Column(_("Reference"), "ref")
_UNIT = Column(_("Unit"), "unit__name")
_RECEIVED = Column(_("Received on"), "received_on", "date")

COLUMNS: dict[type[Model], tuple[Column, ...]] = {
    DialogueConference: (
        _REFERENCE,
        _UNIT,
        Column(_("Held on"), "held_on", "date"),
        Column(_("Attendees"), "attendees", "number", end=True),
        Column(_("Topic"), "topic", blank=DASH, css="drill-topic"),
    ),
    Visit: (
        _REFERENCE,
        _UNIT,
        _RECEIVED,
        Column(_("Received by"), "received_by", "received_by"),
        Column(_("People"), "people", "number", end=True),
        Column(_("Matter raised before"), "repeat", "yes_no"),
    ),
    Petition: (
        _REFERENCE,
        _UNIT,
        _RECEIVED,
        Column(_("Kind"), "kind", "petition_kind"),
        Column(_("Status"), "status", "petition_status"),
        Column(_("Deadline"), "due_on", "date", blank=DASH),
        Column(_("Resolved on"), "resolved_on", "date", blank=DASH),
    ),
    Dossier: (
        _REFERENCE,
        _UNIT,
        _RECEIVED,
        Column(_("Due on"), "due_on", "date"),
        Column(_("Resolved on"), "resolved_on", "date", blank=DASH),
        Column(_("Satisfaction"), "rating_score", "rating", blank=DASH),
    ),
}


def fields_shown(model: type[Model]) -> tuple[str, ...]:
    """The values a drill-through table of `model` reads."""
    return tuple(c.field for c in COLUMNS[model])


@dataclass(frozen=True)
class _Words:
    """What one language's tables write: the headings by model, each list's labels, yes and no."""

    heads: dict[type[Model], str]
    choices: dict[str, dict[Any, str]]
    yes: str
    no: str


@lru_cache(maxsize=8)
def _words(language: str | None) -> _Words:
    """The active language's headings and labels, translated and escaped once per process."""

    def heading(c: Column) -> str:
        css = ' class="text-end"' if c.end else ""
        return f'<th scope="col"{css}>{html.escape(str(c.label))}</th>'

    return _Words(
        heads={model: "".join(heading(c) for c in columns) for model, columns in COLUMNS.items()},
        choices={name: {k: html.escape(str(v)) for k, v in choices()} for name, choices in CHOICES.items()},
        yes=html.escape(str(_("yes"))),
        no=html.escape(str(_("no"))),
    )


def drill_head_html(model: type[Model]) -> SafeString:
    """The headings of `model`'s table (the cells of its `<thead>` row)."""
    return mark_safe(_words(get_language()).heads[model])  # noqa: S308 - translated labels, escaped


def drill_rows_html(model: type[Model], rows: Sequence[dict[str, Any]]) -> SafeString:
    """The `<tr>` of each row (values read as `fields_shown(model)` names them): the first
    column as the row's heading, then a cell per column."""
    words = _words(get_language())
    columns = COLUMNS[model]
    short_dates: dict[date, str] = {}

    def cell(c: Column, value: Any) -> str:
        if value is None or value == "":
            return c.blank
        if c.show == "date":
            if value not in short_dates:
                short_dates[value] = html.escape(date_format(value, "SHORT_DATE_FORMAT"))
            return short_dates[value]
        if c.show == "number":
            return html.escape(str(localize(value)))
        if c.show == "yes_no":
            return words.yes if value else words.no
        if c.show in words.choices:
            return words.choices[c.show].get(value) or html.escape(str(value))
        return html.escape(str(value))

    ref, *rest = columns
    opening = [(c, f'<td class="{c.cell_css}">' if c.cell_css else "<td>") for c in rest]
    out = []
    for row in rows:
        cells = "".join(f"{td}{cell(c, row[c.field])}</td>" for c, td in opening)
        out.append(
            f'<tr class="drill-row"><th scope="row" class="fw-normal text-nowrap">{cell(ref, row[ref.field])}</th>'
            f"{cells}</tr>"
        )
    return mark_safe("\n".join(out))  # noqa: S308 - every value above is escaped
