"""Abstract models every app builds on."""

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class AppendOnlyError(Exception):
    """Audit events are written once and never changed or deleted."""


class AuditEventBase(models.Model):
    """One row per state change: who, when, what, before/after and why.

    Each domain app subclasses it with a real foreign key to its entity and its
    own `Kind` choices. Rows are append-only: the application refuses to update
    or delete them (and on PostgreSQL a trigger refuses it too).
    """

    occurred_at = models.DateTimeField(_("occurred at"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty when the system acted."),
    )
    kind = models.CharField(_("kind"), max_length=40)
    from_status = models.CharField(_("from status"), max_length=32, blank=True)
    to_status = models.CharField(_("to status"), max_length=32, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["occurred_at", "pk"]

    # save() below only refuses changes: a new row may be written by a plain INSERT
    # (core.prepared.insert_prepared_with, a filing's event in the petition's statement).
    SAVE_ADDS_NOTHING_TO_AN_INSERT = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise AppendOnlyError(f"{type(self).__name__} rows cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError(f"{type(self).__name__} rows cannot be deleted.")


class OutboxBase(models.Model):
    """A message waiting to leave the machine (core.outbox): written in the transaction of the
    change it announces, sent once after commit. What it carries is the app's (its template,
    its context); where it goes is read at send time, so no contact data is copied here."""

    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    # Each outbox declares `UniqueConstraint(fields=["dedupe_key"], …)` in its Meta rather than
    # unique=True here: on PostgreSQL unique=True on a CharField adds a second (LIKE) index that
    # every row written would update and no query reads.
    dedupe_key = models.CharField(_("deduplication key"), max_length=120, null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        abstract = True
