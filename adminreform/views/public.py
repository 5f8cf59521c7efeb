"""The public pages: the lookup by code and PIN and the rating that follows it, the online
procedures and the online dossier. No sign-in: the checks are the forms', the rate limits' and
the dossier's code and PIN."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.views import View
from django.views.generic import TemplateView

from core import ratelimit
from core.collation import vietnamese
from core.held_files import KeepsFiles
from core.models import Unit

from .. import forms as f
from .. import services
from ..models import OnlineService, Procedure, ProcedureDocument
from ..selectors import dossier_for_lookup, dossier_public_status, procedure_list, procedures_in_force

LOOKUP_LIMIT = 20  # attempts per IP per window
LOOKUP_WINDOW = 600  # seconds


def client_ip(request: HttpRequest) -> str | None:
    return ratelimit.client_ip(request) or None


def _rate_limited(request: HttpRequest) -> bool:
    return ratelimit.is_rate_limited(request, scope="adminreform:lookup", limit=LOOKUP_LIMIT, window=LOOKUP_WINDOW)


class LookupView(View):
    """Public lookup by dossier code and PIN: status, appointment date, steps; nothing
    personal. A wrong code and a wrong PIN get the same answer; attempts are rate-limited
    per IP address."""

    template_name = "adminreform/lookup.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, self.template_name, {"form": f.LookupForm()})

    def post(self, request: HttpRequest) -> HttpResponse:
        form = f.LookupForm(request.POST)
        context: dict[str, Any] = {"form": form}
        if _rate_limited(request):
            context["limited"] = True
            return render(request, self.template_name, context, status=429)
        if not form.is_valid():
            return render(request, self.template_name, context)
        dossier = dossier_for_lookup(code=form.cleaned_data["code"], pin=form.cleaned_data["pin"])
        if dossier is None:
            context["not_found"] = True
            return render(request, self.template_name, context, status=404)
        context["status"] = dossier_public_status(dossier=dossier)
        context["rating_form"] = f.RatingForm(prefix="rate")
        return render(request, self.template_name, context)


class RateView(View):
    """The citizen rates the service from the lookup page (code and PIN again)."""

    def post(self, request: HttpRequest) -> HttpResponse:
        lookup = f.LookupForm(request.POST)
        rating = f.RatingForm(request.POST, prefix="rate")
        if _rate_limited(request):
            # What the citizen typed stays on the page, to send again later.
            context = {"form": lookup, "limited": True, "rating_form": rating}
            return render(request, LookupView.template_name, context, status=429)
        dossier = (
            dossier_for_lookup(code=lookup.cleaned_data["code"], pin=lookup.cleaned_data["pin"])
            if lookup.is_valid()
            else None
        )
        if dossier is None:
            return render(request, LookupView.template_name, {"form": lookup, "not_found": True}, status=404)
        if rating.is_valid():
            try:
                services.dossier_rate(
                    dossier=dossier,
                    score=rating.cleaned_data["score"],
                    visits=rating.cleaned_data["visits"],
                    comment=rating.cleaned_data["comment"],
                    ip_address=client_ip(request),
                )
            except ValidationError as exc:
                rating.add_error(None, exc)
            else:
                dossier.refresh_from_db()
                return render(
                    request,
                    LookupView.template_name,
                    {"form": lookup, "status": dossier_public_status(dossier=dossier), "thanks": True},
                )
        return render(
            request,
            LookupView.template_name,
            {"form": lookup, "status": dossier_public_status(dossier=dossier), "rating_form": rating},
            status=400,
        )


class OnlineListView(TemplateView):
    template_name = "adminreform/online_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        form = f.ProcedureSearchForm(self.request.GET or None)
        text = form.cleaned_data["q"] if form.is_valid() else ""
        return super().get_context_data(
            form=form, procedures=list(procedure_list(text=text, online_only=True)[:200]), **kwargs
        )


class OnlineSubmitView(KeepsFiles, View):
    """The online dossier: the applicant's details and a file per paper of the procedure. The
    browser checks each file before sending it; files that pass the checks are kept when the
    form comes back with an error (core.held_files) and go with the dossier once it is sent."""

    template_name = "adminreform/online_submit.html"
    held_salt = "adminreform.held-uploads"
    form_key_field = "form_key"
    hold_scope = "adminreform:hold"
    hold_rate_setting = "ADMINREFORM_SUBMIT_RATE"

    @cached_property
    def procedure(self) -> Procedure:
        qs = (
            procedures_in_force(on=timezone.localdate())
            .exclude(online_service=OnlineService.NONE)
            .prefetch_related("documents")
        )
        return get_object_or_404(qs, pk=self.kwargs["pk"])

    def units(self) -> QuerySet[Unit]:
        """The units of the procedure's level that run their one-stop shop on CivicDesk."""
        return (
            Unit.objects.filter(level=self.procedure.level, valid_to__isnull=True, memberships__isnull=False)
            .distinct()
            .order_by(vietnamese("name"))
        )

    def render_form(self, form: f.OnlineSubmitForm, status: int = 200) -> HttpResponse:
        context = {"form": form, "procedure": self.procedure, "held": self.held_files()}
        return render(self.request, self.template_name, context, status=status)

    def refuse(self, form: f.OnlineSubmitForm, status: int = 400) -> HttpResponse:
        """The form again with its errors; the files that passed the checks are kept."""
        chosen = [
            (name, [form.cleaned_data[name]]) for name, _doc in form.document_fields if form.cleaned_data.get(name)
        ]
        self.hold(chosen, max_bytes=services.MAX_ATTACHMENT_BYTES, max_files=1)
        form.show_held(self.held_files())
        return self.render_form(form, status=status)

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self.render_form(f.OnlineSubmitForm(procedure=self.procedure, units=self.units()))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        self.drop_unticked()
        held = self.held_files() if self.says_held else []
        form = f.OnlineSubmitForm(request.POST, request.FILES, procedure=self.procedure, units=self.units(), held=held)
        if not form.is_valid():
            return self.refuse(form)
        if ratelimit.is_rate_limited(request, scope="adminreform:submit", limit=settings.ADMINREFORM_SUBMIT_RATE):
            form.add_error(None, ratelimit.refusal_message())
            return self.refuse(form, status=429)
        data = form.cleaned_data
        kept = {h.field for h in held}
        attachments: list[tuple[ProcedureDocument, File]] = []
        for name, doc in form.document_fields:
            if data.get(name):
                attachments.append((doc, data[name]))
            elif name in kept:
                attachments.extend((doc, file) for file in self.take(name))
        try:
            dossier = services.dossier_receive(
                unit=data["unit"],
                procedure=self.procedure,
                applicant=services.Applicant(
                    name=data["applicant_name"],
                    phone=data["applicant_phone"],
                    email=data["applicant_email"],
                    address=data["applicant_address"],
                    id_number=data["applicant_id_number"],
                ),
                documents=[doc for doc, _file in attachments],
                attachments=attachments,
                channel="online",
                actor=None,
                ip_address=client_ip(request),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.refuse(form)
        self.release()
        return render(
            request,
            "adminreform/online_done.html",
            {"dossier": dossier, "lookup_url": reverse("adminreform:lookup")},
        )
