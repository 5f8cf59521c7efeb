from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_delete
from django.utils.translation import gettext_lazy as _


class ReceptionConfig(AppConfig):
    name = "reception"
    verbose_name = _("Citizen reception")

    def ready(self) -> None:
        from core import outbox, work

        from .models import SessionRecording
        from .selectors import reception_work_for
        from .services.online import OUTBOX

        outbox.register(OUTBOX)
        work.register(reception_work_for)
        register_recording_retention()
        post_delete.connect(_recording_deleted, sender=SessionRecording, dispatch_uid="reception_recording_file")


def register_recording_retention() -> None:
    """Online sessions' recordings are kept CIVICDESK_RECORDING_KEEP_DAYS after the session
    (docs/reception.md); `purge_expired` then deletes the row and its file. The session, its
    events (the attaching and every download) and its record stay."""
    from django.conf import settings

    from core.retention import RetentionRule, register_rule

    register_rule(
        RetentionRule(
            label="reception.SessionRecording",
            date_field="session__date",
            keep_days=settings.CIVICDESK_RECORDING_KEEP_DAYS,
            reason="Online reception recordings (Decree 154/2026)",
        )
    )


def _recording_deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
    if instance.file:
        instance.file.delete(save=False)
