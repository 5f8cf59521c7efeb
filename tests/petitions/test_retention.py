"""Filed-away petitions (lưu đơn) are kept 1 year, then `purge_expired` removes their personal
data: documents (and their files), the denouncer's vault row, outbox rows; the petition keeps only
its statistical skeleton, and its audit events stay."""

import os
from datetime import date, datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from core.choices import PetitionKind
from core.retention import purge_expired
from petitions.models import Attachment, DenouncerIdentity, Notification, Petition, PetitionEvent
from petitions.services import petition_file_away, petition_refuse
from tests.petitions.factories import classify, receive

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def at(day: date) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, 12))


def filed(unit, *, on=date(2026, 3, 10), kind=PetitionKind.COMPLAINT, **kwargs):
    petition = receive(
        unit,
        kind=kind,
        received_on=date(2026, 3, 2),
        respondent="QĐ 12",
        attachments=[SimpleUploadedFile("don.pdf", PDF)],
        **kwargs,
    )
    return petition_file_away(
        petition=classify(petition, eligible=False), expected_version=None, reason="Đơn không ký tên", on=on, actor=None
    )


def test_kept_one_year_then_personal_data_documents_and_outbox_go(commune):
    petition = filed(commune, on=date(2026, 3, 10))
    path = petition.attachments.get().file.path
    events = set(petition.events.values_list("pk", flat=True))
    assert os.path.exists(path) and Notification.objects.filter(petition=petition).exists()

    purge_expired(commit=True, now=at(date(2027, 3, 10)))  # a year to the day: still kept
    petition.refresh_from_db()
    assert petition.petitioner_name == "Nguyễn Văn An" and petition.attachments.exists()

    purge_expired(commit=True, now=at(date(2027, 3, 11)))
    petition.refresh_from_db()
    assert (petition.petitioner_name, petition.petitioner_id_number, petition.petitioner_phone) == ("", "", "")
    assert (petition.petitioner_email, petition.content, petition.subject, petition.respondent) == ("", "", "", "")
    assert petition.tracking_code is None and petition.purged_on is not None
    assert (petition.ref, petition.kind, petition.outcome) == ("2026/00001", "complaint", "filed")  # for reports
    assert not Attachment.objects.filter(petition=petition).exists() and not os.path.exists(path)
    assert not Notification.objects.filter(petition=petition).exists()
    assert events < set(petition.events.values_list("pk", flat=True)), "audit events are kept"
    assert petition.events.filter(kind=PetitionEvent.Kind.PURGED).count() == 1

    again = {r.rule.label: r.deleted for r in purge_expired(commit=True, now=at(date(2027, 6, 1)))}
    assert again["petitions.Petition"] == 0
    assert petition.events.filter(kind=PetitionEvent.Kind.PURGED).count() == 1


def test_a_filed_denunciations_vault_row_goes_too(commune):
    petition = filed(commune, kind=PetitionKind.DENUNCIATION)
    assert DenouncerIdentity.objects.filter(petition=petition).exists()
    purge_expired(commit=True, now=at(date(2027, 3, 11)))
    assert not DenouncerIdentity.objects.filter(petition=petition).exists()


def test_other_outcomes_are_not_purged_by_this_rule(commune):
    kept = receive(commune, received_on=date(2026, 3, 2))
    kept = petition_refuse(
        petition=classify(kept), expected_version=None, reason="Hết thời hiệu", on=date(2026, 3, 10), actor=None
    )
    purge_expired(commit=True, now=at(date(2028, 1, 1)))
    kept.refresh_from_db()
    assert kept.petitioner_name == "Nguyễn Văn An" and kept.purged_on is None


def test_the_command_lists_the_rule_with_its_reason(commune, capsys):
    filed(commune)
    call_command("purge_expired")
    out = capsys.readouterr().out
    assert "petitions.Petition" in out


def test_a_transferred_copy_keeps_the_shared_file(commune, other_commune):
    from petitions.services import petition_transfer

    original = receive(
        commune,
        kind=PetitionKind.RECOMMENDATION,
        received_on=date(2026, 3, 2),
        respondent="QĐ 1",
        attachments=[SimpleUploadedFile("a.pdf", PDF)],
    )
    copy = petition_transfer(
        petition=classify(original), expected_version=None, to_unit=other_commune, on=date(2026, 3, 5), actor=None
    )
    copy = petition_file_away(
        petition=classify(copy, eligible=False), expected_version=None, reason="Trùng", on=date(2026, 3, 9), actor=None
    )
    path = copy.attachments.get().file.path
    purge_expired(commit=True, now=at(date(2027, 4, 1)))
    assert not copy.attachments.exists()
    assert os.path.exists(path) and Petition.objects.get(pk=original.pk).attachments.count() == 1
