import sys
from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views import defaults
from django.views.generic import TemplateView

from . import work
from .navigation import home_items_for
from .selectors import membership_list_for, unit_ancestors, unit_children, units_visible_to, user_roles
from .two_factor import can_use_second_factor


def _url_or_none(name: str) -> str | None:
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


class HomeView(TemplateView):
    """The public home page: what a citizen can do, in plain Vietnamese."""

    template_name = "core/home.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            file_url=_url_or_none("petitions:file"),
            track_url=_url_or_none("petitions:track"),
            schedule_url=_url_or_none("reception:schedule"),
            lookup_url=_url_or_none("adminreform:lookup"),
            map_url=_url_or_none("petitions:map"),
            **kwargs,
        )


class StaffHomeView(LoginRequiredMixin, TemplateView):
    template_name = "core/staff_home.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            memberships=membership_list_for(user=self.request.user),
            home_items=home_items_for(user_roles(user=self.request.user)),
            can_use_second_factor=can_use_second_factor(self.request.user),
            work=work.collect(user=self.request.user, today=timezone.localdate()),
            **kwargs,
        )


class ComingSoonView(TemplateView):
    template_name = "core/coming_soon.html"


class UnitDetailView(LoginRequiredMixin, TemplateView):
    """A unit and the units below it, for officials of that unit or above: 404 otherwise."""

    template_name = "core/unit_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        unit = get_object_or_404(units_visible_to(user=self.request.user), code=self.kwargs["code"])
        return super().get_context_data(
            unit=unit, ancestors=unit_ancestors(unit), children=unit_children(unit), **kwargs
        )


def health(request: HttpRequest) -> JsonResponse:
    """Liveness for load balancers and the benchmark baseline: no database, no template."""
    return JsonResponse({"status": "ok"})


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: an unreachable database (connection refused, dropped, timed out) is a
    503 "temporarily unavailable" page that says nothing was recorded, rendered without the
    database; anything else is Django's plain 500."""
    if isinstance(sys.exc_info()[1], OperationalError | InterfaceError):
        body = render_to_string("503.html")
        return HttpResponse(body, status=503, headers={"Retry-After": "120", "Cache-Control": "no-store"})
    return defaults.server_error(request)
