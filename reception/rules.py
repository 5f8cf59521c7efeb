"""Pure rules of citizen reception (no database): delegations and the head's reception frequency."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.translation import gettext as _

from civicdesk.exceptions import DomainError
from core.legal import legal_basis_text

from .models import DELEGATION_MIN_PEOPLE, LARGE_DELEGATION_MIN_PEOPLE, ReceivedBy

# Law 136/2025 changed the commune head's minimum from 1 day a week to 2 days a month.
COMMUNE_RULE_CHANGE = date(2026, 7, 1)
# Law 136/2025 (Luật Tiếp công dân art. 25(1) as amended): from this day a visitor must give
# identification information; older visits (and imported ones) stay as they were recorded.
IDENTIFICATION_REQUIRED_FROM = date(2026, 7, 1)


def identification_required(received_on: date) -> bool:
    return received_on >= IDENTIFICATION_REQUIRED_FROM


def identification_missing_message() -> str:
    return _(
        "From 01/07/2026 a visitor must give identification (Law 136/2025): "
        "enter the number of their citizen identity card, ID card or passport."
    )


def check_identification(*, received_on: date, identity_number: str) -> None:
    """Raise DomainError when a visit on or after 1/7/2026 has no identification number."""
    if identification_required(received_on) and not identity_number.strip():
        raise DomainError(identification_missing_message(), code="identity_number")


def representatives_allowed(people: int) -> tuple[int, int]:
    """How many representatives a delegation of `people` appoints (Luật TCD art. 30(1)):
    5–10 people → 1–2; more than 10 → 1–5; fewer than 5 is not a delegation → 0."""
    if people >= LARGE_DELEGATION_MIN_PEOPLE:
        return 1, 5
    if people >= DELEGATION_MIN_PEOPLE:
        return 1, 2
    return 0, 0


def check_delegation(*, people: int, representatives: int | None) -> None:
    """Raise DomainError when the number of representatives breaks Luật TCD art. 30(1)."""
    if people < 1:
        raise DomainError(_("A visit has at least one person."), code="people")
    low, high = representatives_allowed(people)
    if high == 0:
        if representatives:
            raise DomainError(
                _("Fewer than 5 people are not a delegation: they do not appoint representatives."),
                code="representatives",
            )
        return
    if representatives is None or not low <= representatives <= high:
        raise DomainError(
            _("A delegation of %(people)d people appoints %(low)d to %(high)d representatives.")
            % {"people": people, "low": low, "high": high},
            code="representatives",
        )


@dataclass(frozen=True)
class FrequencyPeriod:
    start: date
    end: date
    required: int
    basis: str

    @property
    def basis_display(self) -> str:
        return legal_basis_text(self.basis)


def _month_end(day: date) -> date:
    next_month = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return next_month - timedelta(days=1)


def _months(start: date, end: date, required: int, basis: str) -> list[FrequencyPeriod]:
    periods, day = [], start.replace(day=1)
    while day <= end:
        periods.append(FrequencyPeriod(day, _month_end(day), required, basis))
        day = _month_end(day) + timedelta(days=1)
    return periods


PARTY_SECRETARY_BASIS = "Quy định 11-QĐi/TW"
DEPUTY_BASIS = "Luật TCD art. 22"


def required_reception_periods(
    *, level: str, start: date, end: date, receiver: str = ReceivedBy.HEAD
) -> list[FrequencyPeriod]:
    """The periods in [start, end] with `receiver`'s minimum number of reception days.

    The secretary of the unit's Party committee: 1 day a month (Quy định 11-QĐi/TW of
    18/02/2019), at every level (a district's until 30/6/2025). People's Council deputies
    receive on the schedule their council's standing body sets (Luật TCD art. 22): months with
    no legal minimum (required 0), so their days are shown and never missed.

    The head:
    Province: 1 day a month (Luật TCD art. 12(5)). District: 2 days a month (art. 13(5);
    the district level ended on 1/7/2025, so only historical months are checked).
    Commune: 1 day a week (art. 15(2)(d)) for the weeks that overlap [start, end] up to
    30/6/2026, then 2 days a month (Law 136/2025) from July 2026. Periods are whole weeks
    (Monday–Sunday) or whole calendar months; the week of 29/6–5/7/2026 is checked under
    the weekly rule when the range includes June 2026.
    """
    if end < start:
        return []
    if level == "district":
        end = min(end, date(2025, 6, 30))
        if end < start:
            return []
    if receiver == ReceivedBy.PARTY_SECRETARY:
        return _months(start, end, 1, PARTY_SECRETARY_BASIS)
    if receiver == ReceivedBy.DEPUTY:
        return _months(start, end, 0, DEPUTY_BASIS)
    if level == "province":
        return _months(start, end, 1, "Luật TCD art. 12(5)")
    if level == "district":
        return _months(start, end, 2, "Luật TCD art. 13(5)")
    periods: list[FrequencyPeriod] = []
    monday = start - timedelta(days=start.weekday())
    last_weekly_day = min(end, COMMUNE_RULE_CHANGE - timedelta(days=1))
    while start <= last_weekly_day and monday <= last_weekly_day:
        periods.append(FrequencyPeriod(monday, monday + timedelta(days=6), 1, "Luật TCD art. 15(2)(d)"))
        monday += timedelta(days=7)
    if end >= COMMUNE_RULE_CHANGE:
        periods += _months(max(start, COMMUNE_RULE_CHANGE), end, 2, "Luật TCD art. 15, Luật 136/2025")
    return periods
