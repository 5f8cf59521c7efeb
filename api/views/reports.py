"""Compiled reports through the API: a unit's report for a period as the JSON of
CONTRACTS.md, and its versions."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.request import Request
from rest_framework.response import Response

from reports.models import CompiledReport, CompileState

from .. import serializers as s
from ..permissions import ScopedRead
from ..selectors import in_scope
from .base import ApiView, Cursor, date_param


class ReportCursor(Cursor):
    ordering = ("-period_to", "-id")


def compiled(caller_paths: list[str] | None) -> QuerySet[CompiledReport]:
    done = CompiledReport.objects.filter(state=CompileState.DONE).select_related("unit")
    return in_scope(done, paths=caller_paths)


class ReportList(generics.ListAPIView, ApiView):  # type: ignore[type-arg]
    """The compiled reports of the caller's units (without their figures)."""

    permission_classes = (ScopedRead,)
    serializer_class = s.ReportSerializer
    pagination_class = ReportCursor

    def get_queryset(self) -> QuerySet[CompiledReport]:
        qs = compiled(self.caller().paths).defer("figures", "previous_figures", "children")
        params = self.request.query_params
        if params.get("unit"):
            qs = qs.filter(unit__code=params["unit"])
        period_from, period_to = date_param(self.request, "period_from"), date_param(self.request, "period_to")
        if period_from:
            qs = qs.filter(period_from=period_from)
        if period_to:
            qs = qs.filter(period_to=period_to)
        return qs

    @extend_schema(
        parameters=[
            OpenApiParameter("unit", str),
            OpenApiParameter("period_from", OpenApiTypes.DATE),
            OpenApiParameter("period_to", OpenApiTypes.DATE),
        ]
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class ReportDetail(generics.RetrieveAPIView, ApiView):  # type: ignore[type-arg]
    """One compiled version with its figures."""

    permission_classes = (ScopedRead,)
    serializer_class = s.ReportFiguresSerializer

    def get_queryset(self) -> QuerySet[CompiledReport]:
        return compiled(self.caller().paths)


class ReportVersions(generics.ListAPIView, ApiView):  # type: ignore[type-arg]
    """Every compiled version of the same unit and period, newest first."""

    permission_classes = (ScopedRead,)
    serializer_class = s.ReportSerializer
    pagination_class = None

    def get_queryset(self) -> QuerySet[CompiledReport]:
        reports = compiled(self.caller().paths)
        report = generics.get_object_or_404(reports, pk=self.kwargs["pk"])
        return reports.filter(
            unit_id=report.unit_id, period_from=report.period_from, period_to=report.period_to
        ).order_by("-version")
