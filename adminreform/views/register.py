"""The dossier register (Sổ theo dõi hồ sơ, Mẫu 07) on the page and as a whole XLSX, and the
procedure catalogue."""

from __future__ import annotations

import tempfile
from datetime import date
from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest, QueryDict
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views import View
from django.views.generic import TemplateView

from core.exports import safe_row
from core.selectors import units_visible_to, user_home_unit

from .. import forms as f
from ..models import Dossier, DossierStatus, Timing
from ..selectors import catalogue_stats, dossier_register, procedure_list


class RegisterView(LoginRequiredMixin, View):
    template_name = "adminreform/register.html"
    PAGE_ROWS = 5000

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        units = units_visible_to(user=request.user).filter(level__in=["province", "district", "commune"])
        home = user_home_unit(user=request.user)
        today = timezone.localdate()
        initial = {"unit": home.pk if home else None, "start": today.replace(day=1), "end": today}
        form = f.RegisterForm(request.GET or None, units=units.order_by("path"), initial=initial)
        rows: list[Dossier] = []
        total = 0
        chosen: dict[str, Any] = {}
        if form.is_bound and form.is_valid():
            chosen = form.cleaned_data
        elif not form.is_bound and home is not None:
            chosen = {"unit": home, "start": initial["start"], "end": today}
        if chosen:
            # handling_unit: the XLSX's "transferred to" column, without one query a row
            register = dossier_register(
                user=request.user, unit=chosen["unit"], start=chosen["start"], end=chosen["end"]
            ).select_related("handling_unit")
            if request.GET.get("format") == "xlsx":
                return self.xlsx(register, chosen)
            # The page shows the first rows; the XLSX holds every dossier of the period.
            rows = list(register[: self.PAGE_ROWS + 1])
            total = len(rows) if len(rows) <= self.PAGE_ROWS else register.count()
            rows = rows[: self.PAGE_ROWS]
        query = QueryDict(mutable=True)
        if chosen:
            query.update(
                {
                    "unit": str(chosen["unit"].pk),
                    "start": chosen["start"].isoformat(),
                    "end": chosen["end"].isoformat(),
                    "format": "xlsx",
                }
            )
        return render(
            request,
            self.template_name,
            {
                "form": form,
                "rows": rows,
                "total": total,
                "chosen": chosen,
                "today": today,
                "xlsx_query": query.urlencode(),
            },
        )

    def xlsx(self, register: QuerySet[Dossier], chosen: dict[str, Any]) -> FileResponse:
        """The whole register, however long (a year of a city's dossiers): rows are read in
        chunks and written by a write-only workbook to a temporary file, then streamed."""
        from openpyxl import Workbook
        from openpyxl.cell import WriteOnlyCell

        book = Workbook(write_only=True)
        sheet = book.create_sheet("Mau 07")

        def dates(*values: Any) -> list[Any]:
            cells = []
            for value in values:
                cell = WriteOnlyCell(sheet, value=value)
                if isinstance(value, date):
                    cell.number_format = "DD/MM/YYYY"
                cells.append(cell)
            return cells

        sheet.append(safe_row([_("Dossier register (Mẫu 07)"), chosen["unit"].name]))
        sheet.append([_("From"), *dates(chosen["start"]), _("To"), *dates(chosen["end"])])
        headers = [
            _("No."),
            _("Dossier code"),
            _("Procedure"),
            _("Applicant"),
            pgettext("dossier", "Received on"),
            _("Due on"),
            _("Transferred to"),
            _("Resolved on"),
            _("Status"),
            _("Timing"),
        ]
        sheet.append(headers)
        today = timezone.localdate()
        # Labels looked up once, not translated again on each of tens of thousands of rows.
        timing_labels = {value: str(label) for value, label in Timing.choices}
        status_labels = {value: str(label) for value, label in DossierStatus.choices}
        rows = register.select_related("handling_unit").iterator(chunk_size=2000)
        for i, d in enumerate(rows, start=1):
            sheet.append(
                safe_row(
                    [
                        i,
                        d.ref,
                        d.procedure.name if d.procedure else "",
                        d.applicant_name,
                        *dates(d.received_on, d.due_on),
                        d.handling_unit.name if d.handling_unit and d.handling_unit_id != d.unit_id else "",
                        *dates(d.resolved_on),
                        status_labels.get(d.status, d.status),
                        timing_labels[d.timing_on(today)],
                    ]
                )
            )
        output = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it once sent
        book.save(output)
        output.seek(0)
        name = f"so-theo-doi-ho-so-{chosen['unit'].code}-{chosen['start']:%Y%m%d}-{chosen['end']:%Y%m%d}.xlsx"
        return FileResponse(
            output,
            as_attachment=True,
            filename=name,
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )


class ProcedureListView(LoginRequiredMixin, TemplateView):
    template_name = "adminreform/procedure_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        form = f.ProcedureSearchForm(self.request.GET or None)
        text = form.cleaned_data["q"] if form.is_valid() else ""
        return super().get_context_data(
            form=form, procedures=list(procedure_list(text=text)[:300]), stats=catalogue_stats(), **kwargs
        )
