"""The field (lĩnh vực) of a petition, and the figures of a decision on a complaint or a
conclusion on a denunciation that the inspectorate's forms report (TT 02/2021 and TT 06/2025:
01/XLD to 04/XLD by field; 01/KQGQ to 04/KQGQ recovery, restitution, administrative handling,
referral to investigators, a second decision's recognition or annulment).

Pure choices and checks, plus the one table (`DecisionFigures`); the services write it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.choices import PetitionKind


class PetitionField(models.TextChoices):
    """Lĩnh vực, as the XLD forms group petitions: hành chính (chế độ chính sách; đất đai, nhà
    cửa; công chức, công vụ; khác), tham nhũng, tư pháp, Đảng – đoàn thể, khác. Empty: not
    recorded (reports count it under "other")."""

    ADMIN_POLICY = "admin_policy", _("Administrative: policies and benefits")
    ADMIN_LAND = "admin_land", _("Administrative: land and housing")
    ADMIN_CIVIL_SERVICE = "admin_civil_service", _("Administrative: civil servants and public duties")
    ADMIN_OTHER = "admin_other", _("Administrative: other")
    CORRUPTION = "corruption", _("Corruption")
    JUDICIAL = "judicial", _("Judicial")
    PARTY = "party", _("Party and mass organisations")
    OTHER = "other", _("Other")


# Fields only a denunciation has (03/XLD): 02/XLD and 04/XLD have no such columns.
DENUNCIATION_ONLY_FIELDS = (PetitionField.ADMIN_CIVIL_SERVICE, PetitionField.CORRUPTION)
# What the classification form proposes when nothing is recorded yet.
DEFAULT_FIELD = PetitionField.ADMIN_OTHER


def fields_for(kind: str) -> list[tuple[str, str]]:
    """The fields a petition of this kind may have, as (code, label) choices."""
    return [
        (value, label)
        for value, label in PetitionField.choices
        if kind == PetitionKind.DENUNCIATION or value not in DENUNCIATION_ONLY_FIELDS
    ]


def field_error(kind: str, field: str) -> str:
    """Why `field` does not suit a petition of `kind`, or "" when it does."""
    if field and field not in PetitionField.values:
        return gettext("Unknown field: %(field)s") % {"field": field}
    if field in DENUNCIATION_ONLY_FIELDS and kind != PetitionKind.DENUNCIATION:
        return gettext("Only a denunciation can be in this field.")
    return ""


class SecondDecision(models.TextChoices):
    """What a decision on a second-time complaint does to the first one (01/KQGQ, 03/GQKN)."""

    RECOGNISED = "recognised", _("Recognises the first-time decision")
    ANNULLED_AMENDED = "annulled_amended", _("Annuls or amends the first-time decision")


MONEY = ("recover_money", "return_money", "return_org_money")
LAND = ("recover_land_m2", "return_land_m2", "return_org_land_m2")
COUNTS = (
    "returned_organisations",
    "returned_individuals",
    "handling_proposed_people",
    "handling_proposed_officials",
    "referred_cases",
    "referred_people",
    "referred_officials",
)
# Every figure, in the order of the forms.
FIGURES = (
    "recover_money", "recover_land_m2", "return_money", "return_land_m2", "return_org_money", "return_org_land_m2",
    *COUNTS,
)  # fmt: skip
# (part, whole): of the people, how many are officials (cán bộ, công chức, viên chức).
PARTS = (
    ("handling_proposed_officials", "handling_proposed_people"),
    ("referred_officials", "referred_people"),
)
# (part, whole): of what is to be returned, the money and land to organisations (the rest: to individuals).
AMOUNT_PARTS = (("return_org_money", "return_money"), ("return_org_land_m2", "return_land_m2"))


def money_field(label: str) -> models.PositiveBigIntegerField:
    """A sum in đồng."""
    return models.PositiveBigIntegerField(label, default=0, validators=[MinValueValidator(0)])


def land_field(label: str) -> models.DecimalField:
    """An area in m², to one decimal."""
    return models.DecimalField(
        label, max_digits=14, decimal_places=1, default=Decimal(0), validators=[MinValueValidator(Decimal(0))]
    )


def count_field(label: str) -> models.PositiveIntegerField:
    return models.PositiveIntegerField(label, default=0)


class DecisionFigures(models.Model):
    """The figures of a decided complaint or denunciation, one row per petition: what the
    decision or conclusion recommends recovering for the State and returning to organisations
    and individuals (money in đồng, land in m²), the people proposed for administrative
    handling and those handled, the cases referred to the investigating body, and for a
    second-time complaint whether the first decision is recognised or annulled/amended. What is
    carried out is `execution.DecisionExecution`. Written by `petition_resolve` and
    `petition_record_figures`, each with its event."""

    petition = models.OneToOneField(
        "petitions.Petition", on_delete=models.CASCADE, related_name="figures", primary_key=True
    )
    recover_money = money_field(_("recommended for recovery to the State: money (đồng)"))
    recover_land_m2 = land_field(_("recommended for recovery to the State: land (m²)"))
    return_money = money_field(_("returned to organisations and individuals: money (đồng)"))
    return_land_m2 = land_field(_("returned to organisations and individuals: land (m²)"))
    return_org_money = money_field(_("of which to organisations: money (đồng)"))
    return_org_land_m2 = land_field(_("of which to organisations: land (m²)"))
    returned_organisations = count_field(_("organisations whose rights are restored"))
    returned_individuals = count_field(_("individuals whose rights are restored"))
    handling_proposed_people = count_field(_("people proposed for administrative handling"))
    handling_proposed_officials = count_field(_("of whom officials and public employees"))
    referred_cases = count_field(_("cases referred to the investigating body"))
    referred_people = count_field(_("people referred to the investigating body"))
    referred_officials = count_field(_("of whom officials and public employees (referred)"))
    second_decision = models.CharField(
        _("second-time decision"), max_length=16, choices=SecondDecision.choices, blank=True
    )

    class Meta:
        verbose_name = _("decision figures")
        verbose_name_plural = _("decision figures")

    def __str__(self) -> str:
        return f"{self.petition_id}"

    @property
    def any(self) -> bool:
        return bool(self.second_decision) or any(getattr(self, name) for name in FIGURES)

    def as_data(self) -> dict[str, object]:
        """The figures as an event records them (JSON: land as text, exactly)."""
        data: dict[str, object] = {
            name: str(getattr(self, name)) if name in LAND else getattr(self, name) for name in FIGURES
        }
        data["second_decision"] = self.second_decision
        return data


def amount_errors(
    values: Mapping[str, object], names: Sequence[str], parts: Sequence[tuple[str, str]]
) -> dict[str, str]:
    """Field → message for `names` that are negative and for people `parts` (officials) counted
    beyond the `whole` they are part of."""
    errors: dict[str, str] = {}
    for name in names:
        if (values.get(name) or 0) < 0:  # type: ignore[operator]
            errors[name] = gettext("Enter a number of zero or more.")
    for part, whole in parts:
        if part not in errors and (values.get(part) or 0) > (values.get(whole) or 0):  # type: ignore[operator]
            errors[part] = gettext("Cannot be more than the people counted in all.")
    return errors


def figure_errors(values: Mapping[str, object], *, kind: str, complaint_round: int, decided: bool) -> dict[str, str]:
    """Field → message for figures that do not hold: a negative number; officials counted
    beyond the people they are part of; more returned to organisations than in all; figures on
    a petition that is not a decided complaint or denunciation; a second-time decision's effect
    missing (or given on a first-time one)."""
    errors = amount_errors(values, FIGURES, PARTS)
    for part, whole in AMOUNT_PARTS:
        if part not in errors and (values.get(part) or 0) > (values.get(whole) or 0):  # type: ignore[operator]
            errors[part] = gettext("Cannot be more than what is returned in all.")
    handled = kind in (PetitionKind.COMPLAINT, PetitionKind.DENUNCIATION) and decided
    if not handled:
        for name in FIGURES:
            if values.get(name) and name not in errors:
                errors[name] = gettext("Only a decided complaint or denunciation has these figures.")
    second = values.get("second_decision") or ""
    if second and second not in SecondDecision.values:
        errors["second_decision"] = gettext("Choose one of the options.")
    elif kind == PetitionKind.COMPLAINT and complaint_round == 2 and decided and not second:
        errors["second_decision"] = gettext(
            "Say whether the decision recognises or annuls (amends) the first-time decision."
        )
    elif second and not (kind == PetitionKind.COMPLAINT and complaint_round == 2 and decided):
        errors["second_decision"] = gettext("Only a decided second-time complaint has this.")
    return errors
