"""The map of feedback (phản ánh): a public map (anyone) and a staff map (an official's
units), each with its filters, its points as JSON page by page (petitions.feedback_map) and
the same feedback as a table for keyboard and screen-reader users; and the public page a
point opens.

Leaflet and its marker clustering come from their packages (static files); the tiles from
the server of the MAP_TILE_URL setting, which these pages' Content-Security-Policy allows
for images (and nothing else).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode, urlsplit

from django import forms
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.generic import TemplateView, View

from core.ratelimit import client_ip, hit

from ..feedback_map import (
    PAGE_MAX,
    MapFilters,
    MapPage,
    default_since,
    map_unit_choices,
    public_feedback_by_code,
    public_feedback_points,
    staff_feedback_points,
)
from ..models import OPEN_STATUSES, FeedbackCategory, PetitionStatus
from .mixins import StaffMixin

TABLE_ROWS = 50  # rows of the list under the map, a page


def tile_origin() -> str:
    """The origin the tiles come from, for the CSP: `https://{s}.tile.example.org/…` →
    `https://*.tile.example.org`."""
    parts = urlsplit(settings.MAP_TILE_URL)
    return f"{parts.scheme}://{parts.netloc.replace('{s}', '*')}"


def allow_tiles(response: HttpResponse) -> HttpResponse:
    """Let this page's images come from the tile server too (django-csp's per-response update)."""
    response._csp_update = {"img-src": [tile_origin()]}  # type: ignore[attr-defined]
    return response


def map_config(**extra: Any) -> dict[str, Any]:
    """What map.js and picker.js read (json_script): the tiles and where the map opens."""
    latitude, longitude = settings.MAP_CENTER
    return {
        "tiles": settings.MAP_TILE_URL,
        "attribution": settings.MAP_TILE_ATTRIBUTION,
        "maxZoom": settings.MAP_TILE_MAX_ZOOM,
        "center": [latitude, longitude],
        "zoom": settings.MAP_ZOOM,
        **extra,
    }


class MapFilterForm(forms.Form):
    status = forms.ChoiceField(label=gettext_lazy("Status"), required=False)
    category = forms.ChoiceField(
        label=gettext_lazy("Category"),
        required=False,
        choices=[("", gettext_lazy("All categories")), *FeedbackCategory.choices],
    )
    since = forms.DateField(
        label=gettext_lazy("Received from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=gettext_lazy("Received until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, staff: bool = False, units: list[tuple[str, str]] | None = None, **kw: Any):
        super().__init__(*args, **kw)
        statuses = [("", _("All")), ("open", _("Being handled")), ("closed", _("Closed"))]
        if staff:
            statuses += list(PetitionStatus.choices)
            self.fields["unit"] = forms.ChoiceField(
                label=_("Unit"), required=False, choices=[("", _("All my units")), *(units or [])]
            )
        self.fields["status"].choices = statuses

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", _("The end of the period comes before its start."))
        return data

    def filters(self) -> MapFilters:
        """The filters asked for; the default window (the last 90 days) when no date is given."""
        data = self.cleaned_data if self.is_valid() else {}
        since, until = data.get("since"), data.get("until")
        if since is None and until is None:
            since = default_since()
        return MapFilters(
            status=data.get("status", ""),
            category=data.get("category", ""),
            since=since,
            until=until,
            unit=data.get("unit", ""),
        )


def _limit(request: HttpRequest) -> int:
    try:
        return max(1, min(PAGE_MAX, int(request.GET.get("limit", PAGE_MAX))))
    except ValueError:
        return PAGE_MAX


def _query(request: HttpRequest, **changes: str) -> str:
    params = {k: v for k, v in request.GET.items() if k in {"status", "category", "since", "until", "unit"}}
    params.update(changes)
    return urlencode({k: v for k, v in params.items() if v})


def _words() -> dict[str, str]:
    """What map.js writes, in the page's language."""
    return {
        "loading": _("Loading the points…"),
        "shown": _("feedback points on the map"),
        "more": _("Only the newest %n are shown: narrow the filters."),
        "failed": _("The points could not be loaded: reload the page. The list below still works."),
        "code": _("Code"),
        "ref": pgettext("petition", "Reference"),
        "category": _("Category"),
        "state": _("Status"),
        "received": _("Received on"),
        "unit": _("Unit"),
        "place": _("Place"),
        "openPublic": _("See its status"),
        "openStaff": _("Open the petition"),
    }


def _labels() -> dict[str, dict[str, str]]:
    return {
        "category": {k: str(v) for k, v in FeedbackCategory.choices},
        "status": {k: str(v) for k, v in PetitionStatus.choices},
        "open": {"1": _("Being handled"), "0": _("Closed")},
    }


def _points_json(page: MapPage, *, staff: bool, next_url: str | None) -> JsonResponse:
    """Each point as one array: [id or code, latitude, longitude, category, status, open (0/1),
    day received (dd/mm/yyyy), the unit's index in `units`, the place, reference (staff)]."""
    units: dict[str, int] = {}
    rows = []
    for p in page.points:
        index = units.setdefault(p.unit_name, len(units))
        row: list[Any] = [
            p.pk if staff else p.code,
            p.latitude,
            p.longitude,
            p.category,
            p.status,
            1 if p.is_open else 0,
            date_format(p.received_on, "d/m/Y"),
            index,
            p.place,
        ]
        if staff:
            row.append(p.ref)
        rows.append(row)
    body = {"points": rows, "units": list(units), "next": next_url}
    return JsonResponse(body, json_dumps_params={"ensure_ascii": False, "separators": (",", ":")})


def _bad_filters(form: MapFilterForm) -> JsonResponse:
    return JsonResponse({"errors": {k: [str(m) for m in v] for k, v in form.errors.items()}}, status=400)


class _MapPage(TemplateView):
    staff = False

    def form(self) -> MapFilterForm:
        raise NotImplementedError

    def page(self, filters: MapFilters, cursor: str) -> MapPage:
        raise NotImplementedError

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return allow_tiles(super().get(request, *args, **kwargs))  # type: ignore[arg-type]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        form = self.form()
        filters = form.filters()
        page = self.page(filters, self.request.GET.get("after", "")) if form.is_valid() else None
        points_url = reverse(self.points_url_name) + "?" + _query(self.request)
        config = map_config(
            points=points_url, labels=_labels(), words=_words(), staff=self.staff, link=self.link_template()
        )
        return super().get_context_data(
            form=form,
            table=page,
            next_query=_query(self.request, after=page.next_cursor) if page and page.next_cursor else "",
            first_query=_query(self.request) if self.request.GET.get("after") else None,
            window_since=filters.since if not (form.is_valid() and form.cleaned_data.get("since")) else None,
            map_config=config,
            **kwargs,
        )

    points_url_name = ""

    def link_template(self) -> str:
        raise NotImplementedError


class PublicMapView(_MapPage):
    """The public map of feedback: anyone, no account."""

    template_name = "petitions/feedback_map.html"
    points_url_name = "petitions:map_points"

    def form(self) -> MapFilterForm:
        return MapFilterForm(self.request.GET)

    def page(self, filters: MapFilters, cursor: str) -> MapPage:
        return public_feedback_points(filters=filters, cursor=cursor, limit=TABLE_ROWS)

    def link_template(self) -> str:
        return reverse("petitions:feedback", kwargs={"code": "CODE"})


class StaffMapView(StaffMixin, _MapPage):
    """The staff map: the feedback of the official's units, each point opening its page."""

    template_name = "petitions/feedback_map.html"
    points_url_name = "petitions:staff_map_points"
    staff = True

    def form(self) -> MapFilterForm:
        units = map_unit_choices(user=self.request.user)
        return MapFilterForm(self.request.GET, staff=True, units=units)

    def page(self, filters: MapFilters, cursor: str) -> MapPage:
        return staff_feedback_points(user=self.request.user, filters=filters, cursor=cursor, limit=TABLE_ROWS)

    def link_template(self) -> str:
        return reverse("petitions:detail", kwargs={"pk": 0}).replace("/0/", "/ID/")


class PublicMapPointsView(View):
    """The public map's points as JSON, a page at a time (`limit` ≤ 2.000; follow `next`)."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return _public_points(request)


def _public_points(request: HttpRequest) -> HttpResponse:
    allowed = hit(f"map:ip:{client_ip(request)}", limit=settings.API_PUBLIC_RATE_PER_MINUTE, window=60)
    if not allowed and getattr(settings, "CIVICDESK_RATELIMIT_ENABLED", True):
        return JsonResponse({"errors": {"__all__": [_("Too many requests")]}}, status=429)
    form = MapFilterForm(request.GET)
    if not form.is_valid():
        return _bad_filters(form)
    page = public_feedback_points(filters=form.filters(), cursor=request.GET.get("after", ""), limit=_limit(request))
    return _points_json(page, staff=False, next_url=_next(request, page, "petitions:map_points"))


class StaffMapPointsView(StaffMixin, View):
    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = MapFilterForm(request.GET, staff=True, units=map_unit_choices(user=request.user))
        if not form.is_valid():
            return _bad_filters(form)
        page = staff_feedback_points(
            user=request.user, filters=form.filters(), cursor=request.GET.get("after", ""), limit=_limit(request)
        )
        return _points_json(page, staff=True, next_url=_next(request, page, "petitions:staff_map_points"))


def _next(request: HttpRequest, page: MapPage, url_name: str) -> str | None:
    if not page.next_cursor:
        return None
    query = _query(request, after=page.next_cursor, limit=str(_limit(request)))
    return f"{reverse(url_name)}?{query}"


class FeedbackPublicView(TemplateView):
    """What a public map point opens: the feedback's category, status, day, unit and place."""

    template_name = "petitions/feedback_public.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return allow_tiles(super().get(request, *args, **kwargs))  # type: ignore[arg-type]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        petition = public_feedback_by_code(code=self.kwargs["code"])
        if petition is None or not petition.tracking_code:
            raise Http404
        point = None
        if petition.latitude is not None and petition.longitude is not None:
            point = [float(petition.latitude), float(petition.longitude)]
        return super().get_context_data(
            feedback=petition,
            is_open=petition.status in OPEN_STATUSES,
            category=FeedbackCategory(petition.category or FeedbackCategory.OTHER).label,
            map_config=map_config(point=point, zoom=16) if point else None,
            **kwargs,
        )
