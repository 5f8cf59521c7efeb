"""Procedures (thủ tục hành chính) and one-stop dossiers (hồ sơ).

The fields named in CONTRACTS.md are the minimum every other part relies on;
the adminreform app builds its workflow on top.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from civicdesk.db import TimeStampedModel
from core.models import Unit, UnitLevel


class OnlineService(models.TextChoices):
    NONE = "none", _("Not online")
    PARTLY = "partly", _("Partly online (một phần)")
    FULLY = "fully", _("Fully online (toàn trình)")


class Procedure(TimeStampedModel):
    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=400)
    field = models.CharField(_("field"), max_length=200, blank=True)
    level = models.CharField(_("level"), max_length=10, choices=UnitLevel.choices)
    processing_days = models.PositiveIntegerField(_("processing time (working days)"))
    online_service = models.CharField(
        _("online service"), max_length=8, choices=OnlineService.choices, default=OnlineService.NONE
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)

    class Meta:
        verbose_name = _("procedure")
        verbose_name_plural = _("procedures")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class DossierChannel(models.TextChoices):
    ONLINE = "online", _("Online")
    COUNTER = "counter", _("At the counter")
    POST = "post", _("By post")


class DossierOutcome(models.TextChoices):
    GRANTED = "granted", _("Granted")
    REFUSED = "refused", _("Refused")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Dossier(TimeStampedModel):
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="dossiers")
    ref = models.CharField(_("dossier code"), max_length=40)
    received_on = models.DateField(_("received on"))
    procedure = models.ForeignKey(
        Procedure, verbose_name=_("procedure"), null=True, blank=True, on_delete=models.PROTECT, related_name="dossiers"
    )
    channel = models.CharField(
        _("channel"), max_length=8, choices=DossierChannel.choices, default=DossierChannel.COUNTER
    )
    due_on = models.DateField(_("due on"))
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=DossierOutcome.choices, default=DossierOutcome.GRANTED
    )

    class Meta:
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")
        constraints = [models.UniqueConstraint(fields=["unit", "ref"], name="dossier_unique_ref")]
        indexes = [
            models.Index(fields=["unit", "received_on"], name="dossier_unit_received_idx"),
            models.Index(fields=["unit", "resolved_on"], name="dossier_unit_resolved_idx"),
        ]

    def __str__(self) -> str:
        return self.ref
