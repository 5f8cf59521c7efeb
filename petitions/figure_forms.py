"""The decision figures on the result form and on the form that records them afterwards:
money in đồng and land in m², typed as officials write them (`1.500.000`, `120,5`), and the
counts of organisations, individuals, people handled and cases referred (figures.py)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .figures import COUNTS, FIGURES, LAND, MONEY, PARTS, DecisionFigures, SecondDecision, figure_errors

LABELS: dict[str, Any] = {
    "recover_money": _("Recommended for recovery to the State: money (đồng)"),
    "recover_land_m2": _("Recommended for recovery to the State: land (m²)"),
    "return_money": _("To be returned to organisations and individuals: money (đồng)"),
    "return_land_m2": _("To be returned to organisations and individuals: land (m²)"),
    "return_org_money": _("Of which to organisations: money (đồng)"),
    "return_org_land_m2": _("Of which to organisations: land (m²)"),
    "returned_organisations": _("Organisations whose rights are restored"),
    "returned_individuals": _("Individuals whose rights are restored"),
    "handling_proposed_people": _("People proposed for administrative handling"),
    "handling_proposed_officials": _("Of whom officials and public employees"),
    "referred_cases": _("Cases referred to the investigating body"),
    "referred_people": _("People referred to the investigating body"),
    "referred_officials": _("Of whom officials and public employees (referred)"),
}


NOT_NEGATIVE = {"min_value": _("Enter a number of zero or more.")}


def amount_field(label: Any, *, money: bool = False, land: bool = False) -> forms.Field:
    """A sum in đồng (`money`), an area in m² (`land`) or a count, zero or more; empty is zero."""
    if money:
        return forms.IntegerField(
            label=label,
            min_value=0,
            required=False,
            localize=True,
            error_messages=NOT_NEGATIVE,
            widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        )
    if land:
        return forms.DecimalField(
            label=label,
            min_value=0,
            max_digits=14,
            decimal_places=1,
            required=False,
            localize=True,
            error_messages=NOT_NEGATIVE,
            widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        )
    return forms.IntegerField(label=label, min_value=0, required=False, error_messages=NOT_NEGATIVE)


def add_figure_fields(form: forms.Form, *, second_time: bool, stored: DecisionFigures | None) -> None:
    """Add the figure fields to `form` (and, for a second-time complaint, what its decision
    does to the first), filled from `stored` when the form is not bound."""
    for name in FIGURES:
        assert name in (*MONEY, *LAND, *COUNTS)
        form.fields[name] = amount_field(LABELS[name], money=name in MONEY, land=name in LAND)
    if second_time:
        form.fields["second_decision"] = forms.ChoiceField(
            label=_("The second-time decision"),
            choices=[("", "—"), *SecondDecision.choices],
            required=False,
            help_text=_("Required for a decision on the merits (01/KQGQ: recognised, annulled or amended)."),
        )
    if stored is not None and not form.is_bound:
        for name in form.fields:
            if name in FIGURES or name == "second_decision":
                form.initial.setdefault(name, getattr(stored, name) or None)


def figure_values(data: dict[str, Any]) -> dict[str, Any]:
    """The figures among a form's cleaned data (empty as zero)."""
    values: dict[str, Any] = {name: data.get(name) or 0 for name in FIGURES if name in data}
    if "second_decision" in data:
        values["second_decision"] = data.get("second_decision") or ""
    return values


def check_figures(form: forms.Form, data: dict[str, Any], *, kind: str, complaint_round: int, decided: bool) -> None:
    """Each figure that does not hold gets its message next to it (nothing typed is lost)."""
    for name, message in figure_errors(
        figure_values(data), kind=kind, complaint_round=complaint_round, decided=decided
    ).items():
        if name in form.fields and name not in form.errors:
            form.add_error(name, message)


GROUPS = (
    (_("Recovery and restitution"), ("recover_money", "recover_land_m2", "return_money", "return_land_m2",
                                     "return_org_money", "return_org_land_m2",
                                     "returned_organisations", "returned_individuals")),
    (_("Administrative handling"), ("handling_proposed_people", "handling_proposed_officials")),
    (_("Referred to the investigating body"), ("referred_cases", "referred_people", "referred_officials")),
)  # fmt: skip
assert {name for _, names in GROUPS for name in names} == set(FIGURES)
assert all(part in FIGURES and whole in FIGURES for part, whole in PARTS)
