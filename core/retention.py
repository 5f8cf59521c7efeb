"""Retention of personal data (Luật Bảo vệ dữ liệu cá nhân 91/2025/QH15: data is
kept no longer than its purpose needs).

Each app declares, in its `AppConfig.ready()`, how long each kind of record is
kept::

    from core.retention import RetentionRule, register_rule
    register_rule(RetentionRule(
        label="petitions.Petition", date_field="filed_away_on", keep_days=365,
        filter=Q(status="filed_away"), reason="Filed-away petitions: 1 year",
    ))

`manage.py purge_expired` lists what has expired; `--commit` deletes it, in
batches, and logs how many rows of each kind went. Audit tables are never
purged by the application (their trigger refuses it); a record that audit
events point to (on_delete=PROTECT) cannot be deleted either, so a rule for such
a record should target its personal-data satellite (e.g. the identity row), or
the app anonymises instead of deleting: give the rule an `action` (called with
each batch of expired rows instead of deleting them) and a `filter` that the
anonymised rows no longer match. `date_field` may follow relations
(`petition__resolved_on`) for satellites that keep no date of their own.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.apps import apps
from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from civicdesk.db import AuditEventBase

logger = logging.getLogger("civicdesk.security")


@dataclass(frozen=True)
class RetentionRule:
    """Rows of `label` whose `date_field` is older than `keep_days` (and match `filter`) expire."""

    label: str
    date_field: str
    keep_days: int
    filter: Q = field(default_factory=Q)
    reason: str = ""
    # Instead of deleting: called with each batch of expired rows (e.g. to anonymise them).
    action: Callable[[models.QuerySet[models.Model]], object] | None = None

    def model(self) -> type[models.Model]:
        return apps.get_model(self.label)

    def date_model_field(self) -> models.Field[object, object]:
        """The field `date_field` names, following relations (`petition__resolved_on`)."""
        model: type[models.Model] = self.model()
        *path, last = self.date_field.split("__")
        for name in path:
            related = model._meta.get_field(name).related_model
            if related is None or isinstance(related, str):
                raise RetentionError(f"{self.label}: {name} is not a relation.")
            model = related
        model_field = model._meta.get_field(last)
        assert isinstance(model_field, models.Field)
        return model_field

    def cutoff(self, now: datetime) -> datetime | date:
        """The first moment (or day) that is still kept."""
        model_field = self.date_model_field()
        moment = now - timedelta(days=self.keep_days)
        if isinstance(model_field, models.DateTimeField):
            return moment
        return timezone.localdate(moment)

    def expired(self, now: datetime) -> models.QuerySet[models.Model]:
        return self.model()._default_manager.filter(self.filter, **{f"{self.date_field}__lt": self.cutoff(now)})


_RULES: dict[str, RetentionRule] = {}


class RetentionError(ValueError):
    pass


def register_rule(rule: RetentionRule) -> None:
    """Declare a rule; one per (label, date_field, filter). Validated at once, so a typo fails at boot."""
    model = rule.model()
    if issubclass(model, AuditEventBase):
        raise RetentionError(f"{rule.label} is an audit table: audit rows are not purged by the application.")
    if rule.keep_days < 1:
        raise RetentionError(f"{rule.label}: keep_days must be at least 1.")
    rule.date_model_field()  # FieldDoesNotExist on a typo
    _RULES[f"{rule.label}:{rule.date_field}:{rule.filter!r}"] = rule


def unregister_rule(rule: RetentionRule) -> None:
    _RULES.pop(f"{rule.label}:{rule.date_field}:{rule.filter!r}", None)


def registered_rules() -> list[RetentionRule]:
    return sorted(_RULES.values(), key=lambda r: (r.label, r.date_field))


@dataclass(frozen=True)
class PurgeResult:
    rule: RetentionRule
    expired: int
    deleted: int


def purge_expired(*, commit: bool, batch_size: int = 1000, now: datetime | None = None) -> list[PurgeResult]:
    """Count, and with `commit` delete, the expired rows of every rule, `batch_size` rows per transaction."""
    now = now or timezone.now()
    results = []
    for rule in registered_rules():
        queryset = rule.expired(now)
        expired = queryset.count()
        deleted = 0
        if commit:
            previous: list[object] = []
            while True:
                with transaction.atomic(durable=True):
                    ids = list(queryset.order_by("pk").values_list("pk", flat=True)[:batch_size])
                    if not ids:
                        break
                    if ids == previous:  # an action that leaves its rows matching would loop forever
                        raise RetentionError(f"{rule.label}: the rule's action leaves the rows expired.")
                    batch = rule.model()._default_manager.filter(pk__in=ids)
                    if rule.action is not None:
                        rule.action(batch)
                    else:
                        batch.delete()
                    deleted += len(ids)
                    previous = ids
            logger.info(
                "Retention purge: %d rows of %s %s (%s older than %d days).",
                deleted,
                rule.label,
                "deleted" if rule.action is None else "anonymised",
                rule.date_field,
                rule.keep_days,
            )
        results.append(PurgeResult(rule=rule, expired=expired, deleted=deleted))
    return results


def register_core_rules() -> None:
    """What core itself keeps: the records of staff logins (usernames, addresses, browsers)."""
    register_rule(
        RetentionRule(
            label="core.HeldUpload",
            date_field="created_at",
            keep_days=1,
            reason="Files kept for a public form that was never sent",
            action=_delete_held_uploads,
        )
    )
    days = settings.CIVICDESK_LOGIN_RECORD_DAYS
    for label in ("axes.AccessLog", "axes.AccessFailureLog"):
        register_rule(
            RetentionRule(label=label, date_field="attempt_time", keep_days=days, reason="Staff login records")
        )


def _delete_held_uploads(rows: models.QuerySet[models.Model]) -> None:
    """Delete kept files with their stored content (a row's delete alone leaves the file)."""
    for row in rows:
        getattr(row, "file").delete(save=False)  # noqa: B009  # rows are HeldUpload
        row.delete()
