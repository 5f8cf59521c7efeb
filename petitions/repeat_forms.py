"""The forms of a repeated denunciation's steps (Luật Tố cáo art. 37, 38; `services.repeat`)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .action_forms import ActionForm, DutyNotifyForm
from .choices import REPORT_OUTCOMES, REVIEW_OUTCOMES, RepeatGround, ReviewOutcome


class MarkRepeatForm(ActionForm):
    submit_label = _("Record as a repeated denunciation")
    ground = forms.ChoiceField(
        label=_("Why is it filed again?"),
        choices=[c for c in RepeatGround.choices if c[0]],
        widget=forms.RadioSelect,
        help_text=_(
            "Art. 37: the head of the direct superior reviews the file within 20 days. Art. 38: within 5 working "
            "days the superior asks the resolver for a report on the delay, due 5 working days after the request."
        ),
    )
    earlier_ref = forms.CharField(
        label=_("Reference of the earlier denunciation (if registered here)"), max_length=40, required=False
    )
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class RepeatStepForm(DutyNotifyForm):
    """Record a step done: its date, the document, and (review, report) what was decided."""

    submit_label = _("Record")
    outcomes: tuple[str, ...] = ()
    outcome = forms.ChoiceField(
        label=pgettext_lazy("repeat review", "Decision"), choices=ReviewOutcome.choices, widget=forms.RadioSelect
    )

    def setup(self) -> None:
        super().setup()
        self.fields["on"].label = _("Done on")
        self.fields["note"].label = _("Document (number, date) and reasons")
        if self.outcomes:
            field = self.fields["outcome"]
            assert isinstance(field, forms.ChoiceField)
            field.choices = [c for c in ReviewOutcome.choices if c[0] in self.outcomes]
        else:
            del self.fields["outcome"]


class ReviewRepeatForm(RepeatStepForm):
    submit_label = _("Record the review")
    outcomes = tuple(REVIEW_OUTCOMES)


class RequestReportForm(RepeatStepForm):
    submit_label = _("Record the request")


class DelayReportForm(RepeatStepForm):
    submit_label = _("Record the report")
    outcomes = tuple(REPORT_OUTCOMES)
