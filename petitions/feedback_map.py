"""Reads of the map of feedback (phản ánh): the points of the public map and of the staff map,
page by page, newest first.

Only feedback with a point is mapped; never a complaint, a denunciation or a recommendation.
A public point carries the tracking code, the category, the status, the day received, the
unit and the place: no petitioner, no contact, no text they wrote. A staff point adds the
petition's id and reference (its page), within the official's units only.

A page is one range scan of `petition_feedback_map_idx` (kind = feedback with a point, by
received day and id, newest first) with a LIMIT: the next page starts after the last row
(keyset), so the thousandth page costs what the first does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Q, QuerySet
from django.utils import timezone

from core.choices import PetitionKind
from core.models import Unit
from core.selectors import STAFF_ROLES, scope_to_user, unit_paths_for, unit_subtree_q

from .models import OPEN_STATUSES, FeedbackCategory, Petition, PetitionStatus

AnyUser = User | AnonymousUser

# Points in one answer at most, and the default window when no dates are given.
PAGE_MAX = 2000
DEFAULT_DAYS = 90
# The staff map's filter lists the units of the official's scope down to this many.
UNIT_CHOICES_MAX = 500


@dataclass(frozen=True)
class MapFilters:
    status: str = ""  # "", "open", "closed", or (staff) one PetitionStatus value
    category: str = ""
    since: date | None = None
    until: date | None = None
    unit: str = ""  # staff only: a unit code of their scope; its subtree


@dataclass(frozen=True)
class MapPoint:
    pk: int
    ref: str
    code: str
    latitude: float
    longitude: float
    category: str
    status: str
    is_open: bool
    received_on: date
    unit_name: str
    place: str

    @property
    def category_label(self) -> str:
        return str(FeedbackCategory(self.category).label)

    @property
    def status_label(self) -> str:
        return str(PetitionStatus(self.status).label)


@dataclass(frozen=True)
class MapPage:
    points: list[MapPoint]
    next_cursor: str  # "" on the last page
    since: date | None
    until: date | None
    units: dict[str, str] = field(default_factory=dict)


def default_since(today: date | None = None) -> date:
    return (today or timezone.localdate()) - timedelta(days=DEFAULT_DAYS)


def parse_cursor(text: str) -> tuple[date, int] | None:
    """`2026-03-02_4411` → (day, id); None for anything else (the first page)."""
    day, _sep, pk = text.partition("_")
    try:
        return date.fromisoformat(day), int(pk)
    except ValueError:
        return None


def _cursor(point: MapPoint) -> str:
    return f"{point.received_on.isoformat()}_{point.pk}"


def _located_feedback() -> QuerySet[Petition]:
    # The same condition as petition_feedback_map_idx, so the planner can use it.
    return Petition.objects.filter(kind=PetitionKind.FEEDBACK, latitude__isnull=False, longitude__isnull=False)


def _filtered(qs: QuerySet[Petition], filters: MapFilters, *, cursor: str) -> QuerySet[Petition]:
    if filters.status == "open":
        qs = qs.filter(status__in=OPEN_STATUSES)
    elif filters.status == "closed":
        qs = qs.exclude(status__in=OPEN_STATUSES)
    elif filters.status:
        qs = qs.filter(status=filters.status)
    if filters.category:
        qs = qs.filter(category=filters.category)
    if filters.since is not None:
        qs = qs.filter(received_on__gte=filters.since)
    if filters.until is not None:
        qs = qs.filter(received_on__lte=filters.until)
    after = parse_cursor(cursor)
    if after is not None:
        day, pk = after
        qs = qs.filter(Q(received_on__lt=day) | Q(received_on=day, id__lt=pk))
    return qs


def _page(qs: QuerySet[Petition], filters: MapFilters, *, limit: int) -> MapPage:
    limit = max(1, min(PAGE_MAX, limit))
    rows = list(
        qs.order_by("-received_on", "-id").values_list(
            "id",
            "ref",
            "tracking_code",
            "latitude",
            "longitude",
            "category",
            "status",
            "received_on",
            "unit__name",
            "location_address",
        )[: limit + 1]
    )
    points = [
        MapPoint(
            pk=pk,
            ref=ref,
            code=code or "",
            latitude=float(lat),
            longitude=float(lng),
            category=category or "other",
            status=status,
            is_open=status in OPEN_STATUSES,
            received_on=received_on,
            unit_name=unit_name,
            place=place,
        )
        for pk, ref, code, lat, lng, category, status, received_on, unit_name, place in rows[:limit]
    ]
    more = len(rows) > limit
    return MapPage(
        points=points,
        next_cursor=_cursor(points[-1]) if more and points else "",
        since=filters.since,
        until=filters.until,
    )


def public_feedback_points(*, filters: MapFilters, cursor: str = "", limit: int = PAGE_MAX) -> MapPage:
    """The public map's points: feedback filed online or through Open311 (those with a tracking
    code, which the point's page is found by)."""
    qs = _located_feedback().filter(tracking_code__isnull=False)
    return _page(_filtered(qs, filters, cursor=cursor), filters, limit=limit)


def staff_feedback_points(*, user: AnyUser, filters: MapFilters, cursor: str = "", limit: int = PAGE_MAX) -> MapPage:
    """The staff map's points: the feedback of the units where `user` is staff (and below),
    narrowed to one unit of that scope (and below) by `filters.unit`; an unknown unit or one
    outside the scope shows nothing."""
    qs = scope_to_user(_located_feedback(), user=user, roles=STAFF_ROLES)
    if filters.unit:
        path = Unit.objects.filter(code=filters.unit).values_list("path", flat=True).first()
        qs = qs.filter(unit_subtree_q([path])) if path else qs.none()
    return _page(_filtered(qs, filters, cursor=cursor), filters, limit=limit)


def public_feedback_by_code(*, code: str) -> Petition | None:
    """The feedback a public map point opens: only what the map shows is read."""
    return (
        Petition.objects.filter(kind=PetitionKind.FEEDBACK, tracking_code=code.strip().upper())
        .select_related("unit")
        .only(
            "tracking_code",
            "category",
            "status",
            "received_on",
            "location_address",
            "latitude",
            "longitude",
            "unit__name",
        )
        .first()
    )


def map_unit_choices(*, user: AnyUser) -> list[tuple[str, str]]:
    """The units an official may narrow their map to: those in force in their staff scope,
    highest first, at most UNIT_CHOICES_MAX."""
    paths = unit_paths_for(user=user, roles=STAFF_ROLES)
    units = Unit.objects.filter(valid_to__isnull=True)
    if paths is not None:
        units = units.filter(unit_subtree_q(paths, field=""))
    rows = units.order_by("path").values_list("code", "name")[:UNIT_CHOICES_MAX]
    return [(str(code), name) for code, name in rows]
