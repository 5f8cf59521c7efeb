"""What every staff page of the petitions app shares."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpRequest

from core.selectors import STAFF_ROLES, unit_paths_for


class StaffMixin(LoginRequiredMixin):
    """Signed-in staff only: anyone else signed in gets 404, as for a record out of scope."""

    request: HttpRequest

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        # A membership's own unit is always in its subtree: no paths means no unit (one query
        # fewer than asking the unit table whether any exists). The memberships were read once
        # for the request (core.middleware.RememberMembershipsMiddleware).
        if request.user.is_authenticated and unit_paths_for(user=request.user, roles=STAFF_ROLES) == []:
            raise Http404
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]
