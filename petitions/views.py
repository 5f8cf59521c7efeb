"""Views: parse input, call one service, render. Staff reads go through scoped selectors."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView, TemplateView

from core.choices import PetitionKind
from core.models import Role, Unit
from core.ratelimit import client_ip, is_rate_limited
from core.selectors import STAFF_ROLES, units_visible_to, user_has_role
from core.uploads import attachment_response

from . import forms as f
from . import services
from .models import Channel, Petition, PetitionStatus
from .selectors import (
    QueueFilters,
    deadline_state,
    handlers_for,
    petition_by_code,
    petition_duplicate_candidates,
    petition_list_visible_to,
    petition_public_tracking,
    petition_queue,
    petition_timeline,
    soon_cutoff,
)

logger = logging.getLogger(__name__)
S = PetitionStatus
FILED_SESSION_KEY = "petitions_filed"


# --- public -------------------------------------------------------------------------


class PetitionFileView(FormView):
    """Online filing, no account: code and secret on screen and by e-mail or SMS."""

    template_name = "petitions/petition_file.html"
    form_class = f.PetitionFileForm

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        kinds = [(PetitionKind(k).label, text) for k, text in f.KIND_EXPLANATIONS.items()]
        return super().get_context_data(kinds=kinds, **kwargs)

    def form_valid(self, form: f.PetitionFileForm) -> HttpResponse:
        data = form.cleaned_data
        if data.get("website"):  # the honeypot: a bot filled the hidden field
            logger.info("Honeypot filled from %s", client_ip(self.request))
            return redirect("petitions:file")
        if is_rate_limited(self.request, scope="petition-file", limit=settings.PETITIONS_FILE_RATE):
            form.add_error(None, _("Too many petitions were sent from your connection. Please try again later."))
            response = self.form_invalid(form)
            response.status_code = 429
            return response
        unit = data["unit"]
        try:
            petition = services.petition_create(
                unit=unit,
                kind=data["kind"],
                received_on=timezone.localdate(),
                channel=Channel.ONLINE,
                subject=data["subject"],
                content=data["content"],
                respondent=data.get("respondent", ""),
                identity=services.Identity(
                    name=data["petitioner_name"],
                    id_number=data.get("petitioner_id_number", ""),
                    address=data["petitioner_address"],
                    phone=data.get("petitioner_phone", ""),
                    email=data.get("petitioner_email", ""),
                ),
                signers=data["signers"],
                attachments=data.get("attachments") or [],
                actor=None,
                ip_address=client_ip(self.request) or None,
                idempotency_key=data["idempotency_key"],
                source=_("Online filing"),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.form_invalid(form)
        self.request.session[FILED_SESSION_KEY] = {
            "code": petition.tracking_code,
            "secret": petition.tracking_secret,
            "email": bool(data.get("petitioner_email")),
            "phone": bool(data.get("petitioner_phone")),
        }
        return redirect("petitions:filed")

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "units": public_units()}

    def get_initial(self) -> dict[str, Any]:
        initial = super().get_initial()
        if self.request.GET.get("unit"):
            initial["unit"] = self.request.GET["unit"]
        return initial


def public_units() -> QuerySet[Unit]:
    """Units a citizen can send a petition to: the city and its communes (setting
    PETITIONS_PUBLIC_ROOT), or every unit when that root is not loaded."""
    root = Unit.objects.filter(code=settings.PETITIONS_PUBLIC_ROOT).first()
    units = Unit.objects.filter(path__startswith=root.path) if root else Unit.objects.all()
    return units.filter(valid_to__isnull=True).order_by("level", "name")


class PetitionFiledView(TemplateView):
    """Shows the code and secret of the petition just filed, once per browser session."""

    template_name = "petitions/petition_filed.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # Shown once: a reload (or the next person at a shared computer) does not see the secret.
        filed = request.session.pop(FILED_SESSION_KEY, None)
        if not filed:
            return redirect("petitions:track")
        response = self.render_to_response(self.get_context_data(filed=filed))
        response["Cache-Control"] = "no-store"
        return response


class PetitionTrackView(FormView):
    """Code and secret show the status; the same answer for a wrong code or a wrong secret."""

    template_name = "petitions/petition_track.html"
    form_class = f.TrackForm

    def form_valid(self, form: f.TrackForm) -> HttpResponse:
        if is_rate_limited(self.request, scope="petition-track", limit=settings.PETITIONS_TRACK_RATE):
            form.add_error(None, _("Too many look-ups from your connection. Please try again later."))
            response = self.form_invalid(form)
            response.status_code = 429
            return response
        petition = petition_by_code(code=form.cleaned_data["code"])
        if not services.petition_check_secret(petition=petition, secret=form.cleaned_data["secret"]):
            form.add_error(None, _("No petition matches this code and secret. Check both and try again."))
            return self.form_invalid(form)
        assert petition is not None
        tracking = petition_public_tracking(petition=petition)
        return self.render_to_response(self.get_context_data(form=f.TrackForm(), tracking=tracking))


# --- staff --------------------------------------------------------------------------


class StaffMixin(LoginRequiredMixin):
    request: HttpRequest

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if request.user.is_authenticated and not units_visible_to(user=request.user, roles=STAFF_ROLES).exists():
            raise Http404
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]


class PetitionQueueView(StaffMixin, TemplateView):
    template_name = "petitions/petition_queue.html"
    paginate_by = 50

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        user = self.request.user
        home_units = list(
            units_visible_to(user=user, roles=STAFF_ROLES).filter(level__in=["commune", "district", "province"])[:1]
        )
        handlers: list[tuple[int, str]] = []
        if home_units:
            handlers = [(u.pk, u.get_full_name() or u.username) for u in handlers_for(unit=home_units[0])]
        form = f.QueueFilterForm(self.request.GET or None, handlers=handlers)
        filters = QueueFilters()
        if form.is_valid():
            d = form.cleaned_data
            filters = QueueFilters(
                kind=d["kind"] or "",
                status=d["status"] or "open",
                unit=d["unit"] or "",
                channel=d["channel"] or "",
                overdue=d["overdue"],
                assignee=d["assignee"],
                q=d["q"] or "",
            )
        today = timezone.localdate()
        page = Paginator(petition_queue(user=user, filters=filters, today=today), self.paginate_by).get_page(
            self.request.GET.get("page")
        )
        cutoff = soon_cutoff(today)
        rows = [(p, deadline_state(p, today=today, soon_until=cutoff)) for p in page.object_list]
        query = self.request.GET.copy()
        query.pop("page", None)
        return super().get_context_data(form=form, page=page, rows=rows, today=today, query=query.urlencode(), **kwargs)


class PetitionDetailView(StaffMixin, TemplateView):
    template_name = "petitions/petition_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        petition = get_object_or_404(
            petition_list_visible_to(user=self.request.user).select_related(
                "unit", "assignee", "case", "first_petition", "transferred_from", "outcome_unit", "due_rule"
            ),
            pk=self.kwargs["pk"],
        )
        today = timezone.localdate()
        actions = [
            (name, a.label)
            for name, a in ACTIONS.items()
            if a.available(petition) and a.allowed(self.request, petition)
        ]
        return super().get_context_data(
            petition=petition,
            state=deadline_state(petition, today=today, soon_until=soon_cutoff(today)),
            timeline=petition_timeline(petition=petition),
            attachments=petition.attachments.all(),
            duplicates=petition_duplicate_candidates(petition=petition) if petition.is_open else [],
            parts=Petition.objects.filter(parent=petition),
            actions=actions,
            may_reveal=petition.is_denunciation
            and services.user_may_reveal(user=self.request.user, unit=petition.unit),  # type: ignore[arg-type]
            **kwargs,
        )


class AttachmentDownloadView(StaffMixin, View):
    def get(self, request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
        petition = get_object_or_404(petition_list_visible_to(user=request.user), pk=pk)
        # A denunciation's documents may identify the denouncer: only for those allowed to see it.
        if petition.is_denunciation and not services.user_may_reveal(user=request.user, unit=petition.unit):  # type: ignore[arg-type]
            raise Http404
        attachment = get_object_or_404(petition.attachments, pk=attachment_pk)
        return attachment_response(attachment.file.open("rb"), filename=attachment.original_name, mime=attachment.mime)


class DeskEntryView(StaffMixin, FormView):
    template_name = "petitions/petition_desk.html"
    form_class = f.DeskEntryForm

    def get_form_kwargs(self) -> dict[str, Any]:
        units = units_visible_to(user=self.request.user, roles=(Role.OFFICER, Role.HANDLER, Role.HEAD, Role.ADMIN))
        return {**super().get_form_kwargs(), "units": units.order_by("path")}

    def form_valid(self, form: f.DeskEntryForm) -> HttpResponse:
        d = form.cleaned_data
        try:
            petition = services.petition_receive(
                unit=d["unit"],
                kind=d["kind"],
                received_on=d["received_on"],
                channel=d["channel"],
                subject=d["subject"],
                content=d.get("content", ""),
                petitioner_name=d.get("petitioner_name", ""),
                petitioner_id_number=d.get("petitioner_id_number", ""),
                petitioner_address=d.get("petitioner_address", ""),
                petitioner_phone=d.get("petitioner_phone", ""),
                petitioner_email=d.get("petitioner_email", ""),
                signers=d["signers"],
                actor=self.request.user,  # type: ignore[arg-type]
                ip_address=client_ip(self.request) or None,
                idempotency_key=d["idempotency_key"],
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


# --- actions --------------------------------------------------------------------------


Runner = Callable[[Petition, Any, HttpRequest], Any]


@dataclass(frozen=True)
class Action:
    label: Any
    form: type[f.ActionForm]
    run: Runner
    statuses: tuple[str, ...]
    roles: tuple[str, ...] = (Role.OFFICER, Role.HANDLER, Role.HEAD, Role.ADMIN)
    kinds: tuple[str, ...] = tuple(PetitionKind.values)
    when: Callable[[Petition], bool] | None = None

    def available(self, petition: Petition) -> bool:
        ok = petition.status in self.statuses and petition.kind in self.kinds
        return ok and (self.when is None or self.when(petition))

    def allowed(self, request: HttpRequest, petition: Petition) -> bool:
        return user_has_role(user=request.user, unit=petition.unit, roles=self.roles)


def _common(form: Any, request: HttpRequest) -> dict[str, Any]:
    return {
        "version": form.cleaned_data.get("version"),
        "actor": request.user,
        "ip_address": client_ip(request) or None,
    }


def _extras(d: dict[str, Any]) -> list[services.ExtraContent]:
    return [
        services.ExtraContent(kind=d[f"extra_kind_{i}"], subject=d[f"extra_subject_{i}"], content="")
        for i in (1, 2)
        if d.get(f"extra_kind_{i}")
    ]


def _link_first(p: Petition, form: Any, r: HttpRequest) -> Petition:
    ref = form.cleaned_data["first_ref"].strip()
    visible = petition_list_visible_to(user=r.user)
    first = visible.filter(ref=ref).first() or visible.filter(tracking_code=ref.upper()).first()
    if first is None:
        raise ValidationError(_("No petition you can see has this reference."))
    return services.petition_link_first(petition=p, first=first, actor=r.user, ip_address=client_ip(r) or None)  # type: ignore[arg-type]


CLASSIFIABLE = (S.RECEIVED, S.CLASSIFIED)
DECIDABLE = (S.CLASSIFIED,)
RESOLVERS = (Role.HANDLER, Role.HEAD, Role.ADMIN)

ACTIONS: dict[str, Action] = {
    "classify": Action(
        gettext_lazy("Classify"),
        f.ClassifyForm,
        lambda p, fm, r: services.petition_classify(
            petition=p,
            kind=fm.cleaned_data["kind"],
            eligible=fm.cleaned_data["eligible"],
            competent=fm.cleaned_data["competent"],
            signers=fm.cleaned_data["signers"],
            has_originals=fm.cleaned_data["has_originals"],
            anonymous=fm.cleaned_data["anonymous"],
            over_level=fm.cleaned_data["over_level"],
            multi_place=fm.cleaned_data["multi_place"],
            extra_contents=_extras(fm.cleaned_data),
            note=fm.cleaned_data.get("note", ""),
            **_common(fm, r),
        ),
        CLASSIFIABLE,
    ),
    "accept": Action(
        gettext_lazy("Accept"),
        f.AcceptForm,
        lambda p, fm, r: services.petition_accept(petition=p, complex=fm.cleaned_data["complex"], **_common(fm, r)),
        DECIDABLE,
    ),
    "refuse": Action(
        gettext_lazy("Refuse"),
        f.RefuseForm,
        lambda p, fm, r: services.petition_refuse(petition=p, reason=fm.cleaned_data["reason"], **_common(fm, r)),
        DECIDABLE,
    ),
    "guide": Action(
        gettext_lazy("Guide"),
        f.GuideForm,
        lambda p, fm, r: services.petition_guide(
            petition=p, body=fm.cleaned_data["body"], reason=fm.cleaned_data.get("reason", ""), **_common(fm, r)
        ),
        DECIDABLE,
    ),
    "transfer": Action(
        gettext_lazy("Transfer"),
        f.TransferForm,
        lambda p, fm, r: services.petition_transfer(
            petition=p, to_unit=fm.cleaned_data["unit_code"], reason=fm.cleaned_data.get("reason", ""), **_common(fm, r)
        ),
        DECIDABLE,
    ),
    "urge": Action(
        gettext_lazy("Urge"),
        f.UrgeForm,
        lambda p, fm, r: services.petition_urge(
            petition=p, body=fm.cleaned_data["body"], reason=fm.cleaned_data.get("reason", ""), **_common(fm, r)
        ),
        DECIDABLE,
    ),
    "file-away": Action(
        gettext_lazy("File away"),
        f.FileAwayForm,
        lambda p, fm, r: services.petition_file_away(petition=p, reason=fm.cleaned_data["reason"], **_common(fm, r)),
        DECIDABLE,
    ),
    "no-action": Action(
        gettext_lazy("No action"),
        f.NoActionForm,
        lambda p, fm, r: services.petition_no_action(
            petition=p,
            reason=fm.cleaned_data["reason"],
            pass_to_inspection=fm.cleaned_data["pass_to_inspection"],
            **_common(fm, r),
        ),
        DECIDABLE,
    ),
    "return-originals": Action(
        gettext_lazy("Return originals"),
        f.ReturnOriginalsForm,
        lambda p, fm, r: services.petition_return_originals(petition=p, actor=r.user, ip_address=client_ip(r) or None),  # type: ignore[arg-type]
        tuple(S.values),
        when=lambda p: p.has_originals and not p.originals_returned_on,
    ),
    "assign": Action(
        gettext_lazy("Assign"),
        f.AssignForm,
        lambda p, fm, r: services.petition_assign(petition=p, assignee=fm.cleaned_data["assignee"], **_common(fm, r)),
        (S.RECEIVED, S.CLASSIFIED, S.ACCEPTED, S.SUSPENDED),
        roles=(Role.OFFICER, Role.HEAD, Role.ADMIN),
    ),
    "link-first": Action(
        gettext_lazy("Second-time complaint: link the first"),
        f.LinkFirstForm,
        _link_first,
        CLASSIFIABLE,
        kinds=(PetitionKind.COMPLAINT,),
    ),
    "extend": Action(
        gettext_lazy("Extend"),
        f.ExtendForm,
        lambda p, fm, r: services.petition_extend(petition=p, reason=fm.cleaned_data["reason"], **_common(fm, r)),
        (S.ACCEPTED,),
        roles=(Role.HEAD,),
        kinds=(PetitionKind.DENUNCIATION,),
    ),
    "suspend": Action(
        gettext_lazy("Suspend"),
        f.SuspendForm,
        lambda p, fm, r: services.petition_suspend(petition=p, reason=fm.cleaned_data["reason"], **_common(fm, r)),
        (S.ACCEPTED,),
        roles=RESOLVERS,
    ),
    "resume": Action(
        gettext_lazy("Resume"),
        f.ResumeForm,
        lambda p, fm, r: services.petition_resume(petition=p, **_common(fm, r)),
        (S.SUSPENDED,),
        roles=RESOLVERS,
    ),
    "resolve": Action(
        gettext_lazy("Record the result"),
        f.ResolveForm,
        lambda p, fm, r: services.petition_resolve(
            petition=p, result=fm.cleaned_data["result"], note=fm.cleaned_data.get("note", ""), **_common(fm, r)
        ),
        (S.ACCEPTED, S.SUSPENDED),
        roles=RESOLVERS,
    ),
    "group": Action(
        gettext_lazy("Group into a case"),
        f.GroupForm,
        lambda p, fm, r: services.case_group(
            petitions=[p, *fm.cleaned_data["others"]], case=p.case, actor=r.user, ip_address=client_ip(r) or None
        ),  # type: ignore[arg-type]
        tuple(S.values),
    ),
}


class PetitionActionView(StaffMixin, FormView):
    template_name = "petitions/petition_action.html"

    @cached_property
    def petition(self) -> Petition:
        return get_object_or_404(
            petition_list_visible_to(user=self.request.user).select_related("unit"), pk=self.kwargs["pk"]
        )

    @cached_property
    def action(self) -> Action:
        action = ACTIONS.get(self.kwargs["action"])
        if action is None or not action.allowed(self.request, self.petition):
            raise Http404
        return action

    def get_form_class(self) -> type[f.ActionForm]:
        return self.action.form

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "petition": self.petition}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(petition=self.petition, action_label=self.action.label, **kwargs)

    def form_valid(self, form: f.ActionForm) -> HttpResponse:
        try:
            result = self.action.run(self.petition, form, self.request)
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Saved."))
        if isinstance(result, Petition) and result.pk != self.petition.pk and result.unit_id == self.petition.unit_id:
            return redirect(result)
        return redirect(self.petition)


class RevealView(StaffMixin, FormView):
    """Opens a denouncer's identity for a permitted official who states why (audit-logged)."""

    template_name = "petitions/petition_reveal.html"
    form_class = f.RevealForm

    @cached_property
    def petition(self) -> Petition:
        petition = get_object_or_404(
            petition_list_visible_to(user=self.request.user).select_related("unit"),
            pk=self.kwargs["pk"],
            kind=PetitionKind.DENUNCIATION,
        )
        return petition

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "petition": self.petition}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(petition=self.petition, **kwargs)

    def form_valid(self, form: f.RevealForm) -> HttpResponse:
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
