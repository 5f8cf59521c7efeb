"""Visit pages: the answers due, a visit's page with its answer form, confirming a repeat."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.generic import TemplateView

from core.actions import InlineActionView, StaffActionView

from ..forms import AnswerForm, MarkRepeatForm
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
            )
        )
        context = {
            "visit": visit,
            "form": form,
            "actions": offered(self.table, user=self.request.user, record=visit),
            "candidates": candidates,
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
