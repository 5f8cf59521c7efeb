"""The SMS provider's delivery reports (core.sms.BrandnameSmsBackend's `callback_url`)."""

from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .sms import delivery_report_authentic, delivery_report_record

MAX_REPORT_BYTES = 4096


@csrf_exempt  # a server's call, authenticated by the provider's key instead of a cookie
@require_POST
def sms_delivery_report(request: HttpRequest) -> HttpResponse:
    """POST `{"request_id" or "message_id", "status": "delivered"|"failed", "error"}` with
    header `X-Api-Key`. 204 when recorded, 404 for a message we never sent, 400 for a malformed
    report, 403 for a wrong key."""
    if not delivery_report_authentic(request.headers.get("X-Api-Key", "")):
        return JsonResponse({"error": "forbidden"}, status=403)
    if len(request.body) > MAX_REPORT_BYTES:
        return JsonResponse({"error": "too large"}, status=400)
    try:
        report = json.loads(request.body)
        status = str(report["status"])
        request_id, message_id = str(report.get("request_id") or ""), str(report.get("message_id") or "")
    except (ValueError, KeyError, TypeError, AttributeError):
        return JsonResponse({"error": "malformed"}, status=400)
    if status not in ("delivered", "failed") or not (request_id or message_id):
        return JsonResponse({"error": "malformed"}, status=400)
    found = delivery_report_record(
        request_id=request_id, message_id=message_id, status=status, error=str(report.get("error") or "")
    )
    return HttpResponse(status=204) if found else JsonResponse({"error": "unknown message"}, status=404)
