"""Pages of the one-stop shop: thin; every write goes through one service."""

from __future__ import annotations

import base64
import io
import os
import tempfile
from datetime import date
from typing import Any

import qrcode
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views import View
from django.views.generic import TemplateView

from core import ratelimit
from core.models import Membership, Unit
from core.selectors import STAFF_ROLES, units_visible_to, user_home_unit
from core.uploads import attachment_response

from . import forms as f
from . import services
from .models import Dossier, DossierStatus, IntakeNotice, OnlineService, Procedure, Timing
from .selectors import (
    QueueFilters,
    catalogue_stats,
    dossier_events,
    dossier_for_lookup,
    dossier_handovers,
    dossier_list_visible_to,
    dossier_open_list_of_unit,
    dossier_public_status,
    dossier_queue,
    dossier_register,
    dossier_scope_unit,
    procedure_list,
    procedure_search,
    procedures_in_force,
)

LOOKUP_LIMIT = 20  # attempts per IP per window
LOOKUP_WINDOW = 600  # seconds


def client_ip(request: HttpRequest) -> str | None:
    return ratelimit.client_ip(request) or None


def qr_data_uri(text: str) -> str:
    image = qrcode.make(text, box_size=6, border=2)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


# --- staff: queue, intake, detail ------------------------------------------------------


class DossierListView(LoginRequiredMixin, TemplateView):
    template_name = "adminreform/dossier_list.html"
    page_size = 100

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        form = f.QueueFilterForm(self.request.GET or None)
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


def _intake_unit(user: Any) -> Unit:
    """The unit whose counter the official staffs: their home unit (404 for non-staff)."""
    memberships = Membership.objects.filter(user=user, role__in=STAFF_ROLES).select_related("unit")
    first = memberships.order_by("-unit__path").first()
    if first is None:
        raise Http404
    return first.unit


class IntakeView(LoginRequiredMixin, View):
    template_name = "adminreform/intake_form.html"

    @cached_property
    def procedure(self) -> Procedure:
        return get_object_or_404(Procedure.objects.prefetch_related("documents"), pk=self.kwargs["pk"])

    def render_form(self, form: f.CounterIntakeForm) -> HttpResponse:
        return render(self.request, self.template_name, {"form": form, "procedure": self.procedure})

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self.render_form(f.CounterIntakeForm(procedure=self.procedure))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        form = f.CounterIntakeForm(request.POST, procedure=self.procedure)
        if not form.is_valid():
            return self.render_form(form)
        unit = _intake_unit(request.user)
        data = form.cleaned_data
        applicant = services.Applicant(
            name=data["applicant_name"],
            phone=data["applicant_phone"],
            email=data["applicant_email"],
            address=data["applicant_address"],
            id_number=data["applicant_id_number"],
        )
        user = request.user
        assert isinstance(user, User)
        try:
            if data["decision"] == "accept":
                dossier = services.dossier_receive(
                    unit=unit,
                    procedure=self.procedure,
                    applicant=applicant,
                    documents=list(data["documents"]),
                    channel=data["channel"],
                    actor=user,
                    ip_address=client_ip(request),
                )
                messages.success(request, _("Dossier %(ref)s received.") % {"ref": dossier.ref})
                return redirect("adminreform:dossier_receipt", pk=dossier.pk)
            notice = services.intake_notice_issue(
                unit=unit,
                procedure=self.procedure,
                applicant=applicant,
                kind=IntakeNotice.Kind.SUPPLEMENT if data["decision"] == "supplement" else IntakeNotice.Kind.REFUSAL,
                documents=list(data["documents"]),
                reasons=data["reasons"],
                actor=user,
                ip_address=client_ip(request),
            )
            return redirect("adminreform:notice_print", pk=notice.pk)
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.render_form(form)


class StaffDossierMixin(LoginRequiredMixin):
    request: HttpRequest
    kwargs: dict[str, Any]

    @cached_property
    def dossier(self) -> Dossier:
        qs = dossier_list_visible_to(user=self.request.user).select_related(
            "procedure", "unit", "handling_unit", "assignee", "received_by"
        )
        return get_object_or_404(qs, pk=self.kwargs["pk"])


class DossierDocumentFileView(StaffDossierMixin, View):
    """A file received with a dossier, for the officials who may see the dossier: always a
    download (`core.uploads.attachment_response`), never shown as a page of the portal."""

    def get(self, request: HttpRequest, pk: int, document_pk: int) -> HttpResponse:
        document = get_object_or_404(self.dossier.documents.exclude(file=""), pk=document_pk)
        return attachment_response(
            document.file.open("rb"),
            filename=os.path.basename(document.file.name),
            mime=document.content_type,
        )


def _handlers_for(unit: Unit | None) -> QuerySet[User]:
    if unit is None:
        return User.objects.none()
    return (
        User.objects.filter(memberships__unit=unit, memberships__role__in=STAFF_ROLES, is_active=True)
        .distinct()
        .order_by("last_name", "first_name")
    )


def _transfer_targets(dossier: Dossier) -> QuerySet[Unit]:
    """Units of the same province (liên thông between units and levels), current ones only."""
    province_path = "/".join(dossier.unit.path.split("/")[:2]) + "/"
    return (
        Unit.objects.filter(path__startswith=province_path, valid_to__isnull=True)
        .exclude(pk=dossier.handling_unit_id)
        .order_by("level", "name")
    )


def _can_act(user: Any, dossier: Dossier) -> bool:
    """Leaders with a read-only role see dossiers but do not act on them."""
    return dossier_list_visible_to(user=user, roles=STAFF_ROLES).filter(pk=dossier.pk).exists()


class DossierDetailView(StaffDossierMixin, TemplateView):
    template_name = "adminreform/dossier_detail.html"

    def action_forms(self, bound: dict[str, Any] | None = None) -> dict[str, Any]:
        d = self.dossier
        initial = {"version": d.version}
        built: dict[str, Any] = {
            "assign": f.AssignForm(
                initial={**initial, "assignee": self.request.user.pk}, users=_handlers_for(d.handling_unit)
            ),
            "transfer": f.TransferForm(initial=initial, units=_transfer_targets(d)),
            "supplement": f.SupplementForm(initial=initial),
            "resubmit": f.VersionForm(initial=initial),
            "apology": f.ApologyForm(initial=initial),
            "result": f.ResultForm(initial=initial),
            "return": f.VersionForm(initial=initial),
            "refuse": f.ReasonForm(initial=initial),
            "stop": f.ReasonForm(initial=initial),
            "withdraw": f.OptionalReasonForm(initial=initial),
            "rate": f.RatingForm(),
        }
        if bound:
            built.update(bound)
        return built

    def allowed_actions(self) -> set[str]:
        d = self.dossier
        s = DossierStatus
        allowed: set[str] = set()
        if not _can_act(self.request.user, d):
            return allowed
        if d.can_transition_to(s.IN_PROCESSING):
            allowed |= {"assign", "transfer"}
        if d.can_transition_to(s.SUPPLEMENT_REQUESTED):
            allowed.add("supplement")
        if d.can_transition_to(s.RESUBMITTED):
            allowed.add("resubmit")
        if d.is_open and d.status != s.RESULT_READY and d.apology_sent_on is None:
            allowed.add("apology")
        if d.can_transition_to(s.RESULT_READY):
            allowed.add("result")
        if d.can_transition_to(s.RETURNED):
            allowed.add("return")
        if d.can_transition_to(s.REFUSED):
            allowed.add("refuse")
        if d.can_transition_to(s.STOPPED):
            allowed.add("stop")
        if d.can_transition_to(s.WITHDRAWN):
            allowed.add("withdraw")
        if d.status == s.RETURNED and d.rated_at is None:
            allowed.add("rate")
        return allowed

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        today = timezone.localdate()
        d = self.dossier
        return super().get_context_data(
            dossier=d,
            timing=d.timing_on(today),
            handovers=list(dossier_handovers(dossier=d)),
            events=list(dossier_events(dossier=d)),
            documents=list(d.documents.all()),
            action_forms=kwargs.pop("action_forms", None) or self.action_forms(),
            allowed=self.allowed_actions(),
            open_action=kwargs.pop("open_action", ""),
            **kwargs,
        )


class DossierActionView(DossierDetailView):
    """POST one action of the detail page; a refused action comes back on its form with
    the user's input kept."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int, action: str) -> HttpResponse:
        d = self.dossier
        if action not in self.allowed_actions():
            messages.error(request, _("This action is not possible in the dossier's current status."))
            return redirect("adminreform:dossier_detail", pk=d.pk)
        forms_by_action = self.action_forms()
        form_class = type(forms_by_action[action])
        extra: dict[str, Any] = {}
        if action == "assign":
            extra = {"users": _handlers_for(d.handling_unit)}
        elif action == "transfer":
            extra = {"units": _transfer_targets(d)}
        form = form_class(request.POST, **extra)
        if form.is_valid():
            try:
                self.perform(action, form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Saved."))
                return redirect("adminreform:dossier_detail", pk=d.pk)
        context = self.get_context_data(action_forms=self.action_forms({action: form}), open_action=action)
        return render(request, self.template_name, context, status=400)

    def perform(self, action: str, data: dict[str, Any]) -> None:
        user = self.request.user
        assert isinstance(user, User)
        common: dict[str, Any] = {
            "dossier": self.dossier,
            "actor": user,
            "ip_address": client_ip(self.request),
        }
        version = {"expected_version": data.get("version")}
        if action == "assign":
            services.dossier_assign(assignee=data["assignee"], **common, **version)
        elif action == "transfer":
            services.dossier_transfer(to_unit=data["to_unit"], note=data["note"], **common, **version)
        elif action == "supplement":
            services.dossier_request_supplement(missing=data["missing"].splitlines(), **common, **version)
        elif action == "resubmit":
            services.dossier_resubmit(**common, **version)
        elif action == "apology":
            services.dossier_apologise(new_due_on=data["new_due_on"], reason=data["reason"], **common, **version)
        elif action == "result":
            services.dossier_mark_result_ready(result_note=data["result_note"], **common, **version)
        elif action == "return":
            services.dossier_return(**common, **version)
        elif action == "refuse":
            services.dossier_refuse(reason=data["reason"], **common, **version)
        elif action == "stop":
            services.dossier_stop(reason=data["reason"], **common, **version)
        elif action == "withdraw":
            services.dossier_withdraw(reason=data["reason"], **common, **version)
        elif action == "rate":
            services.dossier_rate(score=data["score"], visits=data["visits"], comment=data["comment"], **common)


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
            lookup_url=self.request.build_absolute_uri(reverse("adminreform:lookup")),
            **kwargs,
        )


class NoticePrintView(LoginRequiredMixin, TemplateView):
    template_name = "adminreform/print_notice.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        notice = get_object_or_404(
            IntakeNotice.objects.filter(unit__in=units_visible_to(user=self.request.user)).select_related(
                "procedure", "unit", "issued_by"
            ),
            pk=self.kwargs["pk"],
        )
        return super().get_context_data(notice=notice, unit_name=notice.unit.name, **kwargs)


# --- register (Mẫu 07) and catalogue ----------------------------------------------------


class RegisterView(LoginRequiredMixin, TemplateView):
    template_name = "adminreform/register.html"
    PAGE_ROWS = 5000

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        units = units_visible_to(user=request.user).filter(level__in=["province", "district", "commune"])
        home = user_home_unit(user=request.user)
        today = timezone.localdate()
        initial = {"unit": home.pk if home else None, "start": today.replace(day=1), "end": today}
        form = f.RegisterForm(request.GET or None, units=units.order_by("path"), initial=initial)
        rows: list[Dossier] = []
        total = 0
        chosen: dict[str, Any] = {}
        if form.is_bound and form.is_valid():
            chosen = form.cleaned_data
        elif not form.is_bound and home is not None:
            chosen = {"unit": home, "start": initial["start"], "end": today}
        if chosen:
            # handling_unit: the XLSX's "transferred to" column, without one query a row
            register = dossier_register(
                user=request.user, unit=chosen["unit"], start=chosen["start"], end=chosen["end"]
            ).select_related("handling_unit")
            if request.GET.get("format") == "xlsx":
                return self.xlsx(register, chosen)
            # The page shows the first rows; the XLSX holds every dossier of the period.
            rows = list(register[: self.PAGE_ROWS + 1])
            total = len(rows) if len(rows) <= self.PAGE_ROWS else register.count()
            rows = rows[: self.PAGE_ROWS]
        query = QueryDict(mutable=True)
        if chosen:
            query.update(
                {
                    "unit": str(chosen["unit"].pk),
                    "start": chosen["start"].isoformat(),
                    "end": chosen["end"].isoformat(),
                    "format": "xlsx",
                }
            )
        return render(
            request,
            self.template_name,
            {
                "form": form,
                "rows": rows,
                "total": total,
                "chosen": chosen,
                "today": today,
                "xlsx_query": query.urlencode(),
            },
        )

    def xlsx(self, register: QuerySet[Dossier], chosen: dict[str, Any]) -> FileResponse:
        """The whole register, however long (a year of a city's dossiers): rows are read in
        chunks and written by a write-only workbook to a temporary file, then streamed."""
        from openpyxl import Workbook
        from openpyxl.cell import WriteOnlyCell

        book = Workbook(write_only=True)
        sheet = book.create_sheet("Mau 07")

        def dates(*values: Any) -> list[Any]:
            cells = []
            for value in values:
                cell = WriteOnlyCell(sheet, value=value)
                if isinstance(value, date):
                    cell.number_format = "DD/MM/YYYY"
                cells.append(cell)
            return cells

        sheet.append([_("Dossier register (Mẫu 07)"), chosen["unit"].name])
        sheet.append([_("From"), *dates(chosen["start"]), _("To"), *dates(chosen["end"])])
        headers = [
            _("No."),
            _("Dossier code"),
            _("Procedure"),
            _("Applicant"),
            pgettext("dossier", "Received on"),
            _("Due on"),
            _("Transferred to"),
            _("Resolved on"),
            _("Status"),
            _("Timing"),
        ]
        sheet.append(headers)
        today = timezone.localdate()
        # Labels looked up once, not translated again on each of tens of thousands of rows.
        timing_labels = {value: str(label) for value, label in Timing.choices}
        status_labels = {value: str(label) for value, label in DossierStatus.choices}
        rows = register.select_related("handling_unit").iterator(chunk_size=2000)
        for i, d in enumerate(rows, start=1):
            sheet.append(
                [
                    i,
                    d.ref,
                    d.procedure.name if d.procedure else "",
                    d.applicant_name,
                    *dates(d.received_on, d.due_on),
                    d.handling_unit.name if d.handling_unit and d.handling_unit_id != d.unit_id else "",
                    *dates(d.resolved_on),
                    status_labels.get(d.status, d.status),
                    timing_labels[d.timing_on(today)],
                ]
            )
        output = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it once sent
        book.save(output)
        output.seek(0)
        name = f"so-theo-doi-ho-so-{chosen['unit'].code}-{chosen['start']:%Y%m%d}-{chosen['end']:%Y%m%d}.xlsx"
        return FileResponse(
            output,
            as_attachment=True,
            filename=name,
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )


class ProcedureListView(LoginRequiredMixin, TemplateView):
    template_name = "adminreform/procedure_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        form = f.ProcedureSearchForm(self.request.GET or None)
        text = form.cleaned_data["q"] if form.is_valid() else ""
        return super().get_context_data(
            form=form, procedures=list(procedure_list(text=text)[:300]), stats=catalogue_stats(), **kwargs
        )


# --- public pages --------------------------------------------------------------------


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


class OnlineSubmitView(View):
    template_name = "adminreform/online_submit.html"

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
            .order_by("name")
        )

    def render_form(self, form: f.OnlineSubmitForm, status: int = 200) -> HttpResponse:
        return render(self.request, self.template_name, {"form": form, "procedure": self.procedure}, status=status)

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self.render_form(f.OnlineSubmitForm(procedure=self.procedure, units=self.units()))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        form = f.OnlineSubmitForm(request.POST, request.FILES, procedure=self.procedure, units=self.units())
        if not form.is_valid():
            return self.render_form(form, status=400)
        if ratelimit.is_rate_limited(request, scope="adminreform:submit", limit=settings.ADMINREFORM_SUBMIT_RATE):
            form.add_error(None, ratelimit.refusal_message())
            return self.render_form(form, status=429)
        data = form.cleaned_data
        attachments = [(doc, data[name]) for name, doc in form.document_fields if data.get(name)]
        for name, _doc in form.document_fields:
            upload = data.get(name)
            if upload:
                try:
                    services.attachment_validate(upload)
                except ValidationError as exc:
                    form.add_error(name, exc)
        if form.errors:
            return self.render_form(form, status=400)
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
                documents=[doc for _name, doc in form.document_fields if data.get(_name)],
                attachments=attachments,
                channel="online",
                actor=None,
                ip_address=client_ip(request),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.render_form(form, status=400)
        return render(
            request,
            "adminreform/online_done.html",
            {"dossier": dossier, "lookup_url": reverse("adminreform:lookup")},
        )
