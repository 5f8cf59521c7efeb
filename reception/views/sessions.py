"""Session pages: the list, scheduling, the session page with its fast visit entry, moving a
session, opening today's desk, and the actions taken from the session page (publish, its
record, follow-up items)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms
from django.contrib import messages
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from civicdesk.exceptions import NotAllowed
from core.actions import Actor, InlineActionView, StaffActionView, add_service_error
from core.collation import vietnamese
from core.models import Unit
from core.ratelimit import client_ip
from core.selectors import user_home_unit
from core.uploads import attachment_response

from .. import services
from ..forms import (
    ConnectionCheckForm,
    FollowUpForm,
    ParticipantsForm,
    RecordingForm,
    SessionConclusionsForm,
    SessionForm,
    VisitForm,
)
from ..models import ReceptionSession, SessionKind, SessionRecording
from ..policies import POLICY
from ..selectors import (
    RepeatCandidate,
    follow_up_owner_choices,
    online_participant_choices,
    session_list_visible_to,
    session_receiver_choices,
    units_for_desk,
    visit_repeat_candidates,
)
from .actions import SESSION_ACTIONS, UNIT_ACTIONS
from .base import DeskMixin, offered


def _proposals(session: ReceptionSession, typed: Any, user: Any) -> list[RepeatCandidate]:
    """Earlier visits like the one being typed (`typed`: the visit form's POST data).
    Denunciation visits only for an official who may open denouncers' identities."""
    return visit_repeat_candidates(
        unit=session.unit,
        before=session.date,
        with_denunciations=services.visit_may_reveal(user=user, unit=session.unit),
        **{k: typed.get(k, "")[:300] for k in ("identity_number", "citizen_name", "address", "content")},
    )


class SessionListView(DeskMixin, TemplateView):
    template_name = "reception/session_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        today = timezone.localdate()
        sessions = session_list_visible_to(user=self.user).annotate(visit_count=Count("visits"))
        return super().get_context_data(
            upcoming=list(sessions.filter(date__gte=today).order_by("date", "start_time")[:50]),
            past=list(sessions.filter(date__lt=today).order_by("-date", "-start_time")[:50]),
            units=list(units_for_desk(user=self.user, roles=POLICY.roles_for("open_today"))[:50]),
            may_schedule=POLICY.allows_somewhere(user=self.user, action="schedule"),
            today=today,
            **kwargs,
        )


class SessionCreateView(DeskMixin, View):
    """Schedule a session in one of the units where the official may (reception.policies)."""

    template_name = "reception/session_form.html"

    def form(self, data: Any = None, initial: dict[str, Any] | None = None) -> SessionForm:
        units = units_for_desk(user=self.user, roles=POLICY.roles_for("schedule"))
        if not units.exists():
            raise Http404
        return SessionForm(data, units=units, receivers=session_receiver_choices(units=units), initial=initial)

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
                    **Actor.of(request).kwargs(),
                )
            except forms.ValidationError as exc:
                add_service_error(form, exc)
            else:
                messages.success(request, _("Session scheduled."))
                return redirect("reception:session_detail", pk=session.pk)
        return render(request, self.template_name, {"form": form})


class SessionOpenTodayView(InlineActionView[Unit]):
    """POST: open today's session of a unit (creating a desk session if needed) to log visits."""

    table = UNIT_ACTIONS

    def get_record(self) -> Unit:
        pk = self.request.POST.get("unit", "")
        if not pk.isdigit():
            raise Http404
        return get_object_or_404(units_for_desk(user=self.request.user), pk=int(pk))

    def redirect_after(self, result: object) -> HttpResponse:
        if isinstance(result, ReceptionSession):
            return redirect("reception:session_detail", pk=result.pk)
        return redirect("reception:session_list")


class SessionRecordMixin:
    """A session the official may read, by the URL's pk."""

    request: HttpRequest
    kwargs: dict[str, Any]
    table = SESSION_ACTIONS

    def get_record(self) -> ReceptionSession:
        return get_object_or_404(session_list_visible_to(user=self.request.user), pk=self.kwargs["pk"])

    def redirect_after(self, result: object) -> HttpResponse:
        return redirect("reception:session_detail", pk=self.kwargs["pk"])


class SessionDetailView(SessionRecordMixin, StaffActionView[ReceptionSession]):
    """The session page: its details and the fast visit entry form (POST logs one visit)."""

    template_name = "reception/session_detail.html"

    def page(self, **extra: Any) -> HttpResponse:
        session = self.record
        actions = offered(self.table, user=self.request.user, record=session)
        context = {
            "session": session,
            "actions": actions,
            "visits": list(session.visits.order_by("-pk")[:100]),
            "follow_ups": list(session.follow_ups.select_related("owner")),
            "online": online_steps(session, actions) if session.kind == SessionKind.ONLINE else None,
            "follow_up_form": (
                FollowUpForm(owners=follow_up_owner_choices(unit=session.unit))
                if "follow_up_create" in actions
                else None
            ),
            "conclusions_form": (
                SessionConclusionsForm(
                    initial={
                        "version": session.version,
                        "attendance": session.attendance,
                        "issues_raised": session.issues_raised,
                        "conclusions": session.conclusions,
                    }
                )
                if "conclusions" in actions
                else None
            ),
            **extra,
        }
        if "form" not in context:
            context["form"] = (
                self._with_proposals(VisitForm(initial=self.get_initial())) if "log_visit" in actions else None
            )
        return render(self.request, self.template_name, context)

    def _with_proposals(self, form: forms.Form) -> forms.Form:
        if isinstance(form, VisitForm):
            form.require_identification(self.record.date)
        form.helper.attrs = {"data-repeats-url": reverse("reception:visit_repeats", kwargs={"pk": self.record.pk})}  # type: ignore[attr-defined]
        return form

    def get_initial(self) -> dict[str, Any]:
        return {"received_by": self.record.received_by}

    def get_form(self, form_class: type[forms.Form] | None = None) -> forms.Form:
        return self._with_proposals(super().get_form(form_class))

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        last = None
        candidates = []
        last_pk = request.GET.get("saved", "")
        if last_pk.isdigit():
            last = self.record.visits.filter(pk=int(last_pk)).first()
            if last is not None:
                candidates = visit_repeat_candidates(
                    unit=last.unit,
                    identity_number=last.identity_number,
                    citizen_name=last.citizen_name,
                    address=last.address,
                    content=last.content,
                    before=last.received_on,
                    exclude_pk=last.pk,
                    with_denunciations=services.visit_may_reveal(user=request.user, unit=last.unit),
                )
        return self.page(last=last, candidates=candidates)

    def form_invalid(self, form: forms.Form) -> HttpResponse:
        # Keep showing who this citizen may be while the official fixes the form.
        return self.page(form=form, candidates=_proposals(self.record, self.request.POST, self.request.user), live=True)

    def redirect_after(self, result: object) -> HttpResponse:
        assert isinstance(result, services.VisitLogResult)
        if "save" in self.request.POST:
            return redirect("reception:visit_detail", pk=result.visit.pk)
        url = reverse("reception:session_detail", kwargs={"pk": self.record.pk})
        return redirect(f"{url}?saved={result.visit.pk}")


class SessionEditView(SessionRecordMixin, StaffActionView[ReceptionSession]):
    """Change a session's day, time or place; the publication rule is checked again."""

    template_name = "reception/session_edit.html"

    def get_record(self) -> ReceptionSession:
        return get_object_or_404(
            session_list_visible_to(user=self.request.user).select_related("unit"), pk=self.kwargs["pk"]
        )

    def get_initial(self) -> dict[str, Any]:
        s = self.record
        return {
            "version": s.version,
            "day": s.date,
            "start_time": s.start_time,
            "end_time": s.end_time,
            "place": s.place,
        }

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(session=self.record, **kwargs)

    def form_invalid(self, form: forms.Form) -> HttpResponse:
        return self.render_to_response(self.get_context_data(form=form), status=400)


def online_steps(session: ReceptionSession, actions: Any) -> dict[str, Any]:
    """What the session page shows of an online session: each step's deadline, whether it was
    done (and late), and its form when the official may take it."""
    return {
        "notice_due": services.online_notice_due_on(session),
        "check_due": services.online_check_due_on(session),
        "participants": list(
            session.participants.order_by(vietnamese("last_name"), vietnamese("first_name"), "username")
        ),
        "participants_form": (
            ParticipantsForm(users=online_participant_choices(session=session), auto_id="participants_%s")
            if "notify_participants" in actions
            else None
        ),
        "check_form": ConnectionCheckForm(auto_id="check_%s") if "connection_check" in actions else None,
        "recordings": list(session.recordings.select_related("added_by")),
        "recording_form": RecordingForm(auto_id="recording_%s") if "recording" in actions else None,
    }


class RecordingOpenView(DeskMixin, View):
    """An online session's recording, to the staff of its unit (and the units above): the file as
    a download, or the address where it is kept; each time an audit event (who, when, from where)."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponseBase:
        recording = get_object_or_404(
            SessionRecording.objects.select_related("session__unit").filter(
                session__in=session_list_visible_to(user=self.user)
            ),
            pk=pk,
        )
        try:
            services.recording_opened(recording=recording, actor=self.user, ip_address=client_ip(request) or None)
        except NotAllowed as exc:
            raise Http404 from exc
        if recording.link:
            return redirect(recording.link)
        return attachment_response(recording.file.open("rb"), filename=recording.original_name, mime=recording.mime)


class SessionActionView(SessionRecordMixin, InlineActionView[ReceptionSession]):
    """POST from the session page: publish it, save its record, add a follow-up item."""

    def action_form_kwargs(self) -> dict[str, Any]:
        if self.action.form is FollowUpForm:
            return {"owners": follow_up_owner_choices(unit=self.record.unit)}
        if self.action.form is ParticipantsForm:
            return {"users": online_participant_choices(session=self.record)}
        return {}


class VisitRepeatProposalsView(DeskMixin, View):
    """Fragment: earlier visits matching what is being typed in the visit form, so the
    official sees a returning citizen before saving. POST (CSRF-checked) only: the identity
    number and name being typed never travel in a URL, where access logs would keep them."""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        session = get_object_or_404(session_list_visible_to(user=self.user), pk=pk)
        candidates = _proposals(session, request.POST, request.user)
        return render(request, "reception/_repeat_proposals.html", {"candidates": candidates, "live": True})
