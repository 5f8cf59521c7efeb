"""Forms: they check shape; the services check the rules."""

from __future__ import annotations

import copy
import uuid
from collections.abc import Callable
from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Field, Fieldset, Layout, Submit
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.choices import PetitionKind
from core.contact import IdentityNumberField, PhoneField, is_legacy_identity_number
from core.forms import CheckedFileField
from core.legal import legal_basis_text
from core.models import Unit
from core.selectors import RuleNotFound, public_root_path, reference_cache

from .models import (
    Attachment,
    Channel,
    FeedbackCategory,
    PetitionStatus,
)
from .selectors import (
    complaint_limitation,
    public_unit_by_code,
    public_units,
)
from .services import Identity, Location

KIND_EXPLANATIONS = {
    PetitionKind.COMPLAINT: _(
        "A decision or act of a state body or official harmed your own rights or interests, "
        "and you ask for it to be reviewed."
    ),
    PetitionKind.DENUNCIATION: _(
        "You report that someone broke the law. Your name and contact details are kept secret "
        "and encrypted; only the officials allowed to open them can see them."
    ),
    PetitionKind.RECOMMENDATION: _("You propose how a policy, rule or public service could be improved."),
    PetitionKind.FEEDBACK: _("You let the authorities know about a problem or something you have seen."),
}

CONSENT_TEXT = _(
    "I agree that the People's Committee processes the personal data in this petition only to receive, "
    "handle and answer it and to tell me of its progress, as Law 91/2025/QH15 on personal data protection "
    "provides. The data is kept for as long as the archiving rules for petitions require."
)


class FastSelect(forms.Select):
    """A <select> whose options are written in Python. Django renders every <option> through
    a template, which for Hà Nội's units was a large share of the filing page's CPU
    (docs/performance.md). Same HTML; no option groups or per-option attributes."""

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> str:
        widget = self.get_context(name, value, attrs)["widget"]
        options = format_html_join(
            " ",
            '<option value="{}"{}>{}</option>',
            (
                (option["value"], mark_safe(" selected") if option["selected"] else "", option["label"])
                for _group, group_options, _index in widget["optgroups"]
                for option in group_options
            ),
        )
        return format_html('<select name="{}"{}> {} </select>', widget["name"], flatatt(widget["attrs"]), options)


class UnitByCodeField(forms.ModelChoiceField):
    """A unit chosen by code among `queryset` (the choices drawn), validated by `by_code`
    (a selector that answers from a copy kept per process) instead of a SELECT on every
    submission."""

    def __init__(self, *args: Any, by_code: Callable[[str], Unit | None], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.by_code = by_code

    def to_python(self, value: Any) -> Unit | None:
        if value in self.empty_values:
            return None
        unit = self.by_code(str(value))
        if unit is None:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value})
        return unit


class _FilingFields(forms.Form):
    """The online filing's declared fields (PetitionFileForm uses them through filing_fields)."""

    kind = forms.ChoiceField(label=_("What are you filing?"), choices=PetitionKind.choices, widget=forms.RadioSelect)
    petitioner_name = forms.CharField(label=_("Full name"), max_length=200)
    petitioner_id_number = IdentityNumberField(
        label=_("Identity card number (CCCD)"),
        required=False,
        help_text=_("12 digits (an old 9-digit CMND is accepted). Required for a complaint or a denunciation."),
    )
    petitioner_address = forms.CharField(label=_("Address"), max_length=300)
    petitioner_phone = PhoneField(required=False)
    petitioner_email = forms.EmailField(
        label=_("E-mail"),
        required=False,
        help_text=_("Give a phone number or an e-mail so we can tell you the progress."),
    )
    subject = forms.CharField(label=_("Subject in a few words"), max_length=300)
    respondent = forms.CharField(
        label=_("Who or what is it about?"),
        max_length=300,
        required=False,
        help_text=_(
            "Complaint: the decision or act complained of (number, date, who issued it). "
            "Denunciation: the person denounced and the violation."
        ),
    )
    decision_known_on = forms.DateField(
        label=_("When did you receive or learn of that decision or act?"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_(
            "Complaint only. A complaint must be made within 90 days of that day (Luật Khiếu nại art. 9); "
            "time lost to illness, natural disaster or another objective obstacle is not counted."
        ),
    )
    late_reason = forms.CharField(
        label=_("Complaint more than 90 days later: why could you not complain in time?"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=2000,
        help_text=_(
            "Only if the 90 days have passed: illness, natural disaster, travel for work or study far away "
            "or another objective obstacle. The People's Committee decides whether it is justified."
        ),
    )
    content = forms.CharField(
        label=_("Content"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What happened, and what you ask for."),
    )
    signers = forms.IntegerField(label=_("Number of people signing"), min_value=1, max_value=10000, initial=1)
    # Feedback only: what and where (the map on the page fills the point; it can be typed too).
    category = forms.ChoiceField(
        label=_("Feedback: what is it about?"), choices=[("", "—"), *FeedbackCategory.choices], required=False
    )
    location_address = forms.CharField(
        label=_("Feedback: where? (street, number, landmark)"), max_length=300, required=False
    )
    latitude = forms.DecimalField(
        label=_("Latitude"), max_digits=9, decimal_places=6, required=False, min_value=-90, max_value=90
    )
    longitude = forms.DecimalField(
        label=_("Longitude"), max_digits=9, decimal_places=6, required=False, min_value=-180, max_value=180
    )
    attachments = CheckedFileField(
        max_bytes=Attachment.MAX_BYTES,
        max_files=Attachment.MAX_FILES,
        label=_("Documents (up to 5 files: PDF, JPEG, PNG or Word; 10 MB each)"),
        required=False,
        help_text=_("Files that pass the checks are kept if the form shows an error elsewhere."),
    )
    consent = forms.BooleanField(
        label=CONSENT_TEXT,
        required=True,
        error_messages={"required": _("Please agree so that we can handle your petition.")},
    )
    # Honeypot: hidden from people, filled by bots.
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    idempotency_key = forms.CharField(widget=forms.HiddenInput)


def _build_filing_fields() -> dict[str, forms.Field]:
    fields = copy.deepcopy(_FilingFields.base_fields)
    fields["unit"] = UnitByCodeField(
        label=_("Send it to"),
        queryset=public_units(),
        by_code=public_unit_by_code,
        to_field_name="code",
        help_text=_("The commune or ward People's Committee, or the city."),
        widget=FastSelect,
    )
    fields["petitioner_email"].widget.attrs.update({"autocomplete": "email"})
    fields["petitioner_name"].widget.attrs.update({"autocomplete": "name"})
    fields["petitioner_address"].widget.attrs.update({"autocomplete": "street-address"})
    return fields


def filing_fields() -> dict[str, forms.Field]:
    """The online filing's fields, the list of units a citizen may send to among them, built
    once per process (again after a unit is saved, and at most a minute later in the other
    processes: core.selectors.reference_cache). Shared: never change them; a form to be shown
    takes its own copy (PetitionFileForm.own_fields)."""
    root = public_root_path(code=settings.PETITIONS_PUBLIC_ROOT)
    fields: dict[str, forms.Field] = reference_cache.get(("petitions.filing-fields", root), _build_filing_fields)
    return fields


class PetitionFileForm(forms.Form):
    """The citizen's online filing (the web form, the API's and Open311's filing).

    Django deep-copies a form's fields for every form (a sixth of a filing's CPU,
    docs/performance.md): a submitted form here validates with the fields kept per process
    (filing_fields), which validation only reads. Rendering writes into widgets' attributes
    (crispy adds its classes), so a form that is shown works on its own copy: an empty form
    from the start, a submitted one from `own_fields()`, which the view and `helper` call."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        shared = filing_fields()
        self.fields = dict(shared) if self.is_bound else copy.deepcopy(shared)
        self._shared = self.is_bound
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", uuid.uuid4().hex)

    def own_fields(self) -> None:
        """Before the form is rendered: its own copy of the fields (their errors kept)."""
        if self._shared:
            self.fields = copy.deepcopy(self.fields)
            self._bound_fields_cache.clear()
            self._shared = False

    def _clean_fields(self) -> None:
        """Django's `BaseForm._clean_fields` without its BoundField per field, for a submitted
        form on the shared fields: making the 21 bound fields (names, ids, labels a rendering
        would show) cost a quarter of a filing's validation (docs/tuning.md). The same values
        are read and cleaned in the same order, errors go through `add_error`; a form with its
        own fields (to be shown) takes Django's own."""
        if not self._shared:
            super()._clean_fields()
            return
        for name, field in self.fields.items():
            try:
                if field.disabled:
                    value = self.get_initial_for_field(field, name)
                else:
                    value = field.widget.value_from_datadict(self.data, self.files, self.add_prefix(name))
                if isinstance(field, forms.FileField):
                    self.cleaned_data[name] = field.clean(value, self.get_initial_for_field(field, name))
                else:
                    self.cleaned_data[name] = field.clean(value)
                clean_one = getattr(self, f"clean_{name}", None)
                if clean_one is not None:
                    self.cleaned_data[name] = clean_one()
            except ValidationError as e:
                self.add_error(name, e)

    @cached_property
    def helper(self) -> FormHelper:
        """The crispy layout, built only when the form is rendered: a valid filing redirects
        without rendering it (docs/performance.md)."""
        self.own_fields()
        helper = FormHelper()
        helper.form_tag = False
        helper.layout = Layout(
            Fieldset(_("What you are filing"), "kind"),
            Fieldset(
                _("About you"),
                "petitioner_name",
                "petitioner_id_number",
                "petitioner_address",
                "petitioner_phone",
                "petitioner_email",
            ),
            Fieldset(
                _("Your petition"),
                "unit",
                "subject",
                "respondent",
                "decision_known_on",
                "late_reason",
                "content",
                "signers",
                "attachments",
            ),
            Fieldset(
                _("Feedback: the place (optional)"),
                "category",
                "location_address",
                Div(Div("latitude", css_class="col-6"), Div("longitude", css_class="col-6"), css_class="row"),
            ),
            Div(Field("website"), css_class="hp-field", aria_hidden="true"),
            "idempotency_key",
            "consent",
            Submit("submit", _("Send the petition"), css_class="btn-lg w-100 mt-2"),
        )
        return helper

    def clean_idempotency_key(self) -> str:
        key = str(self.cleaned_data["idempotency_key"]).strip()
        try:
            return uuid.UUID(key).hex
        except ValueError:
            raise ValidationError(_("The form has expired; please send it again.")) from None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("kind")
        if kind in (PetitionKind.COMPLAINT, PetitionKind.DENUNCIATION):
            if not data.get("petitioner_id_number") and "petitioner_id_number" not in self.errors:
                self.add_error("petitioner_id_number", _("The law asks for your identity number for this kind."))
            if not data.get("respondent"):
                self.add_error("respondent", _("Say which decision, act or person this is about."))
        no_contact = not data.get("petitioner_phone") and not data.get("petitioner_email")
        if no_contact and "petitioner_phone" not in self.errors:
            self.add_error("petitioner_phone", _("Give a phone number or an e-mail address."))
        _check_known_on(self, data, received_on=timezone.localdate())
        if kind == PetitionKind.COMPLAINT:
            self._check_limitation(data)
        else:
            data["late_reason"] = ""
        check_point(self, data)
        return data

    def _check_limitation(self, data: dict[str, Any]) -> None:
        """Warn, before anything is filed, that the 90 days seem to have passed, and ask for the
        reason: the complaint is still filed when one is given (the official decides)."""
        known_on = data.get("decision_known_on")
        if not known_on or "decision_known_on" in self.errors:
            data["late_reason"] = ""
            return
        try:
            limitation = complaint_limitation(known_on=known_on)
        except RuleNotFound:  # a date before any rule in force: the official will see
            data["late_reason"] = ""
            return
        if limitation.due_on >= timezone.localdate():
            data["late_reason"] = ""
            return
        self.out_of_time = limitation
        if not (data.get("late_reason") or "").strip():
            self.add_error(
                "late_reason",
                _(
                    "The 90 days to complain seem to have passed: the last day was %(due)s (%(basis)s). "
                    "A complaint filed late is not handled unless an objective obstacle kept you from "
                    "complaining in time. Say what it was here, or send a recommendation or feedback instead."
                )
                % {"due": f"{limitation.due_on:%d/%m/%Y}", "basis": legal_basis_text(limitation.rule.legal_basis)},
            )

    @property
    def legacy_identity_number(self) -> bool:
        return is_legacy_identity_number(self.cleaned_data.get("petitioner_id_number") or "")


def filing_arguments(cleaned: dict[str, Any]) -> dict[str, Any]:
    """`services.petition_create`'s arguments from a valid PetitionFileForm's cleaned data: the
    same for the web form, the API and Open311. The caller adds who sent it (`ip_address`,
    `idempotency_owner`, `source`) and the files."""
    return {
        "unit": cleaned["unit"],
        "kind": cleaned["kind"],
        "received_on": timezone.localdate(),
        "channel": Channel.ONLINE,
        "subject": cleaned["subject"],
        "content": cleaned["content"],
        "respondent": cleaned.get("respondent", ""),
        "identity": Identity(
            name=cleaned["petitioner_name"],
            id_number=cleaned.get("petitioner_id_number", ""),
            address=cleaned["petitioner_address"],
            phone=cleaned.get("petitioner_phone", ""),
            email=cleaned.get("petitioner_email", ""),
        ),
        "signers": cleaned["signers"],
        "decision_known_on": cleaned.get("decision_known_on"),
        "late_reason": cleaned.get("late_reason", ""),
        "location": feedback_location(cleaned),
        "idempotency_key": cleaned["idempotency_key"],
        "actor": None,
    }


def feedback_location(data: dict[str, Any]) -> Location | None:
    """The feedback's place from the filing form's cleaned fields, None when none was given."""
    if data.get("latitude") is None and not data.get("location_address") and not data.get("category"):
        return None
    return Location(
        latitude=data.get("latitude"),
        longitude=data.get("longitude"),
        address=data.get("location_address", ""),
        category=data.get("category", ""),
    )


# Viet Nam with its seas and islands, roughly: a point outside is a typing slip.
VIETNAM_LATITUDES = (7, 24)
VIETNAM_LONGITUDES = (102, 118)


def check_point(form: forms.Form, data: dict[str, Any]) -> None:
    """A point has both coordinates, inside Viet Nam."""
    latitude, longitude = data.get("latitude"), data.get("longitude")
    if (latitude is None) != (longitude is None):
        form.add_error("longitude" if longitude is None else "latitude", _("Give both the latitude and the longitude."))
    elif latitude is not None and longitude is not None:
        inside = VIETNAM_LATITUDES[0] <= latitude <= VIETNAM_LATITUDES[1]
        inside = inside and VIETNAM_LONGITUDES[0] <= longitude <= VIETNAM_LONGITUDES[1]
        if not inside:
            form.add_error("latitude", _("This point is not in Viet Nam: check the latitude and the longitude."))


def _check_known_on(form: forms.Form, data: dict[str, Any], *, received_on: Any) -> None:
    known_on = data.get("decision_known_on")
    if known_on and received_on and known_on > received_on:
        form.add_error("decision_known_on", _("This date cannot be after the petition was received."))


class DeskEntryForm(forms.Form):
    """A clerk's entry of a paper petition: the most common values first, keyboard only."""

    received_on = forms.DateField(
        label=pgettext_lazy("petition", "Received on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    channel = forms.ChoiceField(label=_("Channel"), choices=[c for c in Channel.choices if c[0] != Channel.ONLINE])
    kind = forms.ChoiceField(label=_("Kind"), choices=PetitionKind.choices)
    subject = forms.CharField(label=_("Subject"), max_length=300)
    content = forms.CharField(label=_("Content"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    petitioner_name = forms.CharField(label=_("Petitioner's name"), max_length=200, required=False)
    petitioner_id_number = forms.CharField(label=_("Identity document number"), max_length=20, required=False)
    petitioner_address = forms.CharField(label=_("Address"), max_length=300, required=False)
    petitioner_phone = PhoneField(required=False)
    petitioner_email = forms.EmailField(label=_("E-mail"), required=False)
    signers = forms.IntegerField(label=_("Signers"), min_value=1, initial=1)
    respondent = forms.CharField(label=_("Decision, act or person concerned"), max_length=300, required=False)
    decision_known_on = forms.DateField(
        label=_("Complaint: decision received or known on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Starts the 90-day limitation period (Luật Khiếu nại art. 9)."),
    )
    source = forms.CharField(label=_("Forwarded by / source"), max_length=200, required=False)
    idempotency_key = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, units: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"] = forms.ModelChoiceField(label=_("Receiving unit"), queryset=units, empty_label=None)
        self.order_fields(["unit"])
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", uuid.uuid4().hex)
            self.initial.setdefault("received_on", timezone.localdate())
            self.initial.setdefault("channel", Channel.POST)
        self.fields["subject"].widget.attrs["autofocus"] = True
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Div(
                Div("unit", css_class="col-md-4"),
                Div("received_on", css_class="col-md-2"),
                Div("channel", css_class="col-md-3"),
                Div("kind", css_class="col-md-3"),
                css_class="row",
            ),
            "subject",
            "content",
            Div(
                Div("petitioner_name", css_class="col-md-4"),
                Div("petitioner_id_number", css_class="col-md-4"),
                Div("signers", css_class="col-md-4"),
                css_class="row",
            ),
            Div(
                Div("petitioner_address", css_class="col-md-6"),
                Div("petitioner_phone", css_class="col-md-3"),
                Div("petitioner_email", css_class="col-md-3"),
                css_class="row",
            ),
            Div(
                Div("respondent", css_class="col-md-8"),
                Div("decision_known_on", css_class="col-md-4"),
                css_class="row",
            ),
            "source",
            "idempotency_key",
            Div(  # side by side, or one above the other on a phone, spaced alike
                Submit("save_add", pgettext_lazy("petition", "Save and add another"), accesskey="n"),
                Submit("save", _("Save"), css_class="btn-outline-primary"),
                css_class="d-flex flex-wrap gap-2",
            ),
        )

    def clean_received_on(self) -> Any:
        received_on = self.cleaned_data["received_on"]
        if received_on > timezone.localdate():
            raise ValidationError(_("The date of receipt cannot be in the future."))
        return received_on

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        _check_known_on(self, data, received_on=data.get("received_on"))
        return data


class TrackForm(forms.Form):
    code = forms.CharField(
        label=_("Tracking code"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )
    secret = forms.CharField(
        label=_("Secret"), max_length=40, widget=forms.PasswordInput(attrs={"autocomplete": "off"})
    )
    # Rendered by petitions/_track_form.html (plain HTML, not crispy: see docs/performance.md).


class QueueFilterForm(forms.Form):
    """The queue's filters. Rendered by a plain template (petitions/_queue_filters.html), not
    crispy-forms: the queue is the officials' most-opened page and crispy's layout machinery
    cost much of its CPU (docs/performance.md, P5)."""

    q = forms.CharField(label=_("Search"), required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", _("All kinds")), *PetitionKind.choices], required=False)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=())
    unit = forms.CharField(label=_("Unit code"), required=False, max_length=20)
    channel = forms.ChoiceField(label=_("Channel"), choices=[("", _("All channels")), *Channel.choices], required=False)
    assignee = forms.TypedChoiceField(label=_("Handler"), coerce=int, empty_value=None, required=False, choices=())
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)

    def __init__(self, *args: Any, handlers: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        status = self.fields["status"]
        assert isinstance(status, forms.ChoiceField)
        status.choices = [("open", _("Open")), ("all", _("All")), *PetitionStatus.choices]
        assignee = self.fields["assignee"]
        assert isinstance(assignee, forms.ChoiceField)
        assignee.choices = [("", _("Anyone")), *handlers]

    def options(self) -> dict[str, list[tuple[str, str, bool]]]:
        """(value, label, selected) of every option of every list, for the plain template."""
        result: dict[str, list[tuple[str, str, bool]]] = {}
        for name in ("kind", "status", "channel", "assignee"):
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            raw = self.data.get(name) if self.is_bound else None
            current = "" if raw is None else str(raw)
            result[name] = [(str(v), str(label), str(v) == current) for v, label in field.choices]
        return result
