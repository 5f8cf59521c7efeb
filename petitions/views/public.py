"""The citizen's pages, no account: file a petition online (code and secret on screen and by
e-mail or SMS) and follow it with the code and the secret."""

from __future__ import annotations

import json
import logging
import secrets
import uuid
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.crypto import salted_hmac
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView

from civicdesk.crypto import derived_fernet
from core import services as core_services
from core.choices import PetitionKind
from core.ratelimit import client_ip, is_rate_limited
from core.selectors import uploads_held
from core.uploads import attachment_response

from .. import forms as f
from .. import services
from ..models import Attachment
from ..selectors import (
    petition_by_code,
    petition_public_letter,
    petition_public_tracking,
)
from .map import allow_tiles, map_config

logger = logging.getLogger(__name__)
# The confirmation page's code and secret travel in a short-lived encrypted cookie, not in
# the session: a filing then writes no session row (no extra transaction per citizen).
FILED_COOKIE = "petitions_filed"
FILED_COOKIE_AGE = 15 * 60
# Names the browser that files (a random value): a filing's idempotency key is bound to it, so
# the key replayed from another browser, or resent after the confirmation page was shown
# (which gives the browser a new value: Back + resend on a shared computer), shows nothing.
FILER_COOKIE = "petitions_filer"
FILER_COOKIE_AGE = 24 * 3600


def _filer(request: HttpRequest) -> str:
    value = request.COOKIES.get(FILER_COOKIE, "")
    return value if len(value) == 32 and all(ch in "0123456789abcdef" for ch in value) else ""


def _new_filer(request: HttpRequest, response: HttpResponse) -> None:
    """Give this browser a new filer value (kept on the request too, for this request's filing)."""
    request.COOKIES[FILER_COOKIE] = secrets.token_hex(16)
    _send_filer(request, response)


def _send_filer(request: HttpRequest, response: HttpResponse) -> None:
    value = request.COOKIES[FILER_COOKIE]
    response.set_cookie(
        FILER_COOKIE,
        value,
        max_age=FILER_COOKIE_AGE,
        path="/",
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def _filed_fernet() -> Fernet:
    """Encrypts the confirmation cookie, with a key of its own derived from SECRET_KEY."""
    return derived_fernet("petitions.filed-cookie")


class PetitionFileView(FormView):
    """Online filing, no account: code and secret on screen and by e-mail or SMS."""

    template_name = "petitions/petition_file.html"
    form_class = f.PetitionFileForm

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        fresh = not _filer(request)
        if fresh:  # no filer value yet: one for this request, sent with the response
            request.COOKIES[FILER_COOKIE] = secrets.token_hex(16)
        response = super().dispatch(request, *args, **kwargs)
        if fresh:
            _send_filer(request, response)
        response["Cache-Control"] = "no-store"  # Back must not bring a filled-in form back from the cache
        return allow_tiles(response)  # the place picker's map

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        if isinstance(kwargs.get("form"), f.PetitionFileForm):
            kwargs["form"].own_fields()  # shown: its own copy of the shared fields
        kinds = [(PetitionKind(k).label, text) for k, text in f.KIND_EXPLANATIONS.items()]
        picker = map_config(
            words={
                "help": _(
                    "Tap or click the map where the problem is (the point can be dragged), or type the "
                    "coordinates below."
                ),
                "label": _("Map: choose the place"),
                "point": _("The chosen place"),
                "here": _("Use my current location"),
            }
        )
        return super().get_context_data(
            kinds=kinds, held=uploads_held(key=self.form_key), picker_config=picker, **kwargs
        )

    @cached_property
    def form_key(self) -> str:
        """What files are kept against: the form's idempotency key as posted (a UUID), bound to
        this browser's filer value, so that another browser sending the same key neither sees
        nor takes them."""
        try:
            key = uuid.UUID(str(self.request.POST.get("idempotency_key", ""))).hex
        except ValueError:
            return ""
        filer = _filer(self.request)
        if not filer:
            return ""
        return salted_hmac("petitions.held-uploads", f"{key}:{filer}", algorithm="sha256").hexdigest()

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if self.form_key and request.POST.getlist("drop_held"):
            dropped = [int(i) for i in request.POST.getlist("drop_held") if i.isdigit()]
            core_services.uploads_drop(key=self.form_key, ids=dropped)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form: f.PetitionFileForm) -> HttpResponse:
        """Keep the files that pass the checks: the citizen need not choose them again."""
        uploads = self.request.FILES.getlist("attachments")
        # Holding stores files: counted by the filing's own hourly limit, so that posting
        # invalid forms full of files cannot fill the disk.
        holding = self.form_key and uploads and not form.data.get("website")
        if holding and not is_rate_limited(self.request, scope="petition-hold", limit=settings.PETITIONS_FILE_RATE):
            core_services.uploads_hold(
                key=self.form_key, files=uploads, max_bytes=Attachment.MAX_BYTES, max_files=Attachment.MAX_FILES
            )
        return super().form_invalid(form)

    def form_valid(self, form: f.PetitionFileForm) -> HttpResponse:
        data = form.cleaned_data
        if data.get("website"):  # the honeypot: a bot filled the hidden field
            logger.info("Honeypot filled from %s", client_ip(self.request))
            return redirect("petitions:file")
        if is_rate_limited(self.request, scope="petition-file", limit=settings.PETITIONS_FILE_RATE):
            form.add_error(None, _("Too many petitions were sent from your connection. Please try again later."))
            response = self.form_invalid(form)
            response.status_code = 429
            return response
        # Kept files are looked for only when the page said it had some (a hidden "held" field):
        # an ordinary filing costs no query for them (the filing's query budget, perf tests).
        held = bool(self.request.POST.get("held"))
        try:
            petition = services.petition_create(
                **f.filing_arguments(data),
                attachments=[
                    *(core_services.uploads_take(key=self.form_key) if held and self.form_key else []),
                    *(data.get("attachments") or []),
                ],
                ip_address=client_ip(self.request) or None,
                idempotency_owner=_filer(self.request),
                source=_("Online filing"),
            )
        except ValidationError as exc:
            if getattr(exc, "code", "") == "idempotency_key":  # sent before: a new form key to send it anew
                form.data = form.data.copy()
                form.data["idempotency_key"] = uuid.uuid4().hex
            form.add_error(None, exc)
            response = self.form_invalid(form)
            response.status_code = 409 if getattr(exc, "code", "") == "idempotency_key" else 200
            return response
        if held and self.form_key:
            core_services.uploads_release(key=self.form_key)
        filed = {
            "code": petition.tracking_code,
            "secret": petition.tracking_secret,
            "email": bool(data.get("petitioner_email")),
            "phone": bool(data.get("petitioner_phone")),
            "legacy_id": form.legacy_identity_number,
        }
        response = redirect("petitions:filed")
        response.set_cookie(
            FILED_COOKIE,
            _filed_fernet().encrypt(json.dumps(filed).encode()).decode(),
            max_age=FILED_COOKIE_AGE,
            path=reverse("petitions:filed"),
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite="Lax",
        )
        return response

    def get_initial(self) -> dict[str, Any]:
        initial = super().get_initial()
        if self.request.GET.get("unit"):
            initial["unit"] = self.request.GET["unit"]
        return initial


def _filed_from_cookie(request: HttpRequest) -> dict[str, Any] | None:
    token = request.COOKIES.get(FILED_COOKIE, "")
    if not token:
        return None
    try:
        filed = json.loads(_filed_fernet().decrypt(token.encode(), ttl=FILED_COOKIE_AGE))
    except (InvalidToken, ValueError):
        return None
    return filed if isinstance(filed, dict) else None


class PetitionFiledView(TemplateView):
    """Shows the code and secret of the petition just filed, once: they come from an encrypted
    cookie (valid 15 minutes, sent to this page only) that the page deletes."""

    template_name = "petitions/petition_filed.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # Shown once: a reload (or the next person at a shared computer) does not see the secret.
        filed = _filed_from_cookie(request)
        if filed:
            response: HttpResponse = self.render_to_response(self.get_context_data(filed=filed))
            response["Cache-Control"] = "no-store"
        else:
            response = redirect("petitions:track")
        if FILED_COOKIE in request.COOKIES:
            response.delete_cookie(FILED_COOKIE, path=reverse("petitions:filed"), samesite="Lax")
            # The filing is done: this browser's next filing (or a resend with Back) is another one.
            _new_filer(request, response)
        return response


class PetitionTrackView(FormView):
    """Code and secret show the status; the same answer for a wrong code or a wrong secret."""

    template_name = "petitions/petition_track.html"
    form_class = f.TrackForm

    def form_valid(self, form: f.TrackForm) -> HttpResponse:
        if is_rate_limited(self.request, scope="petition-track", limit=settings.PETITIONS_TRACK_RATE):
            form.add_error(None, _("Too many look-ups from your connection. Please try again later."))
            response = self.form_invalid(form)
            response.status_code = 429
            return response
        petition = petition_by_code(code=form.cleaned_data["code"])
        if not services.petition_check_secret(petition=petition, secret=form.cleaned_data["secret"]):
            form.add_error(None, _("No petition matches this code and secret. Check both and try again."))
            return self.form_invalid(form)
        assert petition is not None
        tracking = petition_public_tracking(petition=petition)
        # The secret goes back only inside the letter's download form, on a page never cached.
        context = self.get_context_data(form=f.TrackForm(), tracking=tracking, secret=form.cleaned_data["secret"])
        response = self.render_to_response(context)
        response["Cache-Control"] = "no-store"
        return response


class PetitionReplyLetterView(FormView):
    """The reply letter of a resolved petition, downloaded with the same code and secret as the
    tracking page (POST only; the same rate limit and the same answer for a wrong code or
    secret). A denouncer gets the conclusion notice attached to the conclusion."""

    form_class = f.TrackForm
    template_name = "petitions/petition_track.html"
    http_method_names = ["post", "options"]

    def form_valid(self, form: f.TrackForm) -> HttpResponse:
        if is_rate_limited(self.request, scope="petition-track", limit=settings.PETITIONS_TRACK_RATE):
            form.add_error(None, _("Too many look-ups from your connection. Please try again later."))
            response = self.form_invalid(form)
            response.status_code = 429
            return response
        petition = petition_by_code(code=form.cleaned_data["code"])
        letter = None
        if services.petition_check_secret(petition=petition, secret=form.cleaned_data["secret"]):
            assert petition is not None
            letter = petition_public_letter(petition=petition)
        if letter is None:
            form.add_error(None, _("No petition matches this code and secret. Check both and try again."))
            return self.form_invalid(form)
        response = attachment_response(letter.file.open("rb"), filename=letter.original_name, mime=letter.mime)
        response["Cache-Control"] = "no-store"
        return response
