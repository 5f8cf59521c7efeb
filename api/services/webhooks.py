"""Webhooks: a system's subscription is told of every status change of the petitions and
dossiers in its key's scope.

Each change writes one `WebhookDelivery` per subscription in the change's own transaction
(`core.workflow.on_record` calls `queue_status_change`), delivered after commit through the
outbox (core.outbox: retried with a wait of 30 s, 1 min, 2 min … up to an hour, for
`MAX_ATTEMPTS` attempts, about a day: a receiver down for an hour loses nothing). Every POST is
signed:

    X-CivicDesk-Timestamp: 1767225600
    X-CivicDesk-Signature: v1=<hex HMAC-SHA256 of "<timestamp>.<body>" with the subscription's secret>

The receiver recomputes it and refuses a timestamp older than a few minutes (a replay).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from typing import Any

from django.contrib.auth.models import User
from django.db import models, transaction
from django.utils import timezone

from civicdesk.crypto import decrypt_text, encrypt_text
from civicdesk.db import AuditEventBase, OutboxBase
from core import outbox
from core.models import Unit
from core.selectors import reference_cache, unit_under

from ..models import ApiKey, WebhookDelivery, WebhookSubscription
from ..policies import POLICY
from .delivery import encode, post_json

MAX_ATTEMPTS = 25
SIGNATURE = "X-CivicDesk-Signature"
TIMESTAMP = "X-CivicDesk-Timestamp"


def signature(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"v1={mac.hexdigest()}"


@transaction.atomic
def webhook_subscribe(*, key: ApiKey, url: str, actor: User | None) -> tuple[WebhookSubscription, str]:
    """Subscribe `key`'s system at `url`. Returns the subscription and its signing secret,
    shown once."""
    POLICY.authorize(actor=actor, action="issue-key", unit=key.unit)
    secret = secrets.token_urlsafe(32)
    subscription = WebhookSubscription.objects.create(api_key=key, url=url, secret_enc=encrypt_text(secret))
    forget_subscriptions()
    return subscription, secret


# --- what to send ----------------------------------------------------------------------------


def _subscriptions() -> list[WebhookSubscription]:
    """The active subscriptions, kept per process in core's reference cache: every petition
    filed asks, and a subscription changes about never (saving one forgets them)."""
    rows: list[WebhookSubscription] = reference_cache.get(
        "webhook_subscriptions",
        lambda: list(
            WebhookSubscription.objects.filter(active=True, api_key__revoked_at__isnull=True).select_related(
                "api_key__unit"
            )
        ),
    )
    return rows


def forget_subscriptions(**_kwargs: Any) -> None:
    reference_cache.clear()


def record_units(record: models.Model) -> tuple[str, list[Unit]]:
    """The record's type for the payload, and the units whose scope it is in."""
    label = record._meta.label_lower
    if label == "petitions.petition":
        return "petition", [record.unit]  # type: ignore[attr-defined]
    if label == "adminreform.dossier":
        units = [record.unit]  # type: ignore[attr-defined]
        handling = record.handling_unit  # type: ignore[attr-defined]
        if handling is not None and handling.pk != units[0].pk:
            units.append(handling)
        return "dossier", units
    return "", []


def payload_of(kind: str, record: Any, event: AuditEventBase) -> dict[str, Any]:
    """What a receiver learns: the record's public identifiers and the change. No personal data."""
    data: dict[str, Any] = {
        "event": f"{kind}.status_changed",
        "occurred_at": event.occurred_at.isoformat(),
        "kind": event.kind,
        "from_status": event.from_status,
        "to_status": event.to_status,
        kind: {"ref": record.ref, "unit": record.unit.code, "status": record.status},
    }
    if kind == "petition":
        data[kind].update(id=record.pk, tracking_code=record.tracking_code or "", petition_kind=record.kind)
    else:
        data[kind].update(
            procedure=record.procedure.code if record.procedure_id else "",
            due_on=record.due_on.isoformat(),
        )
    return data


def queue_status_change(record: models.Model, event: AuditEventBase) -> None:
    """`core.workflow`'s listener: a delivery for each subscription whose scope holds the
    record, when the event changed its status."""
    if not event.to_status:
        return
    kind, units = record_units(record)
    if not kind:
        return
    subscriptions = _subscriptions()
    if not subscriptions:
        return
    rows = [
        WebhookDelivery(
            subscription=sub,
            event=f"{kind}.status_changed",
            payload=payload_of(kind, record, event),
            dedupe_key=f"wh:{sub.pk}:{event._meta.label_lower}:{event.pk}",
        )
        for sub in subscriptions
        if any(unit_under(u, [sub.api_key.unit.path]) for u in units)
    ]
    outbox.enqueue(rows)


# --- sending ---------------------------------------------------------------------------------


def send(row: OutboxBase) -> None:
    assert isinstance(row, WebhookDelivery)
    subscription = row.subscription
    if not subscription.active or subscription.api_key.revoked_at is not None:
        raise outbox.Undeliverable("the subscription was switched off or its key revoked")
    body = encode({"delivery": row.pk, **row.payload})
    timestamp = int(time.time())
    headers = {
        TIMESTAMP: str(timestamp),
        SIGNATURE: signature(decrypt_text(subscription.secret_enc), timestamp, body),
        "X-CivicDesk-Delivery": str(row.pk),
    }
    answer = post_json(subscription.url, body, headers)  # a failed answer is kept in `last_error`
    WebhookDelivery.objects.filter(pk=row.pk).update(last_status=answer.status, last_response=answer.body)


@transaction.atomic
def webhook_replay(*, delivery: WebhookDelivery, actor: User | None) -> WebhookDelivery:
    """Send a delivery's payload again, as a new delivery (the log keeps both)."""
    POLICY.authorize(actor=actor, action="issue-key", unit=delivery.subscription.api_key.unit)
    again = WebhookDelivery(
        subscription=delivery.subscription,
        event=delivery.event,
        payload={**delivery.payload, "replay_of": delivery.pk},
        created_at=timezone.now(),
    )
    outbox.enqueue([again])
    return again


OUTBOX = outbox.Outbox(model=WebhookDelivery, send=send, related=("subscription__api_key",), max_attempts=MAX_ATTEMPTS)
