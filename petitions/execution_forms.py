"""The form that records what has been carried out of a decision or conclusion (execution.py):
the day it was carried out in full, money and land recovered and returned (each box says what
the decision requires), the people handled administratively and prosecuted, and how it was done."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from .action_forms import ActionForm, _reason, figures_layout
from .execution import AMOUNTS, LAND, MONEY, execution_errors, required
from .figure_forms import amount_field
from .selectors import decision_execution_of, decision_figures_of

LABELS: dict[str, Any] = {
    "recovered_money": _("Recovered for the State: money (đồng)"),
    "recovered_land_m2": _("Recovered for the State: land (m²)"),
    "returned_org_money": _("Returned to organisations: money (đồng)"),
    "returned_org_land_m2": _("Returned to organisations: land (m²)"),
    "returned_ind_money": _("Returned to individuals: money (đồng)"),
    "returned_ind_land_m2": _("Returned to individuals: land (m²)"),
    "handled_people": _("People handled administratively"),
    "handled_officials": _("Of whom officials and public employees (handled)"),
    "prosecuted_cases": _("Criminal cases brought (khởi tố)"),
    "prosecuted_people": _("People prosecuted"),
    "prosecuted_officials": _("Of whom officials and public employees (prosecuted)"),
}
GROUPS = (
    (_("Recovered for the State"), ("recovered_money", "recovered_land_m2")),
    (_("Returned to organisations and individuals"), ("returned_org_money", "returned_org_land_m2",
                                                       "returned_ind_money", "returned_ind_land_m2")),
    (_("Administrative handling"), ("handled_people", "handled_officials")),
    (_("Prosecution"), ("prosecuted_cases", "prosecuted_people", "prosecuted_officials")),
)  # fmt: skip
assert {name for _, names in GROUPS for name in names} == set(AMOUNTS) == set(LABELS)


def execution_values(data: dict[str, Any]) -> dict[str, Any]:
    """The amounts among a form's cleaned data (empty as zero), and the day carried out in full."""
    values: dict[str, Any] = {name: data.get(name) or 0 for name in AMOUNTS if name in data}
    values["done_on"] = data.get("done_on")
    return values


class ExecutionForm(ActionForm):
    """What has been carried out of the decision or conclusion so far, and how."""

    submit_label = _("Save the execution")
    done_on = forms.DateField(
        label=_("Carried out in full on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Leave empty while it is being carried out. 02/KQGQ and 04/KQGQ count it done from this day."),
    )
    reason = _reason(_("How it was carried out (documents: number, date)"))

    def setup(self) -> None:
        p = self.petition
        self.required = required(decision_figures_of(petition=p))
        for name in AMOUNTS:
            field = amount_field(LABELS[name], money=name in MONEY, land=name in LAND)
            if name in self.required:
                field.help_text = _("The decision requires %(amount)s.") % {
                    "amount": number_format(self.required[name], force_grouping=True)
                }
            self.fields[name] = field
        stored = decision_execution_of(petition=p)
        if stored is not None and not self.is_bound:
            self.initial.setdefault("done_on", stored.done_on)
            for name in AMOUNTS:
                self.initial.setdefault(name, getattr(stored, name) or None)

    def __init__(self, *args: Any, petition: Any, **kwargs: Any) -> None:
        super().__init__(*args, petition=petition, **kwargs)
        self.helper.layout = figures_layout(["version", "done_on"], self, self.submit_label, ("reason",), groups=GROUPS)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        p = self.petition
        errors = execution_errors(
            execution_values(data),
            figures=decision_figures_of(petition=p),
            decided_on=p.resolved_on,
            today=timezone.localdate(),
        )
        for name, message in errors.items():
            if name in self.fields and name not in self.errors:
                self.add_error(name, message)
        return data
