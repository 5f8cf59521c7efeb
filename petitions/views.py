"""Views: parse input, call one service, render. Staff reads go through scoped selectors."""

from __future__ import annotations

import base64
import hashlib
import html
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView

from core.choices import PetitionKind
from core.kept import KeptMarkup
from core.models import Role
from core.ratelimit import client_ip, is_rate_limited
from core.selectors import (
    STAFF_ROLES,
    unit_paths_for,
    units_visible_to,
    user_has_role,
)
from core.uploads import attachment_response

from . import forms as f
from . import services
from .models import Channel, Duty, Petition, PetitionStatus
from .selectors import (
    QueueFilters,
    QueueRow,
    UnitQueue,
    deadline_state,
    due_state,
    handler_choices_for,
    petition_by_code,
    petition_duplicate_candidates,
    petition_duties,
    petition_list_visible_to,
    petition_public_tracking,
    petition_queue,
    petition_timeline,
    public_unit_by_code,
    public_units,
    queue_scope_of,
    soon_cutoff,
)

logger = logging.getLogger(__name__)
S = PetitionStatus
# The confirmation page's code and secret travel in a short-lived encrypted cookie, not in
# the session: a filing then writes no session row (no extra transaction per citizen).
FILED_COOKIE = "petitions_filed"
FILED_COOKIE_AGE = 15 * 60


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
                decision_known_on=data.get("decision_known_on"),
                attachments=data.get("attachments") or [],
                actor=None,
                ip_address=client_ip(self.request) or None,
                idempotency_key=data["idempotency_key"],
                source=_("Online filing"),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.form_invalid(form)
        filed = {
            "code": petition.tracking_code,
            "secret": petition.tracking_secret,
            "email": bool(data.get("petitioner_email")),
            "phone": bool(data.get("petitioner_phone")),
        }
        response = redirect("petitions:filed")
        response.set_cookie(
            FILED_COOKIE,
            _filed_fernet().encrypt(json.dumps(filed).encode()).decode(),
            max_age=FILED_COOKIE_AGE,
            path=reverse("petitions:filed"),
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite="Lax",
        )
        return response

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "units": public_units(), "unit_by_code": public_unit_by_code}

    def get_initial(self) -> dict[str, Any]:
        initial = super().get_initial()
        if self.request.GET.get("unit"):
            initial["unit"] = self.request.GET["unit"]
        return initial


def _filed_fernet() -> Fernet:
    """Encrypts the confirmation cookie; its key is derived from SECRET_KEY for this use only."""
    key = hashlib.sha256(f"civicdesk.petitions.filed-cookie:{settings.SECRET_KEY}".encode()).digest()
    return Fernet(base64.urlsafe_b64encode(key))


def _filed_from_cookie(request: HttpRequest) -> dict[str, Any] | None:
    token = request.COOKIES.get(FILED_COOKIE, "")
    if not token:
        return None
    try:
        filed = json.loads(_filed_fernet().decrypt(token.encode(), ttl=FILED_COOKIE_AGE))
    except (InvalidToken, ValueError):
        return None
    return filed if isinstance(filed, dict) else None


class PetitionFiledView(TemplateView):
    """Shows the code and secret of the petition just filed, once: they come from an encrypted
    cookie (valid 15 minutes, sent to this page only) that the page deletes."""

    template_name = "petitions/petition_filed.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # Shown once: a reload (or the next person at a shared computer) does not see the secret.
        filed = _filed_from_cookie(request)
        if filed:
            response: HttpResponse = self.render_to_response(self.get_context_data(filed=filed))
            response["Cache-Control"] = "no-store"
        else:
            response = redirect("petitions:track")
        if FILED_COOKIE in request.COOKIES:
            response.delete_cookie(FILED_COOKIE, path=reverse("petitions:filed"), samesite="Lax")
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
        # A membership's own unit is always in its subtree: no paths means no unit (one query
        # fewer than asking the unit table whether any exists). The memberships were read once
        # for the request (core.middleware.RememberMembershipsMiddleware).
        if request.user.is_authenticated and unit_paths_for(user=request.user, roles=STAFF_ROLES) == []:
            raise Http404
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]


@dataclass
class QueuePage:
    """One page of the queue with a bounded count: counting every open petition of a busy
    unit on every request costs a scan of all of them, while the official only needs to
    know that there are "more than 1.000". Below the bound the count and the page count are
    exact, as with Django's Paginator."""

    rows: list[QueueRow]
    number: int
    count: int  # exact when not `capped`, otherwise the bound
    capped: bool
    has_next: bool
    num_pages: int | None  # None when capped

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_other_pages(self) -> bool:
        return self.has_previous or self.has_next

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1

    @classmethod
    def of(cls, source: QuerySet[Petition] | UnitQueue, *, page: str | None, size: int, bound: int) -> QueuePage:
        count = (
            source.bounded_count(bound)
            if isinstance(source, UnitQueue)
            else source.order_by().values("pk")[: bound + 1].count()
        )
        capped = count > bound
        try:
            number = max(1, int(page or 1))
        except ValueError:
            number = 1
        num_pages = None if capped else max(1, -(-count // size))
        if num_pages is not None:
            number = min(number, num_pages)
        offset = (number - 1) * size
        rows = [r if isinstance(r, QueueRow) else QueueRow.of(r) for r in source[offset : offset + size + 1]]
        return cls(
            rows=rows[:size],
            number=number,
            count=min(count, bound),
            capped=capped,
            has_next=len(rows) > size,
            num_pages=num_pages,
        )


@lru_cache(maxsize=8)
def _queue_labels(language: str | None) -> tuple[dict[str, str], dict[str, str], dict[str, str], str]:
    """The rows' labels in `language` (the active one), translated and escaped once per process:
    kinds, statuses, deadline badges by state, and the duty line's words."""
    kinds = {k: html.escape(str(label)) for k, label in PetitionKind.choices}
    statuses = {k: html.escape(str(label)) for k, label in PetitionStatus.choices}
    badges = {
        state: f' <span class="badge badge-{state}">{html.escape(str(label))}</span>'
        for state, label in (
            ("overdue", _("Overdue")),
            ("soon", _("Due soon")),
            ("ok", _("On time")),
            ("stopped", _("Clock stopped")),
        )
    }
    badges[""] = " "
    return kinds, statuses, badges, html.escape(_("Notify / publish by"))


def queue_rows_html(rows: list[QueueRow], *, today: date, cutoff: date) -> SafeString:
    """The queue table's rows, written in Python rather than by the template: the queue is the
    officials' most-opened page, and the template engine spent about a third of its CPU on
    50 rows × 10 cells (docs/performance.md, P5). Every value is escaped (the standard
    library's `html.escape`, which Django's `escape` wraps, without its lazy-string checks);
    the markup is the one the template had (row colour class and a badge in words, not colour
    alone)."""
    kinds, statuses, badges, notify_by = _queue_labels(get_language())
    detail = reverse("petitions:detail", args=[0])[:-2]  # "/petitions/": one reverse, not one a row
    out: list[str] = []
    short_dates: dict[date, str] = {}

    def short(day: date) -> str:
        if day not in short_dates:
            short_dates[day] = date_format(day, "SHORT_DATE_FORMAT")
        return short_dates[day]

    for p in rows:
        state = deadline_state(p, today=today, soon_until=cutoff)
        duty_due_on = p.duty_due_on
        duty_state = due_state(duty_due_on, today=today, soon_until=cutoff)
        cell = ""
        if p.due_on or not duty_due_on:
            cell = (short(p.due_on) if p.due_on else "—") + badges[state]
        if duty_due_on:
            # A concluded denunciation: the limits to notify the denouncer and publish the conclusion.
            cell += f'<div class="small">{notify_by} {short(duty_due_on)}{badges[duty_state]}</div>'
        row_class = "overdue" if duty_state == "overdue" else (state or "none")
        subject = p.subject if len(p.subject) <= 80 else p.subject[:79] + "…"
        out.append(
            f'<tr class="row-{row_class}"><td>{cell}</td>'
            f'<td><a href="{detail}{p.pk}/">{html.escape(p.ref)}</a></td><td>{html.escape(subject)}</td>'
            f"<td>{kinds.get(p.kind) or html.escape(p.kind)}</td>"
            f"<td>{statuses.get(p.status) or html.escape(p.status)}</td>"
            f"<td>{html.escape(p.unit_name)}</td><td>{html.escape(p.handler or '—')}</td></tr>"
        )
    return mark_safe("\n".join(out))  # noqa: S308 - every value above is escaped


# The filter form's markup by (language, handler list, query without the page): it depends on
# nothing else, and drawing its five fields cost more CPU than the rows of the table.
_queue_filters = KeptMarkup(size=256)


def queue_filters_html(form: f.QueueFilterForm | None, *, handlers: list[tuple[int, str]]) -> SafeString:
    """The queue's filter form (petitions/_queue_filters.html; `form` None for the page opened
    without a query), drawn once per process for each language, handler list and query (the
    values typed, the errors shown). A renamed or new handler changes the list, so the key:
    nothing shown can be stale."""
    query = tuple((k, tuple(v)) for k, v in sorted(form.data.lists()) if k != "page") if form else None

    def render() -> str:
        return render_to_string(
            "petitions/_queue_filters.html", {"form": form or f.QueueFilterForm(None, handlers=handlers)}
        )

    return mark_safe(_queue_filters.get((get_language(), tuple(handlers), query), render))  # noqa: S308 (a template)


# Only what the queue's table shows (the search text and the content can be long).
QUEUE_COLUMNS = (
    "id",
    "ref",
    "subject",
    "kind",
    "status",
    "due_on",
    "received_on",
    "unit__name",
    "assignee__first_name",
    "assignee__last_name",
    "assignee__username",
)


class PetitionQueueView(StaffMixin, TemplateView):
    template_name = "petitions/petition_queue.html"
    paginate_by = 50
    count_bound = 1000

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        user = self.request.user
        scope = queue_scope_of(user=user)
        handlers = handler_choices_for(unit_path=scope.home_path) if scope.home_path else []
        # Without a query there is nothing to validate: the form is built only to draw it, and
        # only when its markup is not kept yet (queue_filters_html).
        form = f.QueueFilterForm(self.request.GET, handlers=handlers) if self.request.GET else None
        filters = QueueFilters()
        if form is not None and form.is_valid():
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
        # The unfiltered queue of a single unit is read in ordered, indexed parts; filters and
        # search, and wider scopes, use the general query (same order).
        source: QuerySet[Petition] | UnitQueue = (
            UnitQueue(unit_id=scope.unit_id)
            if scope.unit_id is not None and filters == QueueFilters()
            else petition_queue(user=user, filters=filters, today=today).only(*QUEUE_COLUMNS)
        )
        page = QueuePage.of(
            source,
            page=self.request.GET.get("page"),
            size=self.paginate_by,
            bound=self.count_bound,
        )
        # "Due soon" needs the working-day calendar (one query) only when a shown deadline is
        # today or later; an overdue or undated page does without it.
        upcoming = any(d >= today for r in page.rows for d in (r.due_on, r.duty_due_on) if d is not None)
        cutoff = soon_cutoff(today) if upcoming else today
        rows = queue_rows_html(page.rows, today=today, cutoff=cutoff)
        query = self.request.GET.copy()
        query.pop("page", None)
        filters_html = queue_filters_html(form, handlers=handlers)
        return super().get_context_data(
            filters=filters_html, page=page, rows=rows, today=today, query=query.urlencode(), **kwargs
        )


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
        duties = [
            (d, "" if d.done_on else due_state(d.due_on, today=today, soon_until=cutoff))
            for d in petition_duties(petition=petition)
        ]
        actions = [
            (name, a.label)
            for name, a in ACTIONS.items()
            if a.available(petition) and a.allowed(self.request, petition)
        ]
        return super().get_context_data(
            petition=petition,
            state=deadline_state(petition, today=today, soon_until=cutoff),
            duties=duties,
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


def _duty_pending(p: Petition, duty: str) -> bool:
    return p.duties.filter(duty=duty, done_on__isnull=True).exists()


def _record_duty(p: Petition, form: Any, r: HttpRequest, duty: str) -> Any:
    return services.petition_duty_record(
        petition=p,
        duty=duty,
        on=form.cleaned_data["on"],
        note=form.cleaned_data["note"],
        published_text=form.cleaned_data.get("published_text", ""),
        actor=r.user,  # type: ignore[arg-type]
        ip_address=client_ip(r) or None,
    )


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
            decision_known_on=fm.cleaned_data.get("decision_known_on"),
            force_majeure_reason=fm.cleaned_data.get("force_majeure_reason"),
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
    "notify-acceptance": Action(
        gettext_lazy("Record: denouncer notified of the acceptance"),
        f.DutyNotifyForm,
        lambda p, fm, r: _record_duty(p, fm, r, Duty.NOTIFY_ACCEPTANCE),
        (S.ACCEPTED, S.SUSPENDED, S.RESOLVED),
        kinds=(PetitionKind.DENUNCIATION,),
        when=lambda p: _duty_pending(p, Duty.NOTIFY_ACCEPTANCE),
    ),
    "notify-conclusion": Action(
        gettext_lazy("Record: denouncer notified of the conclusion"),
        f.DutyNotifyForm,
        lambda p, fm, r: _record_duty(p, fm, r, Duty.NOTIFY_CONCLUSION),
        (S.RESOLVED,),
        kinds=(PetitionKind.DENUNCIATION,),
        when=lambda p: _duty_pending(p, Duty.NOTIFY_CONCLUSION),
    ),
    "publish-conclusion": Action(
        gettext_lazy("Record: conclusion published"),
        f.DutyPublishForm,
        lambda p, fm, r: _record_duty(p, fm, r, Duty.PUBLISH_CONCLUSION),
        (S.RESOLVED,),
        kinds=(PetitionKind.DENUNCIATION,),
        when=lambda p: _duty_pending(p, Duty.PUBLISH_CONCLUSION),
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
