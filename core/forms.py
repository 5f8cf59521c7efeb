from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class StaffAuthenticationForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "Please enter a correct username and password. Note that both fields may be case-sensitive."
        ),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.update({"autocomplete": "username", "autofocus": True})
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Log in"), css_class="w-100"))


class OTPTokenForm(forms.Form):
    """The 6-digit code from the user's authenticator app."""

    otp_token = forms.RegexField(
        label=_("6-digit code"),
        regex=r"^\s*\d{6}\s*$",
        max_length=12,
        error_messages={"invalid": _("Enter the 6 digits shown in your authenticator app.")},
        help_text=_("Open your authenticator app and type the code it shows for CivicDesk."),
    )

    def __init__(self, *args: Any, submit_label: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["otp_token"].widget.attrs.update(
            {"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        )
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", submit_label or _("Continue"), css_class="w-100"))

    def clean_otp_token(self) -> str:
        return str(self.cleaned_data["otp_token"]).strip()
