"""The counter: find the procedure, then receive the file as a dossier or answer with a slip
(supplement request, Mẫu 02; refusal to accept, Mẫu 03)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from core.actions import Actor
from core.models import Unit

from .. import forms as f
from .. import services
from ..models import IntakeNotice, Procedure
from ..policies import POLICY
from ..selectors import intake_unit_of, procedure_search
from .staff import keep_pin_for_slip


class IntakeSearchView(LoginRequiredMixin, TemplateView):
    """Step 1 at the counter: find the procedure (search as you type with JS; a plain
    GET form without it)."""

    template_name = "adminreform/intake_search.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        form = f.ProcedureSearchForm(self.request.GET or None)
        text = form.cleaned_data["q"] if form.is_valid() else ""
        results = list(procedure_search(text=text, limit=20)) if text else []
        return super().get_context_data(form=form, results=results, searched=bool(text), **kwargs)


class ProcedureSearchJsonView(LoginRequiredMixin, View):
    def get(self, request: HttpRequest) -> JsonResponse:
        text = request.GET.get("q", "")[:100]
        results = (
            [
                {
                    "code": p.code,
                    "name": p.name,
                    "days": p.processing_days,
                    "url": reverse("adminreform:intake", args=[p.pk]),
                }
                for p in procedure_search(text=text, limit=10)
            ]
            if text.strip()
            else []
        )
        return JsonResponse({"results": results})


class IntakeView(LoginRequiredMixin, View):
    template_name = "adminreform/intake_form.html"

    @cached_property
    def procedure(self) -> Procedure:
        return get_object_or_404(Procedure.objects.prefetch_related("documents"), pk=self.kwargs["pk"])

    def counter_unit(self) -> Unit:
        """The unit whose counter the official staffs (404 for whoever staffs none)."""
        unit = intake_unit_of(user=self.request.user, roles=POLICY.roles_for("receive"))
        if unit is None:
            raise Http404
        return unit

    def render_form(self, form: f.CounterIntakeForm) -> HttpResponse:
        return render(self.request, self.template_name, {"form": form, "procedure": self.procedure})

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self.render_form(f.CounterIntakeForm(procedure=self.procedure))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        form = f.CounterIntakeForm(request.POST, procedure=self.procedure)
        if not form.is_valid():
            return self.render_form(form)
        unit = self.counter_unit()
        data = form.cleaned_data
        applicant = services.Applicant(
            name=data["applicant_name"],
            phone=data["applicant_phone"],
            email=data["applicant_email"],
            address=data["applicant_address"],
            id_number=data["applicant_id_number"],
        )
        actor = Actor.of(request)
        try:
            if data["decision"] == "accept":
                dossier = services.dossier_receive(
                    unit=unit,
                    procedure=self.procedure,
                    applicant=applicant,
                    documents=list(data["documents"]),
                    channel=data["channel"],
                    **actor.kwargs(),
                )
                messages.success(request, _("Dossier %(ref)s received.") % {"ref": dossier.ref})
                keep_pin_for_slip(request, dossier)  # shown once, on the slip printed now
                return redirect("adminreform:dossier_receipt", pk=dossier.pk)
            notice = services.intake_notice_issue(
                unit=unit,
                procedure=self.procedure,
                applicant=applicant,
                kind=IntakeNotice.Kind.SUPPLEMENT if data["decision"] == "supplement" else IntakeNotice.Kind.REFUSAL,
                documents=list(data["documents"]),
                reasons=data["reasons"],
                **actor.kwargs(),
            )
            return redirect("adminreform:notice_print", pk=notice.pk)
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.render_form(form)
