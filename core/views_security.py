"""Staff login with an optional second step (TOTP), and the page to turn it on or off."""

from __future__ import annotations

import time
from typing import Any

import django_otp
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth import login as auth_login
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.signals import user_login_failed
from django.contrib.auth.views import LoginView, PasswordChangeView
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from . import ratelimit
from .audit import audit_models
from .forms import OTPTokenForm, StaffAuthenticationForm
from .services import account_password_changed
from .two_factor import (
    ENROL_KEY,
    can_use_second_factor,
    confirmed_device_for,
    qr_code_data_uri,
    second_factor_check,
    second_factor_required,
    secret_for_typing,
    totp_device_confirm,
    totp_device_remove,
    totp_device_start,
)

PENDING_KEY = "civicdesk_second_factor"
PENDING_SECONDS = 5 * 60


def client_ip(request: HttpRequest) -> str | None:
    """The client's address, behind the trusted proxies (the address axes counts failures for)."""
    return ratelimit.client_ip(request) or None


class StaffLoginView(LoginView):
    """Password first; a user with a confirmed TOTP device is then asked for the code
    before any session is opened."""

    authentication_form = StaffAuthenticationForm

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        user = form.get_user()
        if confirmed_device_for(user) is None:
            return super().form_valid(form)
        self.request.session.cycle_key()
        self.request.session[PENDING_KEY] = {
            "user_id": user.pk,
            "backend": getattr(user, "backend", None),
            "since": time.time(),
            "next": self.get_success_url(),
        }
        return redirect("login_second_factor")


class SecondFactorView(View):
    """The second step of the login: the 6-digit code. A wrong code counts as a failed login."""

    template_name = "registration/login_second_factor.html"

    def _pending_user(self, request: HttpRequest) -> tuple[Any, dict[str, Any]] | None:
        pending = request.session.get(PENDING_KEY)
        if not pending or time.time() - pending["since"] > PENDING_SECONDS:
            request.session.pop(PENDING_KEY, None)
            return None
        user = get_user_model()._default_manager.filter(pk=pending["user_id"], is_active=True).first()
        return (user, pending) if user is not None else None

    def get(self, request: HttpRequest) -> HttpResponse:
        if self._pending_user(request) is None:
            return redirect("login")
        return render(request, self.template_name, {"form": OTPTokenForm(submit_label=_("Log in"))})

    def post(self, request: HttpRequest) -> HttpResponse:
        found = self._pending_user(request)
        if found is None:
            return redirect("login")
        user, pending = found
        credentials = {"username": user.get_username()}
        if not AxesProxyHandler.is_allowed(request, credentials):
            request.session.pop(PENDING_KEY, None)
            return get_lockout_response(request, None, credentials)
        form = OTPTokenForm(request.POST, submit_label=_("Log in"))
        if form.is_valid():
            device = second_factor_check(user=user, token=form.cleaned_data["otp_token"], ip_address=client_ip(request))
            if device is not None:
                del request.session[PENDING_KEY]
                auth_login(request, user, backend=pending["backend"])
                django_otp.login(request, device)
                return HttpResponseRedirect(pending["next"])
            form.add_error("otp_token", _("The code is wrong or has expired. Enter the code shown now."))
        # Counted by django-axes like a wrong password: five in a row lock the account.
        user_login_failed.send(sender=__name__, credentials=credentials, request=request)
        return render(request, self.template_name, {"form": form}, status=200)


class TwoFactorSettingsView(LoginRequiredMixin, View):
    """Turn two-step login on (scan the QR code, confirm a code) or off (with a code)."""

    template_name = "core/two_factor.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated and not can_use_second_factor(request.user):
            raise PermissionDenied(_("Two-step login is offered to heads and administrators."))
        return super().dispatch(request, *args, **kwargs)

    def _render(self, request: HttpRequest, form: OTPTokenForm | None = None) -> HttpResponse:
        user: Any = request.user
        device = confirmed_device_for(user)
        context: dict[str, Any] = {"enabled": device is not None, "required": second_factor_required(user)}
        if device is None:
            pending = totp_device_start(user=user)
            context.update(qr_code=qr_code_data_uri(pending), secret=secret_for_typing(pending))
            context["form"] = form or OTPTokenForm(submit_label=_("Turn on two-step login"))
        else:
            context["form"] = form or OTPTokenForm(submit_label=_("Turn off two-step login"))
        return render(request, self.template_name, context)

    def get(self, request: HttpRequest) -> HttpResponse:
        return self._render(request)

    def post(self, request: HttpRequest) -> HttpResponse:
        user: Any = request.user
        enabled = confirmed_device_for(user) is not None
        label = _("Turn off two-step login") if enabled else _("Turn on two-step login")
        form = OTPTokenForm(request.POST, submit_label=label)
        if form.is_valid():
            try:
                if enabled:
                    totp_device_remove(user=user, token=form.cleaned_data["otp_token"], ip_address=client_ip(request))
                else:
                    device = totp_device_confirm(
                        user=user, token=form.cleaned_data["otp_token"], ip_address=client_ip(request)
                    )
                    django_otp.login(request, device)
                    request.session.pop(ENROL_KEY, None)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                return redirect("two_factor")
        return self._render(request, form)


class StaffPasswordChangeView(PasswordChangeView):
    """Django's password change, with an audit event (who, when, from where) in the same
    transaction as the new password."""

    def form_valid(self, form: PasswordChangeForm) -> HttpResponse:
        with transaction.atomic():
            response = super().form_valid(form)
            account_password_changed(user=form.user, ip_address=client_ip(self.request))
        return response


def admin_login_redirect(request: HttpRequest) -> HttpResponse:
    """The admin has no login of its own: everyone goes through the staff login (and its second step)."""
    next_url = request.GET.get("next", reverse("admin:index"))
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = reverse("admin:index")
    return redirect(f"{reverse('login')}?{urlencode({'next': next_url})}")


AUDIT_LOG_ROWS = 100


class AuditLogView(TemplateView):
    """One read-only page with the latest events of every audit table the user may view
    (served inside the admin, which requires a staff login)."""

    template_name = "core/audit_log.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        user: Any = self.request.user
        events: list[dict[str, Any]] = []
        for model in audit_models():
            opts = model._meta
            if not user.has_perm(f"{opts.app_label}.view_{opts.model_name}"):
                continue
            relations = [f.name for f in opts.concrete_fields if f.many_to_one]
            latest = model._default_manager.select_related(*relations).order_by("-occurred_at", "-pk")
            for event in latest[:AUDIT_LOG_ROWS]:
                events.append(
                    {
                        "event": event,
                        "table": opts.verbose_name,
                        "subject": _event_subject(event),
                        "url": reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[event.pk]),
                    }
                )
        events.sort(key=lambda e: (e["event"].occurred_at, e["event"].pk), reverse=True)
        return super().get_context_data(
            **admin.site.each_context(self.request),
            events=events[:AUDIT_LOG_ROWS],
            title=_("Audit log"),
            limit=AUDIT_LOG_ROWS,
            **kwargs,
        )


def _event_subject(event: Any) -> str:
    """The entity the event is about: its first foreign key other than the actor."""
    for field in event._meta.concrete_fields:
        if field.is_relation and field.name != "actor":
            return str(getattr(event, field.name))
    return ""
