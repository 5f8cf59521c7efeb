"""The systems that call CivicDesk: their API keys, the audit of what was done with them.

A key's secret is shown once when an administrator issues it and stored only as its SHA-256
digest (a random 256-bit secret needs no slow hash); the public `prefix` finds the row.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from civicdesk.db import AuditEventBase, OutboxBase, TimeStampedModel
from core.models import Unit


class Scope(models.TextChoices):
    READ = "read", _("Read")
    WRITE = "write", _("Read and write")


class ApiKey(TimeStampedModel):
    """One other system's key, scoped to a unit and the units below it."""

    name = models.CharField(_("system"), max_length=200, help_text=_("The system that uses this key."))
    prefix = models.CharField(_("key prefix"), max_length=16, editable=False)
    digest = models.CharField(max_length=64, editable=False)
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    scope = models.CharField(_("scope"), max_length=8, choices=Scope.choices, default=Scope.READ)
    rate_per_minute = models.PositiveIntegerField(
        _("requests per minute"), null=True, blank=True, help_text=_("Empty: the site's default.")
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("issued by"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    last_used_ip = models.GenericIPAddressField(_("last used from"), null=True, blank=True)

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        ordering = ["name", "pk"]
        constraints = [models.UniqueConstraint(fields=["prefix"], name="apikey_unique_prefix")]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    @property
    def can_write(self) -> bool:
        return self.scope == Scope.WRITE


class ApiKeyEvent(AuditEventBase):
    """Issue, revocation and every use of a key's write scope."""

    class Kind(models.TextChoices):
        ISSUED = "issued", _("Issued")
        REVOKED = "revoked", _("Revoked")
        WRITE = "write", _("Write")

    api_key = models.ForeignKey(ApiKey, on_delete=models.PROTECT, related_name="events")

    class Meta(AuditEventBase.Meta):
        verbose_name = _("API key event")
        verbose_name_plural = _("API key events")


class DossierHandover(models.Model):
    """An online dossier another system handed over: its own id, so that the same hand-over
    sent twice (a retry after a timeout) files one dossier."""

    api_key = models.ForeignKey(ApiKey, on_delete=models.PROTECT, related_name="+")
    external_id = models.CharField(max_length=100)
    dossier = models.OneToOneField("adminreform.Dossier", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["api_key", "external_id"], name="dossier_handover_unique_external_id")
        ]

    def __str__(self) -> str:
        return self.external_id


class WebhookSubscription(TimeStampedModel):
    """A system's endpoint, told of every status change of the petitions and dossiers in its
    key's scope. Each delivery is signed with the subscription's secret (encrypted at rest)."""

    api_key = models.ForeignKey(ApiKey, verbose_name=_("API key"), on_delete=models.PROTECT, related_name="webhooks")
    url = models.URLField(_("address"), max_length=500, help_text=_("HTTPS address that receives the POSTs."))
    secret_enc = models.TextField(editable=False)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")

    def __str__(self) -> str:
        return self.url


class WebhookDelivery(OutboxBase):
    """The webhooks' outbox (core.outbox) and their delivery log: one row per change and
    subscription, retried with a growing wait; the receiver's last answer is kept."""

    subscription = models.ForeignKey(WebhookSubscription, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(_("event"), max_length=40)
    payload = models.JSONField(_("payload"), default=dict)
    last_status = models.PositiveSmallIntegerField(_("last answer's status"), null=True, blank=True)
    last_response = models.TextField(_("last answer"), blank=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        constraints = [models.UniqueConstraint(fields=["dedupe_key"], name="webhookdelivery_unique_dedupe_key")]
        indexes = [
            models.Index(fields=["created_at"], name="webhookdelivery_unsent_idx", condition=Q(sent_at__isnull=True))
        ]

    def __str__(self) -> str:
        return f"{self.event} #{self.pk}"


class PortalSync(OutboxBase):
    """A dossier's change pushed to the public-service portal (API_PORTAL_URL), through the
    outbox: at least once, with an idempotency key per change (`dedupe_key`)."""

    dossier = models.ForeignKey("adminreform.Dossier", on_delete=models.CASCADE, related_name="+")
    payload = models.JSONField(_("payload"), default=dict)
    last_status = models.PositiveSmallIntegerField(_("last answer's status"), null=True, blank=True)
    last_response = models.TextField(_("last answer"), blank=True)

    class Meta:
        verbose_name = _("portal synchronisation")
        verbose_name_plural = _("portal synchronisations")
        constraints = [models.UniqueConstraint(fields=["dedupe_key"], name="portalsync_unique_dedupe_key")]
        indexes = [models.Index(fields=["created_at"], name="portalsync_unsent_idx", condition=Q(sent_at__isnull=True))]

    def __str__(self) -> str:
        return f"{self.dedupe_key}"
