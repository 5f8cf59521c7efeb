"""Second factor (TOTP, RFC 6238): required for superusers and for whoever may open a
denouncer's identity, offered to heads and administrators, and required of every official when
CIVICDESK_SECOND_FACTOR_FOR_ALL_STAFF is on.

A user turns it on by scanning a QR code (or typing the secret) into an
authenticator app and confirming with a first code. From then on the login asks
for the 6-digit code after the password; a wrong code refuses the login and
counts as a failed login for the lockout (5 failures: 15 minutes). A user who must use it and
has not turned it on is sent, at the next login, to the page that turns it on, and can open no
other page until it is on (`core.middleware.SecondFactorEnrolmentMiddleware`).
"""

from __future__ import annotations

import base64
import io
import logging
from collections.abc import Callable
from typing import Any

import qrcode
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from civicdesk.exceptions import DomainError

from .models import AccountEvent, Membership, Role

logger = logging.getLogger("civicdesk.security")

SECOND_FACTOR_ROLES = (Role.HEAD, Role.ADMIN)
DEVICE_NAME = "CivicDesk"


# Apps add who else must use the second factor (petitions: holders of a reveal grant), so core
# names no domain app.
REQUIRED_FOR: list[Callable[[AbstractBaseUser], bool]] = []
ENROL_KEY = "civicdesk_second_factor_enrol"


def require_second_factor_when(check: Callable[[AbstractBaseUser], bool]) -> None:
    if check not in REQUIRED_FOR:
        REQUIRED_FOR.append(check)


def second_factor_required(user: AbstractBaseUser | AnonymousUser) -> bool:
    """Must `user` log in with a second factor? Superusers, whoever an app names (reveal-grant
    holders), and every official when CIVICDESK_SECOND_FACTOR_FOR_ALL_STAFF is on."""
    if not user.is_authenticated or not getattr(settings, "CIVICDESK_SECOND_FACTOR_REQUIRED", True):
        return False
    if getattr(user, "is_superuser", False) or getattr(settings, "CIVICDESK_SECOND_FACTOR_FOR_ALL_STAFF", False):
        return True
    return any(check(user) for check in REQUIRED_FOR)  # type: ignore[arg-type]


def can_use_second_factor(user: AbstractBaseUser | AnonymousUser) -> bool:
    """Heads and administrators (and superusers) may turn the second factor on, and whoever must."""
    if not user.is_authenticated:
        return False
    if getattr(user, "is_superuser", False) or second_factor_required(user):
        return True
    return Membership.objects.filter(user_id=user.pk, role__in=SECOND_FACTOR_ROLES).exists()


def enrolment_due_at_login(sender: Any, request: Any, user: AbstractBaseUser, **kwargs: Any) -> None:
    """user_logged_in receiver: a user who must use the second factor and has none is sent to
    turn it on before anything else (the flag lives in the session; the middleware holds it)."""
    if request is None or not hasattr(request, "session"):
        return
    if second_factor_required(user) and confirmed_device_for(user) is None:
        request.session[ENROL_KEY] = True
    else:
        request.session.pop(ENROL_KEY, None)


def confirmed_device_for(user: AbstractBaseUser) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).order_by("pk").first()


def totp_device_start(*, user: AbstractBaseUser) -> TOTPDevice:
    """The unconfirmed device the user is enrolling (created on first visit, then reused)."""
    if not can_use_second_factor(user):
        raise DomainError(_("The second factor is offered to heads and administrators."))
    if confirmed_device_for(user) is not None:
        raise DomainError(_("Two-step login is already on."))
    device = TOTPDevice.objects.filter(user_id=user.pk, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def _ip(ip_address: str | None) -> str:
    return ip_address or "-"


def _account_event(user: AbstractBaseUser, kind: str, before: str, after: str, ip_address: str | None) -> None:
    AccountEvent.objects.create(
        user_id=user.pk,
        actor_id=user.pk,
        kind=kind,
        from_status=before,
        to_status=after,
        data={"device": DEVICE_NAME},
        ip_address=ip_address,
    )


def totp_device_confirm(*, user: AbstractBaseUser, token: str, ip_address: str | None = None) -> TOTPDevice:
    """Turn two-step login on once the user proves their app shows the right code."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(user_id=user.pk, confirmed=False).order_by("pk").first()
        if device is None:
            raise DomainError(_("Start again: open the two-step login page to get a new code."))
        # django-otp records a wrong code (its throttle): that must commit, not roll back.
        verified = device.verify_token(token)
        if verified:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            TOTPDevice.objects.filter(user_id=user.pk, confirmed=False).delete()
            _account_event(user, AccountEvent.Kind.SECOND_FACTOR_ON, "off", "on", ip_address)
    if not verified:
        logger.warning("Second factor: wrong confirmation code for %s from %s", user.get_username(), _ip(ip_address))
        raise ValidationError({"otp_token": _("The code is wrong or has expired. Enter the code shown now.")})
    logger.info("Second factor turned on for %s from %s", user.get_username(), _ip(ip_address))
    return device


def totp_device_remove(*, user: AbstractBaseUser, token: str, ip_address: str | None = None) -> None:
    """Turn two-step login off; needs a current code, so a stolen session alone cannot do it.
    Refused to those who must use it (superusers, reveal-grant holders)."""
    if second_factor_required(user):
        raise DomainError(_("Two-step login is required for your account: it cannot be turned off."))
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(user_id=user.pk, confirmed=True).first()
        if device is None:
            raise DomainError(_("Two-step login is not on."))
        verified = device.verify_token(token)
        if verified:
            TOTPDevice.objects.filter(user_id=user.pk).delete()
            _account_event(user, AccountEvent.Kind.SECOND_FACTOR_OFF, "on", "off", ip_address)
    if not verified:
        logger.warning("Second factor: wrong code to turn off for %s from %s", user.get_username(), _ip(ip_address))
        raise ValidationError({"otp_token": _("The code is wrong or has expired. Enter the code shown now.")})
    logger.info("Second factor turned off for %s from %s", user.get_username(), _ip(ip_address))


def second_factor_check(*, user: AbstractBaseUser, token: str, ip_address: str | None = None) -> TOTPDevice | None:
    """The user's confirmed device if `token` is its current code, else None (logged)."""
    device = confirmed_device_for(user)
    if device is not None and device.verify_token(token):
        return device
    logger.warning("Second factor: wrong login code for %s from %s", user.get_username(), _ip(ip_address))
    return None


def qr_code_data_uri(device: TOTPDevice) -> str:
    """The otpauth:// URL as a PNG QR code in a data: URI (the CSP allows data: images, nothing external)."""
    image: Any = qrcode.make(device.config_url, box_size=6, border=2)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def secret_for_typing(device: TOTPDevice) -> str:
    """The base32 secret in groups of four, for apps where the user types it."""
    secret = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
