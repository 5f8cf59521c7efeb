"""Issuing, using and revoking a system's API key.

A key reads `cdk_<prefix>_<secret>`: the prefix finds the row, the secret's SHA-256 digest is
compared in constant time. The secret is returned once, by `api_key_issue`, and never stored.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from civicdesk.exceptions import DomainError
from core.models import Unit

from ..models import ApiKey, ApiKeyEvent, Scope
from ..policies import POLICY

KEY_START = "cdk_"
# The last use is written at most this often per key: not one UPDATE per request.
TOUCH_EVERY = timedelta(seconds=60)

Kind = ApiKeyEvent.Kind


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _split(raw: str) -> tuple[str, str] | None:
    if not raw.startswith(KEY_START):
        return None
    prefix, sep, secret = raw[len(KEY_START) :].partition("_")
    if not sep or not prefix or not secret or len(prefix) > 16:
        return None
    return prefix, secret


@transaction.atomic
def api_key_issue(
    *,
    name: str,
    unit: Unit,
    scope: str,
    actor: User | None,
    rate_per_minute: int | None = None,
    ip_address: str | None = None,
) -> tuple[ApiKey, str]:
    """Issue a key for the system `name`, scoped to `unit`'s subtree and to `scope`. Returns the
    key and its full text, shown once. Audited (ISSUED)."""
    POLICY.authorize(actor=actor, action="issue-key", unit=unit)
    if not name.strip():
        raise DomainError(_("Name the system that will use the key."))
    if scope not in Scope.values:
        raise DomainError(_("Unknown scope: %(scope)s") % {"scope": scope})
    prefix = secrets.token_hex(4)
    secret = secrets.token_urlsafe(32)
    key = ApiKey.objects.create(
        name=name.strip()[:200],
        prefix=prefix,
        digest=_digest(secret),
        unit=unit,
        scope=scope,
        rate_per_minute=rate_per_minute,
        issued_by=actor,
    )
    ApiKeyEvent(
        api_key=key, kind=Kind.ISSUED, actor=actor, data={"unit": unit.code, "scope": scope}, ip_address=ip_address
    ).save(force_insert=True)
    return key, f"{KEY_START}{prefix}_{secret}"


@transaction.atomic
def api_key_revoke(*, key: ApiKey, actor: User | None, reason: str = "", ip_address: str | None = None) -> ApiKey:
    """Revoke `key` at once: its next request is refused. Audited (REVOKED); revoking twice
    changes nothing."""
    locked = ApiKey.objects.select_for_update().select_related("unit").get(pk=key.pk)
    POLICY.authorize(actor=actor, action="revoke-key", unit=locked.unit)
    if locked.revoked_at is not None:
        return locked
    locked.revoked_at = timezone.now()
    locked.save(update_fields=["revoked_at", "updated_at"])
    ApiKeyEvent(api_key=locked, kind=Kind.REVOKED, actor=actor, reason=reason, ip_address=ip_address).save(
        force_insert=True
    )
    return locked


def api_key_authenticate(raw: str, *, ip_address: str | None = None) -> ApiKey | None:
    """The active key whose text is `raw`, its last use noted; None for anything else (unknown,
    malformed, wrong secret or revoked: the caller cannot tell which)."""
    parts = _split(raw.strip())
    if parts is None:
        _digest("x" * 43)  # the same work as a real check
        return None
    prefix, secret = parts
    key = ApiKey.objects.select_related("unit").filter(prefix=prefix).first()
    given = _digest(secret)
    if key is None or not hmac.compare_digest(given, key.digest) or key.revoked_at is not None:
        return None
    now = timezone.now()
    if key.last_used_at is None or now - key.last_used_at >= TOUCH_EVERY:
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now, last_used_ip=ip_address)
        key.last_used_at, key.last_used_ip = now, ip_address
    return key


def api_key_record_write(*, key: ApiKey, method: str, path: str, status: int, ip_address: str | None) -> None:
    """Audit one use of `key`'s write scope (WRITE: the request and its answer)."""
    ApiKeyEvent(
        api_key=key,
        kind=Kind.WRITE,
        actor=None,
        data={"method": method, "path": path[:300], "status": status},
        ip_address=ip_address,
    ).save(force_insert=True)
