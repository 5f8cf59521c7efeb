"""The public reference data: the effective-dated unit tree and the procedure catalogue."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.request import Request
from rest_framework.response import Response

from adminreform.models import Procedure
from core.models import Unit
from core.selectors import units_in_force
from reception.models import ReceptionSession
from reception.selectors import public_schedule

from .. import serializers as s
from ..permissions import Public
from .base import ApiView, Cursor, date_param


class UnitCursor(Cursor):
    ordering = ("path", "id")
    page_size = 200
    max_page_size = 1000


class UnitList(generics.ListAPIView, ApiView):  # type: ignore[type-arg]
    """The units (tỉnh, xã and their bodies) in force on a day, as a tree by `path`."""

    permission_classes = (Public,)
    serializer_class = s.UnitSerializer
    pagination_class = UnitCursor

    def get_queryset(self) -> QuerySet[Unit]:
        on = date_param(self.request, "on") or timezone.localdate()
        qs = units_in_force(start=on, end=on).select_related("parent")
        parent = self.request.query_params.get("parent", "").strip()
        if parent:
            qs = qs.filter(parent__code=parent)
        level = self.request.query_params.get("level", "").strip()
        if level:
            qs = qs.filter(level=level)
        return qs

    @extend_schema(
        parameters=[
            OpenApiParameter("on", OpenApiTypes.DATE, description="The day (default today)."),
            OpenApiParameter("parent", str, description="Only the children of this unit code."),
            OpenApiParameter("level", str, description="province, district or commune."),
        ]
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class UnitDetail(generics.RetrieveAPIView, ApiView):  # type: ignore[type-arg]
    permission_classes = (Public,)
    serializer_class = s.UnitSerializer
    queryset = Unit.objects.select_related("parent")
    lookup_field = "code"


class ProcedureCursor(Cursor):
    ordering = ("code",)


class ProcedureList(generics.ListAPIView, ApiView):  # type: ignore[type-arg]
    """The administrative procedures a citizen can file, with their documents and times."""

    permission_classes = (Public,)
    serializer_class = s.ProcedureSerializer
    pagination_class = ProcedureCursor

    def get_queryset(self) -> QuerySet[Procedure]:
        on = timezone.localdate()
        qs = Procedure.objects.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=on)).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=on)
        )
        level = self.request.query_params.get("level", "").strip()
        if level:
            qs = qs.filter(level=level)
        online = self.request.query_params.get("online_service", "").strip()
        if online:
            qs = qs.filter(online_service=online)
        return qs.prefetch_related("documents")

    @extend_schema(
        parameters=[
            OpenApiParameter("level", str, description="province, district or commune."),
            OpenApiParameter("online_service", str, description="none, partly or fully."),
        ]
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class ProcedureDetail(generics.RetrieveAPIView, ApiView):  # type: ignore[type-arg]
    permission_classes = (Public,)
    serializer_class = s.ProcedureSerializer
    queryset = Procedure.objects.prefetch_related("documents")
    lookup_field = "code"


class UnitSchedule(generics.ListAPIView, ApiView):  # type: ignore[type-arg]
    """The unit's published reception sessions of its leaders, from today on (the public
    schedule)."""

    permission_classes = (Public,)
    serializer_class = s.ScheduleSerializer
    pagination_class = None

    def get_queryset(self) -> QuerySet[ReceptionSession]:
        unit = generics.get_object_or_404(Unit.objects.all(), code=self.kwargs["code"])
        return public_schedule(unit=unit, limit=50)
