"""The reception book (Sổ tiếp công dân) and the heads' reception days against the legal minimum."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views import View

from ..book import COLUMNS, book_rows, book_xlsx
from ..selectors import frequency_units_visible_to, head_frequency_check, reception_book_visits, units_for_desk
from .base import DeskMixin, period_form


class BookView(DeskMixin, View):
    template_name = "reception/book.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        form = period_form(request, units_for_desk(user=self.user), self.user)
        context: dict[str, Any] = {"form": form, "columns": COLUMNS}
        if form.is_valid():
            unit, start, end = form.cleaned_data["unit"], form.cleaned_data["start"], form.cleaned_data["end"]
            rows = book_rows(reception_book_visits(unit=unit, start=start, end=end))
            if request.GET.get("format") == "xlsx":
                response = HttpResponse(
                    book_xlsx(unit=unit, start=start, end=end, rows=rows),
                    content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                )
                response["Content-Disposition"] = (
                    f'attachment; filename="so-tiep-cong-dan-{unit.code}-{start}-{end}.xlsx"'
                )
                return response
            context.update(unit=unit, start=start, end=end, rows=rows, xlsx_query=request.GET.urlencode())
        return render(request, self.template_name, context)


class FrequencyView(DeskMixin, View):
    """Leaders see each head's reception days against the legal minimum."""

    template_name = "reception/frequency.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        units = frequency_units_visible_to(user=self.user)
        if not units.exists():
            raise Http404
        form = period_form(request, units, self.user)
        context: dict[str, Any] = {"form": form}
        if form.is_valid():
            context["rows"] = head_frequency_check(
                unit=form.cleaned_data["unit"], start=form.cleaned_data["start"], end=form.cleaned_data["end"]
            )
        return render(request, self.template_name, context)
