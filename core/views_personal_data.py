"""The administrators' page for a person's data on request (Law 91/2025): the same export as
`manage.py export_personal_data`, downloaded as a file, audited with who, why and the address."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views import View

from civicdesk.exceptions import DomainError

from .services import EXPORT_FORMATS, personal_data_export
from .views_security import client_ip

PERMISSION = "core.export_personal_data"


class PersonalDataExportForm(forms.Form):
    identity_number = forms.CharField(
        label=_("Identity document number"),
        max_length=30,
        help_text=_("The whole number of the person's CCCD, CMND or passport, as on their request."),
    )
    format = forms.ChoiceField(label=_("Format"), choices=[(f, f.upper()) for f in EXPORT_FORMATS])
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The request it answers (e.g. its number and date): written to the audit log."),
    )


class PersonalDataExportView(View):
    """Served inside the admin (staff login); needs the `core.export_personal_data` permission."""

    template_name = "core/personal_data_export.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if not request.user.has_perm(PERMISSION):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def _render(self, request: HttpRequest, form: PersonalDataExportForm) -> HttpResponse:
        context = {**admin.site.each_context(request), "form": form, "title": _("A person's data on request")}
        return render(request, self.template_name, context)

    def get(self, request: HttpRequest) -> HttpResponse:
        return self._render(request, PersonalDataExportForm())

    def post(self, request: HttpRequest) -> HttpResponse:
        form = PersonalDataExportForm(request.POST)
        if not form.is_valid():
            return self._render(request, form)
        try:
            export = personal_data_export(
                identity_number=form.cleaned_data["identity_number"],
                fmt=form.cleaned_data["format"],
                reason=form.cleaned_data["reason"],
                actor=request.user,  # type: ignore[arg-type]
                ip_address=client_ip(request),
                channel="staff page",
            )
        except DomainError as error:
            form.add_error("identity_number", " ".join(getattr(error, "messages", [str(error)])))
            return self._render(request, form)
        response = HttpResponse(export.content, content_type=export.content_type)
        response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
        response["Cache-Control"] = "no-store"
        return response
