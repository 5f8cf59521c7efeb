"""Visit pages: the answers due, a visit's page with its forms (the answer, a forwarded
matter's result and notice), confirming a repeat, and the audited opening of a denouncer's
identity."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from core.actions import InlineActionView, StaffActionView
from core.choices import PetitionKind
from core.ratelimit import client_ip

from .. import services
from ..forms import MarkRepeatForm, RevealForm
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
            visit_list_visible_to(user=self.request.user).select_related("repeat_of", "forwarded_result"),
            pk=self.kwargs["pk"],
        )

    def redirect_after(self, result: object) -> HttpResponse:
        return redirect("reception:visit_detail", pk=self.kwargs["pk"])


class VisitDetailView(VisitRecordMixin, StaffActionView[Visit]):
    """The visit page: what was received, earlier visits that may be the same matter, and the
    forms of what is owed on it: the answer (Luật TCD art. 28(1)), then, for a forwarded matter,
    the competent body's result and the notice to the citizen (art. 28(2)). Each form posts to
    its own address (the URL's action); a refused one comes back here with what was typed."""

    template_name = "reception/visit_detail.html"
    # Each form of the page and the address it posts to.
    PAGE_FORMS = {
        "answer": "reception:visit_detail",
        "forwarded_result": "reception:visit_result",
        "notify_citizen": "reception:visit_notice",
    }

    def fresh_form(self, name: str) -> forms.Form:
        visit = self.record
        initial: dict[str, Any] = {"version": visit.version}
        if name == "forwarded_result":
            initial["body"] = visit.guided_to
        result = visit.result
        if name == "notify_citizen" and result is not None:
            initial["text"] = services.forwarded_notice_draft(result)
        form_class = self.table.actions[name].form
        return form_class(initial=initial)

    def page(self, bound: forms.Form | None) -> HttpResponse:
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
        actions = offered(self.table, user=self.request.user, record=visit)
        page_forms = {
            name: bound if bound is not None and name == self.action_name else self.fresh_form(name)
            for name in self.PAGE_FORMS
            if name in actions
        }
        for name, form in page_forms.items():
            form.helper.form_action = reverse(self.PAGE_FORMS[name], args=[visit.pk])  # type: ignore[attr-defined]
        context = {
            "visit": visit,
            "result": visit.result,
            "forms": page_forms,
            "actions": actions,
            "candidates": candidates,
            "may_reveal": visit.is_denunciation and may_reveal,
            "today": timezone.localdate(),
        }
        return render(self.request, self.template_name, context)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.page(None)

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
