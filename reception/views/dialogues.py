"""The register of dialogue conferences (hội nghị đối thoại): the conferences of the official's
units, newest first, and the form that records one (counted in the reports' `dialogues`)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from core.actions import Actor, add_service_error
from core.selectors import user_home_unit

from .. import services
from ..forms import DialogueForm
from ..policies import POLICY
from ..selectors import dialogue_list_visible_to, units_for_desk
from .base import DeskMixin

LIST_LIMIT = 200


class DialogueListView(DeskMixin, View):
    template_name = "reception/dialogue_list.html"

    def form(self, data: Any = None, initial: dict[str, Any] | None = None) -> DialogueForm | None:
        units = units_for_desk(user=self.user, roles=POLICY.roles_for("dialogue_record"))
        if not units.exists():
            return None  # an inspector reads the register and records nothing
        return DialogueForm(data, units=units, initial=initial)

    def render_page(self, request: HttpRequest, form: DialogueForm | None) -> HttpResponse:
        conferences = dialogue_list_visible_to(user=self.user).order_by("-held_on", "-pk")[:LIST_LIMIT]
        return render(request, self.template_name, {"form": form, "conferences": conferences})

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.render_page(
            request, self.form(initial={"unit": user_home_unit(user=self.user), "held_on": timezone.localdate()})
        )

    def post(self, request: HttpRequest) -> HttpResponse:
        form = self.form(request.POST)
        if form is None:
            return self.render_page(request, None)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.dialogue_record(
                    unit=data["unit"],
                    held_on=data["held_on"],
                    attendees=data["attendees"],
                    topic=data["topic"],
                    ref=data["ref"],
                    **Actor.of(request).kwargs(),
                )
            except forms.ValidationError as exc:
                add_service_error(form, exc)
            else:
                messages.success(request, _("Dialogue conference recorded."))
                return redirect("reception:dialogue_list")
        return self.render_page(request, form)
