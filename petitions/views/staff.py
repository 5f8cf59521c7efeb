"""A petition's page for officials, its documents, the desk entry of a paper petition, and the
audited opening of a denouncer's identity."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView

from core.choices import PetitionKind
from core.ratelimit import client_ip
from core.selectors import units_visible_to
from core.uploads import attachment_response

from .. import action_forms as af
from .. import forms as f
from .. import services
from ..execution_forms import GROUPS as EXECUTION_GROUPS
from ..execution_forms import LABELS as EXECUTION_LABELS
from ..figure_forms import GROUPS, LABELS
from ..models import Petition
from ..policies import POLICY
from ..selectors import (
    deadline_state,
    decision_execution_of,
    decision_figures_of,
    due_state,
    petition_duplicate_candidates,
    petition_duties,
    petition_list_visible_to,
    petition_timeline,
    soon_cutoff,
)
from .actions import PETITION_ACTIONS
from .mixins import StaffMixin


def _may_reveal(user: Any, petition: Petition) -> bool:
    return isinstance(user, User) and services.user_may_reveal(user=user, unit=petition.unit)


def decision_figures_shown(petition: Petition) -> list[tuple[Any, Any]]:
    """The decision's figures as the detail page lists them: (label, value), the non-zero
    ones in the forms' order, with a second-time decision's effect first."""
    stored = decision_figures_of(petition=petition)
    if stored is None:
        return []
    shown: list[tuple[Any, Any]] = []
    if stored.second_decision:
        shown.append((_("The second-time decision"), stored.get_second_decision_display()))
    for _legend, names in GROUPS:
        shown.extend((LABELS[name], getattr(stored, name)) for name in names if getattr(stored, name))
    return shown


def execution_shown(petition: Petition) -> list[tuple[Any, Any]]:
    """What has been carried out of the decision as the detail page lists it: the day it was
    carried out in full (or that it is not yet), then the non-zero amounts in the forms' order."""
    stored = decision_execution_of(petition=petition)
    if stored is None:
        return []
    done = date_format(stored.done_on, "SHORT_DATE_FORMAT") if stored.done_on else _("not yet carried out in full")
    shown: list[tuple[Any, Any]] = [(_("Carried out in full on"), done)]
    for _legend, names in EXECUTION_GROUPS:
        shown.extend((EXECUTION_LABELS[name], getattr(stored, name)) for name in names if getattr(stored, name))
    return shown


class PetitionDetailView(StaffMixin, TemplateView):
    template_name = "petitions/petition_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        petition = get_object_or_404(
            petition_list_visible_to(user=self.request.user).select_related(
                "unit",
                "assignee",
                "case",
                "first_petition",
                "transferred_from",
                "outcome_unit",
                "due_rule",
                "limitation_rule",
            ),
            pk=self.kwargs["pk"],
        )
        today = timezone.localdate()
        cutoff = soon_cutoff(today)
        may_reveal = _may_reveal(self.request.user, petition)
        duplicates, protected_matches = [], 0
        if petition.is_open:
            duplicates = petition_duplicate_candidates(petition=petition, may_reveal=may_reveal)
            if may_reveal:  # only those allowed to know even that one may be related
                protected_matches = services.protected_match_count(petition=petition, user=self.request.user)  # type: ignore[arg-type]
        duties = [
            (d, "" if d.done_on else due_state(d.due_on, today=today, soon_until=cutoff))
            for d in petition_duties(petition=petition)
        ]
        urges = [
            (u, "" if u.answered_on or not u.due_on else due_state(u.due_on, today=today, soon_until=cutoff))
            for u in petition.urge_requests.select_related("to_unit").order_by("requested_on", "pk")
        ]
        return super().get_context_data(
            petition=petition,
            state=deadline_state(petition, today=today, soon_until=cutoff),
            duties=duties,
            urges=urges,
            timeline=petition_timeline(petition=petition),
            attachments=[a for a in petition.attachments.all() if not a.is_reply],
            reply_letters=[a for a in petition.attachments.all() if a.is_reply],
            figures=decision_figures_shown(petition),
            execution=execution_shown(petition),
            duplicates=duplicates,
            protected_matches=protected_matches,
            parts=Petition.objects.filter(parent=petition),
            actions=PETITION_ACTIONS.offered(user=self.request.user, record=petition),
            may_reveal=petition.is_denunciation and may_reveal,
            **kwargs,
        )


class AttachmentDownloadView(StaffMixin, View):
    def get(self, request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
        petition = get_object_or_404(petition_list_visible_to(user=request.user), pk=pk)
        # A denunciation's documents may identify the denouncer: only for those allowed to see
        # it, and each download (or refused attempt) is an audit event.
        if petition.is_denunciation and not _may_reveal(request.user, petition):
            services.reveal_refused(
                petition=petition,
                actor=request.user,
                what="document",
                ip_address=client_ip(request) or None,  # type: ignore[arg-type]
            )
            raise Http404
        attachment = get_object_or_404(petition.attachments, pk=attachment_pk)
        if petition.is_denunciation:
            services.denunciation_document_opened(
                petition=petition,
                attachment_pk=attachment.pk,
                actor=request.user,  # type: ignore[arg-type]
                ip_address=client_ip(request) or None,
            )
        return attachment_response(attachment.file.open("rb"), filename=attachment.original_name, mime=attachment.mime)


class DeskEntryView(StaffMixin, FormView):
    template_name = "petitions/petition_desk.html"
    form_class = f.DeskEntryForm

    def get_form_kwargs(self) -> dict[str, Any]:
        roles = sorted(POLICY.roles_for("desk-entry"))
        units = units_visible_to(user=self.request.user, roles=roles)
        return {**super().get_form_kwargs(), "units": units.order_by("path")}

    def form_valid(self, form: f.DeskEntryForm) -> HttpResponse:
        d = form.cleaned_data
        try:
            petition = services.petition_create(
                unit=d["unit"],
                kind=d["kind"],
                received_on=d["received_on"],
                channel=d["channel"],
                subject=d["subject"],
                content=d.get("content", ""),
                identity=services.Identity(
                    name=d.get("petitioner_name", ""),
                    id_number=d.get("petitioner_id_number", ""),
                    address=d.get("petitioner_address", ""),
                    phone=d.get("petitioner_phone", ""),
                    email=d.get("petitioner_email", ""),
                ),
                respondent=d.get("respondent", ""),
                decision_known_on=d.get("decision_known_on"),
                signers=d["signers"],
                actor=self.request.user,  # type: ignore[arg-type]
                ip_address=client_ip(self.request) or None,
                idempotency_key=d["idempotency_key"],
                idempotency_owner=f"user:{self.request.user.pk}",
                source=d.get("source", ""),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Petition %(ref)s saved. Tracking code %(code)s, secret %(secret)s: give them to the citizen.")
            % {"ref": petition.ref, "code": petition.tracking_code, "secret": petition.tracking_secret},
        )
        if "save_add" in self.request.POST:
            url = reverse("petitions:desk") + f"?unit={d['unit'].pk}&channel={d['channel']}&kind={d['kind']}"
            return redirect(url + f"&received_on={d['received_on']:%Y-%m-%d}")
        return redirect(petition)

    def get_initial(self) -> dict[str, Any]:
        initial = super().get_initial()
        for key in ("unit", "channel", "kind", "received_on"):
            if self.request.GET.get(key):
                initial[key] = self.request.GET[key]
        return initial


class RevealView(StaffMixin, FormView):
    """Opens a denouncer's identity for a permitted official who states why (audit-logged)."""

    template_name = "petitions/petition_reveal.html"
    form_class = af.RevealForm

    @cached_property
    def petition(self) -> Petition:
        return get_object_or_404(
            petition_list_visible_to(user=self.request.user).select_related("unit"),
            pk=self.kwargs["pk"],
            kind=PetitionKind.DENUNCIATION,
        )

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "petition": self.petition}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(petition=self.petition, **kwargs)

    def form_valid(self, form: af.RevealForm) -> HttpResponse:
        try:
            identity = services.denouncer_reveal(
                petition=self.petition,
                reason=form.cleaned_data["reason"],
                actor=self.request.user,  # type: ignore[arg-type]
                ip_address=client_ip(self.request) or None,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.form_invalid(form)
        response = render(self.request, self.template_name, self.get_context_data(form=form, identity=identity))
        response["Cache-Control"] = "no-store"
        return response
