"""Forms of the one-stop shop: they check shape; the services check the rules."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Field, Layout, Submit
from django import forms
from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.contact import IdentityNumberField, PhoneField
from core.forms import CheckedFileField
from core.models import HeldUpload, Unit

from .models import Dossier, DossierStatus, IntakeNotice, Procedure, ProcedureDocument, SatisfactionScore
from .policies import POLICY
from .selectors import dossier_handlers, dossier_transfer_targets
from .services import MAX_ATTACHMENT_BYTES


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class ProcedureSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Procedure"),
        required=False,
        max_length=200,  # each word is one more condition in the query: keep it bounded
        help_text=_("Type a few words of the name, with or without diacritics, or its code."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autofocus": True, "data-procedure-search": "1"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.layout = Layout("q", Submit("search", _("Search")))


class ApplicantFields(forms.Form):
    applicant_name = forms.CharField(label=_("Applicant's full name"), max_length=200)
    applicant_phone = PhoneField(required=False)
    applicant_email = forms.EmailField(label=_("E-mail"), required=False)
    applicant_id_number = IdentityNumberField(label=_("Identity number"), required=False)
    applicant_address = forms.CharField(label=_("Address"), max_length=300, required=False)


class CounterIntakeForm(ApplicantFields):
    DECISIONS = [
        ("accept", _("Complete: accept and print the receipt")),
        ("supplement", _("Incomplete: issue the supplement request (Mẫu 02)")),
        ("refuse", _("Refuse to accept (Mẫu 03)")),
    ]
    channel = forms.ChoiceField(
        label=pgettext_lazy("dossier", "Channel"),
        choices=[("counter", _("At the counter")), ("post", _("By post"))],
        initial="counter",
    )
    documents = forms.ModelMultipleChoiceField(
        label=_("Documents received"),
        queryset=ProcedureDocument.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    decision = forms.ChoiceField(label=_("Decision"), choices=DECISIONS, widget=forms.RadioSelect, initial="accept")
    reasons = forms.CharField(
        label=_("Reasons or what must be completed"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )

    def __init__(self, *args: Any, procedure: Procedure, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["documents"].queryset = procedure.documents.all()
        self.helper = FormHelper()
        self.helper.layout = Layout(
            "documents",
            Div(
                Div("applicant_name", css_class="col-md-6"),
                Div("applicant_phone", css_class="col-md-3"),
                Div("applicant_id_number", css_class="col-md-3"),
                css_class="row",
            ),
            Div(
                Div("applicant_email", css_class="col-md-4"),
                Div("applicant_address", css_class="col-md-8"),
                css_class="row",
            ),
            "channel",
            "decision",
            "reasons",
            Submit("save", _("Save")),
        )


class OnlineSubmitForm(ApplicantFields):
    unit = forms.ModelChoiceField(label=_("Where to submit"), queryset=Unit.objects.none())
    consent = forms.BooleanField(
        label=_("I agree that my personal data is processed to handle this dossier (Law 91/2025/QH15)."),
    )
    # What the files chosen are kept against when the form comes back with an error
    # (core.held_files): drawn with the form.
    form_key = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(
        self, *args: Any, procedure: Procedure, units: QuerySet[Unit], held: Sequence[HeldUpload] = (), **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["applicant_phone"].required = True
        self.fields["form_key"].initial = uuid.uuid4().hex
        self.document_fields: list[tuple[str, ProcedureDocument]] = []
        for doc in procedure.documents.all():
            name = f"doc_{doc.pk}"
            self.fields[name] = CheckedFileField(
                max_bytes=MAX_ATTACHMENT_BYTES,
                label=doc.name,
                required=doc.mandatory,
                help_text=_("PDF, JPEG, PNG, DOC or DOCX, at most 10 MB."),
            )
            self.document_fields.append((name, doc))
        self.order_fields([n for n in self.fields if n != "consent"])  # the papers, then the consent
        self.show_held(held)
        self.helper = FormHelper()
        self.helper.form_tag = False

    def show_held(self, held: Sequence[HeldUpload]) -> None:
        """A paper whose file was kept from an earlier sending needs no file again: its field
        says which file it has, and a file chosen now replaces it."""
        for upload in held:
            field = self.fields.get(upload.field)
            if isinstance(field, CheckedFileField):
                field.required = False
                field.help_text = _("Received: “%(name)s” (%(size)s). Choose a file only to replace it.") % {
                    "name": upload.original_name,
                    "size": filesizeformat(upload.size),
                }
                self[upload.field].help_text = field.help_text  # the field as drawn, when validated before


# --- the actions of the dossier page: each form is drawn for one dossier -----------------


class VersionForm(forms.Form):
    """The dossier's version when the page was drawn: the service refuses the action if the
    dossier changed since (`expected_version`)."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, dossier: Dossier, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.dossier = dossier
        self.fields["version"].initial = dossier.version


class AssignForm(VersionForm):
    assignee = forms.ModelChoiceField(label=_("Handler"), queryset=User.objects.none())

    def __init__(self, *args: Any, dossier: Dossier, **kwargs: Any) -> None:
        super().__init__(*args, dossier=dossier, **kwargs)
        field = self.fields["assignee"]
        assert isinstance(field, forms.ModelChoiceField)
        # whoever may bring the dossier to a result in the unit handling it
        field.queryset = dossier_handlers(unit=dossier.handling_unit or dossier.unit, roles=POLICY.roles_for("result"))
        # Officials know each other by name, not login: "Nguyễn Thị Hoa", the login if no name.
        field.label_from_instance = lambda u: u.get_full_name() or u.get_username()  # type: ignore[method-assign]


class TransferForm(VersionForm):
    to_unit = forms.ModelChoiceField(label=_("Send to unit"), queryset=Unit.objects.none())
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args: Any, dossier: Dossier, **kwargs: Any) -> None:
        super().__init__(*args, dossier=dossier, **kwargs)
        self.fields["to_unit"].queryset = dossier_transfer_targets(dossier=dossier)


class SupplementForm(VersionForm):
    missing = forms.CharField(
        label=_("What must be added or corrected (one per line)"), widget=forms.Textarea(attrs={"rows": 3})
    )


class ApologyForm(VersionForm):
    new_due_on = forms.DateField(label=_("New appointment date"), widget=DateInput())
    reason = forms.CharField(label=_("Reason for the delay"), widget=forms.Textarea(attrs={"rows": 2}))


class ReasonForm(VersionForm):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class OptionalReasonForm(VersionForm):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class ReissuePinForm(VersionForm):
    reason = forms.CharField(
        label=_("Why a new PIN"),
        max_length=500,
        help_text=_("For example: the applicant lost the receipt. The old PIN stops working."),
    )


class ResultForm(VersionForm):
    result_note = forms.CharField(label=_("Result (document number)"), max_length=300, required=False)


class RatingForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("How satisfied are you with the service?"),
        choices=SatisfactionScore.choices,
        coerce=int,
        widget=forms.RadioSelect,
    )
    visits = forms.IntegerField(
        label=_("How many times did you have to come to the counter?"), min_value=1, max_value=20, initial=1
    )
    comment = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class DeskRatingForm(RatingForm):
    """The applicant's rating, recorded by an official on the dossier page."""

    def __init__(self, *args: Any, dossier: Dossier, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.dossier = dossier


class LookupForm(forms.Form):
    code = forms.CharField(
        label=_("Dossier code"),
        max_length=40,
        help_text=_("As printed on your receipt, e.g. 00070-260105-0001."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )
    pin = forms.RegexField(
        label=_("Lookup PIN"),
        regex=r"^[0-9]{6}$",
        help_text=_("The 6 digits printed on your receipt."),
        error_messages={"invalid": _("The PIN has 6 digits.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(Field("code"), Field("pin"), Submit("lookup", _("Look up")))


class QueueFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Code or applicant"),
        required=False,
        help_text=_("Part of a code or a name, or a whole identity number, phone number or e-mail address."),
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All open")), *list(DossierStatus.choices)]
    )
    overdue = forms.BooleanField(label=pgettext_lazy("dossier", "Overdue only"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_method = "post"  # the search text (a name, a number) stays out of URLs: core.searches
        self.helper.layout = Layout(
            Div(
                Div("q", css_class="col-md-5"),
                Div("status", css_class="col-md-4"),
                Div("overdue", css_class="col-md-3 pt-md-4"),
                css_class="row",
            ),
            Submit("filter", pgettext_lazy("dossier", "Filter"), css_class="btn-secondary"),
        )


class RegisterForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none())
    start = forms.DateField(label=_("From"), widget=DateInput())
    end = forms.DateField(label=_("To"), widget=DateInput())

    def __init__(self, *args: Any, units: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.layout = Layout(
            Div(
                Div("unit", css_class="col-md-6"),
                Div("start", css_class="col-md-3"),
                Div("end", css_class="col-md-3"),
                css_class="row",
            ),
            Submit("show", _("Show")),
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            self.add_error("end", _("The end date is before the start date."))
        return data


NOTICE_KINDS = IntakeNotice.Kind
