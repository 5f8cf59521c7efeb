"""One-stop dossiers through the API: handed over by another system (the portal's online
dossiers), and their status and events for staff and systems within their scope."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.request import Request
from rest_framework.response import Response

from adminreform import services as dossier_services
from adminreform.models import Dossier, DossierEvent, Procedure
from core.models import Unit
from core.ratelimit import client_ip

from .. import serializers as s
from .. import services
from ..permissions import KeyWrite, ScopedRead
from ..selectors import in_scope
from .base import ApiView, Cursor, date_param

FIELDS = ("unit", "handling_unit")


def _unknown(field: str) -> Any:
    from django.utils.translation import gettext as _
    from rest_framework.exceptions import ValidationError

    return ValidationError({field: [_("No such code.")]})


class DossierCursor(Cursor):
    ordering = ("-received_on", "-id")


class DossierList(generics.ListCreateAPIView, ApiView):  # type: ignore[type-arg]
    serializer_class = s.DossierSerializer
    pagination_class = DossierCursor

    def get_permissions(self) -> list[Any]:
        return [KeyWrite()] if self.request.method == "POST" else [ScopedRead()]

    def get_queryset(self) -> QuerySet[Dossier]:
        qs = in_scope(
            Dossier.objects.select_related("unit", "handling_unit", "procedure"),
            paths=self.caller().paths,
            fields=FIELDS,
        )
        params = self.request.query_params
        for name in ("status", "channel"):
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
            OpenApiParameter("channel", str),
            OpenApiParameter("unit", str),
            OpenApiParameter("received_from", OpenApiTypes.DATE),
            OpenApiParameter("received_to", OpenApiTypes.DATE),
        ]
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(request=s.DossierCreateSerializer, responses={201: s.DossierSerializer, 200: s.DossierSerializer})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        given = s.DossierCreateSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        caller = self.caller()
        assert caller.key is not None
        unit = Unit.objects.filter(code=data["unit"]).first()
        if unit is None or not caller.covers(unit):
            raise _unknown("unit")
        procedure = Procedure.objects.filter(code=data["procedure"]).first()
        if procedure is None:
            raise _unknown("procedure")
        dossier, new = services.dossier_hand_over(
            key=caller.key,
            external_id=data["external_id"],
            unit=unit,
            procedure=procedure,
            applicant=dossier_services.Applicant(
                name=data["applicant_name"],
                phone=data.get("applicant_phone", ""),
                email=data.get("applicant_email", ""),
                address=data.get("applicant_address", ""),
                id_number=data.get("applicant_id_number", ""),
            ),
            positions=data["documents"],
            ip_address=client_ip(request) or None,
        )
        return Response(
            s.DossierSerializer(dossier).data, status=status.HTTP_201_CREATED if new else status.HTTP_200_OK
        )


class DossierDetail(generics.RetrieveAPIView, ApiView):  # type: ignore[type-arg]
    permission_classes = (ScopedRead,)
    serializer_class = s.DossierSerializer
    lookup_field = "ref"

    def get_queryset(self) -> QuerySet[Dossier]:
        qs = Dossier.objects.select_related("unit", "handling_unit", "procedure")
        return in_scope(qs, paths=self.caller().paths, fields=FIELDS)


class DossierEvents(generics.ListAPIView, ApiView):  # type: ignore[type-arg]
    """The dossier's steps: what happened, when, from which status to which."""

    permission_classes = (ScopedRead,)
    serializer_class = s.DossierEventSerializer
    pagination_class = None

    def get_queryset(self) -> QuerySet[DossierEvent]:
        dossiers = in_scope(Dossier.objects.all(), paths=self.caller().paths, fields=FIELDS)
        dossier = get_object_or_404(dossiers, ref=self.kwargs["ref"])
        return DossierEvent.objects.filter(dossier=dossier).order_by("occurred_at", "pk")
