"""Monthly trend charts, drawn server-side by matplotlib (no JavaScript, prints well).

Uses the object-oriented API (no pyplot state), so it is safe in threaded servers.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from .formatting import vi_int

# Colour-blind-safe colours (Okabe–Ito) with distinct markers, readable in grey print too.
SERIES = (
    ("visits", "#0072B2", "o"),
    ("petitions_received", "#D55E00", "s"),
    ("dossiers_received", "#009E73", "^"),
    ("dossiers_resolved", "#CC79A7", "D"),
)


def series_labels() -> dict[str, str]:
    return {
        "visits": _("Visits"),
        "petitions_received": _("Petitions received"),
        "dossiers_received": _("Dossiers received"),
        "dossiers_resolved": _("Dossiers resolved"),
    }


def _figure(trend: Mapping[str, Any], keys: tuple[str, ...], title: str) -> Figure:
    months = [f"{m[5:7]}/{m[:4]}" for m in trend.get("months", [])]
    fig = Figure(figsize=(6.4, 3.2), dpi=100, layout="constrained")
    ax = fig.add_subplot()
    labels = series_labels()
    for key, colour, marker in SERIES:
        if key in keys:
            ax.plot(range(len(months)), trend.get(key, []), color=colour, marker=marker, linewidth=2, label=labels[key])
    ax.set_title(title, fontsize=11)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _pos: vi_int(int(value))))
    # Whole numbers only, and at least 0..1: a month of zeros must not label its axis "0 0 0 0".
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylim(bottom=0, top=max(1, ax.get_ylim()[1]))
    ax.grid(axis="y", color="#cccccc", linewidth=0.6)
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_xticks(range(len(months)), months)
    ax.tick_params(axis="x", labelrotation=45 if len(months) > 6 else 0, labelsize=8)
    ax.legend(fontsize=8, frameon=False, loc="upper left")
    return fig


CHARTS: dict[str, tuple[str, ...]] = {
    "people": ("visits", "petitions_received"),
    "dossiers": ("dossiers_received", "dossiers_resolved"),
}


def chart_title(name: str) -> str:
    return {
        "people": _("Visits and petitions by month"),
        "dossiers": _("One-stop dossiers by month"),
    }[name]


def trend_chart(trend: Mapping[str, Any], name: str, fmt: str = "svg") -> bytes:
    fig = _figure(trend, CHARTS[name], chart_title(name))
    buffer = io.BytesIO()
    fig.savefig(buffer, format=fmt, metadata={"Date": None} if fmt == "svg" else None)
    return buffer.getvalue()
