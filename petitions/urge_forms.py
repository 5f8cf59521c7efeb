"""The forms of urging (đôn đốc): the request to a unit below, and that unit's answer."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core.models import Unit
from core.uploads import validate_upload

from .action_forms import ActionForm, _reason
from .models import Attachment
from .services.urging import urgeable_units

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class UrgeForm(ActionForm):
    submit_label = _("Urge")
    to_unit = forms.ModelChoiceField(
        label=_("Unit urged"),
        queryset=Unit.objects.none(),
        help_text=_("A unit below this one that has the matter to resolve and is overdue."),
    )
    request = _reason(_("What the unit is asked to report and resolve"))
    due_on = forms.DateField(
        label=_("Answer due on"),
        required=False,
        widget=DATE,
        help_text=_("Leave empty for the office's limit: 10 working days (the law sets no period)."),
    )
    reason = _reason(_("Note"), required=False)

    def setup(self) -> None:
        field = self.fields["to_unit"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Unit.objects.filter(pk__in=[u.pk for u in urgeable_units(self.petition)]).order_by("path")


class UrgeAnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Answer: what the unit did or decided"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000
    )
    document = forms.FileField(
        label=_("Answering document (PDF, JPEG, PNG or Word; 10 MB)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,.doc,.docx"}),
    )

    def clean_document(self) -> Any:
        document = self.cleaned_data.get("document")
        if document:
            validate_upload(document, max_bytes=Attachment.MAX_BYTES)
        return document
