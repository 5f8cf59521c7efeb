"""Petitions through the API: filing (public, the web form's rules), the status by code and
secret (public, one answer for a wrong code and a wrong secret), and the list and detail for
staff and systems within their scope."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, generics, status
from rest_framework.request import Request
from rest_framework.response import Response

from core.ratelimit import client_ip, is_rate_limited
from petitions import forms as petition_forms
from petitions import services as petition_services
from petitions.models import Petition
from petitions.selectors import petition_by_code, petition_public_tracking

from .. import fastpath
from .. import serializers as s
from ..permissions import Public, ScopedRead
from ..selectors import in_scope
from .base import ApiView, Cursor, date_param


def form_errors(form: Any) -> exceptions.ValidationError:
    """A Django form's errors as the API's field errors."""
    errors = {("non_field_errors" if f == "__all__" else f): list(msgs) for f, msgs in form.errors.items()}
    return exceptions.ValidationError(errors)


class Throttled429(exceptions.Throttled):
    pass


class PetitionFile(ApiView):
    """File a petition as a citizen would online. Checked by the web form itself (the same
    fields, rules and messages), the same limits per address (for a caller with a key, the
    key's limit), an idempotency key, and up to 5 attachments (multipart)."""

    permission_classes = (Public,)
    serializer_class = s.PetitionFileSerializer

    @extend_schema(
        request={"multipart/form-data": s.PetitionFileSerializer, "application/json": s.PetitionFileSerializer},
        responses={201: s.PetitionFiledSerializer},
    )
    def post(self, request: Request) -> Response:
        data = QueryDict(mutable=True)
        for name, value in request.data.items():
            if name == "attachments":
                continue
            data[name] = "on" if value is True else ("" if value in (False, None) else str(value))
        if not data.get("signers"):
            data["signers"] = "1"
        files = request.FILES if hasattr(request, "FILES") else None
        form = petition_forms.PetitionFileForm(data, files)
        if not form.is_valid():
            raise form_errors(form)
        cleaned = form.cleaned_data
        if self.caller().key is None and is_rate_limited(
            request._request, scope="petition-file", limit=settings.PETITIONS_FILE_RATE
        ):
            raise Throttled429(wait=3600)
        petition = petition_services.petition_create(
            **petition_forms.filing_arguments(cleaned),
            attachments=cleaned.get("attachments") or [],
            ip_address=client_ip(request) or None,
            idempotency_owner=self.idempotency_owner(request),
            source=self.source(),
        )
        return Response(
            {
                "tracking_code": petition.tracking_code,
                "tracking_secret": petition.tracking_secret,
                "received_on": petition.received_on,
            },
            status=status.HTTP_201_CREATED,
        )

    def idempotency_owner(self, request: Request) -> str:
        """Who sends the key: the system's API key, or, without one, the caller's address. The
        same key from another sender files nothing and shows nothing (as a replay on the web)."""
        key = self.caller().key
        return f"api-key:{key.pk}" if key is not None else f"api-ip:{client_ip(request) or ''}"

    def source(self) -> str:
        key = self.caller().key
        return _("API: %(system)s") % {"system": key.name} if key else _("Online filing")


class PetitionStatus(ApiView):
    """The citizen's tracking: status, the running step's deadline and a plain timeline. A
    wrong code and a wrong secret get the same 404."""

    permission_classes = (Public,)
    serializer_class = s.TrackRequestSerializer

    def dispatch(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        # The plain call (no key, no session, a plain body) is answered by the fast path with
        # the same checks and the same answer (api.fastpath, docs/performance.md P9).
        answer = fastpath.status_lookup(request)
        return answer if answer is not None else super().dispatch(request, *args, **kwargs)

    @extend_schema(
        responses={200: s.PetitionTrackingSerializer, 404: OpenApiResponse(description="No such code and secret.")}
    )
    def post(self, request: Request) -> Response:
        given = s.TrackRequestSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        if is_rate_limited(request._request, scope="petition-track", limit=settings.PETITIONS_TRACK_RATE):
            raise Throttled429(wait=3600)
        petition = petition_by_code(code=given.validated_data["code"])
        if not petition_services.petition_check_secret(petition=petition, secret=given.validated_data["secret"]):
            raise exceptions.NotFound
        assert petition is not None
        tracking = petition_public_tracking(petition=petition)
        return Response(s.PetitionTrackingSerializer(tracking).data)


class PetitionCursor(Cursor):
    ordering = ("-received_on", "-id")


class PetitionList(generics.ListAPIView, ApiView):  # type: ignore[type-arg]
    """The petitions of the caller's units, newest first."""

    permission_classes = (ScopedRead,)
    serializer_class = s.PetitionSerializer
    pagination_class = PetitionCursor

    def get_queryset(self) -> QuerySet[Petition]:
        qs = in_scope(Petition.objects.select_related("unit"), paths=self.caller().paths)
        params = self.request.query_params
        for name in ("status", "kind", "channel"):
            if params.get(name):
                qs = qs.filter(**{name: params[name]})
        if params.get("unit"):
            qs = qs.filter(unit__code=params["unit"])
        received_from, received_to = date_param(self.request, "received_from"), date_param(self.request, "received_to")
        if received_from:
            qs = qs.filter(received_on__gte=received_from)
        if received_to:
            qs = qs.filter(received_on__lte=received_to)
        return qs

    @extend_schema(
        parameters=[
            OpenApiParameter("status", str),
            OpenApiParameter("kind", str),
            OpenApiParameter("channel", str),
            OpenApiParameter("unit", str, description="A unit code within the scope."),
            OpenApiParameter("received_from", OpenApiTypes.DATE),
            OpenApiParameter("received_to", OpenApiTypes.DATE),
        ]
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class PetitionDetail(generics.RetrieveAPIView, ApiView):  # type: ignore[type-arg]
    permission_classes = (ScopedRead,)
    serializer_class = s.PetitionSerializer

    def get_queryset(self) -> QuerySet[Petition]:
        return in_scope(Petition.objects.select_related("unit"), paths=self.caller().paths)
