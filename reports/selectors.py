"""Reads of the reports app. The dashboard reads compiled figures (one row), never raw
records, so it stays fast at city scale; every read is scoped to the viewer's units."""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from core.collation import vietnamese_sort_key
from core.models import Membership, Role, Unit
from core.selectors import (
    AnyUser,
    scope_to_user,
    unit_ancestors,
    unit_by_code_kept,
    unit_paths_for,
    units_visible_to,
    user_has_role,
)

from .documents import Letterhead, letterhead
from .fastpath import latest_done_report
from .formatting import change, rate
from .models import CompiledReport, CompileState, ReportStatus
from .narrative import level_tier
from .periods import Period

DASHBOARD_ROLES: tuple[str, ...] = (Role.HEAD, Role.LEADER_VIEWER, Role.INSPECTOR, Role.ADMIN)


def report_units_visible_to(*, user: AnyUser) -> QuerySet[Unit]:
    return units_visible_to(user=user, roles=DASHBOARD_ROLES)


def report_access(*, user: AnyUser) -> bool:
    """Whether `user` reads any unit's reports: a reports role somewhere, or a superuser. From
    the request's remembered memberships: no query of its own."""
    paths = unit_paths_for(user=user, roles=DASHBOARD_ROLES)
    return paths is None or bool(paths)


def report_unit_visible(*, user: AnyUser, code: str) -> Unit | None:
    """The unit `code` when `user` may read its reports (`report_units_visible_to`'s rule,
    checked on the remembered memberships instead of in the unit's query); the unit is the
    copy kept per process (`unit_by_code_kept`)."""
    unit = unit_by_code_kept(code)
    if unit is None or not user_has_role(user=user, unit=unit, roles=DASHBOARD_ROLES):
        return None
    return unit


def report_home_unit(*, user: AnyUser) -> Unit | None:
    """The highest unit where the user may read reports."""
    if not user.is_authenticated:
        return None
    membership = (
        Membership.objects.filter(user=user, role__in=DASHBOARD_ROLES).select_related("unit").order_by("unit__path")
    ).first()
    if membership is not None:
        return membership.unit
    if user.is_superuser:
        return Unit.objects.filter(parent__isnull=True).order_by("path").first()
    return None


def report_home_units(*, user: AnyUser) -> list[Unit]:
    """Every unit where the user holds a reports role (their dashboards' starting points)."""
    if not user.is_authenticated:
        return []
    memberships = Membership.objects.filter(user=user, role__in=DASHBOARD_ROLES).select_related("unit")
    return list({m.unit.pk: m.unit for m in memberships.order_by("unit__path")}.values())


def report_list_visible_to(*, user: AnyUser) -> QuerySet[CompiledReport]:
    return scope_to_user(CompiledReport.objects.select_related("unit"), user=user, roles=DASHBOARD_ROLES)


# The compiled document: tens of kilobytes of JSON, decoded on every read of the row.
FIGURE_FIELDS = ("figures", "previous_figures", "children")


def report_latest(*, user: AnyUser, unit: Unit, period: Period, with_figures: bool = True) -> CompiledReport | None:
    """The newest compiled version of `unit` over `period`, if any, when `user` may read the
    unit's reports. `with_figures=False` leaves the compiled documents out (for a page that
    serves them from its cache: see `report_with_figures`; a drill-through list's number comes
    from `report_figures_latest`).

    One unit's reports are visible exactly when the unit is, so the scope is checked on the
    unit (on the memberships the request remembered) and the query filters on the unit alone:
    building the subtree filter and its join cost more than the rest of the dashboard's reads."""
    if not user_has_role(user=user, unit=unit, roles=DASHBOARD_ROLES):
        return None
    reports = CompiledReport.objects.filter(
        unit=unit, period_from=period.start, period_to=period.end, state=CompileState.DONE
    )
    if not with_figures:
        reports = reports.defer(*FIGURE_FIELDS)
    report = reports.order_by("-version").first()
    if report is not None:
        report.unit = unit
    return report


def report_figures_latest(*, user: AnyUser, unit: Unit, period: Period) -> dict[str, Any] | None:
    """The compiled figures of the newest done version of `unit` over `period` (as
    `report_latest` finds it), None when there is none or `user` may not read the unit's
    reports. The version is found by one prepared statement (`fastpath.latest_done_report`)
    and its figures read once per worker process (`_figures_of`). The dict is shared: read it,
    never change it."""
    if not user_has_role(user=user, unit=unit, roles=DASHBOARD_ROLES):
        return None
    found = latest_done_report(unit_id=unit.pk, start=period.start, end=period.end)
    return _figures_of(*found) if found is not None else None


@functools.lru_cache(maxsize=32)
def _figures_of(report_id: int, compiled_at: object) -> dict[str, Any]:
    """A done version's figures (about 20 KB of JSON for a city, decoded on every read
    otherwise), kept by report and compile time: a done version's documents never change, and
    compiling again makes a new version."""
    figures = CompiledReport.objects.filter(pk=report_id).values_list("figures", flat=True).first()
    return figures or {}


def report_with_figures(report: CompiledReport) -> CompiledReport:
    """`report` with its compiled document, in one query (not one a deferred field)."""
    deferred = report.get_deferred_fields()
    if not deferred:
        return report
    report.refresh_from_db(fields=sorted(deferred))
    return report


def report_pending(*, user: AnyUser, unit: Unit, period: Period) -> CompiledReport | None:
    return (
        report_list_visible_to(user=user)
        .filter(
            unit=unit,
            period_from=period.start,
            period_to=period.end,
            state__in=(CompileState.QUEUED, CompileState.RUNNING),
        )
        .order_by("-version")
        .first()
    )


def report_versions(*, report: CompiledReport) -> QuerySet[CompiledReport]:
    return CompiledReport.objects.filter(
        unit=report.unit, period_from=report.period_from, period_to=report.period_to
    ).order_by("-version")


# --- the dashboard's figures -----------------------------------------------------------------


@dataclass(frozen=True)
class Comparison:
    key: str
    label: str
    current: int | None
    previous: int | None
    change_pct: Decimal | None
    link: str | None = None
    indent: bool = False
    rate_pct: Decimal | None = None
    previous_rate_pct: Decimal | None = None


@dataclass(frozen=True)
class ChildRow:
    code: str
    name: str
    values: dict[str, Any] = field(default_factory=dict)

    @property
    def cells(self) -> list[Any]:
        return [self.values[key] for key, _label in CHILD_COLUMNS]


CHILD_COLUMNS: tuple[tuple[str, str], ...] = (
    ("visits", "Visits"),
    ("head_visits", "By the head"),
    ("received", "Petitions received"),
    ("resolved", "Petitions resolved"),
    ("in_progress", "Petitions in progress"),
    ("cases_resolved_pct", "Complaint cases resolved (%)"),
    ("dossiers_resolved", "Dossiers resolved"),
    ("on_time_pct", "On time (%)"),
)


def child_column_labels() -> list[tuple[str, str]]:
    labels = {
        "visits": _("Visits"),
        "head_visits": _("By the head"),
        "received": _("Petitions received"),
        "resolved": _("Petitions resolved"),
        "in_progress": _("Petitions in progress"),
        "cases_resolved_pct": _("Complaint cases resolved (%)"),
        "dossiers_resolved": _("Dossiers resolved"),
        "on_time_pct": _("On time (%)"),
    }
    return [(key, labels[key]) for key, _label in CHILD_COLUMNS]


def _dossier_totals(figures: Mapping[str, Any]) -> dict[str, int]:
    levels = figures.get("dossiers", {}).get("levels", [])
    keys = ("to_resolve", "resolved", "on_time", "late", "in_progress", "in_progress_overdue")
    return {k: sum(int(e.get(k) or 0) for e in levels) for k in keys}


def _change(current: int | None, previous: int | None) -> Decimal | None:
    """The change in %, when both figures exist and last year's is not 0."""
    return change(current, previous) if current is not None and previous is not None else None


def dashboard_comparisons(
    report: CompiledReport, *, links: Callable[..., str | None] = lambda figure, level="": None
) -> list[Comparison]:
    """This period against the same period last year, figure by figure, with links to the
    rows behind each figure that has a drill-through list (`links(figure, level)`:
    reports.tiles.TileLinks, the unit's subtree over the period)."""
    now, before = report.figures, report.previous_figures or {}

    def get(figures: Mapping[str, Any], *path: str) -> int | None:
        value: Any = figures
        for key in path:
            if not isinstance(value, Mapping) or key not in value:
                return None
            value = value[key]
        return int(value) if value is not None else None

    def row(key: str, label: str, *path: str, link: str | None = None, indent: bool = False) -> Comparison:
        current, previous = get(now, *path), get(before, *path)
        return Comparison(key, label, current, previous, _change(current, previous), link, indent)

    kinds = kind_labels()
    rows = [
        row("visits", _("Citizen visits received"), "reception", "visits", link=links("visits")),
        row("head_visits", _("of which received by the head"), "reception", "head_visits", indent=True),
        row("delegations", _("Crowd delegations"), "reception", "delegations"),
        row("received", _("Petitions received"), "petitions", "received", link=links("petitions_received")),
        *[row(f"kind_{k}", label, "petitions", "by_kind", k, indent=True) for k, label in kinds.items()],
        row("resolved", _("Petitions resolved"), "petitions", "resolved"),
        row("in_progress", _("Petitions in progress"), "petitions", "in_progress", link=links("petitions_in_progress")),
        row("crowd_over_level", _("Crowd petitions over level"), "petitions", "crowd_over_level"),
    ]
    cases_now = now["petitions"]["complaint_cases"]
    cases_before = (before.get("petitions") or {}).get("complaint_cases") or {}
    rows.append(
        Comparison(
            "complaint_cases",
            _("Complaint cases resolved (of those to resolve)"),
            cases_now["resolved"],
            cases_before.get("resolved"),
            _change(cases_now["resolved"], cases_before.get("resolved")),
            None,
            rate_pct=rate(cases_now["resolved"], cases_now["to_resolve"]),
            previous_rate_pct=rate(cases_before.get("resolved") or 0, cases_before.get("to_resolve") or 0),
        )
    )
    before_levels = {e["level"]: e for e in (before.get("dossiers") or {}).get("levels", [])}
    for entry in now["dossiers"]["levels"]:
        tier = level_tier(entry["level"], entry.get("kinds") or [report.unit.kind])
        previous_entry = before_levels.get(entry["level"], {})
        rows.append(
            Comparison(
                f"on_time_{entry['level']}",
                _("Dossiers resolved on time, %(tier)s level") % {"tier": tier},
                entry["on_time"],
                previous_entry.get("on_time"),
                _change(entry["on_time"], previous_entry.get("on_time")),
                links("dossiers_on_time", entry["level"]),
                rate_pct=rate(entry["on_time"], entry["resolved"]),
                previous_rate_pct=rate(previous_entry.get("on_time") or 0, previous_entry.get("resolved") or 0),
            )
        )
    totals, totals_before = _dossier_totals(now), _dossier_totals(before)
    overdue_before = totals_before["in_progress_overdue"] if before else None
    rows.append(
        Comparison(
            "overdue",
            _("Dossiers in progress past their due date at period end"),
            totals["in_progress_overdue"],
            overdue_before,
            _change(totals["in_progress_overdue"], overdue_before),
            None,
        )
    )
    return rows


@dataclass(frozen=True)
class KindRow:
    kind: str
    label: str
    received: int
    resolved: int | None
    in_progress: int | None
    received_previous: int | None


def kind_labels() -> dict[str, str]:
    return {
        "complaint": _("Complaints"),
        "denunciation": _("Denunciations"),
        "recommendation": _("Recommendations"),
        "feedback": _("Feedback"),
    }


def dashboard_kinds(report: CompiledReport) -> list[KindRow]:
    """Petitions received, resolved and in progress by kind (and received a year earlier)."""
    petitions = report.figures["petitions"]
    before = (report.previous_figures or {}).get("petitions") or {}
    resolved = petitions.get("by_kind_resolved") or {}
    rows = []
    for kind, label in kind_labels().items():
        received = int(petitions["by_kind"][kind])
        done = resolved.get(kind)
        rows.append(
            KindRow(
                kind=kind,
                label=label,
                received=received,
                resolved=done,
                in_progress=None if done is None else received - done,
                received_previous=(before.get("by_kind") or {}).get(kind),
            )
        )
    return rows


def dashboard_children(report: CompiledReport, *, sort: str = "name", descending: bool = False) -> list[ChildRow]:
    """The units directly below, with the same figures, sorted by any column."""
    rows = []
    for child in report.children:
        p, r = child["petitions"], child["reception"]
        totals = _dossier_totals(child)
        cases = p["complaint_cases"]
        rows.append(
            ChildRow(
                code=child["unit"]["code"],
                name=child["unit"]["name"],
                values={
                    "visits": r["visits"],
                    "head_visits": r["head_visits"],
                    "received": p["received"],
                    "resolved": p["resolved"],
                    "in_progress": p["in_progress"],
                    "cases_resolved_pct": rate(cases["resolved"], cases["to_resolve"]),
                    "dossiers_resolved": totals["resolved"],
                    "on_time_pct": rate(totals["on_time"], totals["resolved"]),
                },
            )
        )
    if sort in dict(CHILD_COLUMNS):
        # Units without a rate (nothing to resolve) go last whatever the direction.
        present = [c for c in rows if c.values[sort] is not None]
        absent = [c for c in rows if c.values[sort] is None]
        present.sort(key=lambda c: (c.values[sort], vietnamese_sort_key(c.name)), reverse=descending)
        return present + sorted(absent, key=lambda c: vietnamese_sort_key(c.name))
    return sorted(rows, key=lambda c: vietnamese_sort_key(c.name), reverse=descending)


def trend_table(figures: Mapping[str, Any]) -> list[tuple[str, list[int]]]:
    """The chart's numbers as rows (for screen readers and print)."""
    trend = figures.get("trend") or {}
    months: Sequence[str] = trend.get("months", [])
    keys = ("visits", "petitions_received", "dossiers_received", "dossiers_resolved")
    return [(f"{m[5:7]}/{m[:4]}", [trend.get(k, [0] * len(months))[i] for k in keys]) for i, m in enumerate(months)]


def province_name_of(unit: Unit) -> str:
    """The name of the top unit above `unit` (itself at the top): the place of its documents."""
    return (unit_ancestors(unit) or [unit])[0].name


def report_letterhead(report: CompiledReport) -> Letterhead:
    """The letterhead of a stored version's documents: dated the day it was published (or
    compiled), "DỰ THẢO" until it is published."""
    stamp = report.published_at or report.compiled_at
    return letterhead(
        figures=report.figures,
        province_name=province_name_of(report.unit),
        signed_on=timezone.localdate(stamp) if stamp else timezone.localdate(),
        draft=report.status != ReportStatus.PUBLISHED,
    )
