"""The staff actions on a petition, in one table (core.actions): for each, its label, its form,
when the petition offers it, and the one service it calls. Who may take it is not here: the
table names the rule of `petitions.policies`, and the services check it again whoever calls."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.actions import ActionTable, Actor, StaffAction, StaffActionView
from core.choices import PetitionKind

from .. import action_forms as af
from .. import repeat_forms as rf
from .. import services
from ..execution_forms import ExecutionForm, execution_values
from ..figure_forms import figure_values
from ..models import Duty, Petition, PetitionStatus
from ..policies import POLICY
from ..selectors import petition_list_visible_to
from ..urge_forms import UrgeForm
from .mixins import StaffMixin

S = PetitionStatus
Data = dict[str, Any]
CLASSIFIABLE = (S.RECEIVED, S.CLASSIFIED)
DECIDABLE = (S.CLASSIFIED,)
OPEN = (S.RECEIVED, S.CLASSIFIED, S.ACCEPTED, S.SUSPENDED)


def _when(
    statuses: tuple[str, ...], *, kinds: tuple[str, ...] = (), also: Callable[[Petition], bool] | None = None
) -> Callable[[Petition], bool]:
    """Offered in `statuses`, for `kinds` (all when empty), when `also` says so."""

    def available(p: Petition) -> bool:
        return p.status in statuses and (not kinds or p.kind in kinds) and (also is None or also(p))

    return available


def _checked(d: Data, actor: Actor) -> dict[str, Any]:
    """The keywords every versioned service takes: the version the form was opened at, who, from where."""
    return {"expected_version": d.get("version"), **actor.kwargs()}


def _extras(d: Data) -> list[services.ExtraContent]:
    return [
        services.ExtraContent(kind=d[f"extra_kind_{i}"], subject=d[f"extra_subject_{i}"], content="")
        for i in (1, 2)
        if d.get(f"extra_kind_{i}")
    ]


def _classify(p: Petition, d: Data, a: Actor) -> Petition:
    return services.petition_classify(
        petition=p,
        kind=d["kind"],
        eligible=d["eligible"],
        competent=d["competent"],
        signers=d["signers"],
        has_originals=d["has_originals"],
        anonymous=d["anonymous"],
        over_level=d["over_level"],
        multi_place=d["multi_place"],
        extra_contents=_extras(d),
        note=d.get("note", ""),
        decision_known_on=d.get("decision_known_on"),
        force_majeure_reason=d.get("force_majeure_reason"),
        field=d.get("field") or None,
        discipline=d.get("discipline"),
        court_judgment=d.get("court_judgment") if "court_judgment" in d else None,
        **_checked(d, a),
    )


def _link_first(p: Petition, d: Data, a: Actor) -> Petition:
    ref = d["first_ref"].strip()
    visible = petition_list_visible_to(user=a.user)
    first = visible.filter(ref=ref).first() or visible.filter(tracking_code=ref.upper()).first()
    if first is None:
        raise ValidationError(_("No petition you can see has this reference."))
    return services.petition_link_first(petition=p, first=first, **a.kwargs())


def _mark_repeat(p: Petition, d: Data, a: Actor) -> Petition:
    ref = d.get("earlier_ref", "").strip()
    earlier = None
    if ref:
        earlier = petition_list_visible_to(user=a.user).filter(ref=ref).first()
        if earlier is None:
            raise ValidationError(_("No petition you can see has this reference."))
    return services.petition_mark_repeat(
        petition=p, ground=d["ground"], earlier=earlier, note=d.get("note", ""), **_checked(d, a)
    )


def _duty_pending(duty: str) -> Callable[[Petition], bool]:
    return lambda p: p.duties.filter(duty=duty, done_on__isnull=True).exists()


def _record_duty(duty: str) -> Callable[[Petition, Data, Actor], object]:
    def run(p: Petition, d: Data, a: Actor) -> object:
        return services.petition_duty_record(
            petition=p,
            duty=duty,
            on=d["on"],
            note=d["note"],
            published_text=d.get("published_text", ""),
            outcome=d.get("outcome", ""),
            **a.kwargs(),
        )

    return run


PETITION_ACTIONS: ActionTable[Petition] = ActionTable(
    policy=POLICY,
    unit_of=lambda p: p.unit,
    actions={
        "classify": StaffAction(gettext_lazy("Classify"), af.ClassifyForm, _classify, _when(CLASSIFIABLE)),
        "accept": StaffAction(
            gettext_lazy("Accept"),
            af.AcceptForm,
            lambda p, d, a: services.petition_accept(petition=p, complex=d["complex"], **_checked(d, a)),
            _when(DECIDABLE),
        ),
        "refuse": StaffAction(
            gettext_lazy("Refuse"),
            af.RefuseForm,
            lambda p, d, a: services.petition_refuse(petition=p, reason=d["reason"], **_checked(d, a)),
            _when(DECIDABLE),
        ),
        "guide": StaffAction(
            gettext_lazy("Guide"),
            af.GuideForm,
            lambda p, d, a: services.petition_guide(
                petition=p, body=d["body"], reason=d.get("reason", ""), **_checked(d, a)
            ),
            _when(DECIDABLE),
        ),
        "transfer": StaffAction(
            gettext_lazy("Transfer"),
            af.TransferForm,
            lambda p, d, a: services.petition_transfer(
                petition=p, to_unit=d["unit_code"], reason=d.get("reason", ""), **_checked(d, a)
            ),
            # A complaint outside competence is guided, never transferred (TT 05/2021).
            _when(DECIDABLE, kinds=(PetitionKind.DENUNCIATION, PetitionKind.RECOMMENDATION, PetitionKind.FEEDBACK)),
        ),
        "urge": StaffAction(
            gettext_lazy("Urge"),
            UrgeForm,
            lambda p, d, a: services.petition_urge(
                petition=p,
                to_unit=d["to_unit"],
                request=d["request"],
                due_on=d.get("due_on"),
                reason=d.get("reason", ""),
                **_checked(d, a),
            ),
            _when(DECIDABLE),
        ),
        "file-away": StaffAction(
            gettext_lazy("File away"),
            af.FileAwayForm,
            lambda p, d, a: services.petition_file_away(petition=p, reason=d["reason"], **_checked(d, a)),
            _when(DECIDABLE),
        ),
        "no-action": StaffAction(
            gettext_lazy("No action"),
            af.NoActionForm,
            lambda p, d, a: services.petition_no_action(
                petition=p, reason=d["reason"], pass_to_inspection=d["pass_to_inspection"], **_checked(d, a)
            ),
            _when(DECIDABLE),
        ),
        "return-originals": StaffAction(
            gettext_lazy("Return originals"),
            af.ReturnOriginalsForm,
            lambda p, d, a: services.petition_return_originals(petition=p, **a.kwargs()),
            _when(tuple(S.values), also=lambda p: p.has_originals and not p.originals_returned_on),
        ),
        "assign": StaffAction(
            gettext_lazy("Assign"),
            af.AssignForm,
            lambda p, d, a: services.petition_assign(petition=p, assignee=d["assignee"], **_checked(d, a)),
            _when(OPEN),
        ),
        "link-first": StaffAction(
            gettext_lazy("Second-time complaint: link the first"),
            af.LinkFirstForm,
            _link_first,
            _when(CLASSIFIABLE, kinds=(PetitionKind.COMPLAINT,)),
        ),
        "extend": StaffAction(
            gettext_lazy("Extend"),
            af.ExtendForm,
            lambda p, d, a: services.petition_extend(
                petition=p, complexity=d["complexity"], reason=d["reason"], **_checked(d, a)
            ),
            _when((S.ACCEPTED,), kinds=(PetitionKind.DENUNCIATION,)),
        ),
        "suspend": StaffAction(
            gettext_lazy("Suspend"),
            af.SuspendForm,
            lambda p, d, a: services.petition_suspend(petition=p, reason=d["reason"], **_checked(d, a)),
            _when((S.ACCEPTED,)),
        ),
        "resume": StaffAction(
            gettext_lazy("Resume"),
            af.ResumeForm,
            lambda p, d, a: services.petition_resume(petition=p, **_checked(d, a)),
            _when((S.SUSPENDED,)),
        ),
        "resolve": StaffAction(
            gettext_lazy("Record the result"),
            af.ResolveForm,
            lambda p, d, a: services.petition_resolve(
                petition=p,
                result=d["result"],
                note=d.get("note", ""),
                reply_letter=d.get("reply_letter") or None,
                figures=figure_values(d),
                **_checked(d, a),
            ),
            _when((S.ACCEPTED, S.SUSPENDED)),
        ),
        "figures": StaffAction(
            gettext_lazy("Decision figures"),
            af.FiguresForm,
            lambda p, d, a: services.petition_record_figures(
                petition=p, figures=figure_values(d), reason=d["reason"], **_checked(d, a)
            ),
            _when((S.RESOLVED,), also=services.is_decided),
            rule="resolve",
        ),
        "execution": StaffAction(
            gettext_lazy("Execution of the decision"),
            ExecutionForm,
            lambda p, d, a: services.petition_record_execution(
                petition=p, execution=execution_values(d), reason=d["reason"], **_checked(d, a)
            ),
            _when((S.RESOLVED,), also=services.is_decided),
            rule="resolve",
        ),
        "notify-acceptance": StaffAction(
            gettext_lazy("Record: denouncer notified of the acceptance"),
            af.DutyNotifyForm,
            _record_duty(Duty.NOTIFY_ACCEPTANCE),
            _when(
                (S.ACCEPTED, S.SUSPENDED, S.RESOLVED),
                kinds=(PetitionKind.DENUNCIATION,),
                also=_duty_pending(Duty.NOTIFY_ACCEPTANCE),
            ),
            rule="duty",
        ),
        "notify-suspension": StaffAction(
            gettext_lazy("Record: suspension decision sent"),
            af.DutyNotifyForm,
            _record_duty(Duty.NOTIFY_SUSPENSION),
            _when(
                (S.ACCEPTED, S.SUSPENDED, S.RESOLVED),
                kinds=(PetitionKind.DENUNCIATION,),
                also=_duty_pending(Duty.NOTIFY_SUSPENSION),
            ),
            rule="duty",
        ),
        "notify-conclusion": StaffAction(
            gettext_lazy("Record: denouncer notified of the conclusion"),
            af.DutyNotifyForm,
            _record_duty(Duty.NOTIFY_CONCLUSION),
            _when((S.RESOLVED,), kinds=(PetitionKind.DENUNCIATION,), also=_duty_pending(Duty.NOTIFY_CONCLUSION)),
            rule="duty",
        ),
        "publish-conclusion": StaffAction(
            gettext_lazy("Record: conclusion published"),
            af.DutyPublishForm,
            _record_duty(Duty.PUBLISH_CONCLUSION),
            _when((S.RESOLVED,), kinds=(PetitionKind.DENUNCIATION,), also=_duty_pending(Duty.PUBLISH_CONCLUSION)),
            rule="duty",
        ),
        "send-decision": StaffAction(
            gettext_lazy("Record: decision sent to the complainant and the parties"),
            af.DutyNotifyForm,
            _record_duty(Duty.SEND_DECISION),
            _when((S.RESOLVED,), kinds=(PetitionKind.COMPLAINT,), also=_duty_pending(Duty.SEND_DECISION)),
            rule="duty",
        ),
        # A repeated denunciation (tố cáo tiếp, Luật Tố cáo art. 37, 38) and its steps.
        "mark-repeat": StaffAction(
            gettext_lazy("Repeated denunciation (tố cáo tiếp)"),
            rf.MarkRepeatForm,
            _mark_repeat,
            _when(CLASSIFIABLE, kinds=(PetitionKind.DENUNCIATION,), also=lambda p: not p.repeat_ground),
            rule="classify",
        ),
        "review-repeat": StaffAction(
            gettext_lazy("Record the review of the repeated denunciation"),
            rf.ReviewRepeatForm,
            _record_duty(Duty.REVIEW_REPEAT),
            _when(tuple(S.values), also=_duty_pending(Duty.REVIEW_REPEAT)),
            rule="duty",
        ),
        "request-report": StaffAction(
            gettext_lazy("Record: report on the delay requested"),
            rf.RequestReportForm,
            _record_duty(Duty.REQUEST_REPORT),
            _when(tuple(S.values), also=_duty_pending(Duty.REQUEST_REPORT)),
            rule="duty",
        ),
        "delay-report": StaffAction(
            gettext_lazy("Record the resolver's report on the delay"),
            rf.DelayReportForm,
            _record_duty(Duty.DELAY_REPORT),
            _when(tuple(S.values), also=_duty_pending(Duty.DELAY_REPORT)),
            rule="duty",
        ),
        "group": StaffAction(
            gettext_lazy("Group into a case"),
            af.GroupForm,
            lambda p, d, a: services.case_group(petitions=[p, *d["others"]], case=p.case, **a.kwargs()),
            _when(tuple(S.values)),
        ),
    },
)


class PetitionActionView(StaffMixin, StaffActionView[Petition]):
    """`<pk>/<action>/`: the action's form, and its service on POST (core.actions)."""

    template_name = "petitions/petition_action.html"
    table = PETITION_ACTIONS

    @cached_property
    def action(self) -> StaffAction[Petition]:
        """The action if the user may take it in the petition's unit, else 404. Not whether the
        petition offers it now: between opening the form and saving it someone else may have
        moved the petition on, and the official is then told why on the form, with what they
        typed kept (the service's refusal), not sent to a page that does not exist."""
        action = self.table.actions.get(self.action_name)
        if action is None or not self.table.policy.allows(
            user=self.request.user, action=self.table.rule_of(self.action_name), unit=self.record.unit
        ):
            raise Http404
        return action

    def get_record(self) -> Petition:
        return get_object_or_404(
            petition_list_visible_to(user=self.request.user).select_related("unit"), pk=self.kwargs["pk"]
        )

    def action_form_kwargs(self) -> dict[str, Any]:
        return {"petition": self.record}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(petition=self.record, action_label=self.action.label, **kwargs)

    def redirect_after(self, result: object) -> HttpResponse:
        # Another petition of this unit that the service made is where the official goes next;
        # anything else (a petition transferred to another unit, a case) leads back to this one.
        if isinstance(result, Petition) and result.pk != self.record.pk and result.unit_id == self.record.unit_id:
            return redirect(result)
        return redirect(self.record)
