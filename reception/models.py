"""Reception sessions (buổi tiếp) and visits (lượt tiếp).

The fields named in CONTRACTS.md are the minimum every other part relies on;
the reception app builds its workflow on top.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from civicdesk.db import TimeStampedModel
from core.choices import PetitionKind
from core.models import Unit

DELEGATION_MIN_PEOPLE = 5


class ReceivedBy(models.TextChoices):
    STAFF = "staff", _("Reception staff")
    HEAD = "head", _("The head in person")
    DELEGATE = "delegate", _("Delegated by the head")


class Visit(TimeStampedModel):
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="visits")
    ref = models.CharField(_("reference"), max_length=40)
    received_on = models.DateField(_("received on"))
    people = models.PositiveIntegerField(_("people"), default=1)
    received_by = models.CharField(
        _("received by"), max_length=10, choices=ReceivedBy.choices, default=ReceivedBy.STAFF
    )
    kind = models.CharField(_("kind"), max_length=16, choices=PetitionKind.choices, blank=True)
    repeat = models.BooleanField(_("repeat matter"), default=False)
    citizen_name = models.CharField(_("citizen name"), max_length=200, blank=True)
    content = models.TextField(_("content"), blank=True)
    petition_ref = models.CharField(_("petition reference"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        constraints = [models.UniqueConstraint(fields=["unit", "ref"], name="visit_unique_ref")]
        indexes = [models.Index(fields=["unit", "received_on"], name="visit_unit_received_idx")]

    def __str__(self) -> str:
        return self.ref

    @property
    def is_delegation(self) -> bool:
        return self.people >= DELEGATION_MIN_PEOPLE
