"""The one dispatch pattern for staff actions, in every app.

An app lists its actions on a record type in an `ActionTable`: each `StaffAction` names its
label, its form, the policy rule it needs (the app's `policies.py`), when the record offers it
(its state), and the one service call it makes. `StaffActionView` serves
`<record>/<pk>/<action>/`: it finds the record in the user's scope, refuses an action the
record does not offer or the user may not take (404), validates the form, calls the service,
and puts a refusal from the service on the form with what the user typed kept.

Templates get `table.offered(user=…, record=…)` to draw only the buttons the user may press;
the services check the same policy again, whoever calls them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.functional import Promise, cached_property
from django.utils.translation import gettext as _
from django.views.generic import FormView

from .models import Unit
from .policies import Policy
from .ratelimit import client_ip

M = TypeVar("M", bound=models.Model)


@dataclass(frozen=True)
class Actor:
    """Who takes the action, as every service wants it."""

    user: User
    ip_address: str | None

    @classmethod
    def of(cls, request: HttpRequest) -> Actor:
        assert isinstance(request.user, User)  # staff views require a signed-in user
        return cls(user=request.user, ip_address=client_ip(request) or None)

    def kwargs(self) -> dict[str, Any]:
        return {"actor": self.user, "ip_address": self.ip_address}


def _always(_record: Any) -> bool:
    return True


@dataclass(frozen=True)
class StaffAction(Generic[M]):
    """One action an official can take on a record.

    `run(record, cleaned_data, actor)` calls one service and returns what it returns.
    `rule` is the policy's action name (by default the action's own name in the table).
    `destructive` actions (refuse, stop, withdraw…) sit behind a confirmation that names
    their consequence, in `confirm`. `message(result)` is what the official is told once the
    service succeeded, as (messages level, text); by default "Saved."."""

    label: str | Promise
    form: type[forms.Form]
    run: Callable[[M, dict[str, Any], Actor], object]
    available: Callable[[M], bool] = _always
    rule: str = ""
    destructive: bool = False
    confirm: str | Promise = ""
    message: Callable[[Any], tuple[int, str | Promise]] | None = None


class ActionTable(Generic[M]):
    """The actions of one record type, checked against one policy."""

    def __init__(
        self,
        *,
        policy: Policy,
        unit_of: Callable[[M], Unit | Sequence[Unit]],
        actions: Mapping[str, StaffAction[M]],
    ) -> None:
        self.policy = policy
        self.unit_of = unit_of
        self.actions = dict(actions)
        for name, action in self.actions.items():
            policy.roles_for(action.rule or name)  # every action has its rule: fail at import

    def rule_of(self, name: str) -> str:
        return self.actions[name].rule or name

    def may(self, name: str, *, user: User | AnonymousUser, record: M) -> bool:
        """Offered by the record's state and allowed to the user."""
        action = self.actions.get(name)
        if action is None or not action.available(record):
            return False
        return self.policy.allows(user=user, action=self.rule_of(name), unit=self.unit_of(record))

    def offered(self, *, user: User | AnonymousUser, record: M) -> list[tuple[str, StaffAction[M]]]:
        """The actions to show on the record's page, in the table's order."""
        return [(name, action) for name, action in self.actions.items() if self.may(name, user=user, record=record)]

    def get(self, name: str, *, user: User | AnonymousUser, record: M) -> StaffAction[M]:
        """The action, or 404 when the record does not offer it or the user may not take it."""
        if not self.may(name, user=user, record=record):
            raise Http404
        return self.actions[name]


class StaffActionView(LoginRequiredMixin, FormView, Generic[M]):  # type: ignore[type-arg]
    """POST (or GET for its form) `…/<pk>/<action>/`. Subclasses give `table`, `get_record()`
    (read through the app's scoped selector) and, where a form needs more than the record,
    `action_form_kwargs()`."""

    table: ActionTable[M]
    request: HttpRequest
    kwargs: dict[str, Any]

    def get_record(self) -> M:
        raise NotImplementedError

    @cached_property
    def record(self) -> M:
        return self.get_record()

    @cached_property
    def action_name(self) -> str:
        return str(self.kwargs["action"])

    @cached_property
    def action(self) -> StaffAction[M]:
        return self.table.get(self.action_name, user=self.request.user, record=self.record)

    def action_form_kwargs(self) -> dict[str, Any]:
        return {}

    def get_form_class(self) -> type[forms.Form]:
        return self.action.form

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), **self.action_form_kwargs()}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(record=self.record, action=self.action, action_name=self.action_name, **kwargs)

    def form_valid(self, form: forms.Form) -> HttpResponse:
        try:
            result = self.action.run(self.record, form.cleaned_data, Actor.of(self.request))
        except ValidationError as exc:
            add_service_error(form, exc)
            return self.form_invalid(form)
        level, text = self.action.message(result) if self.action.message else (messages.SUCCESS, _("Saved."))
        messages.add_message(self.request, level, text)
        return self.redirect_after(result)

    def redirect_after(self, result: object) -> HttpResponse:
        return redirect(self.record)


class InlineActionView(StaffActionView[M]):
    """An action whose form sits on the record's page (a button, a short form): POST only.
    A refusal, or a form left incomplete, is told as a message on the page the official is
    sent back to (`redirect_after(None)`)."""

    http_method_names = ["post", "options"]

    def form_invalid(self, form: forms.Form) -> HttpResponse:
        for error in form.non_field_errors():
            messages.error(self.request, error)
        for field in form:
            for error in field.errors:
                messages.error(self.request, f"{field.label}: {error}")
        return self.redirect_after(None)


def add_service_error(form: forms.Form, exc: ValidationError) -> None:
    """Put a service's refusal next to the field it is about (its `code` names the field),
    or on top of the form."""
    code = getattr(exc, "code", None)
    field = code if code in form.fields else None
    form.add_error(field, exc.messages)
