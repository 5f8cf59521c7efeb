"""What every reception page shares: the signed-in official, the actions offered on a record,
and the period form of the registers."""

from __future__ import annotations

from typing import Any, TypeVar

from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.models import User
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from core.actions import ActionTable
from core.models import Unit
from core.selectors import user_home_unit

from ..forms import PeriodForm

M = TypeVar("M", bound=Model)


class DeskMixin(LoginRequiredMixin):
    request: HttpRequest

    @property
    def user(self) -> User:
        return self.request.user  # type: ignore[return-value]


def offered(table: ActionTable[M], *, user: Any, record: M) -> set[str]:
    """The names of the actions `user` may take on `record` now: the buttons its page shows."""
    return {name for name, _action in table.offered(user=user, record=record)}


def period_form(request: HttpRequest, units: QuerySet[Unit], user: User) -> PeriodForm:
    """The unit and period of a register: from the query, or the user's unit since 1 January."""
    today = timezone.localdate()
    if "unit" in request.GET:
        return PeriodForm(request.GET, units=units)
    home = user_home_unit(user=user)
    unit = home if home is not None and units.filter(pk=home.pk).exists() else units.first()
    return PeriodForm(
        {"unit": unit.pk if unit else "", "start": today.replace(month=1, day=1).isoformat(), "end": today.isoformat()},
        units=units,
    )
