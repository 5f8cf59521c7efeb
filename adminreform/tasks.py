"""Celery tasks of the one-stop shop: thin wrappers around services (which start them by name,
through `core.outbox.run_task_after_commit`, and never import this module)."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone
from django.utils.translation import gettext as _

from core.links import absolute_url
from core.models import Role
from core.selectors import users_with_role_in

from .models import Dossier
from .services import dossier_warn_due_soon


@shared_task(time_limit=300, soft_time_limit=240)
def dossier_due_sweep_task() -> int:
    """Daily: warn units of dossiers due on the next working day without an apology."""
    return len(dossier_warn_due_soon(today=timezone.localdate()))


@shared_task(time_limit=120, soft_time_limit=100, max_retries=5, retry_backoff=True)
def dossier_due_warning_mail_task(dossier_ids: list[int]) -> None:
    """One e-mail per unit to its one-stop officers and head, listing its dossiers."""
    by_unit: dict[int, list[Dossier]] = {}
    for dossier in Dossier.objects.filter(pk__in=dossier_ids).select_related("unit").order_by("due_on", "ref"):
        by_unit.setdefault(dossier.unit_id, []).append(dossier)
    for dossiers in by_unit.values():
        unit = dossiers[0].unit
        recipients = sorted(
            {
                m.user.email
                for m in users_with_role_in(unit=unit, roles=[Role.OFFICER, Role.HANDLER, Role.HEAD])
                if m.user.email
            }
        )
        if not recipients:
            continue
        lines = [f"{d.ref} · {d.due_on:%d/%m/%Y}" for d in dossiers]
        lines += ["", _("Your unit's dossiers: %(url)s") % {"url": absolute_url("adminreform:dossier_list")}]
        send_mail(
            subject=_("%(unit)s: %(n)d dossiers due tomorrow without an apology")
            % {"unit": unit.name, "n": len(dossiers)},
            message="\n".join(lines),
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=recipients,
        )
