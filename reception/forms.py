"""Forms of the reception pages: they check the shape of the input; services check the rules."""

from __future__ import annotations

from datetime import date
from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Div, Field, Layout, Row, Submit
from django import forms
from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.choices import PetitionKind
from core.models import Unit

from .models import NoticeChannel, ReceivedBy, SessionKind, Visit, VisitAnswer, VisitOutcome
from .recordings import ACCEPT as RECORDING_ACCEPT
from .recordings import validate_link, validate_recording
from .rules import identification_missing_message, identification_required

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def _version_field() -> forms.IntegerField:
    """The record's version the form was opened on (a hidden field): missing, the page is stale."""
    return forms.IntegerField(
        label=_("record version"),
        widget=forms.HiddenInput,
        error_messages={"required": _("The page is out of date: reload it and try again.")},
    )


class SecondarySubmit(Submit):
    field_classes = "btn btn-outline-primary"


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Unit) -> str:  # type: ignore[override]
        return obj.name


class SessionForm(forms.Form):
    unit = UnitChoiceField(queryset=Unit.objects.none(), label=_("Unit"))
    kind = forms.ChoiceField(choices=SessionKind.choices, label=_("Kind of session"))
    day = forms.DateField(label=_("Date"), widget=DATE)
    start_time = forms.TimeField(label=_("Start time"), required=False, widget=TIME)
    end_time = forms.TimeField(label=_("End time"), required=False, widget=TIME)
    place = forms.CharField(label=_("Place"), max_length=300, required=False)
    received_by = forms.ChoiceField(choices=ReceivedBy.choices, label=_("Who receives"))
    receiver = forms.ModelChoiceField(queryset=User.objects.none(), label=_("Receiving official"), required=False)
    receiver_title = forms.CharField(
        label=_("Name and title of who receives (as published)"), max_length=200, required=False
    )
    topics = forms.CharField(label=_("Planned topics"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    attendance = forms.IntegerField(label=_("Attendance (dialogue conference)"), min_value=0, required=False)
    issues_raised = forms.CharField(
        label=_("Issues raised (dialogue conference)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, units: QuerySet[Unit], receivers: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["receiver"].queryset = receivers
        self.fields["receiver"].label_from_instance = lambda u: u.get_full_name() or u.get_username()
        self.helper = FormHelper()
        self.helper.layout = Layout(
            "unit",
            Row(
                Column("kind", css_class="col-md-4"),
                Column("received_by", css_class="col-md-4"),
                Column("receiver", css_class="col-md-4"),
            ),
            Row(
                Column("day", css_class="col-md-4"),
                Column("start_time", css_class="col-md-4"),
                Column("end_time", css_class="col-md-4"),
            ),
            "place",
            "receiver_title",
            "topics",
            Row(Column("attendance", css_class="col-md-4"), Column("issues_raised", css_class="col-md-8")),
            Submit("submit", _("Schedule the session")),
        )


class SessionTimePlaceForm(forms.Form):
    """Move a session: another day, time or place, and why (kept in the audit trail)."""

    version = _version_field()
    day = forms.DateField(label=_("Date"), widget=DATE)
    start_time = forms.TimeField(label=_("Start time"), required=False, widget=TIME)
    end_time = forms.TimeField(label=_("End time"), required=False, widget=TIME)
    place = forms.CharField(label=_("Place"), max_length=300, required=False)
    reason = forms.CharField(
        label=_("Why it changes"),
        max_length=300,
        help_text=_("Kept in the session's history, e.g. “the chairman is called to a meeting of the city”."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            "version",
            Row(
                Column("day", css_class="col-md-4"),
                Column("start_time", css_class="col-md-4"),
                Column("end_time", css_class="col-md-4"),
            ),
            "place",
            "reason",
            Submit("submit", _("Save the change")),
        )


class SessionConclusionsForm(forms.Form):
    version = _version_field()
    attendance = forms.IntegerField(label=_("Attendance"), min_value=0, required=False)
    issues_raised = forms.CharField(label=_("Issues raised"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    conclusions = forms.CharField(
        label=_("Conclusions of the session"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout("version", "attendance", "issues_raised", "conclusions")


class VisitForm(forms.Form):
    """The fast entry form: keyboard only, the name first, Enter saves and opens a new blank form."""

    citizen_name = forms.CharField(label=_("Citizen's full name"), max_length=200)
    identity_number = forms.RegexField(
        label=_("Identity document number"),
        regex=r"^[0-9A-Za-z]{6,20}$",
        required=False,
        error_messages={"invalid": _("Enter 6 to 20 letters or digits (CCCD, passport).")},
    )
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    people = forms.IntegerField(label=_("Number of people"), min_value=1, max_value=10000, initial=1)
    representatives = forms.IntegerField(label=_("Representatives"), min_value=0, required=False)
    representative_names = forms.CharField(label=_("Representatives' names"), max_length=500, required=False)
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", _("(not a petition)")), *PetitionKind.choices], required=False
    )
    content = forms.CharField(label=_("Content"), widget=forms.Textarea(attrs={"rows": 3}))
    earlier_handling = forms.CharField(label=_("Body that handled it before"), max_length=300, required=False)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=VisitOutcome.choices, initial=VisitOutcome.ANSWERED)
    guided_to = forms.CharField(label=_("Guided or forwarded to"), max_length=300, required=False)
    received_by = forms.ChoiceField(label=_("Received by"), choices=ReceivedBy.choices)
    repeat = forms.BooleanField(label=_("The same matter was received before"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["citizen_name"].widget.attrs.update({"autofocus": True, "autocomplete": "off"})
        self.fields["identity_number"].widget.attrs.update({"inputmode": "numeric", "autocomplete": "off"})
        self.helper = FormHelper()
        self.helper.form_id = "visit-form"
        self.helper.layout = Layout(
            Row(
                Column("citizen_name", css_class="col-md-4"),
                Column("identity_number", css_class="col-md-3"),
                Column("address", css_class="col-md-5"),
            ),
            Row(
                Column("people", css_class="col-6 col-md-2"),
                Column("representatives", css_class="col-6 col-md-2"),
                Column("representative_names", css_class="col-md-4"),
                Column("kind", css_class="col-md-4"),
            ),
            "content",
            Row(
                Column("outcome", css_class="col-md-4"),
                Column("guided_to", css_class="col-md-4"),
                Column("earlier_handling", css_class="col-md-4"),
            ),
            Row(Column("received_by", css_class="col-md-4"), Column(Field("repeat"), css_class="col-md-8 pt-md-4")),
            Div(  # side by side, or one above the other on a phone, spaced alike
                Submit("save_and_add", _("Save and log the next visit")),
                SecondarySubmit("save", _("Save and open the visit")),
                css_class="d-flex flex-wrap gap-2",
            ),
        )

    def require_identification(self, received_on: date) -> None:
        """From 1/7/2026 (Law 136/2025) a visit's identification number is required: the field
        says so and an empty one is refused next to it."""
        if not identification_required(received_on):
            return
        field = self.fields["identity_number"]
        field.required = True
        field.error_messages["required"] = identification_missing_message()
        field.help_text = _("Required from 01/07/2026 (Law 136/2025).")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("outcome") == VisitOutcome.PETITION and not data.get("kind"):
            self.add_error("kind", _("Choose the kind of petition received."))
        if data.get("outcome") == VisitOutcome.GUIDED and not data.get("guided_to"):
            self.add_error("guided_to", _("Say which body the citizen was guided to."))
        return data


class AnswerForm(forms.Form):
    version = _version_field()
    answer = forms.ChoiceField(label=_("Answer given"), choices=VisitAnswer.choices, widget=forms.RadioSelect)
    answered_on = forms.DateField(label=_("Answered on"), widget=DATE, initial=timezone.localdate)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            "version", "answer", "answered_on", "note", Submit("submit", _("Record the answer"))
        )


class ForwardedResultForm(forms.Form):
    """The competent body's result on a forwarded matter, as it came back."""

    version = _version_field()
    received_on = forms.DateField(label=_("Result received on"), widget=DATE, initial=timezone.localdate)
    body = forms.CharField(label=_("Competent body"), max_length=300, required=False)
    summary = forms.CharField(
        label=_("What the result says"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    citizen_asked = forms.BooleanField(
        label=_("The citizen asked to be told the result"),
        required=False,
        initial=True,
        help_text=_("Then the citizen is told within 5 working days of the result's arrival (Luật TCD art. 28(2))."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            "version",
            Row(Column("received_on", css_class="col-md-4"), Column("body", css_class="col-md-8")),
            "summary",
            "citizen_asked",
            Submit("submit", _("Record the result")),
        )


class CitizenNoticeForm(forms.Form):
    """How and when the citizen was told the result of their forwarded matter."""

    version = _version_field()
    notified_on = forms.DateField(label=_("Told on"), widget=DATE, initial=timezone.localdate)
    channel = forms.ChoiceField(
        label=pgettext_lazy("citizen notice", "How"), choices=NoticeChannel.choices, widget=forms.RadioSelect
    )
    text = forms.CharField(
        label=_("What the citizen was told"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            "version", "notified_on", "channel", "text", Submit("submit", _("Record the notice"))
        )


class FollowUpForm(forms.Form):
    description = forms.CharField(label=_("Conclusion to carry out"), widget=forms.Textarea(attrs={"rows": 2}))
    owner = forms.ModelChoiceField(queryset=User.objects.none(), label=_("Owner"))
    due_on = forms.DateField(label=_("Deadline"), widget=DATE)

    def __init__(self, *args: Any, owners: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners
        self.fields["owner"].label_from_instance = lambda u: u.get_full_name() or u.get_username()
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            "description",
            Row(Column("owner", css_class="col-md-6"), Column("due_on", css_class="col-md-6")),
            Submit("submit", _("Add follow-up item")),
        )


class ConfirmForm(forms.Form):
    """A button's form: nothing to fill in (publish a session, open today's desk)."""


class MarkRepeatForm(forms.Form):
    """The earlier visit this one repeats, among those the official may read."""

    repeat_of = forms.ModelChoiceField(queryset=Visit.objects.none(), label=_("Earlier visit"))

    def __init__(self, *args: Any, visits: QuerySet[Visit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["repeat_of"].queryset = visits


class FollowUpDoneForm(forms.Form):
    version = _version_field()
    result = forms.CharField(
        label=_("Result"),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Write the result before marking the item done.")},
    )


class PeriodForm(forms.Form):
    unit = UnitChoiceField(queryset=Unit.objects.none(), label=_("Unit"))
    start = forms.DateField(label=_("From"), widget=DATE)
    end = forms.DateField(label=_("To"), widget=DATE)

    def __init__(self, *args: Any, units: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Row(
                Column("unit", css_class="col-md-5"),
                Column("start", css_class="col-6 col-md-3"),
                Column("end", css_class="col-6 col-md-3"),
                Column(Submit("show", _("Show")), css_class="col-md-1 pt-md-4"),
            )
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if isinstance(start, date) and isinstance(end, date) and end < start:
            self.add_error("end", _("The end of the period is before its start."))
        return data


class ScheduleSearchForm(forms.Form):
    q = forms.CharField(label=_("Your commune or ward"), max_length=100, required=False)


class RevealForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you need the denouncer's identity?"), widget=forms.Textarea(attrs={"rows": 3}), max_length=1000
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout("reason", Submit("submit", _("Open the identity")))


class DialogueForm(forms.Form):
    """A dialogue conference the unit's head held (reception.services.dialogue_record)."""

    unit = UnitChoiceField(queryset=Unit.objects.none(), label=_("Unit"))
    held_on = forms.DateField(label=_("Held on"), widget=DATE)
    attendees = forms.IntegerField(label=_("Attendees"), min_value=0, initial=0)
    topic = forms.CharField(label=_("Topic"), max_length=300, required=False)
    ref = forms.CharField(
        label=_("Reference in the register of conferences"),
        max_length=40,
        required=False,
        help_text=_("Left empty, the next number of the year is given (HN-2026-001…)."),
    )

    def __init__(self, *args: Any, units: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.helper = FormHelper()
        self.helper.layout = Layout(
            "unit",
            Row(Column("held_on", css_class="col-md-4"), Column("attendees", css_class="col-md-4")),
            "topic",
            "ref",
            Submit("submit", _("Record the conference")),
        )


class ParticipantsForm(forms.Form):
    """Who takes part in an online session: each is told by e-mail (Decree 154/2026)."""

    participants = forms.ModelMultipleChoiceField(
        label=_("Participants"), queryset=User.objects.none(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, users: QuerySet[User] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if users is not None:
            self.fields["participants"].queryset = users
        self.fields["participants"].label_from_instance = lambda u: u.get_full_name() or u.username


class ConnectionCheckForm(forms.Form):
    """The test of an online session's connection, a working day ahead."""

    works = forms.TypedChoiceField(
        label=_("Result of the connection test"),
        choices=[("1", _("The connection works")), ("0", _("The connection does not work"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class RecordingForm(forms.Form):
    """An online session's recording (Decree 154/2026): the file, or where it is kept."""

    file = forms.FileField(
        label=_("Recording file (video or audio)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": RECORDING_ACCEPT, "class": "form-control"}),
    )
    link = forms.CharField(
        label=_("Or the https:// address where it is kept"),
        required=False,
        max_length=500,
        widget=forms.URLInput(attrs={"placeholder": "https://", "class": "form-control"}),
    )
    note = forms.CharField(
        label=_("Note (part, length)"),
        required=False,
        max_length=300,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "MP4, WebM, MKV, MOV, MP3, M4A, OGG or WAV, at most %(mb)s MB. A larger recording: give the address "
            "where it is kept on the state's servers."
        ) % {"mb": settings.CIVICDESK_RECORDING_MAX_MB}

    def clean_file(self) -> Any:
        upload = self.cleaned_data.get("file")
        if upload:
            validate_recording(upload)
        return upload

    def clean_link(self) -> str:
        link = (self.cleaned_data.get("link") or "").strip()
        return validate_link(link) if link else ""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors and bool(data.get("file")) == bool(data.get("link")):
            raise ValidationError(_("Attach the recording file, or give the address where it is kept (one of them)."))
        return data
