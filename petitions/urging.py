"""Urging (đôn đốc, TT 05/2021 art. 14(2)): a petition whose matter a subordinate unit has left
unresolved past its limit is answered by a written request to that unit to report and resolve
it. The request is a record of its own, addressed to a real unit below the petition's, with a
deadline for the answer (rule `petition.urge_answer`, or a date the urging unit sets); the
subordinate's officials record their answer, which the urging unit reads on the petition.

Requests recorded before they were tracked keep the body named in free text, no unit, no
deadline and no answer (migration 0020)."""

import uuid
from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from civicdesk.db import TimeStampedModel
from core.models import DeadlineRule, Unit

from .models import Petition


def urge_answer_path(instance: "UrgeRequest", filename: str) -> str:
    # A random name: the file name may itself carry personal data.
    return f"petitions/urging/{instance.requested_on:%Y/%m}/{uuid.uuid4().hex}"


class UrgeRequest(TimeStampedModel):
    petition = models.ForeignKey(Petition, on_delete=models.PROTECT, related_name="urge_requests")
    # The subordinate unit urged; empty on a request recorded before requests were tracked,
    # whose body is named in `body` only.
    to_unit = models.ForeignKey(
        Unit,
        verbose_name=_("unit urged"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="urge_requests",
    )
    body = models.CharField(_("body urged"), max_length=300)
    request = models.TextField(_("what is asked"), blank=True)
    requested_on = models.DateField(_("urged on"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The day the answer is due, with the rule that produced it (none when the urging unit set
    # the date itself, or on a request recorded before requests were tracked).
    due_on = models.DateField(_("answer due on"), null=True, blank=True)
    due_rule = models.ForeignKey(
        DeadlineRule, verbose_name=_("deadline rule"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answer = models.TextField(_("answer"), blank=True)
    answer_file = models.FileField(_("answering document"), upload_to=urge_answer_path, blank=True)
    answer_file_name = models.CharField(_("file name"), max_length=200, blank=True)
    answer_file_mime = models.CharField(max_length=100, blank=True)
    answer_file_size = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("urging request")
        verbose_name_plural = _("urging requests")
        ordering = ["-requested_on", "-pk"]
        indexes = [
            # The subordinate's waiting requests, by deadline ("Việc của tôi", the urging list).
            models.Index(fields=["to_unit", "due_on"], name="urge_waiting_idx", condition=Q(answered_on__isnull=True)),
        ]

    def __str__(self) -> str:
        return f"{self.petition_id} → {self.body}"

    @property
    def is_tracked(self) -> bool:
        """False for a request recorded before requests were tracked (no unit, no deadline)."""
        return self.to_unit_id is not None

    def is_overdue(self, today: date) -> bool:
        return self.answered_on is None and self.due_on is not None and self.due_on < today

    @property
    def answered_late(self) -> bool:
        return self.answered_on is not None and self.due_on is not None and self.answered_on > self.due_on

    def get_absolute_url(self) -> str:
        return reverse("petitions:urge_detail", kwargs={"pk": self.pk})
