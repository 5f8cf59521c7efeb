"""Petitions (đơn) and cases (vụ việc).

The fields named in CONTRACTS.md (import columns and report definitions) are the
minimum every other part relies on; the petitions app builds its workflow on top.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from civicdesk.db import TimeStampedModel
from core.choices import PetitionKind
from core.models import Unit


class Channel(models.TextChoices):
    ONLINE = "online", _("Online")
    IN_PERSON = "in_person", _("In person")
    POST = "post", _("Post")
    FORWARDED = "forwarded", _("Forwarded by another body")


class Outcome(models.TextChoices):
    ACCEPTED = "accepted", _("Accepted (thụ lý)")
    REFUSED = "refused", _("Refused")
    GUIDED = "guided", _("Guided to the competent body")
    TRANSFERRED = "transferred", _("Transferred")
    URGED = "urged", _("Urged")
    FILED = "filed", _("Filed away")
    NO_ACTION = "no_action", _("No action")


class Case(TimeStampedModel):
    """Petitions about the same matter: N petitions, one case."""

    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="petition_cases")
    ref = models.CharField(_("reference"), max_length=40)
    kind = models.CharField(_("kind"), max_length=16, choices=PetitionKind.choices)
    subject = models.CharField(_("subject"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        constraints = [models.UniqueConstraint(fields=["unit", "ref"], name="case_unique_ref")]

    def __str__(self) -> str:
        return self.ref


class Petition(TimeStampedModel):
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="petitions")
    ref = models.CharField(_("reference"), max_length=40)
    received_on = models.DateField(_("received on"))
    kind = models.CharField(_("kind"), max_length=16, choices=PetitionKind.choices)
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices, default=Channel.POST)
    signers = models.PositiveIntegerField(_("signers"), default=1)
    anonymous = models.BooleanField(_("anonymous"), default=False)
    over_level = models.BooleanField(_("over level"), default=False)
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices, blank=True)
    competent = models.BooleanField(_("within competence"), null=True, blank=True)
    case = models.ForeignKey(
        Case, verbose_name=_("case"), null=True, blank=True, on_delete=models.PROTECT, related_name="petitions"
    )
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True)
    subject = models.CharField(_("subject"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("petition")
        verbose_name_plural = _("petitions")
        constraints = [models.UniqueConstraint(fields=["unit", "ref"], name="petition_unique_ref")]
        indexes = [models.Index(fields=["unit", "received_on"], name="petition_unit_received_idx")]

    def __str__(self) -> str:
        return self.ref

    @property
    def is_crowd(self) -> bool:
        return self.signers >= 5
