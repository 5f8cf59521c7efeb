"""Urging (đôn đốc) for officials: the requests their units received from above and sent below,
one request's page with the answer form for the unit urged, and its answering document."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView

from core.actions import Actor, add_service_error
from core.selectors import user_has_role
from core.uploads import attachment_response

from .. import services
from ..policies import POLICY
from ..selectors import soon_cutoff
from ..urge_forms import UrgeAnswerForm
from ..urge_selectors import urge_request_visible_to, urge_requests_received, urge_requests_sent
from ..urging import UrgeRequest
from .mixins import StaffMixin


def _rows(qs: Any, today: Any) -> list[tuple[UrgeRequest, str]]:
    cutoff = soon_cutoff(today)

    def state(r: UrgeRequest) -> str:
        if r.answered_on is not None or r.due_on is None:
            return ""
        return "overdue" if r.due_on < today else "soon" if r.due_on <= cutoff else "ok"

    return [(r, state(r)) for r in qs]


class UrgeListView(StaffMixin, TemplateView):
    template_name = "petitions/urge_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        today = timezone.localdate()
        show_answered = self.request.GET.get("answered") == "1"
        received = urge_requests_received(user=self.request.user)
        if not show_answered:
            received = received.filter(answered_on__isnull=True)
        sent = urge_requests_sent(user=self.request.user).filter(to_unit__isnull=False)
        if not show_answered:
            sent = sent.filter(answered_on__isnull=True)
        return super().get_context_data(
            received=_rows(received.order_by("answered_on", "due_on", "pk")[:200], today),
            sent=_rows(sent.order_by("answered_on", "due_on", "pk")[:200], today),
            show_answered=show_answered,
            **kwargs,
        )


def _may_answer(user: Any, urge: UrgeRequest) -> bool:
    return (
        isinstance(user, User)
        and urge.to_unit is not None
        and urge.answered_on is None
        and user_has_role(user=user, unit=urge.to_unit, roles=tuple(POLICY.roles_for("urge-answer")))
    )


class UrgeDetailView(StaffMixin, FormView):
    """A request as the unit urged reads it (never the petitioner's identity: the request text,
    the petition's reference and kind, the unit that urged), with the answer form; and as the
    urging unit reads it, with the answer and a link to its petition."""

    template_name = "petitions/urge_detail.html"
    form_class = UrgeAnswerForm

    def get_urge(self) -> UrgeRequest:
        if not hasattr(self, "_urge"):
            self._urge = get_object_or_404(urge_request_visible_to(user=self.request.user), pk=self.kwargs["pk"])
        return self._urge

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        urge = self.get_urge()
        today = timezone.localdate()
        sent_here = urge_requests_sent(user=self.request.user).filter(pk=urge.pk).exists()
        return super().get_context_data(
            urge=urge,
            state=_rows([urge], today)[0][1],
            may_answer=_may_answer(self.request.user, urge),
            sent_here=sent_here,
            **kwargs,
        )

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not _may_answer(request.user, self.get_urge()):
            raise Http404
        return super().post(request, *args, **kwargs)

    def form_valid(self, form: UrgeAnswerForm) -> HttpResponse:  # type: ignore[override]
        try:
            services.urge_request_answer(
                urge=self.get_urge(),
                answer=form.cleaned_data["answer"],
                document=form.cleaned_data.get("document") or None,
                **Actor.of(self.request).kwargs(),
            )
        except ValidationError as exc:
            add_service_error(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("The answer was recorded; the unit that urged can read it."))
        return redirect(self.get_urge().get_absolute_url())


class UrgeDocumentView(StaffMixin, View):
    """The answering document, to the officials of either unit."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        urge = get_object_or_404(urge_request_visible_to(user=request.user), pk=pk)
        if not urge.answer_file:
            raise Http404
        return attachment_response(
            urge.answer_file.open("rb"), filename=urge.answer_file_name, mime=urge.answer_file_mime
        )
