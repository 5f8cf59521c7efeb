"""The public reception schedule: the heads' published reception days, for citizens."""

from __future__ import annotations

import re

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views import View

from core.models import Unit

from ..forms import ScheduleSearchForm
from ..selectors import public_schedule, public_unit_search

UNIT_CODE = re.compile(r"[A-Za-z0-9_-]{1,20}")


class PublicScheduleView(View):
    template_name = "reception/schedule.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        form = ScheduleSearchForm(request.GET or None)
        code = request.GET.get("unit", "")
        # A unit code is letters, digits, "-" or "_" (CONTRACTS.md); anything else (a NUL byte
        # made PostgreSQL fail: a 500 found by tests/security/test_fuzz.py) looks nothing up.
        unit = Unit.objects.filter(code=code).first() if UNIT_CODE.fullmatch(code) else None
        matches: list[Unit] = []
        if unit is None and form.is_valid() and form.cleaned_data["q"]:
            matches = list(public_unit_search(text=form.cleaned_data["q"]))
            if len(matches) == 1:
                unit = matches[0]
        sessions = list(public_schedule(unit=unit)) if unit else []
        return render(
            request,
            self.template_name,
            {"form": form, "unit": unit, "matches": matches, "sessions": sessions, "today": timezone.localdate()},
        )
