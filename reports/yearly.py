"""The dashboard's charts: the last 12 months against the same months a year earlier (visits,
petitions received, dossiers' on-time rate), for a unit's subtree, up to the period's last day.

Counted on demand (six aggregate queries over the two years) and cached for an hour: the
figures of past months do not change, and the current month's may wait an hour. Drawn as SVG
on the server (matplotlib, as `reports.charts`), each with its numbers in a table.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.cache import cache
from django.utils.translation import gettext as _
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from adminreform.stats import dossier_on_time_by_month
from core.models import Unit
from petitions.stats import petition_monthly_received
from reception.stats import visit_monthly_counts

from .formatting import rate, vi_decimal, vi_int
from .periods import one_year_earlier

TTL = 3600
CHART_NAMES = ("visits", "petitions", "on_time")


@dataclass(frozen=True)
class YearOnYear:
    """One chart's series: this year's 12 months and the same months a year earlier."""

    name: str
    months: list[date]  # first days, oldest first
    current: list[int | Decimal | None]
    previous: list[int | Decimal | None]
    is_rate: bool = False

    @property
    def rows(self) -> list[tuple[str, int | Decimal | None, int | Decimal | None]]:
        return [(f"{m:%m/%Y}", c, p) for m, c, p in zip(self.months, self.current, self.previous, strict=True)]


def _month_starts(end: date) -> list[date]:
    """The first days of the 12 months ending with `end`'s month."""
    months = []
    year, month = end.year, end.month
    for _i in range(12):
        months.append(date(year, month, 1))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return months[::-1]


def _first(day: date) -> date:
    return date(day.year, day.month, 1)


def _counts(paths: list[str], start: date, end: date) -> tuple[dict[date, int], dict[date, int], dict]:
    visits = {_first(m): n for m, n in visit_monthly_counts(paths=paths, start=start, end=end).items()}
    petitions = {_first(m): n for m, n in petition_monthly_received(paths=paths, start=start, end=end).items()}
    on_time = dossier_on_time_by_month(paths=paths, start=start, end=end)
    return visits, petitions, on_time


def year_on_year(*, unit: Unit, end: date) -> dict[str, YearOnYear]:
    """The three charts' series for `unit`'s subtree: the 12 months up to `end` (the last one
    counted to `end`'s day) and the same days a year earlier."""
    key = f"reports:yoy:{unit.pk}:{unit.path}:{end}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    months = _month_starts(end)
    before_end = one_year_earlier(end)
    before_months = [m.replace(year=m.year - 1) for m in months]
    now = _counts([unit.path], months[0], end)
    then = _counts([unit.path], before_months[0], before_end)

    def series(counts: dict[date, int], starts: list[date]) -> list[int | Decimal | None]:
        return [counts.get(m, 0) for m in starts]

    def rates(counts: dict[date, tuple[int, int]], starts: list[date]) -> list[int | Decimal | None]:
        return [rate(counts[m][1], counts[m][0]) if m in counts else None for m in starts]

    charts = {
        "visits": YearOnYear("visits", months, series(now[0], months), series(then[0], before_months)),
        "petitions": YearOnYear("petitions", months, series(now[1], months), series(then[1], before_months)),
        "on_time": YearOnYear("on_time", months, rates(now[2], months), rates(then[2], before_months), is_rate=True),
    }
    cache.set(key, charts, TTL)
    return charts


def chart_titles() -> dict[str, str]:
    return {
        "visits": _("Citizen visits by month"),
        "petitions": _("Petitions received by month"),
        "on_time": _("Dossiers resolved on time by month (%)"),
    }


def year_on_year_svg(chart: YearOnYear) -> bytes:
    """A line chart: the last 12 months (solid, blue) against a year earlier (dashed, orange),
    the legend under the plot, clear of the lines."""
    labels = [f"{m:%m/%y}" for m in chart.months]
    fig = Figure(figsize=(6.4, 3.0), dpi=100, layout="constrained")
    ax = fig.add_subplot()
    x = range(len(labels))

    def values(series: list[int | Decimal | None]) -> list[float]:
        return [float(v) if v is not None else float("nan") for v in series]

    ax.plot(x, values(chart.current), color="#0072B2", marker="o", linewidth=2, label=_("Last 12 months"))
    ax.plot(
        x, values(chart.previous), color="#D55E00", marker="s", linewidth=1.5, linestyle="--", label=_("A year earlier")
    )
    ax.set_title(chart_titles()[chart.name], fontsize=11)
    if chart.is_rate:
        ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _pos: vi_decimal(value) + "%"))
        ax.set_ylim(
            bottom=max(0, min([v for v in values(chart.current + chart.previous) if v == v] or [0]) - 5), top=100
        )
    else:
        ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _pos: vi_int(int(value))))
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_ylim(bottom=0, top=max(1, ax.get_ylim()[1]))
    ax.grid(axis="y", color="#cccccc", linewidth=0.6)
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_xticks(list(x), labels)
    ax.tick_params(axis="x", labelsize=8)
    fig.legend(loc="outside lower center", ncols=2, fontsize=8, frameon=False)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()
