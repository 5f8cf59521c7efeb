"""Open311 GeoReport v2 for feedback (phản ánh) only, at /open311/v2/: discovery, the services
(feedback categories), requests POST (a system's key with the write scope, as the
specification allows) and GET (the list, with status and date filters, and one by id), in
JSON and XML. `service_request_id` is the petition's tracking code.

A request filed here is an online feedback petition filed through the web form's own rules
(petitions.forms.PetitionFileForm): it shows in the commune's queue and its status follows the
petition. What the list shows is public: the category, the status, the place and the unit,
never the petitioner nor the text they wrote.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any
from xml.etree import ElementTree as ET

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from core.choices import PetitionKind
from core.models import Unit
from core.ratelimit import client_ip, hit
from petitions import forms as petition_forms
from petitions import services as petition_services
from petitions.models import OPEN311_LISTED, OPEN_STATUSES, FeedbackCategory, Petition
from petitions.selectors import public_unit_by_code

from .. import services
from ..auth import key_text
from ..fastpath import LIST_ANSWERS, list_key, open311_rows

SPEC = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-12-07T00:00:00Z"
DEFAULT_DAYS = 90  # the list's window when no dates are given, as the specification says
PAGE = 200  # requests in one answer at most (`page_size` up to it)
FORMATS = {"json", "xml"}


# --- answers ----------------------------------------------------------------------------------


def _xml(root: str, item: str, rows: list[dict[str, Any]]) -> HttpResponse:
    top = ET.Element(root)
    for row in rows:
        element = ET.SubElement(top, item)
        for name, value in row.items():
            if isinstance(value, list):
                holder = ET.SubElement(element, name)
                for inner in value:
                    child = ET.SubElement(holder, name.rstrip("s") if name.endswith("s") else "item")
                    if isinstance(inner, dict):
                        for k, v in inner.items():
                            ET.SubElement(child, k).text = "" if v is None else str(v)
                    else:
                        child.text = str(inner)
            else:
                ET.SubElement(element, name).text = "" if value is None else _text(value)
    body = b'<?xml version="1.0" encoding="utf-8"?>' + ET.tostring(top, encoding="utf-8", xml_declaration=False)
    return HttpResponse(body, content_type="text/xml; charset=utf-8")


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def answer(fmt: str, root: str, item: str, rows: list[dict[str, Any]], *, status: int = 200) -> HttpResponse:
    if fmt == "xml":
        response = _xml(root, item, rows)
        response.status_code = status
        return response
    return JsonResponse(rows, safe=False, status=status, json_dumps_params={"ensure_ascii": False})


def errors(fmt: str, status: int, *descriptions: str) -> HttpResponse:
    """The specification's error list: `[{"code": 400, "description": "…"}]`."""
    rows = [{"code": status, "description": d} for d in descriptions]
    return answer(fmt, "errors", "error", rows, status=status)


def feedback() -> Any:
    """What the list shows: feedback with a tracking code (petitions.models.OPEN311_LISTED,
    the condition of the list's indexes)."""
    return Petition.objects.filter(OPEN311_LISTED)


def _fmt(fmt: str) -> str:
    return fmt if fmt in FORMATS else "json"


# --- views ------------------------------------------------------------------------------------


def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    base = f"{settings.SITE_URL}/open311/v2"
    row = {
        "changeset": CHANGESET,
        "contact": _("The People's Committee's office: see the site's home page."),
        "key_service": _("API keys are issued by the site's administrator (docs/api.md)."),
        "endpoints": [
            {
                "specification": SPEC,
                "url": base,
                "changeset": CHANGESET,
                "type": "production",
                "formats": ["application/json", "text/xml"],
            }
        ],
    }
    if fmt == "xml":
        top = ET.Element("discovery")
        for name in ("changeset", "contact", "key_service"):
            ET.SubElement(top, name).text = str(row[name])
        endpoints = ET.SubElement(top, "endpoints")
        endpoint = ET.SubElement(endpoints, "endpoint")
        for name in ("specification", "url", "changeset", "type"):
            ET.SubElement(endpoint, name).text = str(row["endpoints"][0][name])  # type: ignore[index]
        formats = ET.SubElement(endpoint, "formats")
        for value in ("application/json", "text/xml"):
            ET.SubElement(formats, "format").text = value
        body = b'<?xml version="1.0" encoding="utf-8"?>' + ET.tostring(top, encoding="utf-8")
        return HttpResponse(body, content_type="text/xml; charset=utf-8")
    return JsonResponse(row, json_dumps_params={"ensure_ascii": False})


def service_list(request: HttpRequest, fmt: str) -> HttpResponse:
    rows = [
        {
            "service_code": code,
            "service_name": str(label),
            "description": str(label),
            "metadata": False,
            "type": "realtime",
            "keywords": "",
            "group": _("Feedback"),
        }
        for code, label in FeedbackCategory.choices
    ]
    return answer(fmt, "services", "service", rows)


def request_detail(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    rows = open311_rows(feedback().filter(tracking_code=code.strip().upper())[:1])
    if not rows:
        return errors(fmt, 404, _("No feedback has this service_request_id."))
    return answer(fmt, "service_requests", "request", rows)


def _moment(value: str) -> date | None:
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).date()
    except ValueError:
        return None


@method_decorator(csrf_exempt, name="dispatch")  # a system with its key, not a browser
class Requests(View):
    def get(self, request: HttpRequest, fmt: str) -> HttpResponse:
        fmt = _fmt(fmt)
        allowed = hit(f"open311:ip:{client_ip(request)}", limit=settings.API_PUBLIC_RATE_PER_MINUTE, window=60)
        if not allowed and getattr(settings, "CIVICDESK_RATELIMIT_ENABLED", True):
            return errors(fmt, 429, _("Too many requests"))
        return LIST_ANSWERS.answer(list_key(request, fmt), lambda: self._list(request, fmt))

    def _list(self, request: HttpRequest, fmt: str) -> HttpResponse:
        params = request.GET
        qs = feedback()
        if params.get("service_request_id"):
            codes = [c.strip().upper() for c in params["service_request_id"].split(",") if c.strip()][:PAGE]
            rows = open311_rows(qs.filter(tracking_code__in=codes).order_by("-received_on", "-id"))
            return answer(fmt, "service_requests", "request", rows)
        start = _moment(params.get("start_date", "")) if params.get("start_date") else None
        end = _moment(params.get("end_date", "")) if params.get("end_date") else None
        if (params.get("start_date") and start is None) or (params.get("end_date") and end is None):
            return errors(fmt, 400, _("Give start_date and end_date as ISO 8601 date-times (2026-03-02T00:00:00Z)."))
        if start is None and end is None:
            start = timezone.localdate() - timezone.timedelta(days=DEFAULT_DAYS)
        if start is not None:
            qs = qs.filter(received_on__gte=start)
        if end is not None:
            qs = qs.filter(received_on__lte=end)
        status = params.get("status", "")
        if status:
            wanted = {s.strip() for s in status.split(",")}
            if not wanted <= {"open", "closed"}:
                return errors(fmt, 400, _("status is open, closed or both."))
            if wanted == {"open"}:
                qs = qs.filter(status__in=OPEN_STATUSES)
            elif wanted == {"closed"}:
                qs = qs.exclude(status__in=OPEN_STATUSES)
        if params.get("service_code"):
            codes = {c.strip() for c in params["service_code"].split(",")}
            qs = qs.filter(category__in=codes)
        try:
            size = min(PAGE, max(1, int(params.get("page_size", PAGE))))
        except ValueError:
            return errors(fmt, 400, _("page_size is a number."))
        rows = open311_rows(qs.order_by("-received_on", "-id")[:size])
        return answer(fmt, "service_requests", "request", rows)

    def post(self, request: HttpRequest, fmt: str) -> HttpResponse:
        fmt = _fmt(fmt)
        raw = key_text(request)  # type: ignore[arg-type]
        key = services.api_key_authenticate(raw, ip_address=client_ip(request) or None) if raw else None
        if key is None:
            return errors(fmt, 403, _("Filing a request needs an API key (api_key)."))
        if not key.can_write:
            return errors(fmt, 403, _("This needs an API key with the write scope."))
        limit = key.rate_per_minute or settings.API_KEY_RATE_PER_MINUTE
        if not hit(f"api:key:{key.prefix}", limit=limit, window=60) and getattr(
            settings, "CIVICDESK_RATELIMIT_ENABLED", True
        ):
            return errors(fmt, 429, _("Too many requests"))
        response = self._file(request, fmt, key)
        services.api_key_record_write(
            key=key,
            method="POST",
            path=request.path,
            status=response.status_code,
            ip_address=client_ip(request) or None,
        )
        return response

    def _file(self, request: HttpRequest, fmt: str, key: Any) -> HttpResponse:
        p = request.POST
        unit = _unit_for(p.get("jurisdiction_id", ""), key)
        if unit is None:
            return errors(fmt, 400, _("jurisdiction_id: give the code of a commune or ward within the key's scope."))
        description = p.get("description", "").strip()
        name = " ".join(x for x in (p.get("first_name", "").strip(), p.get("last_name", "").strip()) if x)
        category = p.get("service_code", "")
        data = QueryDict(mutable=True)
        data.update(
            {
                "unit": unit.code,
                "kind": PetitionKind.FEEDBACK,
                "petitioner_name": name,
                "petitioner_address": p.get("address_string", ""),
                "petitioner_phone": p.get("phone", ""),
                "petitioner_email": p.get("email", ""),
                "subject": f"{FeedbackCategory(category).label if category in FeedbackCategory.values else ''}: "
                f"{description[:200]}".strip(": ")
                if description
                else "",
                "content": description,
                "signers": "1",
                "consent": "on",
                "idempotency_key": p.get("idempotency_key") or uuid.uuid4().hex,
                "category": category,
                "location_address": p.get("address_string", ""),
                "latitude": p.get("lat", ""),
                "longitude": p.get("long", ""),
            }
        )
        form = petition_forms.PetitionFileForm(data)
        problems = []
        if category not in FeedbackCategory.values:
            problems.append(_("service_code: unknown service (see services.%(fmt)s).") % {"fmt": fmt})
        if not data["latitude"] and not data["location_address"]:
            problems.append(_("Give the place: lat and long, or address_string."))
        if not form.is_valid() or problems:
            for field, messages in form.errors.items():
                problems += [f"{_OPEN311_NAMES.get(field, field)}: {m}" for m in messages]
            return errors(fmt, 400, *problems)
        cleaned = form.cleaned_data
        petition = petition_services.petition_create(
            **petition_forms.filing_arguments(cleaned),
            ip_address=client_ip(request) or None,
            source=_("Open311: %(system)s") % {"system": key.name},
        )
        row = {"service_request_id": petition.tracking_code, "service_notice": "", "account_id": None}
        return answer(fmt, "service_requests", "request", [row], status=201)


# The form's field names as the specification's.
_OPEN311_NAMES = {
    "petitioner_name": "first_name/last_name",
    "petitioner_address": "address_string",
    "petitioner_phone": "phone",
    "petitioner_email": "email",
    "content": "description",
    "subject": "description",
    "latitude": "lat",
    "longitude": "long",
    "location_address": "address_string",
    "category": "service_code",
}


def _unit_for(code: str, key: Any) -> Unit | None:
    """The unit named by `jurisdiction_id` (the key's own when it names none), if the key's
    scope holds it."""
    unit = public_unit_by_code(code.strip()) if code.strip() else public_unit_by_code(key.unit.code)
    if unit is None or not unit.path.startswith(key.unit.path):
        return None
    return unit
