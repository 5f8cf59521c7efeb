"""The api app's fast paths, in one place: the two answers whose cost decides a performance
figure (docs/performance.md, P9 and P10).

- **The status lookup** (`status_lookup`, P9): the plain call — a citizen's app posting code
  and secret, urlencoded or JSON, with no key, no session and no other format asked for — is
  answered without DRF's request wrapping, content negotiation, serializers and throttle
  classes, which cost more CPU than the lookup itself. It makes the same checks with the same
  counters (the per-address limit of `api.throttling`, the web lookup's limits of
  `petitions:track`, counted in one round trip), reads the petition through the web lookup's
  own fast path (`petitions.selectors.petition_lookup`, `petition_public_tracking`), and
  answers exactly what the DRF view answers: the same JSON bytes, headers and problems, one
  404 for a wrong code and a wrong secret. Any other call (a key, a session, a bad or odd
  body, another `Accept`) returns None and goes through DRF (`views.petitions.PetitionStatus`):
  `tests/api/test_fastpath.py` holds both answers equal.
- **The Open311 list's rows** (`open311_rows`, P10): read as values (never model instances),
  labels translated once per language, the units' names from the per-process reference data
  (`core.selectors.unit_names`): no join, so the page is one ordered range scan of the list's
  index stopped at its 200th row.
- **The Open311 list's answers, shared for a while** (`ListAnswers`, P10): city apps poll the
  same few lists; a worker answers the same query (format, language, day and parameters) from
  the answer it built for up to `OPEN311_LIST_SECONDS`, as long as the listed feedback's
  generation (one cache key, read once a request) is the one it was built from. Every change
  a workflow records on listed feedback — a filing, a status, a classification that could move
  it out of the list — writes a new generation after its commit (`feedback_changed`), so the
  next request of every worker builds the answer again.

No SQL and no HTML are written here: the reads are the ORM's and the petitions app's fast path.
"""

from __future__ import annotations

import json
import logging
import time as clock
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import date, datetime, time
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import models, transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import get_language
from rest_framework.renderers import JSONRenderer

from civicdesk.db import AuditEventBase
from core.choices import PetitionKind
from core.ratelimit import client_ip, form_limits, hits, log_refusal
from core.selectors import unit_names
from petitions import services as petition_services
from petitions.models import OPEN_STATUSES, FeedbackCategory, Petition, PetitionEvent, PetitionStatus
from petitions.selectors import PublicTracking, petition_lookup, petition_public_tracking

from .problems import PROBLEM_TYPE, problem
from .throttling import WINDOW_S, address_limit

logger = logging.getLogger(__name__)

# --- the status lookup (P9) ----------------------------------------------------------------------

TRACK_WINDOW_S = 3600  # the web lookup's window (core.ratelimit.is_rate_limited's default)
# The serializer's limits (serializers.TrackRequestSerializer): longer values go through DRF.
MAX_LENGTHS = {"code": 40, "secret": 100}
_PLAIN_ACCEPT = {"", "*/*", "application/json"}
_FORM = "application/x-www-form-urlencoded"
_RENDERER = JSONRenderer()


def _given(request: HttpRequest) -> dict[str, str] | None:
    """Code and secret from a plain body, trimmed as DRF's CharField trims them; None for
    anything DRF would judge otherwise (missing, blank, too long, not text, control characters)."""
    if request.content_type == _FORM:
        data: Any = request.POST
    elif request.content_type == "application/json" and request.content_params.get("charset", "utf-8").lower() in (
        "utf-8",
        "utf8",
    ):
        try:
            data = json.loads(request.body)
        except ValueError:
            return None
        if not isinstance(data, dict):
            return None
    else:
        return None
    given = {}
    for name, longest in MAX_LENGTHS.items():
        value = data.get(name)
        if type(value) is not str:
            return None
        value = value.strip()
        if not (0 < len(value) <= longest and value.isascii() and value.isprintable()):
            return None
        given[name] = value
    return given


def _json(data: dict[str, Any], *, status: int = 200, content_type: str = "application/json") -> HttpResponse:
    """What DRF's view answers for `data`: its JSON renderer's bytes and its Allow header."""
    response = HttpResponse(_RENDERER.render(data), status=status, content_type=content_type)
    response["Allow"] = "POST, OPTIONS"
    return response


def _problem(code: str, **headers: str) -> HttpResponse:
    body = problem(code)
    response = _json(body, status=body["status"], content_type=PROBLEM_TYPE)
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def tracking_data(tracking: PublicTracking) -> dict[str, Any]:
    """`serializers.PetitionTrackingSerializer(tracking).data`, as plain values."""
    return {
        "code": str(tracking.code),
        "kind": str(tracking.kind),
        "received_on": tracking.received_on.isoformat(),
        "status": str(tracking.status),
        "step": str(tracking.step),
        "due_on": tracking.due_on.isoformat() if tracking.due_on else None,
        "timeline": [{"on": step.on.isoformat(), "text": str(step.text)} for step in tracking.timeline],
    }


def status_lookup(request: HttpRequest) -> HttpResponse | None:
    """The API's answer to a plain status lookup, or None when DRF must answer (see above)."""
    meta = request.META
    if (
        request.method != "POST"
        or "HTTP_AUTHORIZATION" in meta
        or "HTTP_X_API_KEY" in meta
        or settings.SESSION_COOKIE_NAME in request.COOKIES
        or meta.get("HTTP_ACCEPT", "").strip() not in _PLAIN_ACCEPT
    ):
        return None
    given = _given(request)
    if given is None:
        return None
    address = client_ip(request)
    track_limits = form_limits(address, scope="petition-track", limit=settings.PETITIONS_TRACK_RATE)
    within, *track = hits(address_limit(address), *track_limits)
    enforced = getattr(settings, "CIVICDESK_RATELIMIT_ENABLED", True)
    if not within and enforced:
        return _problem("rate_limited", Retry_After=str(WINDOW_S))
    if not all(track) and enforced:
        log_refusal("petition-track", address)
        return _problem("rate_limited", Retry_After=str(TRACK_WINDOW_S))
    petition, events = petition_lookup(code=given["code"])
    if not petition_services.petition_check_secret(petition=petition, secret=given["secret"]):
        return _problem("not_found")
    assert petition is not None
    return _json(tracking_data(petition_public_tracking(petition=petition, events=events)))


# --- the Open311 list (P10) ----------------------------------------------------------------------

# What a request of the list shows, in the order `open311_rows` unpacks it.
OPEN311_FIELDS = (
    "tracking_code",
    "status",
    "category",
    "created_at",
    "updated_at",
    "due_on",
    "location_address",
    "latitude",
    "longitude",
    "unit_id",
)


@lru_cache(maxsize=8)
def _open311_labels(language: str | None) -> tuple[dict[str, str], dict[str, str]]:
    """Statuses' and services' labels in `language` (the active one), translated once."""
    return (
        {k: str(label) for k, label in PetitionStatus.choices},
        {k: str(label) for k, label in FeedbackCategory.choices},
    )


def open311_rows(petitions: QuerySet[Petition]) -> list[dict[str, Any]]:
    """Each petition of `petitions` (ordered and sliced by the caller) as a GeoReport request:
    the category, the status, the place and the unit; never the petitioner nor their text."""
    zone = timezone.get_current_timezone()
    statuses, services = _open311_labels(get_language())
    units = unit_names()

    def iso(moment: datetime | date | None) -> str | None:
        if moment is None:
            return None
        if not isinstance(moment, datetime):
            return datetime.combine(moment, time(0, 0), tzinfo=zone).isoformat(timespec="seconds")
        return moment.astimezone(zone).isoformat(timespec="seconds")

    rows = []
    for code, status, category, created, updated, due_on, address, lat, lng, unit_id in petitions.values_list(
        *OPEN311_FIELDS
    ):
        closed = status not in OPEN_STATUSES
        category = category or FeedbackCategory.OTHER
        rows.append(
            {
                "service_request_id": code,
                "status": "closed" if closed else "open",
                "status_notes": statuses.get(status, status),
                "service_name": services.get(category, category),
                "service_code": category,
                "description": "",
                "agency_responsible": units.get(unit_id, ""),
                "service_notice": "",
                "requested_datetime": iso(created),
                "updated_datetime": iso(updated),
                "expected_datetime": iso(due_on) if not closed else None,
                "address": address,
                "address_id": "",
                "zipcode": "",
                "lat": float(lat) if lat is not None else None,
                "long": float(lng) if lng is not None else None,
                "media_url": "",
            }
        )
    return rows


# --- the Open311 list's answers, shared for a while (P10) -----------------------------------------

GENERATION_KEY = "open311:feedback:generation"


@dataclass(frozen=True)
class _Answer:
    generation: Any
    until: float
    body: bytes
    content_type: str


class ListAnswers:
    """The list's answers a worker built, by query, at most `size` of them (emptied when full:
    query strings are unbounded). An answer is given again while it is younger than
    `OPEN311_LIST_SECONDS` and the listed feedback's generation is still the one it was built
    from. While the cache is down, every request builds its own answer."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._kept: dict[Hashable, _Answer] = {}

    def clear(self) -> None:
        self._kept.clear()

    def answer(self, key: Hashable, build: Callable[[], HttpResponse]) -> HttpResponse:
        seconds = settings.OPEN311_LIST_SECONDS
        if seconds <= 0:
            return build()
        try:
            generation = cache.get(GENERATION_KEY, 0)
        except Exception:  # cache backend down: nothing kept can be trusted
            logger.warning("Open311 list: cache unavailable, answering without kept answers", exc_info=True)
            return build()
        now = clock.time()
        kept = self._kept.get(key)
        if kept is not None and kept.generation == generation and kept.until > now:
            return HttpResponse(kept.body, content_type=kept.content_type)
        # Read before the rows: a change committed meanwhile has written a newer generation,
        # so what is built here is never kept past it.
        response = build()
        if response.status_code == 200:
            if len(self._kept) >= self.size:
                self._kept.clear()
            self._kept[key] = _Answer(generation, now + seconds, response.content, response["Content-Type"])
        return response


LIST_ANSWERS = ListAnswers(size=64)


def list_key(request: HttpRequest, fmt: str) -> Hashable:
    """Everything a list's answer depends on: its format, language, parameters and the day
    (the default window is the last 90 days)."""
    return (fmt, get_language(), timezone.localdate(), tuple(sorted((k, tuple(v)) for k, v in request.GET.lists())))


def new_generation() -> None:
    try:
        cache.set(GENERATION_KEY, clock.time_ns(), timeout=None)
    except Exception:  # the kept answers then end with their time (OPEN311_LIST_SECONDS)
        logger.warning("Open311 list: could not mark listed feedback as changed", exc_info=True)


def feedback_changed(record: models.Model, event: AuditEventBase) -> None:
    """`core.workflow`'s listener: after the commit of any event on feedback the list can show
    (a tracking code) — or a classification, which may move a petition out of it — every
    worker's kept answers are old."""
    if not isinstance(record, Petition) or not record.tracking_code:
        return
    if record.kind == PetitionKind.FEEDBACK or event.kind == PetitionEvent.Kind.CLASSIFIED:
        transaction.on_commit(new_generation)
