from __future__ import annotations

from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Field, Layout, Row, Submit
from django import forms
from django.conf import settings
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from .periods import Convention, Period, PeriodKind, period_of

KIND_CHOICES = [
    (PeriodKind.QUARTER.value, _("Quarter")),
    (PeriodKind.HALF.value, _("Six months")),
    (PeriodKind.NINE_MONTHS.value, _("Nine months")),
    (PeriodKind.YEAR.value, _("Year")),
    (PeriodKind.RANGE.value, _("Any range")),
]
NUMBER_CHOICES = [(1, "1"), (2, "2"), (3, "3"), (4, "4")]
CONVENTION_CHOICES = [
    (Convention.CALENDAR.value, _("Calendar (1st to month end)")),
    (Convention.OFFICIAL.value, _("Official (15th to 14th)")),
]


class PeriodForm(forms.Form):
    """The report period: a quarter, half, nine months or year, on calendar months or on the
    official cut-off (the 15th of the month before to the 14th of the last month; the
    installation's default is REPORTS_PERIOD_CONVENTION), or any range of dates."""

    kind = forms.ChoiceField(label=_("Period"), choices=KIND_CHOICES, initial=PeriodKind.QUARTER.value)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100, required=False)
    number = forms.TypedChoiceField(
        label=_("Quarter or half number"), choices=NUMBER_CHOICES, coerce=int, required=False, initial=1
    )
    convention = forms.ChoiceField(label=_("Cut-off"), choices=CONVENTION_CHOICES, required=False)
    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, submit_label: str | None = None, method: str = "get", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["convention"].initial = settings.REPORTS_PERIOD_CONVENTION
        self.fields["date_from"].widget.format = "%Y-%m-%d"
        self.fields["date_to"].widget.format = "%Y-%m-%d"
        self.fields["date_from"].input_formats = ["%Y-%m-%d", "%d/%m/%Y"]
        self.fields["date_to"].input_formats = ["%Y-%m-%d", "%d/%m/%Y"]
        self.helper = FormHelper()
        self.helper.form_method = method
        self.helper.form_id = "period-form"
        self.helper.layout = Layout(
            Row(
                Column(Field("kind"), css_class="col-6 col-md-2"),
                Column(Field("year"), css_class="col-6 col-md-2"),
                Column(Field("number"), css_class="col-6 col-md-2"),
                Column(Field("convention"), css_class="col-6 col-md-2"),
                Column(Field("date_from"), css_class="col-6 col-md-2"),
                Column(Field("date_to"), css_class="col-6 col-md-2"),
                Column(
                    Submit("show", submit_label or _("Show"), css_class="mt-md-4 w-100"),
                    css_class="col-12 col-md-2",
                ),
            )
        )

    def plain(self) -> dict[str, Any]:
        """Values as strings and the lists' options as (value, label, selected), for the plain
        templates of the dashboard (reports/_period_form.html, _compile_form.html): the
        dashboard is the leaders' most-opened page and crispy-forms cost a large share of its
        CPU (docs/performance.md, P4)."""
        values: dict[str, str] = {}
        for name in self.fields:
            value = self[name].value()
            if value is None:
                values[name] = ""
            elif hasattr(value, "isoformat"):
                values[name] = value.isoformat()
            else:
                values[name] = str(value)
        values["convention"] = values["convention"] or settings.REPORTS_PERIOD_CONVENTION
        options = {
            name: [(str(v), str(label), str(v) == values[name]) for v, label in self.fields[name].choices]  # type: ignore[attr-defined]
            for name in ("kind", "number", "convention")
        }
        return {"values": values, "options": options}

    @property
    def chosen_convention(self) -> Convention:
        """The convention chosen, or the installation's default."""
        chosen = (getattr(self, "cleaned_data", None) or {}).get("convention")
        return Convention(chosen or settings.REPORTS_PERIOD_CONVENTION)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        kind = data.get("kind")
        if kind == PeriodKind.RANGE:
            start, end = data.get("date_from"), data.get("date_to")
            if not start:
                self.add_error("date_from", _("Enter the first day of the range."))
            if not end:
                self.add_error("date_to", _("Enter the last day of the range."))
            if start and end and end < start:
                self.add_error("date_to", _("The last day is before the first day."))
            if start and end and end >= start:
                data["period"] = Period(start, end)
            return data
        year, number = data.get("year"), data.get("number") or 1
        if year is None:
            if "year" not in self.errors:
                self.add_error("year", _("Enter the year."))
            return data
        if kind == PeriodKind.HALF and number not in (1, 2):
            self.add_error("number", _("A half-year is numbered 1 or 2."))
            return data
        if kind:
            data["period"] = period_of(PeriodKind(kind), year, number, self.chosen_convention)
        return data


class CompileForm(PeriodForm):
    unit = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "compile_%s")  # beside the period form on one page: distinct ids
        super().__init__(*args, submit_label=str(_("Compile now")), method="post", **kwargs)
        self.helper.form_id = "compile-form"
        self.helper.form_action = reverse_lazy("reports:compile")
        for name in ("kind", "year", "number", "convention", "date_from", "date_to"):
            self.fields[name].widget = forms.HiddenInput()
        self.helper.layout = Layout(
            "unit", "kind", "year", "number", "convention", "date_from", "date_to", Submit("compile", _("Compile now"))
        )
