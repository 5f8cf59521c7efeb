"""Choices shared by several domain apps (they may not import each other's models)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PetitionKind(models.TextChoices):
    COMPLAINT = "complaint", _("Complaint")
    DENUNCIATION = "denunciation", _("Denunciation")
    RECOMMENDATION = "recommendation", _("Recommendation")
    FEEDBACK = "feedback", _("Feedback")
