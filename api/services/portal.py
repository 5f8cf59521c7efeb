"""The public-service portal (Cổng dịch vụ công quốc gia or the province's): every change of a
one-stop dossier's status that the portal follows is pushed to `API_PORTAL_URL`, through the
outbox (core.outbox: at least once, retried with a growing wait, an outage loses nothing), with
an idempotency key per change (`Idempotency-Key`, the row's `dedupe_key`): a change sent twice is
the same change. The fields and the status codes are in docs/interop.md."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from adminreform.models import DossierChannel, DossierStatus
from civicdesk.db import AuditEventBase, OutboxBase
from core import outbox

from ..models import PortalSync
from .delivery import encode, post_json

MAX_ATTEMPTS = 25
S = DossierStatus

# Our status → the portal's step (docs/interop.md).
PORTAL_STATUS: dict[str, str] = {
    S.RECEIVED: "received",
    S.IN_PROCESSING: "in_progress",
    S.SUPPLEMENT_REQUESTED: "supplement_requested",
    S.RESUBMITTED: "in_progress",
    S.RESULT_READY: "resolved",
    S.RETURNED: "returned",
    S.REFUSED: "refused",
    S.STOPPED: "stopped",
    S.WITHDRAWN: "withdrawn",
}
APOLOGY_KIND = "apologised"
CHANNELS = {DossierChannel.ONLINE: "online", DossierChannel.COUNTER: "counter", DossierChannel.POST: "post"}


def payload_of(dossier: Any, event: AuditEventBase) -> dict[str, Any]:
    apology = event.kind == APOLOGY_KIND
    return {
        "dossier_code": dossier.ref,
        "procedure_code": dossier.procedure.code if dossier.procedure_id else "",
        "unit_code": dossier.unit.code,
        "channel": CHANNELS.get(dossier.channel, dossier.channel),
        "status": "apology" if apology else PORTAL_STATUS[dossier.status],
        "received_on": dossier.received_on.isoformat(),
        "due_on": (dossier.apology_new_due_on or dossier.due_on).isoformat(),
        "resolved_on": dossier.resolved_on.isoformat() if dossier.resolved_on else None,
        "returned_on": event.occurred_at.date().isoformat() if dossier.status == S.RETURNED else None,
        "changed_at": event.occurred_at.isoformat(),
        "reason": event.reason if apology else "",
    }


def queue_dossier_change(record: models.Model, event: AuditEventBase) -> None:
    """`core.workflow`'s listener: a dossier's status change (or its apology) for the portal,
    when one is configured."""
    if not settings.API_PORTAL_URL or record._meta.label_lower != "adminreform.dossier":
        return
    if not (event.to_status or event.kind == APOLOGY_KIND):
        return
    dossier: Any = record
    if dossier.status not in PORTAL_STATUS:
        return
    outbox.enqueue([PortalSync(dossier=dossier, payload=payload_of(dossier, event), dedupe_key=f"portal:{event.pk}")])


def send(row: OutboxBase) -> None:
    assert isinstance(row, PortalSync)
    headers = {"Idempotency-Key": str(row.dedupe_key)}
    if settings.API_PORTAL_TOKEN:
        headers["Authorization"] = f"Bearer {settings.API_PORTAL_TOKEN}"
    answer = post_json(settings.API_PORTAL_URL, encode(row.payload), headers)
    PortalSync.objects.filter(pk=row.pk).update(last_status=answer.status, last_response=answer.body)


OUTBOX = outbox.Outbox(model=PortalSync, send=send, related=("dossier",), max_attempts=MAX_ATTEMPTS)
