"""Files chosen on a public form that comes back with an error (a field forgotten, a wrong
phone number): kept for the browser that chose them, so that nobody chooses them again.

The browser is named by a random value in the `filer` cookie, given on the form's first page
(`KeepsFiles.dispatch`) and renewed once a filing's confirmation has been shown (`new_filer`).
The files are kept against the form's own key (a UUID in a hidden field, drawn with the form)
bound to that value by a keyed digest: another browser that sends the same form key neither
sees nor takes them. Holding stores files, so it counts against an hourly limit per address;
what is never sent is deleted after a day (core.retention)."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, HttpResponse
from django.utils.crypto import salted_hmac
from django.utils.functional import cached_property

from .models import HeldUpload
from .ratelimit import is_rate_limited
from .selectors import uploads_held
from .services import uploads_drop, uploads_hold, uploads_release, uploads_take

FILER_COOKIE = "filer"
FILER_COOKIE_AGE = 24 * 3600
# The page's hidden field saying it lists kept files (the snippet includes/held_files.html):
# an ordinary filing then costs no query for them.
HELD_FIELD = "held"
DROP_FIELD = "drop_held"


def filer(request: HttpRequest) -> str:
    """This browser's filer value, or "" when it has none (or a forged one)."""
    value = request.COOKIES.get(FILER_COOKIE, "")
    return value if len(value) == 32 and all(ch in "0123456789abcdef" for ch in value) else ""


def send_filer(request: HttpRequest, response: HttpResponse) -> None:
    response.set_cookie(
        FILER_COOKIE,
        request.COOKIES[FILER_COOKIE],
        max_age=FILER_COOKIE_AGE,
        path="/",
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def new_filer(request: HttpRequest, response: HttpResponse) -> None:
    """Give this browser a new filer value (kept on the request too, for this request's filing)."""
    request.COOKIES[FILER_COOKIE] = secrets.token_hex(16)
    send_filer(request, response)


class KeepsFiles:
    """For the view of a public form with files: gives the browser its filer value, keeps the
    page out of every cache (Back must not bring a filled-in form back), and keeps the form's
    acceptable files across an error.

    The view names the digest's purpose (`held_salt`), the POST field with the form's UUID
    (`form_key_field`), and the rate limit of holding (`hold_scope`, and `hold_rate_setting`,
    the setting giving holdings per hour and address)."""

    held_salt: str
    form_key_field: str
    hold_scope: str
    hold_rate_setting: str
    request: HttpRequest

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        fresh = not filer(request)
        if fresh:  # no filer value yet: one for this request, sent with the response
            request.COOKIES[FILER_COOKIE] = secrets.token_hex(16)
        response: HttpResponse = super().dispatch(request, *args, **kwargs)  # type: ignore[misc]
        if fresh:
            send_filer(request, response)
        response["Cache-Control"] = "no-store"
        return response

    @cached_property
    def form_key(self) -> str:
        """What files are kept against: the form's key as posted (a UUID), bound to this
        browser's filer value; "" without either."""
        try:
            key = uuid.UUID(str(self.request.POST.get(self.form_key_field, ""))).hex
        except ValueError:
            return ""
        owner = filer(self.request)
        if not owner:
            return ""
        return salted_hmac(self.held_salt, f"{key}:{owner}", algorithm="sha256").hexdigest()

    @property
    def says_held(self) -> bool:
        """The page posted said it listed kept files."""
        return bool(self.form_key and self.request.POST.get(HELD_FIELD))

    def drop_unticked(self) -> None:
        """Forget the kept files the citizen ticked "remove" on."""
        dropped = [int(i) for i in self.request.POST.getlist(DROP_FIELD) if i.isdigit()]
        if self.form_key and dropped:
            uploads_drop(key=self.form_key, ids=dropped)

    def held_files(self) -> list[HeldUpload]:
        """The files kept for this form now (for the page to list)."""
        return uploads_held(key=self.form_key)

    def hold(self, uploads: Sequence[tuple[str, Sequence[UploadedFile]]], *, max_bytes: int, max_files: int) -> None:
        """Keep the acceptable `uploads` (by form field) of a form that came back with an error;
        a new file in a one-file field takes the place of the one kept before."""
        if not self.form_key or not any(files for _field, files in uploads):
            return
        limit = getattr(settings, self.hold_rate_setting)
        if is_rate_limited(self.request, scope=self.hold_scope, limit=limit):
            return
        for field, files in uploads:
            if files:
                uploads_hold(
                    key=self.form_key,
                    files=files,
                    field=field,
                    max_bytes=max_bytes,
                    max_files=max_files,
                    replace=max_files == 1,
                )

    def take(self, field: str | None = None) -> list[File]:
        """The kept files (of `field` only, when given) for the filing to attach."""
        return uploads_take(key=self.form_key, field=field) if self.says_held else []

    def release(self) -> None:
        """The filing has copied the kept files: delete them."""
        if self.says_held:
            uploads_release(key=self.form_key)
