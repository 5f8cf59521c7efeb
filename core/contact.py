"""How a citizen's phone and identity number are checked, in every form that asks for them.

Phones are parsed by `phonenumbers` (Google's libphonenumber) for region VN and stored in
the national form a Vietnamese reader writes ("0912345678"); `sms_number` gives the
international digits an SMS gateway wants ("84912345678"). An identity number is the
12-digit citizen identity card (CCCD, thẻ căn cước); the 9-digit identity card (CMND) of
before 2016 is still accepted, with a note, because older records and people still use it.
"""

from __future__ import annotations

from typing import Any

import phonenumbers
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

REGION = "VN"
CCCD_DIGITS = 12
CMND_DIGITS = 9

PHONE_INVALID = _("Enter a Vietnamese phone number, for example 0912 345 678 or 024 3825 3536.")
IDENTITY_INVALID = _("An identity card number (CCCD) has 12 digits; an old identity card (CMND) has 9.")


def normalise_phone(value: str) -> str:
    """`value` in national form ("0912345678"), or ValidationError when it is not a real
    Vietnamese number (a foreign number in international form is kept as "+…")."""
    try:
        number = phonenumbers.parse(value, REGION)
    except phonenumbers.NumberParseException:
        raise ValidationError(PHONE_INVALID, code="invalid") from None
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(PHONE_INVALID, code="invalid")
    if phonenumbers.region_code_for_number(number) != REGION:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return f"0{number.national_number}"


def is_mobile(value: str) -> bool:
    """True for a number an SMS can reach (a mobile number)."""
    try:
        number = phonenumbers.parse(value, REGION)
    except phonenumbers.NumberParseException:
        return False
    kind = phonenumbers.number_type(number)
    return phonenumbers.is_valid_number(number) and kind in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    )


def sms_number(value: str) -> str:
    """The international digits without "+" ("84912345678") that SMS gateways take."""
    number = phonenumbers.parse(value, REGION)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164).lstrip("+")


def normalise_identity_number(value: str) -> str:
    """The digits of a CCCD (12) or a CMND (9), spaces and dots removed; else ValidationError."""
    digits = "".join(ch for ch in value if ch not in " .-")
    if not digits.isdigit() or len(digits) not in (CCCD_DIGITS, CMND_DIGITS):
        raise ValidationError(IDENTITY_INVALID, code="invalid")
    return digits


def is_legacy_identity_number(value: str) -> bool:
    return len(value) == CMND_DIGITS


class PhoneField(forms.CharField):
    """A Vietnamese phone number, cleaned to its national form."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("label", _("Phone"))
        super().__init__(**kwargs)
        self.widget.attrs.update({"autocomplete": "tel", "inputmode": "tel"})

    def clean(self, value: Any) -> str:
        value = super().clean(value)
        return normalise_phone(value) if value else ""


class IdentityNumberField(forms.CharField):
    """A CCCD (12 digits) or a legacy CMND (9 digits); the form says when it was a CMND."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "numeric", "autocomplete": "off"})

    def clean(self, value: Any) -> str:
        value = super().clean(value)
        return normalise_identity_number(value) if value else ""
