"""The officials' petition queue (P5, docs/performance.md): overdue first, then the nearest
deadline, with a bounded count, its own pager and a filter form drawn once per process.

The table's rows are written in Python (`queue_rows_html`), not by a template fragment: the
queue is the officials' most-opened page, and a fragment (`{% for %}` over the rows with the
deadline badge included and `{% url %}` per row) cost about as much CPU as all the rest of the
page, against a small fraction for these rows (measured in-process with `bench.profile_queue`
and the rows alone, interleaved; the figures are in docs/performance.md, P5). Every value is
escaped (`html.escape`, which Django's `escape` wraps, without its lazy-string checks), and the
markup is what the fragment would write: the row's colour class and a badge in words, not
colour alone. The link to each petition comes from its URL pattern, reversed once a page with
a marker key (`_detail_link`), whatever the pattern looks like.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from core.choices import PetitionKind
from core.kept import KeptMarkup
from core.searches import search_redirect, with_search

from .. import forms as f
from ..models import Petition, PetitionStatus
from ..selectors import (
    QueueFilters,
    QueueRow,
    UnitQueue,
    deadline_state,
    due_state,
    handler_choices_for,
    petition_queue,
    queue_scope_of,
    soon_cutoff,
    unit_queue,
)
from .mixins import StaffMixin


@dataclass
class QueuePage:
    """One page of the queue with a bounded count: counting every open petition of a busy
    unit on every request costs a scan of all of them, while the official only needs to
    know that there are "more than 1.000". Below the bound the count and the page count are
    exact, as with Django's Paginator."""

    rows: list[QueueRow]
    number: int
    count: int  # exact when not `capped`, otherwise the bound
    capped: bool
    has_next: bool
    num_pages: int | None  # None when capped

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_other_pages(self) -> bool:
        return self.has_previous or self.has_next

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1

    @classmethod
    def of(cls, source: QuerySet[Petition] | UnitQueue, *, page: str | None, size: int, bound: int) -> QueuePage:
        count = (
            source.bounded_count(bound)
            if isinstance(source, UnitQueue)
            else source.order_by().values("pk")[: bound + 1].count()
        )
        capped = count > bound
        try:
            number = max(1, int(page or 1))
        except ValueError:
            number = 1
        num_pages = None if capped else max(1, -(-count // size))
        if num_pages is not None:
            number = min(number, num_pages)
        offset = (number - 1) * size
        rows = [r if isinstance(r, QueueRow) else QueueRow.of(r) for r in source[offset : offset + size + 1]]
        return cls(
            rows=rows[:size],
            number=number,
            count=min(count, bound),
            capped=capped,
            has_next=len(rows) > size,
            num_pages=num_pages,
        )


@lru_cache(maxsize=8)
def _queue_labels(language: str | None) -> tuple[dict[str, str], dict[str, str], dict[str, str], str]:
    """The rows' labels in `language` (the active one), translated and escaped once per process:
    kinds, statuses, deadline badges by state, and the duty line's words."""
    kinds = {k: html.escape(str(label)) for k, label in PetitionKind.choices}
    statuses = {k: html.escape(str(label)) for k, label in PetitionStatus.choices}
    badges = {
        state: f' <span class="badge badge-{state}">{html.escape(str(label))}</span>'
        for state, label in (
            ("overdue", _("Overdue")),
            ("soon", _("Due soon")),
            ("ok", _("On time")),
            ("stopped", _("Clock stopped")),
        )
    }
    badges[""] = " "
    return kinds, statuses, badges, html.escape(_("Notify / publish by"))


_PK_MARK = 987654321  # stands for the petition's key in the one reverse() of its page's URL


def _detail_link() -> tuple[str, str]:
    """The address of a petition's page, around its key: reverse() once with a marker key and
    cut there, whatever the URL pattern looks like (one reverse a page, not one a row)."""
    before, after = reverse("petitions:detail", args=[_PK_MARK]).split(str(_PK_MARK))
    return html.escape(before), html.escape(after)


def queue_rows_html(rows: list[QueueRow], *, today: date, cutoff: date) -> SafeString:
    """The queue table's rows (see the module's docstring for why in Python)."""
    kinds, statuses, badges, notify_by = _queue_labels(get_language())
    before, after = _detail_link()
    out: list[str] = []
    short_dates: dict[date, str] = {}

    def short(day: date) -> str:
        if day not in short_dates:
            short_dates[day] = date_format(day, "SHORT_DATE_FORMAT")
        return short_dates[day]

    for p in rows:
        state = deadline_state(p, today=today, soon_until=cutoff)
        duty_due_on = p.duty_due_on
        duty_state = due_state(duty_due_on, today=today, soon_until=cutoff)
        cell = ""
        if p.due_on or not duty_due_on:
            cell = (short(p.due_on) if p.due_on else "—") + badges[state]
        if duty_due_on:
            # A concluded denunciation: the limits to notify the denouncer and publish the conclusion.
            cell += f'<div class="small">{notify_by} {short(duty_due_on)}{badges[duty_state]}</div>'
        row_class = "overdue" if duty_state == "overdue" else (state or "none")
        subject = p.subject if len(p.subject) <= 80 else p.subject[:79] + "…"
        out.append(
            f'<tr class="row-{row_class}"><td>{cell}</td>'
            f'<td><a href="{before}{p.pk}{after}">{html.escape(p.ref)}</a></td><td>{html.escape(subject)}</td>'
            f"<td>{kinds.get(p.kind) or html.escape(p.kind)}</td>"
            f"<td>{statuses.get(p.status) or html.escape(p.status)}</td>"
            f"<td>{html.escape(p.unit_name)}</td><td>{html.escape(p.handler or '—')}</td></tr>"
        )
    return mark_safe("\n".join(out))  # noqa: S308 - every value above is escaped


# The filter form's markup by (language, handler list, query without the page): it depends on
# nothing else, and drawing its five fields cost more CPU than the rows of the table.
_queue_filters: KeptMarkup[str] = KeptMarkup(size=256)


def queue_filters_html(form: f.QueueFilterForm | None, *, handlers: list[tuple[int, str]]) -> SafeString:
    """The queue's filter form (petitions/_queue_filters.html; `form` None for the page opened
    without a query), drawn once per process for each language, handler list and query (the
    values typed, the errors shown). A renamed or new handler changes the list, so the key:
    nothing shown can be stale."""
    query = tuple((k, tuple(v)) for k, v in sorted(form.data.lists()) if k != "page") if form else None

    def render() -> str:
        return render_to_string(
            "petitions/_queue_filters.html", {"form": form or f.QueueFilterForm(None, handlers=handlers)}
        )

    return mark_safe(_queue_filters.get((get_language(), tuple(handlers), query), render))  # noqa: S308 (a template)


# Only what the queue's table shows (the search text and the content can be long).
QUEUE_COLUMNS = (
    "id",
    "ref",
    "subject",
    "kind",
    "status",
    "due_on",
    "received_on",
    "unit__name",
    "assignee__first_name",
    "assignee__last_name",
    "assignee__username",
)


class PetitionQueueView(StaffMixin, TemplateView):
    template_name = "petitions/petition_queue.html"
    paginate_by = 50
    count_bound = 1000

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        user = self.request.user
        scope = queue_scope_of(user=user)
        handlers = handler_choices_for(unit_path=scope.home_path) if scope.home_path else []
        # Without a query there is nothing to validate: the form is built only to draw it, and
        # only when its markup is not kept yet (queue_filters_html).
        data = with_search(self.request)
        form = f.QueueFilterForm(data, handlers=handlers) if data else None
        filters = QueueFilters()
        if form is not None and form.is_valid():
            d = form.cleaned_data
            filters = QueueFilters(
                kind=d["kind"] or "",
                status=d["status"] or "open",
                unit=d["unit"] or "",
                channel=d["channel"] or "",
                overdue=d["overdue"],
                assignee=d["assignee"],
                q=d["q"] or "",
            )
        today = timezone.localdate()
        # The unfiltered queue of a single unit is read in ordered, indexed parts; filters and
        # search, and wider scopes, use the general query (same order).
        source: QuerySet[Petition] | UnitQueue = (
            unit_queue(unit_id=scope.unit_id)
            if scope.unit_id is not None and filters == QueueFilters()
            else petition_queue(user=user, filters=filters, today=today).only(*QUEUE_COLUMNS)
        )
        page = QueuePage.of(
            source,
            page=self.request.GET.get("page"),
            size=self.paginate_by,
            bound=self.count_bound,
        )
        # "Due soon" needs the working-day calendar (one query) only when a shown deadline is
        # today or later; an overdue or undated page does without it.
        upcoming = any(d >= today for r in page.rows for d in (r.due_on, r.duty_due_on) if d is not None)
        cutoff = soon_cutoff(today) if upcoming else today
        rows = queue_rows_html(page.rows, today=today, cutoff=cutoff)
        query = self.request.GET.copy()  # the search text stays behind its `search` key
        query.pop("page", None)
        filters_html = queue_filters_html(form, handlers=handlers)
        return super().get_context_data(
            filters=filters_html, page=page, rows=rows, today=today, query=query.urlencode(), **kwargs
        )

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        """The filter form posts, so the search text (a name, an ID number) never rides in a URL."""
        return search_redirect(request)
