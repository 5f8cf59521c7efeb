"""The staff actions' forms on a petition's page: classification, acceptance and refusal,
transfer, assignment, deadlines, resolution with its decision figures, grouping, duties and the
audited reveal. Each form only gathers what the action's service (petitions.services) needs."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Fieldset, Layout, Submit
from django import forms
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.choices import PetitionKind
from core.models import Unit
from core.uploads import validate_upload

from .choices import NOT_DECIDED_RESULTS, RESULTS_BY_KIND, Complexity, Result
from .figure_forms import GROUPS, add_figure_fields, check_figures
from .figures import DEFAULT_FIELD, field_error, fields_for
from .models import Attachment, Discipline, Petition
from .selectors import (
    decision_figures_of,
    handlers_for,
    petition_duplicate_candidates,
    proposed_refusal_reason,
)

# --- actions --------------------------------------------------------------------------


class ActionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    submit_label = _("Save")

    def __init__(self, *args: Any, petition: Petition, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.petition = petition
        if not self.is_bound:
            self.initial.setdefault("version", petition.version)
        self.setup()
        self.helper = FormHelper()
        self.helper.layout = Layout(*self.fields.keys(), Submit("submit", self.submit_label))

    def setup(self) -> None:
        pass


REASONS_LABEL = _("Reasons")


def _reason(label: Any = REASONS_LABEL, required: bool = True) -> forms.CharField:
    return forms.CharField(label=label, widget=forms.Textarea(attrs={"rows": 3}), required=required)


EXTRA_KIND_CHOICES = [("", "—"), *PetitionKind.choices]


class ClassifyForm(ActionForm):
    submit_label = _("Save the classification")
    kind = forms.ChoiceField(label=_("Kind"), choices=PetitionKind.choices)
    field = forms.ChoiceField(
        label=_("Field (lĩnh vực)"),
        choices=(),
        required=False,  # a form without it (an older client) keeps what is recorded
        help_text=_("How the reports group it (01/XLD to 04/XLD). Corruption and civil service: denunciations only."),
    )
    eligible = forms.TypedChoiceField(
        label=_("Eligible for handling"), coerce=lambda v: v == "1", choices=[("1", _("Yes")), ("0", _("No"))]
    )
    competent = forms.TypedChoiceField(
        label=_("Within this unit's competence"), coerce=lambda v: v == "1", choices=[("1", _("Yes")), ("0", _("No"))]
    )
    signers = forms.IntegerField(label=_("Signers (5 or more: crowd petition)"), min_value=1)
    has_originals = forms.BooleanField(label=_("Original documents attached"), required=False)
    anonymous = forms.BooleanField(label=_("Anonymous or false name"), required=False)
    over_level = forms.BooleanField(label=_("Sent over the competent level"), required=False)
    multi_place = forms.BooleanField(label=_("Denunciation: verification at several places"), required=False)
    decision_known_on = forms.DateField(
        label=_("Complaint: decision received or known on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_(
            "Starts the limitation period: 90 days (art. 9); a second-time complaint 30 days, 45 in remote "
            "areas, from receiving the first decision (art. 33). A complaint out of time is ineligible."
        ),
    )
    force_majeure_reason = forms.CharField(
        label=_("Complaint: force majeure that kept the complainant from complaining in time"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("Recorded, it keeps a late complaint eligible (Luật Khiếu nại art. 9)."),
    )
    discipline = forms.ChoiceField(
        label=_("Complaint: against a disciplinary decision on a civil servant?"),
        choices=Discipline.choices,
        required=False,
        help_text=_(
            "Luật Khiếu nại art. 48–50: complain within 15 days of the decision (2nd time 10 days, 30 for a "
            "dismissal); accepted within 10 days; resolved within 30 days, 45 if complex."
        ),
    )
    court_judgment = forms.BooleanField(
        label=_("Complaint: a court judgment on the matter already exists"),
        required=False,
        help_text=_(
            "Counted in 02/XLD as “đã có bản án”. A complaint a court has accepted or decided is refused "
            "(Luật Khiếu nại art. 11)."
        ),
    )
    extra_kind_1 = forms.ChoiceField(label=_("Another content: kind"), choices=EXTRA_KIND_CHOICES, required=False)
    extra_subject_1 = forms.CharField(label=_("Another content: subject"), max_length=300, required=False)
    extra_kind_2 = forms.ChoiceField(label=_("A third content: kind"), choices=EXTRA_KIND_CHOICES, required=False)
    extra_subject_2 = forms.CharField(label=_("A third content: subject"), max_length=300, required=False)
    note = _reason(_("Note"), required=False)

    def setup(self) -> None:
        p = self.petition
        for name, value in (
            ("kind", p.kind),
            ("signers", p.signers),
            ("has_originals", p.has_originals),
            ("anonymous", p.anonymous),
            ("over_level", p.over_level),
            ("multi_place", p.multi_place),
            ("eligible", "1" if p.eligible is not False else "0"),
            ("competent", "1" if p.competent is not False else "0"),
            ("decision_known_on", p.decision_known_on),
            ("force_majeure_reason", p.force_majeure_reason),
            ("field", p.field or DEFAULT_FIELD),
            ("discipline", p.discipline),
            ("court_judgment", p.court_judgment),
        ):
            self.initial.setdefault(name, value)
        field = self.fields["field"]
        assert isinstance(field, forms.ChoiceField)
        # A denunciation stays one (the service refuses the change): its fields, or the others'.
        field.choices = fields_for(p.kind)
        if p.kind != PetitionKind.COMPLAINT:
            for name in ("decision_known_on", "force_majeure_reason", "discipline", "court_judgment"):
                del self.fields[name]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for i in (1, 2):
            if bool(data.get(f"extra_kind_{i}")) != bool(data.get(f"extra_subject_{i}")):
                self.add_error(f"extra_subject_{i}", _("Give both the kind and the subject of the other content."))
        problem = field_error(data.get("kind", ""), data.get("field", ""))
        if problem and "field" not in self.errors:
            self.add_error("field", problem)
        return data


class AcceptForm(ActionForm):
    submit_label = _("Accept for resolution")
    complex = forms.BooleanField(label=_("Complex case (longer statutory limit)"), required=False)


class RefuseForm(ActionForm):
    submit_label = _("Refuse")
    reason = _reason()

    def setup(self) -> None:
        proposal = proposed_refusal_reason(petition=self.petition)
        if proposal:
            self.initial.setdefault("reason", proposal)


class GuideForm(ActionForm):
    submit_label = _("Guide the citizen")
    body = forms.CharField(label=_("Competent body"), max_length=300)
    reason = _reason(_("Note"), required=False)


class TransferForm(ActionForm):
    submit_label = _("Transfer")
    unit_code = forms.CharField(label=_("Code of the receiving unit"), max_length=20)
    reason = _reason(_("Note"), required=False)

    def clean_unit_code(self) -> Unit:
        code = self.cleaned_data["unit_code"].strip()
        unit = Unit.objects.filter(code=code).first()
        if unit is None:
            raise ValidationError(_("No unit has the code %(code)s.") % {"code": code})
        return unit


class FileAwayForm(ActionForm):
    submit_label = _("File away")
    reason = _reason()


class NoActionForm(ActionForm):
    submit_label = _("Take no action")
    reason = _reason()
    pass_to_inspection = forms.BooleanField(label=_("Pass its concrete content to inspection"), required=False)


class ReturnOriginalsForm(ActionForm):
    submit_label = _("Record the return")


class AssignForm(ActionForm):
    submit_label = _("Assign")
    assignee = forms.ModelChoiceField(label=_("Handler"), queryset=User.objects.none())

    def setup(self) -> None:
        field = self.fields["assignee"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = handlers_for(unit=self.petition.unit)
        field.label_from_instance = lambda u: u.get_full_name() or u.username  # type: ignore[method-assign]


class ExtendForm(ActionForm):
    submit_label = _("Extend by 30 days")
    complexity = forms.ChoiceField(
        label=_("The case is"), choices=Complexity.choices, widget=forms.RadioSelect, initial=Complexity.COMPLEX
    )
    reason = _reason()


class SuspendForm(ActionForm):
    submit_label = _("Suspend")
    reason = _reason()


class ResumeForm(ActionForm):
    submit_label = _("Resume")


class ResolveForm(ActionForm):
    submit_label = _("Record the result")
    result = forms.ChoiceField(label=_("Result"), choices=())
    note = _reason(_("Decision or conclusion (number, date, summary)"), required=False)
    reply_letter = forms.FileField(
        label=_("Signed reply letter (PDF, JPEG, PNG or Word; 10 MB)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,.doc,.docx"}),
        help_text=_(
            "The citizen downloads it from the tracking page and receives it by e-mail. "
            "A denunciation: the conclusion notice to the denouncer (Luật Tố cáo art. 40)."
        ),
    )

    def clean_reply_letter(self) -> Any:
        letter = self.cleaned_data.get("reply_letter")
        if letter:
            validate_upload(letter, max_bytes=Attachment.MAX_BYTES)
        return letter

    def setup(self) -> None:
        field = self.fields["result"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(r, Result(r).label) for r in RESULTS_BY_KIND[self.petition.kind]]
        p = self.petition
        if p.kind in (PetitionKind.COMPLAINT, PetitionKind.DENUNCIATION):
            add_figure_fields(self, second_time=p.complaint_round == 2, stored=None)

    def __init__(self, *args: Any, petition: Petition, **kwargs: Any) -> None:
        super().__init__(*args, petition=petition, **kwargs)
        if "recover_money" in self.fields:
            self.helper.layout = figures_layout(
                ["version", "result", "second_decision", "note", "reply_letter"], self, self.submit_label
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "recover_money" in self.fields and data.get("result"):
            p = self.petition
            decided = data["result"] not in NOT_DECIDED_RESULTS
            check_figures(self, data, kind=p.kind, complaint_round=p.complaint_round, decided=decided)
        return data


def figures_layout(
    first: list[str],
    form: forms.Form,
    submit_label: Any,
    last: tuple[str, ...] = (),
    groups: Sequence[tuple[Any, Sequence[str]]] = GROUPS,
) -> Layout:
    """`first` fields, then the figures in their `groups` (one fieldset each, with its legend;
    two figures a row from a tablet's width up), then `last`."""
    return Layout(
        *(name for name in first if name in form.fields),
        *(
            Fieldset(legend, Div(*(Div(n, css_class="col-md-6") for n in names), css_class="row"))
            for legend, names in groups
        ),
        *last,
        Submit("submit", submit_label),
    )


class FiguresForm(ActionForm):
    """The figures of a decided petition, recorded or corrected after the decision, and why."""

    submit_label = _("Save the figures")
    reason = _reason(_("Why (a figure the decision states, a correction)"))

    def setup(self) -> None:
        p = self.petition
        add_figure_fields(self, second_time=p.complaint_round == 2, stored=decision_figures_of(petition=p))

    def __init__(self, *args: Any, petition: Petition, **kwargs: Any) -> None:
        super().__init__(*args, petition=petition, **kwargs)
        self.helper.layout = figures_layout(["version", "second_decision"], self, self.submit_label, ("reason",))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        p = self.petition
        check_figures(self, data, kind=p.kind, complaint_round=p.complaint_round, decided=True)
        return data


class LinkFirstForm(ActionForm):
    submit_label = _("Link")
    first_ref = forms.CharField(label=_("Reference or tracking code of the first-time complaint"), max_length=40)


class GroupForm(ActionForm):
    submit_label = _("Group into one case")
    others = forms.ModelMultipleChoiceField(
        label=_("Petitions about the same matter"),
        queryset=Petition.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def setup(self) -> None:
        candidates = petition_duplicate_candidates(petition=self.petition)
        field = self.fields["others"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = Petition.objects.filter(pk__in=[c.petition.pk for c in candidates])
        reasons = {c.petition.pk: ", ".join(c.reasons) for c in candidates}
        field.label_from_instance = lambda p: f"{p.ref} · {p.subject} ({reasons.get(p.pk, '')})"  # type: ignore[method-assign]


class DutyNotifyForm(ActionForm):
    submit_label = _("Record the notification")
    on = forms.DateField(label=_("Notified on"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("How (document number, date, delivery)"), max_length=500)

    def setup(self) -> None:
        self.initial.setdefault("on", timezone.localdate())

    def clean_on(self) -> Any:
        on = self.cleaned_data["on"]
        if on > timezone.localdate():
            raise ValidationError(_("This date cannot be in the future."))
        return on


class DutyPublishForm(DutyNotifyForm):
    submit_label = _("Record the publication")
    published_text = forms.CharField(
        label=_("The conclusion as published"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Never the denouncer's name, address, identity number, phone or e-mail (Luật Tố cáo art. 40)."),
    )

    def setup(self) -> None:
        super().setup()
        self.fields["on"].label = _("Published on")
        self.fields["note"].label = _("Where (meeting, notice board, website, press)")


class RevealForm(ActionForm):
    submit_label = _("Open the identity")
    reason = _reason(_("Why do you need the denouncer's identity?"))
