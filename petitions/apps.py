from typing import Any

from django.apps import AppConfig
from django.db.models import Q
from django.db.models.signals import post_delete
from django.utils.translation import gettext_lazy as _


class PetitionsConfig(AppConfig):
    name = "petitions"
    verbose_name = _("Petitions")

    def ready(self) -> None:
        from core import outbox, work

        from .models import Attachment
        from .selectors import petition_work_for
        from .services.notifications import OUTBOX
        from .urge_selectors import urge_work_for

        register_retention_rules()
        # Whoever may open a denouncer's identity logs in with a second factor (core.two_factor).
        from core.two_factor import require_second_factor_when

        require_second_factor_when(holds_reveal_grant)
        outbox.register(OUTBOX)
        work.register(petition_work_for)
        work.register(urge_work_for)
        post_delete.connect(_attachment_deleted, sender=Attachment, dispatch_uid="petitions_attachment_file")


def holds_reveal_grant(user: Any) -> bool:
    from .models import IdentityRevealGrant

    return IdentityRevealGrant.objects.filter(user_id=user.pk).exists()


def _attachment_deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
    from .services import attachment_file_delete

    attachment_file_delete(attachment=instance)


def register_retention_rules() -> None:
    """Filed-away petitions (lưu đơn) are kept 1 year from the filing (TT 05/2021/TT-TTCP; TT
    07/2014 art. 28), then `purge_expired` removes their documents, the denouncer's vault row and
    their outbox rows, and strips the petition to its statistical skeleton (audit events stay)."""
    from core.retention import RetentionRule, register_rule

    from .models import PetitionStatus
    from .services import FILED_KEEP_DAYS, petition_purge_filed

    filed = Q(petition__status=PetitionStatus.FILED)
    reason = "Filed-away petitions (lưu đơn): 1 year"
    for label in ("petitions.Attachment", "petitions.DenouncerIdentity", "petitions.Notification"):
        register_rule(
            RetentionRule(
                label=label, date_field="petition__resolved_on", keep_days=FILED_KEEP_DAYS, filter=filed, reason=reason
            )
        )
    register_rule(
        RetentionRule(
            label="petitions.Petition",
            date_field="resolved_on",
            keep_days=FILED_KEEP_DAYS,
            filter=Q(status=PetitionStatus.FILED, purged_on__isnull=True),
            reason=reason,
            action=petition_purge_filed,
        )
    )
