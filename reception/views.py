"""Reception pages: thin views over reception.services and reception.selectors."""

from __future__ import annotations

import re
from datetime import timedelta
from functools import cached_property
from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db.models import Count, QuerySet
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from core import ratelimit
from core.models import Role, Unit
from core.selectors import scope_to_user, user_home_unit

from . import services
from .book import COLUMNS, book_rows, book_xlsx
from .forms import (
    AnswerForm,
    FollowUpDoneForm,
    FollowUpForm,
    PeriodForm,
    ScheduleSearchForm,
    SessionConclusionsForm,
    SessionForm,
    SessionTimePlaceForm,
    VisitForm,
)
from .models import FollowUpStatus, ReceptionSession, Visit
from .selectors import (
    LEADER_ROLES,
    follow_up_list_visible_to,
    head_frequency_check,
    public_schedule,
    public_unit_search,
    reception_book_visits,
    session_list_visible_to,
    units_for_desk,
    visit_answer_queue,
    visit_list_visible_to,
    visit_repeat_candidates,
)


def client_ip(request: HttpRequest) -> str | None:
    """The client's address, behind the trusted proxies (core.ratelimit)."""
    return ratelimit.client_ip(request) or None


def add_domain_error(form: Form, exc: ValidationError) -> None:
    """Put a service's error next to the field it is about, or on top of the form."""
    field = exc.code if exc.code in form.fields else None
    form.add_error(field, exc.messages)


class DeskMixin(LoginRequiredMixin):
    request: HttpRequest

    @property
    def user(self) -> User:
        return self.request.user  # type: ignore[return-value]


# --- sessions ---------------------------------------------------------------------------


class SessionListView(DeskMixin, TemplateView):
    template_name = "reception/session_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        today = timezone.localdate()
        sessions = session_list_visible_to(user=self.user).annotate(visit_count=Count("visits"))
        return super().get_context_data(
            upcoming=list(sessions.filter(date__gte=today).order_by("date", "start_time")[:50]),
            past=list(sessions.filter(date__lt=today).order_by("-date", "-start_time")[:50]),
            units=list(units_for_desk(user=self.user)[:50]),
            today=today,
            **kwargs,
        )


class SessionCreateView(DeskMixin, View):
    template_name = "reception/session_form.html"

    def form(self, data: Any = None, initial: dict[str, Any] | None = None) -> SessionForm:
        units = units_for_desk(user=self.user)
        receivers = User.objects.filter(
            is_active=True, memberships__unit__in=units, memberships__role__in=[Role.HEAD, Role.OFFICER, Role.HANDLER]
        ).distinct()
        return SessionForm(data, units=units, receivers=receivers.order_by("last_name", "first_name"), initial=initial)

    def get(self, request: HttpRequest) -> HttpResponse:
        home = user_home_unit(user=self.user)
        form = self.form(initial={"unit": home, "day": timezone.localdate() + timedelta(days=7)})
        return render(request, self.template_name, {"form": form})

    def post(self, request: HttpRequest) -> HttpResponse:
        form = self.form(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                session = services.session_schedule(
                    unit=data["unit"],
                    kind=data["kind"],
                    day=data["day"],
                    start_time=data["start_time"],
                    end_time=data["end_time"],
                    place=data["place"],
                    received_by=data["received_by"],
                    receiver=data["receiver"],
                    receiver_title=data["receiver_title"],
                    topics=data["topics"],
                    attendance=data["attendance"],
                    issues_raised=data["issues_raised"],
                    actor=self.user,
                    ip_address=client_ip(request),
                )
            except ValidationError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, _("Session scheduled."))
                return redirect("reception:session_detail", pk=session.pk)
        return render(request, self.template_name, {"form": form})


class SessionOpenTodayView(DeskMixin, View):
    """POST: open today's session of a unit (creating a desk session if needed) to log visits."""

    def post(self, request: HttpRequest) -> HttpResponse:
        unit = get_object_or_404(units_for_desk(user=self.user), pk=request.POST.get("unit") or 0)
        session = services.session_open_today(unit=unit, actor=self.user, ip_address=client_ip(request))
        return redirect("reception:session_detail", pk=session.pk)


class SessionPublishView(DeskMixin, View):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        session = get_object_or_404(session_list_visible_to(user=self.user), pk=pk)
        try:
            session = services.session_publish(session=session, actor=self.user, ip_address=client_ip(request))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            if session.published_late:
                messages.warning(
                    request,
                    _("Published late: it should have been published by %(date)s (5 working days before).")
                    % {"date": f"{session.publish_due_on:%d/%m/%Y}"},
                )
            else:
                messages.success(request, _("Published on the public schedule."))
        return redirect("reception:session_detail", pk=session.pk)


class SessionEditView(DeskMixin, View):
    """Change a session's day, time or place; the publication rule is checked again."""

    template_name = "reception/session_edit.html"

    @cached_property
    def session(self) -> ReceptionSession:
        return get_object_or_404(session_list_visible_to(user=self.user).select_related("unit"), pk=self.kwargs["pk"])

    def render_form(self, form: SessionTimePlaceForm, status: int = 200) -> HttpResponse:
        return render(self.request, self.template_name, {"session": self.session, "form": form}, status=status)

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        s = self.session
        initial = {"version": s.version, "day": s.date, "start_time": s.start_time, "end_time": s.end_time}
        return self.render_form(SessionTimePlaceForm(initial={**initial, "place": s.place}))

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        form = SessionTimePlaceForm(request.POST)
        if not form.is_valid():
            return self.render_form(form, status=400)
        data = form.cleaned_data
        try:
            result = services.session_reschedule(
                session=self.session,
                version=data["version"],
                day=data["day"],
                start_time=data["start_time"],
                end_time=data["end_time"],
                place=data["place"],
                reason=data["reason"],
                actor=self.user,
                ip_address=client_ip(request),
            )
        except ValidationError as exc:
            add_domain_error(form, exc)
            return self.render_form(form, status=400)
        session = result.session
        due = f"{session.publish_due_on:%d/%m/%Y}" if session.publish_due_on else ""
        if result.republished and session.published_late:
            messages.warning(
                request,
                _(
                    "Saved and shown on the public schedule now, but late: the change should have "
                    "been published by %(date)s (5 working days before)."
                )
                % {"date": due},
            )
        elif result.republished:
            messages.success(request, _("Saved; the public schedule shows the new time and place."))
        elif result.publish_overdue:
            messages.warning(
                request,
                _("Saved. Publish it now: it should have been published by %(date)s (5 working days before).")
                % {"date": due},
            )
        else:
            messages.success(request, _("Saved."))
        return redirect("reception:session_detail", pk=session.pk)


class SessionDetailView(DeskMixin, View):
    """The session page: its details and the fast visit entry form (POST logs one visit)."""

    template_name = "reception/session_detail.html"

    @cached_property
    def session(self) -> ReceptionSession:
        return get_object_or_404(session_list_visible_to(user=self.user), pk=self.kwargs["pk"])

    def context(self, **extra: Any) -> dict[str, Any]:
        session = self.session
        owners = User.objects.filter(memberships__unit__path__in=_ancestor_paths(session.unit)).distinct()
        return {
            "session": session,
            "visits": list(session.visits.order_by("-pk")[:100]),
            "follow_ups": list(session.follow_ups.select_related("owner")),
            "follow_up_form": FollowUpForm(owners=owners.order_by("last_name")),
            "conclusions_form": SessionConclusionsForm(
                initial={
                    "version": session.version,
                    "attendance": session.attendance,
                    "issues_raised": session.issues_raised,
                    "conclusions": session.conclusions,
                }
            ),
            **extra,
        }

    def visit_form(self, data: Any = None) -> VisitForm:
        form = VisitForm(data, initial={"received_by": self.session.received_by})
        form.helper.attrs = {"data-repeats-url": reverse("reception:visit_repeats", kwargs={"pk": self.session.pk})}
        return form

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        form = self.visit_form()
        last: Visit | None = None
        candidates = []
        last_pk = request.GET.get("saved")
        if last_pk and last_pk.isdigit():
            last = self.session.visits.filter(pk=int(last_pk)).first()
            if last is not None:
                candidates = visit_repeat_candidates(
                    unit=last.unit,
                    identity_number=last.identity_number,
                    citizen_name=last.citizen_name,
                    address=last.address,
                    content=last.content,
                    before=last.received_on,
                    exclude_pk=last.pk,
                )
        return render(request, self.template_name, self.context(form=form, last=last, candidates=candidates))

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        form = self.visit_form(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                result = services.visit_log(
                    session=self.session,
                    citizen_name=data["citizen_name"],
                    identity_number=data["identity_number"] or "",
                    address=data["address"],
                    people=data["people"],
                    representatives=data["representatives"],
                    representative_names=data["representative_names"],
                    kind=data["kind"],
                    content=data["content"],
                    earlier_handling=data["earlier_handling"],
                    outcome=data["outcome"],
                    guided_to=data["guided_to"],
                    received_by=data["received_by"],
                    repeat=data["repeat"],
                    actor=self.user,
                    ip_address=client_ip(request),
                )
            except ValidationError as exc:
                add_domain_error(form, exc)
            else:
                visit = result.visit
                text = _("Visit %(ref)s saved.") % {"ref": visit.ref}
                if visit.repeat:
                    text += " " + _("Marked as a repeat of an earlier visit.")
                if visit.petition_ref:
                    text += " " + _("Petition %(ref)s created.") % {"ref": visit.petition_ref}
                messages.success(request, text)
                if "save" in request.POST:
                    return redirect("reception:visit_detail", pk=visit.pk)
                url = reverse("reception:session_detail", kwargs={"pk": self.session.pk})
                return redirect(f"{url}?saved={visit.pk}")
        # Keep showing who this citizen may be while the official fixes the form.
        params = {k: request.POST.get(k, "")[:300] for k in ("identity_number", "citizen_name", "address", "content")}
        candidates = visit_repeat_candidates(unit=self.session.unit, before=self.session.date, **params)
        return render(request, self.template_name, self.context(form=form, candidates=candidates, live=True))


class VisitRepeatProposalsView(DeskMixin, View):
    """GET fragment: earlier visits matching what is being typed in the visit form, so the
    official sees a returning citizen before saving."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        session = get_object_or_404(session_list_visible_to(user=self.user), pk=pk)
        params = {k: request.GET.get(k, "")[:300] for k in ("identity_number", "citizen_name", "address", "content")}
        candidates = visit_repeat_candidates(unit=session.unit, before=session.date, **params)
        return render(request, "reception/_repeat_proposals.html", {"candidates": candidates, "live": True})


def _ancestor_paths(unit: Unit) -> list[str]:
    parts = [p for p in unit.path.split("/") if p]
    return ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


class SessionConclusionsView(DeskMixin, View):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        session = get_object_or_404(session_list_visible_to(user=self.user), pk=pk)
        form = SessionConclusionsForm(request.POST)
        if form.is_valid():
            try:
                services.session_update(
                    session=session,
                    version=form.cleaned_data["version"],
                    changes={k: form.cleaned_data[k] for k in ("attendance", "issues_raised", "conclusions")},
                    actor=self.user,
                    ip_address=client_ip(request),
                )
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(request, _("Session record saved."))
        else:
            messages.error(request, _("Check the session record."))
        return redirect("reception:session_detail", pk=session.pk)


class FollowUpCreateView(DeskMixin, View):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        session = get_object_or_404(session_list_visible_to(user=self.user), pk=pk)
        owners = User.objects.filter(memberships__unit__path__in=_ancestor_paths(session.unit)).distinct()
        form = FollowUpForm(request.POST, owners=owners)
        if form.is_valid():
            try:
                services.follow_up_create(
                    session=session,
                    description=form.cleaned_data["description"],
                    owner=form.cleaned_data["owner"],
                    due_on=form.cleaned_data["due_on"],
                    actor=self.user,
                    ip_address=client_ip(request),
                )
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(request, _("Follow-up item added."))
        else:
            messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
        return redirect("reception:session_detail", pk=session.pk)


# --- visits -----------------------------------------------------------------------------


class VisitQueueView(DeskMixin, TemplateView):
    template_name = "reception/visit_queue.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            visits=list(visit_answer_queue(user=self.user)[:200]), today=timezone.localdate(), **kwargs
        )


class VisitDetailView(DeskMixin, View):
    template_name = "reception/visit_detail.html"

    def get_visit(self, pk: int) -> Visit:
        return get_object_or_404(visit_list_visible_to(user=self.user).select_related("repeat_of"), pk=pk)

    def render_page(self, request: HttpRequest, visit: Visit, form: AnswerForm) -> HttpResponse:
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
        return render(
            request,
            self.template_name,
            {"visit": visit, "form": form, "candidates": candidates, "today": timezone.localdate()},
        )

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        visit = self.get_visit(pk)
        return self.render_page(request, visit, AnswerForm(initial={"version": visit.version}))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        visit = self.get_visit(pk)
        form = AnswerForm(request.POST)
        if form.is_valid():
            try:
                services.visit_answer(
                    visit=visit,
                    answer=form.cleaned_data["answer"],
                    version=form.cleaned_data["version"],
                    answered_on=form.cleaned_data["answered_on"],
                    note=form.cleaned_data["note"],
                    actor=self.user,
                    ip_address=client_ip(request),
                )
            except ValidationError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, _("Answer recorded."))
                return redirect("reception:visit_detail", pk=visit.pk)
        return self.render_page(request, visit, form)


class VisitMarkRepeatView(DeskMixin, View):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        visits = visit_list_visible_to(user=self.user)
        visit = get_object_or_404(visits, pk=pk)
        earlier = get_object_or_404(visits, pk=request.POST.get("repeat_of") or 0)
        try:
            services.visit_mark_repeat(visit=visit, repeat_of=earlier, actor=self.user, ip_address=client_ip(request))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Marked as a repeat of %(ref)s.") % {"ref": earlier.ref})
        return redirect("reception:visit_detail", pk=visit.pk)


# --- follow-up items ----------------------------------------------------------------------


class FollowUpListView(DeskMixin, TemplateView):
    template_name = "reception/followup_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        items = follow_up_list_visible_to(user=self.user)
        return super().get_context_data(
            open_items=list(items.filter(status=FollowUpStatus.OPEN).order_by("due_on", "pk")[:200]),
            done_items=list(items.filter(status=FollowUpStatus.DONE).order_by("-done_on", "-pk")[:50]),
            today=timezone.localdate(),
            **kwargs,
        )


class FollowUpDoneView(DeskMixin, View):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        item = get_object_or_404(follow_up_list_visible_to(user=self.user), pk=pk)
        form = FollowUpDoneForm(request.POST)
        if form.is_valid():
            try:
                services.follow_up_complete(
                    item=item,
                    result=form.cleaned_data["result"],
                    version=form.cleaned_data["version"],
                    actor=self.user,
                    ip_address=client_ip(request),
                )
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(request, _("Follow-up item done."))
        else:
            messages.error(request, _("Write the result before marking the item done."))
        return redirect("reception:followup_list")


# --- the reception book and the frequency check -----------------------------------------------


def _period_form(request: HttpRequest, units: QuerySet[Unit], user: User) -> PeriodForm:
    today = timezone.localdate()
    if "unit" in request.GET:
        return PeriodForm(request.GET, units=units)
    home = user_home_unit(user=user)
    unit = home if home is not None and units.filter(pk=home.pk).exists() else units.first()
    return PeriodForm(
        {"unit": unit.pk if unit else "", "start": today.replace(month=1, day=1).isoformat(), "end": today.isoformat()},
        units=units,
    )


class BookView(DeskMixin, View):
    template_name = "reception/book.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        form = _period_form(request, units_for_desk(user=self.user), self.user)
        context: dict[str, Any] = {"form": form, "columns": COLUMNS}
        if form.is_valid():
            unit, start, end = form.cleaned_data["unit"], form.cleaned_data["start"], form.cleaned_data["end"]
            rows = book_rows(reception_book_visits(unit=unit, start=start, end=end))
            if request.GET.get("format") == "xlsx":
                response = HttpResponse(
                    book_xlsx(unit=unit, start=start, end=end, rows=rows),
                    content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                )
                response["Content-Disposition"] = (
                    f'attachment; filename="so-tiep-cong-dan-{unit.code}-{start}-{end}.xlsx"'
                )
                return response
            context.update(unit=unit, start=start, end=end, rows=rows, xlsx_query=request.GET.urlencode())
        return render(request, self.template_name, context)


class FrequencyView(DeskMixin, View):
    """Leaders see each head's reception days against the legal minimum."""

    template_name = "reception/frequency.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        units = scope_to_user(Unit.objects.all(), user=self.user, field="", roles=LEADER_ROLES).order_by("path")
        if not units.exists():
            raise Http404
        form = _period_form(request, units, self.user)
        context: dict[str, Any] = {"form": form}
        if form.is_valid():
            context["rows"] = head_frequency_check(
                unit=form.cleaned_data["unit"], start=form.cleaned_data["start"], end=form.cleaned_data["end"]
            )
        return render(request, self.template_name, context)


# --- public schedule ------------------------------------------------------------------------


UNIT_CODE = re.compile(r"[A-Za-z0-9_-]{1,20}")


class PublicScheduleView(View):
    template_name = "reception/schedule.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        form = ScheduleSearchForm(request.GET or None)
        code = request.GET.get("unit", "")
        # A unit code is letters, digits, "-" or "_" (CONTRACTS.md); anything else (a NUL byte
        # made PostgreSQL fail: a 500 found by tests/security/test_fuzz.py) looks nothing up.
        unit = Unit.objects.filter(code=code).first() if UNIT_CODE.fullmatch(code) else None
        matches: list[Unit] = []
        if unit is None and form.is_valid() and form.cleaned_data["q"]:
            matches = list(public_unit_search(text=form.cleaned_data["q"]))
            if len(matches) == 1:
                unit = matches[0]
        sessions = list(public_schedule(unit=unit)) if unit else []
        return render(
            request,
            self.template_name,
            {"form": form, "unit": unit, "matches": matches, "sessions": sessions, "today": timezone.localdate()},
        )
