"""What has been carried out of a decision on a complaint or a conclusion on a denunciation
(thi hành quyết định giải quyết khiếu nại, thực hiện kết luận nội dung tố cáo): the forms 02/KQGQ
and 04/KQGQ of TT 02/2021 (05/KQTH of TT 06/2025) set it beside what the decision requires
(figures.DecisionFigures).

Pure checks, plus the one table (`DecisionExecution`); `petition_record_execution` writes it."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal

from django.db import models
from django.utils.formats import number_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .figures import DecisionFigures, amount_errors, count_field, land_field, money_field

MONEY = ("recovered_money", "returned_org_money", "returned_ind_money")
LAND = ("recovered_land_m2", "returned_org_land_m2", "returned_ind_land_m2")
COUNTS = (
    "handled_people",
    "handled_officials",
    "prosecuted_cases",
    "prosecuted_people",
    "prosecuted_officials",
)
# Every amount and count, in the order of the forms.
AMOUNTS = (
    "recovered_money", "recovered_land_m2", "returned_org_money", "returned_org_land_m2",
    "returned_ind_money", "returned_ind_land_m2", *COUNTS,
)  # fmt: skip
# (part, whole): of the people, how many are officials (cán bộ, công chức, viên chức).
PARTS = (("handled_officials", "handled_people"), ("prosecuted_officials", "prosecuted_people"))


def required(figures: DecisionFigures | None) -> dict[str, int | Decimal]:
    """What the decision requires, by the name of the amount carried out: recovered for the
    State, returned to organisations and (the rest) to individuals. Nothing recorded: zero."""

    def of(name: str) -> int | Decimal:
        return getattr(figures, name) if figures is not None else 0

    return {
        "recovered_money": of("recover_money"),
        "recovered_land_m2": of("recover_land_m2"),
        "returned_org_money": of("return_org_money"),
        "returned_org_land_m2": of("return_org_land_m2"),
        "returned_ind_money": of("return_money") - of("return_org_money"),
        "returned_ind_land_m2": of("return_land_m2") - of("return_org_land_m2"),
    }


class DecisionExecution(models.Model):
    """What has been carried out of a decided complaint's decision or a concluded denunciation's
    conclusion, one row per petition, as recorded so far: the day it was carried out in full
    (empty while it is not), money (đồng) and land (m²) recovered for the State and returned to
    organisations and to individuals, the people handled administratively (of whom officials)
    and the criminal cases brought (khởi tố: cases, people, of whom officials)."""

    petition = models.OneToOneField(
        "petitions.Petition", on_delete=models.CASCADE, related_name="execution", primary_key=True
    )
    done_on = models.DateField(_("carried out in full on"), null=True, blank=True)
    recovered_money = money_field(_("recovered for the State: money (đồng)"))
    recovered_land_m2 = land_field(_("recovered for the State: land (m²)"))
    returned_org_money = money_field(_("returned to organisations: money (đồng)"))
    returned_org_land_m2 = land_field(_("returned to organisations: land (m²)"))
    returned_ind_money = money_field(_("returned to individuals: money (đồng)"))
    returned_ind_land_m2 = land_field(_("returned to individuals: land (m²)"))
    handled_people = count_field(_("people handled administratively"))
    handled_officials = count_field(_("of whom officials and public employees (handled)"))
    prosecuted_cases = count_field(_("criminal cases brought"))
    prosecuted_people = count_field(_("people prosecuted"))
    prosecuted_officials = count_field(_("of whom officials and public employees (prosecuted)"))

    class Meta:
        verbose_name = _("execution of the decision")
        verbose_name_plural = _("executions of decisions")

    def __str__(self) -> str:
        return f"{self.petition_id}"

    def as_data(self) -> dict[str, object]:
        """The record as an event keeps it (JSON: land as text, exactly; the day ISO)."""
        data: dict[str, object] = {
            name: str(getattr(self, name)) if name in LAND else getattr(self, name) for name in AMOUNTS
        }
        data["done_on"] = self.done_on.isoformat() if self.done_on else None
        return data


def execution_errors(
    values: Mapping[str, object], *, figures: DecisionFigures | None, decided_on: date | None, today: date
) -> dict[str, str]:
    """Field → message for what does not hold: a negative number; officials counted beyond the
    people they are part of; money or land recovered or returned beyond what the decision
    requires (the decision is the only ground to recover or return anything: correct its
    figures first if it requires more); a day carried out before the decision or in the
    future. The people handled and prosecuted are not bounded by those the decision proposed:
    the competent bodies decide them."""
    errors = amount_errors(values, AMOUNTS, PARTS)
    for name, most in required(figures).items():
        if name not in errors and (values.get(name) or 0) > most:  # type: ignore[operator]
            errors[name] = gettext(
                "Cannot be more than the decision requires (%(most)s): correct the decision figures first "
                "if it requires more."
            ) % {"most": number_format(most, force_grouping=True)}
    done_on = values.get("done_on")
    if isinstance(done_on, date):
        if decided_on is not None and done_on < decided_on:
            errors["done_on"] = gettext("It cannot be carried out before the decision (%(day)s).") % {
                "day": f"{decided_on:%d/%m/%Y}"
            }
        elif done_on > today:
            errors["done_on"] = gettext("This date cannot be in the future.")
    return errors
