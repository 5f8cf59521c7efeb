from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .uploads import checked_in_browser, validate_upload


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


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class CheckedFileField(forms.FileField):
    """A file field of a public form. The browser checks the chosen files first (number, size,
    type: static/js/file_check.js, which the page loads), then the server judges each by its
    content (`core.uploads.validate_upload`); every refusal is said next to the field. With
    `max_files` above 1 it takes several files and cleans to a list."""

    def __init__(self, *args: Any, max_bytes: int, max_files: int = 1, **kwargs: Any) -> None:
        self.max_bytes, self.max_files = max_bytes, max_files
        widget = MultipleFileInput if max_files > 1 else forms.FileInput
        kwargs.setdefault("widget", widget(attrs=checked_in_browser(max_bytes, max_files)))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        if self.max_files == 1:
            upload = super().clean(data, initial)
            self._check([upload] if upload else [])
            return upload
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        if len(files) > self.max_files:
            raise ValidationError(_("Attach at most %(n)d files.") % {"n": self.max_files})
        self._check(files)
        return list(files)

    def _check(self, files: list[Any]) -> None:
        errors = []
        for f in files:
            try:
                validate_upload(f, max_bytes=self.max_bytes)
            except ValidationError as exc:
                errors.extend(exc.messages)
        if errors:
            raise ValidationError(errors)
