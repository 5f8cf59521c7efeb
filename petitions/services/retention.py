"""Retention of petitions (lưu đơn): what goes when a filed-away petition's year is over, and a
deleted document's file. Both run for the system (core.retention, a model signal), not for a
person: they take no actor."""

from __future__ import annotations

from django.db.models import QuerySet

from ..models import Attachment, Petition
from .workflow import PETITION, Kind, today

FILED_KEEP_DAYS = 365


def petition_purge_filed(queryset: QuerySet[Petition]) -> int:
    """Retention action for petitions filed away more than a year ago (TT 05/2021; TT 07/2014
    art. 28): their personal data and content go; the row stays as the skeleton (unit, ref,
    dates, kind, outcome) that the audit trail and the reports point to. The vault row,
    documents and outbox rows go by their own rules (see apps.py). One PURGED event each."""
    purged_on = today()
    count = 0
    for petition in queryset.select_for_update().filter(purged_on__isnull=True):
        for name in ("petitioner_name", "petitioner_id_number", "petitioner_address", "petitioner_phone"):
            setattr(petition, name, "")
        petition.petitioner_email = petition.id_number_digest = ""
        petition.subject = petition.content = petition.respondent = ""
        petition.outcome_reason = petition.result_note = petition.internal_note = ""
        petition.force_majeure_reason = ""
        petition.tracking_code, petition.tracking_secret_hash, petition.idempotency_key = None, "", None
        petition.purged_on = purged_on
        PETITION.change(petition, kind=Kind.PURGED, actor=None, data={"kept_days": FILED_KEEP_DAYS})
        count += 1
    return count


def attachment_file_delete(*, attachment: Attachment) -> None:
    """Remove a deleted attachment's file, unless a transferred copy still uses it."""
    name = attachment.file.name
    if name and not Attachment.objects.filter(file=name).exclude(pk=attachment.pk).exists():
        attachment.file.storage.delete(name)
