"""The dashboard's tiles: the figures a leader reads at a glance, each against the same period
last year and each linked to the rows behind it (`reports.drill`).

A count's change is said in per cent ("+12,3%"), a rate's in percentage points ("−2,1 điểm %":
96,2% against 98,3%), never a count's change for a rate. The figures come from the stored
report when it is compiled, or are computed on demand (`live_figures`, cached briefly) before.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.cache import cache
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from core.models import LEVEL_RANK, Unit, UnitLevel

from .compiling import PREVIOUS_KEYS, compile_figures
from .drill import drill_all
from .formatting import change, rate
from .periods import Period

# Seconds the figures of a period without a compiled version stay in the cache: the dashboard
# of the current quarter is read often and its figures move slowly.
LIVE_TTL = 300
# Seconds the count of petitions overdue today stays in the cache.
OVERDUE_TTL = 60

MINUS = "\u2212"  # the minus sign, not a hyphen


def live_figures(*, unit: Unit, period: Period) -> tuple[dict[str, Any], dict[str, Any]]:
    """The figures of `unit` over `period` and over the same period last year, computed now
    (cached for LIVE_TTL seconds): the dashboard of a period that has no compiled version yet."""
    key = f"reports:live:{unit.pk}:{unit.path}:{period.start}:{period.end}"
    cached = cache.get(key)
    if cached is None:
        figures = compile_figures(unit=unit, period=period)
        previous = compile_figures(unit=unit, period=period.previous, with_trend=False)
        cached = (figures, {k: previous[k] for k in PREVIOUS_KEYS})
        cache.set(key, cached, LIVE_TTL)
    return cached


def overdue_now(*, unit: Unit, today: date) -> int:
    """Petitions of `unit`'s subtree overdue today (the queue's "overdue"), cached a minute."""
    key = f"reports:overdue:{unit.pk}:{unit.path}:{today}"
    count = cache.get(key)
    if count is None:
        period = Period(today, today)
        count = drill_all(figure="petitions_overdue", unit=unit, period=period, today=today).count()
        cache.set(key, count, OVERDUE_TTL)
    return int(count)


def _get(figures: Mapping[str, Any] | None, *path: str) -> Any:
    value: Any = figures or {}
    for key in path:
        if not isinstance(value, Mapping) or key not in value:
            return None
        value = value[key]
    return value


def _levels(figures: Mapping[str, Any] | None) -> dict[str, Mapping[str, Any]]:
    return {e["level"]: e for e in _get(figures, "dossiers", "levels") or []}


def figure_value(figures: Mapping[str, Any], figure: str, level: str = "") -> int | None:
    """The figure a drill-through list lists (its length), read from the report's figures."""
    paths: dict[str, tuple[str, ...]] = {
        "visits": ("reception", "visits"),
        "visits_repeat": ("reception", "repeat_visits"),
        "petitions_received": ("petitions", "received"),
        "petitions_in_progress": ("petitions", "in_progress"),
        "dossiers_rated": ("dossiers", "satisfaction", "rated"),
        "dossiers_satisfied": ("dossiers", "satisfaction", "satisfied"),
        "dialogues": ("dialogues", "conferences"),
        "cases_decided": ("petitions", "cases", "decided"),
        "cases_on_time": ("petitions", "cases", "on_time"),
    }
    if figure in paths:
        value = _get(figures, *paths[figure])
        return None if value is None else int(value)
    if figure == "visits_first":
        visits, repeat = _get(figures, "reception", "visits"), _get(figures, "reception", "repeat_visits")
        return None if visits is None or repeat is None else int(visits) - int(repeat)
    if figure in ("cases_to_resolve", "cases_resolved"):
        which = "to_resolve" if figure == "cases_to_resolve" else "resolved"
        kinds = [_get(figures, "petitions", f"{kind}_cases", which) for kind in ("complaint", "denunciation")]
        return None if kinds[0] is None else sum(int(k or 0) for k in kinds)
    if figure in ("dossiers_resolved", "dossiers_on_time"):
        entry = _levels(figures).get(level)
        return int(entry["resolved" if figure == "dossiers_resolved" else "on_time"]) if entry else 0
    return None


def _number(value: int | Decimal) -> str:
    return number_format(value, decimal_pos=1 if isinstance(value, Decimal) else None, force_grouping=True)


def _pct(value: Decimal) -> str:
    return _number(value).removesuffix(",0").removesuffix(".0") + "%"


def count_change(current: int | None, previous: int | None) -> str | None:
    """ "+12,3%", "−4%": a count against last year's, in per cent; None when last year's is 0."""
    if current is None or previous is None:
        return None
    value = change(current, previous)
    if value is None:
        return None
    sign = "+" if value > 0 else (MINUS if value < 0 else "±")
    return f"{sign}{_pct(abs(value))}"


def rate_change(current: Decimal | None, previous: Decimal | None) -> str | None:
    """ "−2,1 điểm %": a rate against last year's, in percentage points."""
    if current is None or previous is None:
        return None
    points = current - previous
    sign = "+" if points > 0 else (MINUS if points < 0 else "±")
    text = _number(abs(points)).removesuffix(",0").removesuffix(".0")
    return _("%(sign)s%(points)s pp") % {"sign": sign, "points": text}


@dataclass(frozen=True)
class TileLine:
    text: str
    value: str
    link: str | None = None
    change: str | None = None


@dataclass(frozen=True)
class Tile:
    key: str
    label: str
    value: str
    link: str | None
    detail: str = ""
    change: str | None = None
    previous: str = ""
    lines: list[TileLine] = field(default_factory=list)


class TileLinks:
    """The drill-through URL of each figure, for one unit and period."""

    def __init__(self, unit: Unit, period_query: Mapping[str, Any]) -> None:
        self.code = unit.code
        self.query = dict(period_query)

    def __call__(self, figure: str, level: str = "") -> str:
        query = {**self.query, **({"level": level} if level else {})}
        return reverse("reports:rows", args=[self.code, figure]) + "?" + urlencode(query)


def _level_label(level: str) -> str:
    return str(UnitLevel(level).label) if level in UnitLevel.values else level


def dashboard_tiles(
    *, figures: Mapping[str, Any], previous: Mapping[str, Any] | None, overdue: int, links: TileLinks
) -> list[Tile]:
    """The tiles, in reading order."""
    tiles: list[Tile] = []
    last_year = _("last year: %(value)s")

    def count_tile(key: str, label: str, figure: str, *path: str, lines: list[TileLine] | None = None) -> Tile:
        current, before = _get(figures, *path), _get(previous, *path)
        return Tile(
            key=key,
            label=label,
            value=_number(int(current or 0)),
            link=links(figure),
            change=count_change(current, before),
            previous=last_year % {"value": _number(int(before))} if before is not None else "",
            lines=lines or [],
        )

    visits, repeat = _get(figures, "reception", "visits") or 0, _get(figures, "reception", "repeat_visits") or 0
    tiles.append(
        count_tile(
            "visits",
            _("Citizen visits"),
            "visits",
            "reception",
            "visits",
            lines=[
                TileLine(_("first time"), _number(visits - repeat), links("visits_first")),
                TileLine(_("repeated"), _number(repeat), links("visits_repeat")),
            ],
        )
    )
    tiles.append(count_tile("received", _("Petitions received"), "petitions_received", "petitions", "received"))
    tiles.append(
        count_tile("in_progress", _("Petitions in progress"), "petitions_in_progress", "petitions", "in_progress")
    )
    tiles.append(
        Tile(
            key="overdue",
            label=_("Petitions overdue today"),
            value=_number(overdue),
            link=links("petitions_overdue"),
            detail=_("past their deadline now, whatever the period"),
        )
    )
    tiles.append(_cases_tile(figures, previous, links))
    tiles.append(_dossiers_tile(figures, previous, links))
    tiles.append(_satisfaction_tile(figures, previous, links))
    tiles.append(_dialogues_tile(figures, previous, links))
    return tiles


def _cases_tile(figures: Mapping[str, Any], previous: Mapping[str, Any] | None, links: TileLinks) -> Tile:
    """Complaint and denunciation cases decided (a decision, a conclusion) of those to resolve,
    and of those decided, the ones decided within the time limit (`petitions.cases`)."""
    now = _get(figures, "petitions", "cases") or {"to_resolve": 0, "decided": 0, "on_time": 0}
    before = _get(previous, "petitions", "cases")
    pct = rate(int(now["decided"]), int(now["to_resolve"]))
    before_pct = rate(int(before["decided"]), int(before["to_resolve"])) if before else None
    on_time_pct = rate(int(now["on_time"]), int(now["decided"]))
    before_on_time = rate(int(before["on_time"]), int(before["decided"])) if before else None
    return Tile(
        key="cases",
        label=_("Complaint and denunciation cases decided"),
        value=_pct(pct) if pct is not None else "—",
        link=links("cases_decided"),
        detail=_("%(decided)s of %(to_resolve)s cases")
        % {"decided": _number(int(now["decided"])), "to_resolve": _number(int(now["to_resolve"]))},
        change=rate_change(pct, before_pct),
        previous=_("last year: %(value)s") % {"value": _pct(before_pct)} if before_pct is not None else "",
        lines=[
            TileLine(_("to resolve"), _number(int(now["to_resolve"])), links("cases_to_resolve")),
            TileLine(
                _("decided on time"),
                _number(int(now["on_time"])) + (f" ({_pct(on_time_pct)})" if on_time_pct is not None else ""),
                links("cases_on_time"),
                rate_change(on_time_pct, before_on_time),
            ),
        ],
    )


def _dialogues_tile(figures: Mapping[str, Any], previous: Mapping[str, Any] | None, links: TileLinks) -> Tile:
    """Dialogue conferences the heads held with citizens, and how many attended."""
    now = _get(figures, "dialogues") or {"conferences": 0, "attendees": 0}
    before = _get(previous, "dialogues", "conferences")
    return Tile(
        key="dialogues",
        label=_("Dialogue conferences"),
        value=_number(int(now["conferences"])),
        link=links("dialogues"),
        detail=_("%(attendees)s attendees") % {"attendees": _number(int(now["attendees"]))},
        change=count_change(int(now["conferences"]), before),
        previous=_("last year: %(value)s") % {"value": _number(int(before))} if before is not None else "",
    )


def _dossiers_tile(figures: Mapping[str, Any], previous: Mapping[str, Any] | None, links: TileLinks) -> Tile:
    now, before = _levels(figures), _levels(previous)
    lines = []
    on_time = resolved = 0
    for level in sorted(now, key=lambda lv: LEVEL_RANK.get(lv, 99)):  # type: ignore[call-overload]
        entry = now[level]
        on_time += int(entry["on_time"])
        resolved += int(entry["resolved"])
        pct = rate(int(entry["on_time"]), int(entry["resolved"]))
        old = before.get(level)
        old_pct = rate(int(old["on_time"]), int(old["resolved"])) if old else None
        lines.append(
            TileLine(
                _level_label(level),
                (_pct(pct) if pct is not None else "—")
                + " "
                + _("(%(on_time)s/%(resolved)s)")
                % {"on_time": _number(int(entry["on_time"])), "resolved": _number(int(entry["resolved"]))},
                links("dossiers_on_time", level),
                rate_change(pct, old_pct),
            )
        )
    total = rate(on_time, resolved)
    return Tile(
        key="dossiers",
        label=pgettext("dossier", "Dossiers resolved on time"),
        value=_pct(total) if total is not None else "—",
        link=None,
        detail=_("%(on_time)s of %(resolved)s resolved") % {"on_time": _number(on_time), "resolved": _number(resolved)},
        lines=lines,
    )


def _satisfaction_tile(figures: Mapping[str, Any], previous: Mapping[str, Any] | None, links: TileLinks) -> Tile:
    now = _get(figures, "dossiers", "satisfaction") or {"rated": 0, "satisfied": 0}
    before = _get(previous, "dossiers", "satisfaction")
    pct = rate(int(now["satisfied"]), int(now["rated"]))
    before_pct = rate(int(before["satisfied"]), int(before["rated"])) if before else None
    return Tile(
        key="satisfaction",
        label=_("Citizen satisfaction"),
        value=_pct(pct) if pct is not None else "—",
        link=links("dossiers_satisfied"),
        detail=_("%(satisfied)s satisfied of %(rated)s ratings")
        % {"satisfied": _number(int(now["satisfied"])), "rated": _number(int(now["rated"]))},
        change=rate_change(pct, before_pct),
        previous=_("last year: %(value)s") % {"value": _pct(before_pct)} if before_pct is not None else "",
        lines=[TileLine(_("ratings"), _number(int(now["rated"])), links("dossiers_rated"))],
    )
