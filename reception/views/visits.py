"""Visit pages: the answers due, a visit's page with its answer form, confirming a repeat,
and the audited opening of a denouncer's identity."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from core.actions import InlineActionView, StaffActionView
from core.choices import PetitionKind
from core.ratelimit import client_ip

from .. import services
from ..forms import AnswerForm, MarkRepeatForm, RevealForm
from ..models import Visit
from ..selectors import visit_answer_queue, visit_list_visible_to, visit_repeat_candidates
from .actions import VISIT_ACTIONS
from .base import DeskMixin, offered


class VisitQueueView(DeskMixin, TemplateView):
    template_name = "reception/visit_queue.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            visits=list(visit_answer_queue(user=self.user)[:200]), today=timezone.localdate(), **kwargs
        )


class VisitRecordMixin:
    """A visit the official may read, by the URL's pk."""

    request: HttpRequest
    kwargs: dict[str, Any]
    table = VISIT_ACTIONS

    def get_record(self) -> Visit:
        return get_object_or_404(
            visit_list_visible_to(user=self.request.user).select_related("repeat_of"), pk=self.kwargs["pk"]
        )

    def redirect_after(self, result: object) -> HttpResponse:
        return redirect("reception:visit_detail", pk=self.kwargs["pk"])


class VisitDetailView(VisitRecordMixin, StaffActionView[Visit]):
    """The visit page: what was received, earlier visits that may be the same matter, and the
    answer form while one is owed (POST records the answer)."""

    template_name = "reception/visit_detail.html"

    def page(self, form: forms.Form | None) -> HttpResponse:
        visit = self.record
        may_reveal = services.visit_may_reveal(user=self.request.user, unit=visit.unit)
        candidates = (
            []
            if visit.repeat_of
            else visit_repeat_candidates(
                unit=visit.unit,
                identity_number=visit.identity_number,
                citizen_name=visit.citizen_name,
                address=visit.address,
                content=visit.content,
                before=visit.received_on,
                exclude_pk=visit.pk,
                with_denunciations=may_reveal,
            )
        )
        context = {
            "visit": visit,
            "form": form,
            "actions": offered(self.table, user=self.request.user, record=visit),
            "candidates": candidates,
            "may_reveal": visit.is_denunciation and may_reveal,
            "today": timezone.localdate(),
        }
        return render(self.request, self.template_name, context)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        may_answer = self.table.may("answer", user=request.user, record=self.record)
        return self.page(AnswerForm(initial={"version": self.record.version}) if may_answer else None)

    def form_invalid(self, form: forms.Form) -> HttpResponse:
        return self.page(form)


class VisitActionView(VisitRecordMixin, InlineActionView[Visit]):
    """POST from the visit page: confirm that it repeats an earlier visit."""

    def action_form_kwargs(self) -> dict[str, Any]:
        if self.action.form is MarkRepeatForm:
            return {"visits": visit_list_visible_to(user=self.request.user)}
        return {}


class VisitRevealView(DeskMixin, View):
    """Opens the identity of a citizen who came to denounce, for a permitted official who
    states why (an IDENTITY_REVEALED event; the page is not cached)."""

    template_name = "reception/visit_reveal.html"

    def visit(self) -> Visit:
        return get_object_or_404(
            visit_list_visible_to(user=self.request.user).select_related("unit"),
            pk=self.kwargs["pk"],
            kind=PetitionKind.DENUNCIATION,
        )

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return render(request, self.template_name, {"visit": self.visit(), "form": RevealForm()})

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        visit = self.visit()
        form = RevealForm(request.POST)
        identity = None
        if form.is_valid():
            try:
                identity = services.visit_denouncer_reveal(
                    visit=visit,
                    reason=form.cleaned_data["reason"],
                    actor=self.user,
                    ip_address=client_ip(request) or None,
                )
            except ValidationError as exc:
                form.add_error(None, exc)
        response = render(
            request,
            self.template_name,
            {"visit": visit, "form": form, "identity": identity},
            status=200 if identity is not None else 400,
        )
        response["Cache-Control"] = "no-store"
        return response
