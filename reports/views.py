"""Leaders' dashboard, stored reports, progress, publishing and exports. Thin: forms parse,
services write, selectors read."""

from __future__ import annotations

import json
from datetime import date
from functools import cached_property
from typing import Any, cast

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.http import urlencode
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from core.actions import ActionTable, Actor, InlineActionView, StaffAction
from core.models import Unit, UnitLevel

from .charts import CHARTS, chart_title, trend_chart
from .compiling import UnitEnded, unit_ended_refusal
from .drill import CASE_FIGURES, FIGURES, PAGE_SIZE, case_rows, drill_rows
from .exports import render_export
from .fastpath import drill_head_html, drill_rows_html
from .forms import CompileForm, PeriodForm
from .models import CompiledReport, CompileState, ReportStatus
from .periods import Convention, Period, PeriodKind, guess_kind, last_closed_quarter
from .policies import POLICY
from .selectors import (
    child_column_labels,
    dashboard_children,
    dashboard_comparisons,
    dashboard_kinds,
    report_access,
    report_figures_latest,
    report_home_unit,
    report_home_units,
    report_latest,
    report_letterhead,
    report_list_visible_to,
    report_pending,
    report_unit_visible,
    report_units_visible_to,
    report_versions,
    report_with_figures,
    trend_table,
)
from .services import report_publish, report_request
from .tiles import TileLinks, dashboard_tiles, figure_value, live_figures, overdue_now
from .versions import report_differences
from .yearly import CHART_NAMES, chart_titles, year_on_year, year_on_year_svg
from .yearly import TTL as YEARLY_TTL

EXPORT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
    "csv": "text/csv; charset=utf-8",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "json": "application/json",
}


class ReportsAccessMixin(LoginRequiredMixin):
    """Heads, leaders, inspectors and administrators, within their units."""

    home_units: list[Unit]  # where the user holds a reports role, highest first
    home_unit: Unit | None
    lists_home_units = True  # False: the page shows neither, the check alone is made

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if request.user.is_authenticated and not self.lists_home_units:
            if not report_access(user=request.user):
                raise PermissionDenied
        elif request.user.is_authenticated:
            # One read of the memberships serves the check, the dashboard's default unit and
            # its "your units" links (report_home_unit is the first of report_home_units, or
            # the top unit for a superuser without memberships).
            self.home_units = report_home_units(user=request.user)
            self.home_unit = self.home_units[0] if self.home_units else report_home_unit(user=request.user)
            if self.home_unit is None:
                raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


def default_period_data(today: date) -> dict[str, Any]:
    convention = Convention(settings.REPORTS_PERIOD_CONVENTION)
    year, quarter = last_closed_quarter(today, convention)
    return {"kind": PeriodKind.QUARTER.value, "year": year, "number": quarter, "convention": convention.value}


# Seconds a drawn chart (SVG) stays in the cache.
CHART_CACHE_TTL = 24 * 3600

# Seconds a rendered report section of the dashboard stays in the cache. The key names the
# report version, its status and compile time, so a new version or publishing shows at once.
DASHBOARD_FRAGMENT_TTL = 3600


def period_query(period: Period, kind: PeriodKind, number: int, convention: Convention) -> dict[str, Any]:
    if kind == PeriodKind.RANGE:
        return {"kind": kind.value, "date_from": period.start.isoformat(), "date_to": period.end.isoformat()}
    return {"kind": kind.value, "year": period.end.year, "number": number, "convention": convention.value}


def chosen_period(request: HttpRequest) -> tuple[PeriodForm, dict[str, Any] | None]:
    """The period form of the request (the default period when none is asked for), and the
    period's query string values when it is valid."""
    data = request.GET if "kind" in request.GET else default_period_data(timezone.localdate())
    form = PeriodForm(data)
    if not form.is_valid() or "period" not in form.cleaned_data:
        return form, None
    kind = PeriodKind(form.cleaned_data["kind"])
    number = form.cleaned_data.get("number") or 1
    return form, period_query(form.cleaned_data["period"], kind, number, form.chosen_convention)


def figures_of(*, user: Any, unit: Unit, period: Period, report: CompiledReport | None) -> tuple[CompiledReport, bool]:
    """The report whose figures the dashboard shows: the compiled version, or (before there is
    one) an unsaved report of figures computed now and cached briefly. And whether it is live."""
    if report is not None:
        return report_with_figures(report), False
    figures, previous = live_figures(unit=unit, period=period)
    live = CompiledReport(unit=unit, period_from=period.start, period_to=period.end, figures=figures)
    live.previous_figures = previous
    return live, True


def sort_links(unit_code: str, query: dict[str, Any], *, sort: str, descending: bool) -> dict[str, Any]:
    """The links and aria-sort of the children table's headings (inside the cached fragment:
    built only when it is rendered)."""

    def url(key: str, direction: str) -> str:
        return "?" + urlencode({"unit": unit_code, **query, "sort": key, "dir": direction})

    def aria(key: str) -> str | None:
        return ("descending" if descending else "ascending") if sort == key else None

    return {
        "columns": [
            {
                "key": key,
                "label": label,
                "url": url(key, "asc" if sort == key and descending else "desc"),
                "aria_sort": aria(key),
            }
            for key, label in child_column_labels()
        ],
        "name_url": url("name", "desc" if sort == "name" and not descending else "asc"),
        "name_aria_sort": aria("name"),
    }


def yearly_charts(unit: Unit, end: date, query: dict[str, Any]) -> list[dict[str, Any]]:
    """The dashboard's three charts: title, image URL and the numbers for their tables."""
    titles, series = chart_titles(), year_on_year(unit=unit, end=end)
    return [
        {
            "name": name,
            "title": titles[name],
            "url": reverse("reports:yearly_chart", args=[unit.code, name]) + "?" + urlencode(query),
            "chart": series[name],
        }
        for name in CHART_NAMES
    ]


class DashboardView(ReportsAccessMixin, TemplateView):
    template_name = "reports/report_dashboard.html"

    @cached_property
    def unit(self) -> Unit:
        code = self.request.GET.get("unit")
        if code:
            return get_object_or_404(report_units_visible_to(user=self.request.user), code=code)
        if self.home_unit is None:
            raise Http404
        return self.home_unit

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        form, query = chosen_period(self.request)
        context: dict[str, Any] = {
            "unit": self.unit,
            "form": form,
            "home_units": self.home_units,
        }
        if self.unit.parent_id:
            parent = report_units_visible_to(user=self.request.user).filter(pk=self.unit.parent_id).first()
            context["parent"] = parent
        if query is None:
            return super().get_context_data(**context, **kwargs)
        period: Period = form.cleaned_data["period"]
        user = self.request.user
        # Without its compiled document: most requests are served from the template's cached
        # fragments of this version, and decoding the document cost more than the rest of the page.
        report = report_latest(user=user, unit=self.unit, period=period, with_figures=False)
        if report is None:
            refusal = unit_ended_refusal(self.unit, period)
            if refusal:  # a dissolved unit after its end: nothing to count live
                return super().get_context_data(**context, period=period, ended=refusal, **kwargs)
        sort = self.request.GET.get("sort", "name")
        descending = self.request.GET.get("dir") == "desc"
        today = timezone.localdate()
        overdue = overdue_now(unit=self.unit, today=today)
        links = TileLinks(self.unit, query)
        # The figures (decoded, or computed live) only when a fragment below needs them.
        shown = SimpleLazyObject(lambda: figures_of(user=user, unit=self.unit, period=period, report=report))
        full = cast(CompiledReport, SimpleLazyObject(lambda: shown[0]))
        context |= {
            "period": period,
            "report": report,
            "live": report is None,
            # only shown when there is no compiled report yet
            "pending": None if report else report_pending(user=user, unit=self.unit, period=period),
            "compile_form": (
                CompileForm(initial={"unit": self.unit.code, **query})
                if report is None and POLICY.allows(user=user, action="compile", unit=self.unit)
                else None
            ),
            "query": urlencode({"unit": self.unit.code, **query}),
            "period_query": urlencode(query),
            "sort": sort,
            "descending": descending,
            "overdue": overdue,
            "tiles": SimpleLazyObject(
                lambda: dashboard_tiles(
                    figures=full.figures, previous=full.previous_figures, overdue=overdue, links=links
                )
            ),
            "figures": SimpleLazyObject(lambda: full.figures),
            "comparisons": SimpleLazyObject(lambda: dashboard_comparisons(full, links=links)),
            "kinds": SimpleLazyObject(lambda: dashboard_kinds(full)),
            "children": SimpleLazyObject(lambda: dashboard_children(full, sort=sort, descending=descending)),
            "sorting": SimpleLazyObject(lambda: sort_links(self.unit.code, query, sort=sort, descending=descending)),
            "trend_rows": SimpleLazyObject(lambda: trend_table(full.figures)),
            # Live figures change: their part of the page is rendered each time (from the
            # figures cached for LIVE_TTL).
            "fragment_ttl": DASHBOARD_FRAGMENT_TTL if report is not None else 0,
            "yearly": SimpleLazyObject(lambda: yearly_charts(self.unit, period.end, query)),
        }
        if report is not None:
            context |= {
                "charts": [{"name": name, "title": chart_title(name)} for name in CHARTS],
                "compiled_stamp": report.compiled_at.timestamp() if report.compiled_at else "",
            }
        return super().get_context_data(**context, **kwargs)


class CompileView(ReportsAccessMixin, View):
    def post(self, request: HttpRequest) -> HttpResponse:
        form = CompileForm(request.POST)
        if not form.is_valid() or "period" not in form.cleaned_data:
            messages.error(request, _("The period is not valid: check the dates."))
            return redirect("reports:dashboard")
        unit = get_object_or_404(report_units_visible_to(user=request.user), code=form.cleaned_data["unit"])
        if not POLICY.allows(user=request.user, action="compile", unit=unit):
            raise Http404
        period: Period = form.cleaned_data["period"]
        convention = form.chosen_convention
        kind, index = guess_kind(period, convention)
        try:
            report_request(
                unit=unit,
                period=period,
                kind=kind.value,
                convention=convention.value,
                **Actor.of(request).kwargs(),
            )
        except UnitEnded as exc:
            messages.error(request, exc.message)
            return redirect(reverse("reports:dashboard") + "?" + urlencode({"unit": unit.code}))
        messages.success(request, _("The report is being compiled; its figures replace the live ones when it is done."))
        query = {"unit": unit.code, **period_query(period, kind, index or 1, convention)}
        return redirect(reverse("reports:dashboard") + "?" + urlencode(query))


class ReportMixin(ReportsAccessMixin):
    @cached_property
    def report(self) -> CompiledReport:
        return get_object_or_404(report_list_visible_to(user=self.request.user), pk=self.kwargs["pk"])  # type: ignore[attr-defined]


class ReportDetailView(ReportMixin, TemplateView):
    template_name = "reports/report_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        report = self.report
        versions = list(report_versions(report=report))
        older = [v for v in versions if v.version < report.version and v.figures]
        differences = report_differences(older[0].figures, report.figures) if older and report.figures else []
        period = Period(report.period_from, report.period_to)
        kind, index = guess_kind(period, Convention(report.convention))
        dashboard_url = (
            reverse("reports:dashboard")
            + "?"
            + urlencode(
                {"unit": report.unit.code, **period_query(period, kind, index or 1, Convention(report.convention))}
            )
        )
        return super().get_context_data(
            report=report,
            actions={name for name, _action in REPORT_ACTIONS.offered(user=self.request.user, record=report)},
            may_compile=POLICY.allows(user=self.request.user, action="compile", unit=report.unit),
            versions=versions,
            compared_with=older[0] if older else None,
            differences=differences,
            dashboard_url=dashboard_url,
            **kwargs,
        )


class ReportStatusView(ReportMixin, View):
    """Polled by progress.js while a report compiles."""

    def get(self, request: HttpRequest, pk: int) -> JsonResponse:
        report = self.report
        return JsonResponse(
            {
                "state": report.state,
                "state_label": report.get_state_display(),
                "progress": report.progress,
                "done": not report.is_pending,
            }
        )


def _publish(report: CompiledReport, _data: dict[str, Any], actor: Actor) -> CompiledReport:
    return report_publish(report=report, **actor.kwargs())


# What leaders do to a compiled report (core.actions); who may is reports.policies.
REPORT_ACTIONS: ActionTable[CompiledReport] = ActionTable(
    policy=POLICY,
    unit_of=lambda report: report.unit,
    actions={
        # Offered once compiled: publishing it twice is refused by the service, with a message.
        "publish": StaffAction(
            gettext_lazy("Publish (the figures are then frozen)"),
            forms.Form,
            _publish,
            available=lambda report: report.state == CompileState.DONE,
            message=lambda _report: (messages.SUCCESS, _("The report is published. It can no longer change.")),
        ),
    },
)


class ReportPublishView(ReportMixin, InlineActionView[CompiledReport]):
    table = REPORT_ACTIONS

    def get_record(self) -> CompiledReport:
        return self.report

    def redirect_after(self, result: object) -> HttpResponse:
        return redirect("reports:report_detail", pk=self.report.pk)


class ReportExportView(ReportMixin, View):
    def get(self, request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
        report = self.report
        if fmt not in EXPORT_TYPES or not report.figures:
            raise Http404
        if fmt == "json":
            data = json.dumps(report.figures, ensure_ascii=False, indent=2).encode()
        else:
            data = render_export(
                report.figures,
                fmt,
                report.children,
                letterhead=report_letterhead(report),
                previous=report.previous_figures or None,
            )
        status = "" if report.status == ReportStatus.PUBLISHED else "-du-thao"
        dates = f"{report.period_from:%Y%m%d}-{report.period_to:%Y%m%d}"
        name = f"bao-cao-{report.unit.code}-{dates}-v{report.version}{status}.{fmt}"
        response = HttpResponse(data, content_type=EXPORT_TYPES[fmt])
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


class ReportChartView(ReportMixin, View):
    def get(self, request: HttpRequest, pk: int, name: str) -> HttpResponse:
        report = self.report
        if name not in CHARTS or not report.figures.get("trend"):
            raise Http404
        # matplotlib takes a good part of a second of CPU per chart; a compiled version's
        # figures never change, so draw each chart once per version and language.
        stamp = report.compiled_at.timestamp() if report.compiled_at else ""
        key = f"reports:chart:{report.pk}:{report.version}:{stamp}:{name}:{get_language()}"
        svg = cache.get(key)
        if svg is None:
            svg = trend_chart(report.figures["trend"], name, "svg")
            cache.set(key, svg, CHART_CACHE_TTL)
        response = HttpResponse(svg, content_type="image/svg+xml")
        response["Cache-Control"] = "private, max-age=300"
        return response


class DrillRowsView(ReportsAccessMixin, TemplateView):
    """The rows behind one figure of the dashboard: the unit's subtree, the period, the
    figure's definition (reports.drill). Open to everyone who sees the dashboard."""

    template_name = "reports/report_rows.html"
    lists_home_units = False

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        figure, code = kwargs.pop("figure"), kwargs.pop("code")
        if figure not in FIGURES and figure not in CASE_FIGURES:
            raise Http404
        user = self.request.user
        unit = report_unit_visible(user=user, code=code)
        form, query = chosen_period(self.request)
        if unit is None or query is None:
            raise Http404
        period: Period = form.cleaned_data["period"]
        level = self.request.GET.get("level", "")
        today = timezone.localdate()
        back = reverse("reports:dashboard") + "?" + urlencode({"unit": unit.code, **query})
        context: dict[str, Any] = {"unit": unit, "period": period, "back": back, "figure": figure, "level": level}
        if figure in CASE_FIGURES:
            cases = case_rows(unit=unit, period=period, which=figure)
            try:
                page = max(1, int(self.request.GET.get("page", "1")))
            except ValueError:
                page = 1
            shown = cases[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
            more = len(cases) > page * PAGE_SIZE
            context |= {
                "label": CASE_FIGURES[figure],
                "total": len(cases),
                "cases": shown,
                "first_row": (page - 1) * PAGE_SIZE + 1,
                "next_url": "?" + urlencode({**query, "page": page + 1}) if more else "",
            }
            return super().get_context_data(**context, **kwargs)
        spec = FIGURES[figure]
        if spec.per_level and level not in UnitLevel.values:
            raise Http404
        if spec.live:
            total: int | None = overdue_now(unit=unit, today=today)
        else:
            # The compiled figures as the worker keeps them, not the report's documents (the
            # children's figures are a megabyte for the city): one number is shown.
            kept = report_figures_latest(user=user, unit=unit, period=period)
            try:
                figures = (
                    kept
                    if kept is not None
                    else figures_of(user=user, unit=unit, period=period, report=None)[0].figures
                )
            except UnitEnded:
                raise Http404 from None
            total = figure_value(figures, figure, level)
        after = self.request.GET.get("after", "")
        rows = drill_rows(figure=figure, unit=unit, period=period, today=today, level=level, after=after)
        extra = {"level": level} if level else {}
        context |= {
            "label": spec.label,
            "level_label": UnitLevel(level).label if level else "",
            "total": total,
            "rows": rows.rows,
            "head_html": drill_head_html(spec.model),
            "rows_html": drill_rows_html(spec.model, rows.rows),
            "continued": bool(after),
            "first_url": "?" + urlencode({**query, **extra}) if after else "",
            "next_url": "?" + urlencode({**query, **extra, "after": rows.next_after}) if rows.next_after else "",
            "live_figure": spec.live,
        }
        return super().get_context_data(**context, **kwargs)


class YearOnYearChartView(ReportsAccessMixin, View):
    """One of the dashboard's charts (reports.yearly) as SVG: the unit's subtree, the 12
    months up to the chosen period's last day against a year earlier."""

    def get(self, request: HttpRequest, code: str, name: str) -> HttpResponse:
        if name not in CHART_NAMES:
            raise Http404
        unit = get_object_or_404(report_units_visible_to(user=request.user), code=code)
        form, query = chosen_period(request)
        if query is None:
            raise Http404
        end = form.cleaned_data["period"].end
        key = f"reports:yoy-svg:{unit.pk}:{end}:{name}:{get_language()}"
        svg = cache.get(key)
        if svg is None:
            svg = year_on_year_svg(year_on_year(unit=unit, end=end)[name])
            cache.set(key, svg, YEARLY_TTL)
        response = HttpResponse(svg, content_type="image/svg+xml")
        response["Cache-Control"] = "private, max-age=300"
        return response
