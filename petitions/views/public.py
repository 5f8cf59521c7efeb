"""The citizen's pages, no account: file a petition online (code and secret on screen and by
e-mail or SMS) and follow it with the code and the secret."""

from __future__ import annotations

import json
import logging
import uuid
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.middleware.csrf import get_token
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView

from civicdesk.crypto import derived_fernet
from core.choices import PetitionKind
from core.held_files import KeepsFiles, filer, new_filer
from core.kept import kept_page
from core.ratelimit import client_ip, is_rate_limited
from core.uploads import attachment_response

from .. import forms as f
from .. import services
from ..fastpath import tracking_html
from ..models import Attachment
from ..selectors import (
    petition_by_code,
    petition_lookup,
    petition_public_letter,
    petition_public_tracking,
)
from .map import allow_tiles, map_config

logger = logging.getLogger(__name__)
# The confirmation page's code and secret travel in a short-lived encrypted cookie, not in
# the session: a filing then writes no session row (no extra transaction per citizen).
FILED_COOKIE = "petitions_filed"
FILED_COOKIE_AGE = 15 * 60


def _filed_fernet() -> Fernet:
    """Encrypts the confirmation cookie, with a key of its own derived from SECRET_KEY."""
    return derived_fernet("petitions.filed-cookie")


class PetitionFileView(KeepsFiles, FormView):
    """Online filing, no account: code and secret on screen and by e-mail or SMS."""

    template_name = "petitions/petition_file.html"
    form_class = f.PetitionFileForm
    # Files are kept against the filing's idempotency key (core.held_files).
    held_salt = "petitions.held-uploads"
    form_key_field = "idempotency_key"
    hold_scope = "petition-hold"
    hold_rate_setting = "PETITIONS_FILE_RATE"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return allow_tiles(super().dispatch(request, *args, **kwargs))  # the place picker's map

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
        return super().get_context_data(kinds=kinds, held=self.held_files(), picker_config=picker, **kwargs)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.drop_unticked()
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form: f.PetitionFileForm) -> HttpResponse:
        """Keep the files that pass the checks: the citizen need not choose them again."""
        if not form.data.get("website"):  # not for a bot (the honeypot filled)
            uploads = self.request.FILES.getlist("attachments")
            self.hold([("attachments", uploads)], max_bytes=Attachment.MAX_BYTES, max_files=Attachment.MAX_FILES)
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
        try:
            petition = services.petition_create(
                **f.filing_arguments(data),
                attachments=[
                    *self.take(),
                    *(data.get("attachments") or []),
                ],
                ip_address=client_ip(self.request) or None,
                idempotency_owner=filer(self.request),
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
        self.release()
        filed = {
            "code": petition.tracking_code,
            "secret": petition.tracking_secret,
            "email": bool(data.get("petitioner_email")),
            "phone": bool(data.get("petitioner_phone")),
            "legacy_id": form.legacy_identity_number,
        }
        page = reverse("petitions:filed")  # the redirect's target and the cookie's only path
        response = HttpResponseRedirect(page)
        response.set_cookie(
            FILED_COOKIE,
            _filed_fernet().encrypt(json.dumps(filed).encode()).decode(),
            max_age=FILED_COOKIE_AGE,
            path=page,
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
            new_filer(request, response)
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
        petition, events = petition_lookup(code=form.cleaned_data["code"])
        if not services.petition_check_secret(petition=petition, secret=form.cleaned_data["secret"]):
            form.add_error(None, _("No petition matches this code and secret. Check both and try again."))
            return self.form_invalid(form)
        assert petition is not None
        tracking = petition_public_tracking(petition=petition, events=events)
        # The secret goes back only inside the letter's download form, on a page never cached.
        answer = tracking_html(tracking, secret=form.cleaned_data["secret"], csrf_token=get_token(self.request))
        # The answer is the only part of the page that is the petition's (core.kept.kept_page).
        response = kept_page(
            self.request,
            self.template_name,
            lambda: self.get_context_data(form=f.TrackForm()),
            slots={"answer": answer},
        )
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
