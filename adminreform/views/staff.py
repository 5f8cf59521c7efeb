"""The officials' pages of a dossier: the queue, the dossier's page and its actions, its files
and its printable forms."""

from __future__ import annotations

import base64
import io
import os
from typing import Any

import qrcode
from cryptography.fernet import InvalidToken
from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from civicdesk.crypto import derived_fernet
from core.actions import StaffActionView
from core.links import absolute_url
from core.searches import search_redirect, with_search
from core.uploads import attachment_response

from .. import forms as f
from ..models import Dossier, Timing
from ..selectors import (
    QueueFilters,
    dossier_events,
    dossier_handovers,
    dossier_list_visible_to,
    dossier_open_list_of_unit,
    dossier_queue,
    dossier_scope_unit,
    intake_notices_visible_to,
)
from .actions import DOSSIER_ACTIONS

DETAIL = "adminreform:dossier_detail"
PIN_SESSION_KEY = "adminreform_pin_for_slip"
PIN_SLIP_SECONDS = 600  # the slip is printed right after the receipt or the reissue


def keep_pin_for_slip(request: HttpRequest, dossier: Dossier) -> None:
    """Keep the PIN just issued for the receipt slip the official opens next, encrypted in the
    session (only its digest is on the dossier); the slip shows it once."""
    token = derived_fernet("dossier-pin-slip").encrypt(f"{dossier.pk}:{dossier.lookup_pin}".encode()).decode()
    request.session[PIN_SESSION_KEY] = token


def take_pin_for_slip(request: HttpRequest, dossier: Dossier) -> str:
    """The PIN kept for this dossier's slip, once; '' when there is none (a reprint), it was
    kept for another dossier, or more than PIN_SLIP_SECONDS ago."""
    token = request.session.get(PIN_SESSION_KEY)
    if not token:
        return ""
    try:
        kept = derived_fernet("dossier-pin-slip").decrypt(token.encode(), ttl=PIN_SLIP_SECONDS).decode()
    except InvalidToken:
        kept = ""
    pk, _sep, pin = kept.partition(":")
    if pk != str(dossier.pk):
        return ""
    del request.session[PIN_SESSION_KEY]
    return pin


def qr_data_uri(text: str) -> str:
    image = qrcode.make(text, box_size=6, border=2)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


class DossierListView(LoginRequiredMixin, TemplateView):
    template_name = "adminreform/dossier_list.html"
    page_size = 100

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        form = f.QueueFilterForm(with_search(self.request) or None)
        data = form.cleaned_data if form.is_valid() else {}
        today = timezone.localdate()
        filters = QueueFilters(
            text=data.get("q", ""), status=data.get("status", ""), overdue_only=bool(data.get("overdue"))
        )
        # The unfiltered list of a single unit is read in two indexed parts; filters, search and
        # wider scopes use the general query (same order).
        unit_id = dossier_scope_unit(user=self.request.user) if filters == QueueFilters() else None
        dossiers = (
            dossier_open_list_of_unit(unit_id=unit_id, today=today, limit=self.page_size)
            if unit_id is not None
            else list(dossier_queue(user=self.request.user, filters=filters, today=today)[: self.page_size])
        )
        rows = [(d, d.timing_on(today), (d.due_on - today).days, (today - d.due_on).days) for d in dossiers]
        return super().get_context_data(form=form, rows=rows, today=today, Timing=Timing, **kwargs)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        """The filter form posts, so the search text (a name, an ID number) never rides in a URL."""
        return search_redirect(request)


class StaffDossierMixin(LoginRequiredMixin):
    request: HttpRequest
    kwargs: dict[str, Any]

    @cached_property
    def dossier(self) -> Dossier:
        qs = dossier_list_visible_to(user=self.request.user).select_related(
            "procedure", "unit", "handling_unit", "assignee", "received_by"
        )
        return get_object_or_404(qs, pk=self.kwargs["pk"])


class DossierPageMixin(StaffDossierMixin):
    """The dossier's page: its facts, its history, and a form for each action the user may
    take on it now (`DOSSIER_ACTIONS`)."""

    def page_context(self, *, bound: dict[str, forms.Form] | None = None) -> dict[str, Any]:
        d, user, bound = self.dossier, self.request.user, bound or {}
        offered = dict(DOSSIER_ACTIONS.offered(user=user, record=d))
        # an action refused by its service stays on the page with its error and the input kept
        shown = {**offered, **{name: DOSSIER_ACTIONS.actions[name] for name in bound}}
        action_forms = {
            # the assign form offers the official themself first
            name: bound.get(name) or action.form(dossier=d, initial={"assignee": user.pk})  # type: ignore[call-arg]
            for name, action in shown.items()
        }
        actions = [(name, action, action_forms[name]) for name, action in shown.items()]
        routine = [a for a in actions if not a[1].destructive]
        preferred = NEXT_ACTION.get(d.status, "")
        usual = [a for a in routine if a[0] not in NEVER_PRIMARY]
        primary = next((a for a in routine if a[0] == preferred), usual[0] if usual else None)
        open_action = next(iter(bound), "")
        return {
            "dossier": d,
            "primary_action": primary,
            "other_actions": [a for a in routine if a is not primary],
            "destructive_actions": [a for a in actions if a[1].destructive],
            "open_action": open_action,
            "timing": d.timing_on(timezone.localdate()),
            "handovers": list(dossier_handovers(dossier=d)),
            "events": list(dossier_events(dossier=d)),
            "documents": list(d.documents.all()),
            "actions": actions,
            "action_forms": action_forms,
        }


# The step that usually comes next in each state: shown first and open on the dossier's page;
# the other actions wait behind "Other actions", the ones that end the dossier behind their own
# disclosure, each with a box the official ticks to confirm its consequence.
NEVER_PRIMARY = {"reissue_pin"}  # offered in every state, never the step that comes next
NEXT_ACTION = {
    "received": "assign",
    "in_processing": "result",
    "supplement_requested": "resubmit",
    "resubmitted": "result",
    "result_ready": "return",
    "returned": "rate",
}


class DossierDetailView(DossierPageMixin, TemplateView):
    template_name = "adminreform/dossier_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(**self.page_context(), **kwargs)


class DossierActionView(DossierPageMixin, StaffActionView[Dossier]):
    """POST one action of the dossier's page. An action the dossier no longer offers, or that
    the user may not take, sends back to the page with a message; a refusal from the service
    comes back on its form, on the page, with the input kept (400)."""

    http_method_names = ["post"]
    table = DOSSIER_ACTIONS
    template_name = "adminreform/dossier_detail.html"

    def get_record(self) -> Dossier:
        return self.dossier

    def action_form_kwargs(self) -> dict[str, Any]:
        return {"dossier": self.record}

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not self.table.may(self.action_name, user=request.user, record=self.record):
            messages.error(request, _("This action is not possible in the dossier's current status."))
            return redirect(DETAIL, pk=self.record.pk)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form: forms.Form) -> HttpResponse:
        context = self.page_context(bound={self.action_name: form})
        return render(self.request, self.template_name, context, status=400)

    def redirect_after(self, result: object) -> HttpResponse:
        if self.action_name == "reissue_pin" and isinstance(result, Dossier):
            keep_pin_for_slip(self.request, result)  # the new PIN, on the slip printed now
            return redirect("adminreform:dossier_receipt", pk=self.record.pk)
        return redirect(DETAIL, pk=self.record.pk)


EXTENSIONS = {
    "application/pdf": "pdf",
    "image/jpeg": "jpg",
    "image/png": "png",
    "application/msword": "doc",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
}


def document_download_name(paper: str, content_type: str, stored: str) -> str:
    """The download's name: the procedure's paper ("Tờ khai.pdf"), as files are stored under
    random names; a file stored before that keeps its stored name."""
    extension = EXTENSIONS.get(content_type)
    base = os.path.basename(stored)
    if "." in base or not extension:
        return base
    return f"{paper.strip()[:80] or 'tai-lieu'}.{extension}"


class DossierDocumentFileView(StaffDossierMixin, View):
    """A file received with a dossier, for the officials who may see the dossier: always a
    download (`core.uploads.attachment_response`), never shown as a page of the portal."""

    def get(self, request: HttpRequest, pk: int, document_pk: int) -> HttpResponseBase:
        document = get_object_or_404(self.dossier.documents.exclude(file=""), pk=document_pk)
        return attachment_response(
            document.file.open("rb"),
            filename=document_download_name(document.name, document.content_type, document.file.name or ""),
            mime=document.content_type,
        )


class DossierPrintView(StaffDossierMixin, TemplateView):
    """Printable forms of a dossier: Mẫu 01 (receipt and appointment), 02, 04, 05, 06."""

    FORMS = {
        "receipt": "adminreform/print_receipt.html",
        "supplement": "adminreform/print_supplement.html",
        "apology": "adminreform/print_apology.html",
        "stop": "adminreform/print_stop.html",
        "control": "adminreform/print_control.html",
    }

    def get_template_names(self) -> list[str]:
        form = self.kwargs.get("form", "receipt")
        if form not in self.FORMS:
            raise Http404
        return [self.FORMS[form]]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        d = self.dossier
        return super().get_context_data(
            dossier=d,
            unit_name=d.unit.name,
            qr=qr_data_uri(d.ref),
            documents=list(d.documents.all()),
            handovers=list(dossier_handovers(dossier=d)),
            lookup_url=absolute_url("adminreform:lookup"),  # printed on paper: the portal's public address
            pin=take_pin_for_slip(self.request, d) if self.kwargs.get("form", "receipt") == "receipt" else "",
            **kwargs,
        )


class NoticePrintView(LoginRequiredMixin, TemplateView):
    template_name = "adminreform/print_notice.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        notice = get_object_or_404(intake_notices_visible_to(user=self.request.user), pk=self.kwargs["pk"])
        return super().get_context_data(notice=notice, unit_name=notice.unit.name, **kwargs)
