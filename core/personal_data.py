"""A person's data on request (Luật Bảo vệ dữ liệu cá nhân 91/2025/QH15: the data subject's
right of access).

Core knows no domain app. Each app that keeps records about people registers a *provider*
in its `personal_data.py` module (found like `importers.py`, through autodiscovery)::

    from core.personal_data import PersonalDataSection, register_provider

    def visits(request):
        rows = Visit.objects.filter(identity_number_index=request.index)
        return [PersonalDataSection(source="reception.visits", title=_("Citizen reception visits"),
                                    records=[{...} for v in rows])]

    register_provider("reception", visits)

A provider gets a `PersonalDataRequest` (the number, its blind index, who asks and why)
and returns sections of plain records (str/int/bool/None values, already readable:
choices as their labels, dates as dd/mm/yyyy). It must find rows through the blind index
(one query per kind of record, never one per row), give only the data *about this person*
(not what the record says about others), and say in the section's `note` what it left out
and why. `core.services.personal_data_export` runs every provider, renders the file and
writes the audit event.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.contrib.auth.models import User
from django.utils.module_loading import autodiscover_modules

from core.exports import safe_row


@dataclass(frozen=True)
class PersonalDataRequest:
    identity_number: str
    index: str  # civicdesk.crypto.blind_index(identity_number)
    reason: str
    actor: User | None = None
    ip_address: str | None = None


@dataclass
class PersonalDataSection:
    source: str  # "<app>.<kind>", stable: tests and readers key on it
    title: str
    records: list[dict[str, Any]] = field(default_factory=list)
    note: str = ""


Provider = Callable[[PersonalDataRequest], list[PersonalDataSection]]

PROVIDERS: dict[str, Provider] = {}


def register_provider(name: str, provider: Provider) -> Provider:
    PROVIDERS[name] = provider
    return provider


def providers() -> dict[str, Provider]:
    autodiscover_modules("personal_data")
    return dict(sorted(PROVIDERS.items()))


def collect(request: PersonalDataRequest) -> list[PersonalDataSection]:
    sections: list[PersonalDataSection] = []
    for provider in providers().values():
        sections.extend(provider(request))
    return sections


# --- rendering ---------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float):
        return value
    return str(value)


def as_dict(*, request: PersonalDataRequest, sections: list[PersonalDataSection], generated_at: datetime) -> dict:
    return {
        "identity_number": request.identity_number,
        "generated_at": generated_at.isoformat(timespec="seconds"),
        "reason": request.reason,
        "legal_basis": "Luật Bảo vệ dữ liệu cá nhân 91/2025/QH15",
        "sections": [
            {
                "source": s.source,
                "title": str(s.title),
                "note": str(s.note),
                "count": len(s.records),
                "records": [{k: _plain(v) for k, v in r.items()} for r in s.records],
            }
            for s in sections
        ],
    }


def render_json(document: dict) -> bytes:
    return json.dumps(document, ensure_ascii=False, indent=2).encode()


def render_xlsx(document: dict) -> bytes:
    """One sheet describing the export, then one sheet per section (a row per record)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    summary = workbook.active
    summary.title = "Tổng hợp"
    for key in ("identity_number", "generated_at", "reason", "legal_basis"):
        summary.append(safe_row([key, document[key]]))
    summary.append([])
    summary.append(["source", "title", "count", "note"])
    for section in document["sections"]:
        summary.append(safe_row([section["source"], section["title"], section["count"], section["note"]]))
    used: set[str] = {summary.title}
    for section in document["sections"]:
        name = section["source"].replace(".", " ")[:31]
        while name in used:
            name = name[:29] + f"{len(used):02d}"
        used.add(name)
        sheet = workbook.create_sheet(name)
        columns: list[str] = []
        for record in section["records"]:
            columns.extend(k for k in record if k not in columns)
        sheet.append(safe_row(columns))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for record in section["records"]:
            sheet.append(safe_row(_cell(record.get(c)) for c in columns))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _cell(value: Any) -> Any:
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return value
