"""Who may know a denouncer is itself on record (issue 17, finding 8): giving and taking away
the reveal permission, every download of a denunciation's document and every refused attempt
are audit events, with who, when, from where and why."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.choices import PetitionKind
from core.models import Role
from petitions.models import Attachment, IdentityRevealGrant, PetitionEvent, RevealGrantEvent
from petitions.services import identity_reveal_grant
from tests.factories import MembershipFactory
from tests.petitions.factories import receive

pytestmark = pytest.mark.django_db
NAME = "Hoàng Đình Tố Giác"


@pytest.fixture
def denunciation(commune):
    petition = receive(commune, kind=PetitionKind.DENUNCIATION, petitioner_name=NAME)
    Attachment.objects.create(
        petition=petition,
        file=SimpleUploadedFile("don.pdf", b"%PDF-1.4\n% chu ky nguoi to cao"),
        original_name="don.pdf",
        mime="application/pdf",
        size=30,
    )
    return petition


@pytest.fixture
def administrator(admin_user, commune):
    MembershipFactory(user=admin_user, unit=commune, role=Role.ADMIN)
    return admin_user


def test_giving_and_taking_away_the_permission_in_the_admin_are_audit_events(client, administrator, commune, head):
    client.force_login(administrator)
    add = reverse("admin:petitions_identityrevealgrant_add")
    response = client.post(add, {"user": head.pk, "unit": commune.pk, "note": "QĐ 12/QĐ-UBND"}, REMOTE_ADDR="10.0.0.9")
    assert response.status_code == 302
    grant = IdentityRevealGrant.objects.get()
    assert grant.granted_by == administrator
    given = RevealGrantEvent.objects.get(kind="granted")
    assert (given.user, given.unit, given.actor, given.reason, given.ip_address) == (
        head,
        commune,
        administrator,
        "QĐ 12/QĐ-UBND",
        "10.0.0.9",
    )
    # grants are not edited: taken away and given again, each on record
    change = reverse("admin:petitions_identityrevealgrant_change", args=[grant.pk])
    assert client.post(change, {"user": head.pk, "unit": commune.pk, "note": "sửa"}).status_code == 403
    delete = reverse("admin:petitions_identityrevealgrant_delete", args=[grant.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 302
    assert not IdentityRevealGrant.objects.exists()
    taken = RevealGrantEvent.objects.get(kind="revoked")
    assert (taken.user, taken.unit, taken.actor) == (head, commune, administrator)
    assert taken.data["decision"] == "QĐ 12/QĐ-UBND"
    # and the events are listed, read-only, in the admin
    events = client.get(reverse("admin:petitions_revealgrantevent_changelist")).content.decode()
    assert events.count(head.username) >= 2


def test_a_refused_reveal_is_an_audit_event(client, officer, denunciation):
    client.force_login(officer)
    response = client.post(
        reverse("petitions:reveal", args=[denunciation.pk]), {"reason": "Tò mò"}, REMOTE_ADDR="10.0.0.5"
    )
    assert "không có quyền" in response.content.decode() and NAME not in response.content.decode()
    refused = denunciation.events.get(kind=PetitionEvent.Kind.IDENTITY_REVEAL_REFUSED)
    assert (refused.actor, refused.ip_address, refused.data) == (officer, "10.0.0.5", {"asked": "identity"})
    assert not denunciation.events.filter(kind=PetitionEvent.Kind.IDENTITY_REVEALED).exists()


def test_downloading_a_denunciations_document_is_recorded_and_a_refusal_too(client, officer, head, denunciation):
    attachment = denunciation.attachments.get()
    url = reverse("petitions:attachment", args=[denunciation.pk, attachment.pk])
    client.force_login(officer)
    assert client.get(url, REMOTE_ADDR="10.0.0.5").status_code == 404
    refused = denunciation.events.get(kind=PetitionEvent.Kind.IDENTITY_REVEAL_REFUSED)
    assert (refused.actor, refused.data) == (officer, {"asked": "document"})
    identity_reveal_grant(user=head, unit=denunciation.unit, note="QĐ 12", actor=None)
    client.force_login(head)
    response = client.get(url, REMOTE_ADDR="10.0.0.7")
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
    opened = denunciation.events.get(kind=PetitionEvent.Kind.DOCUMENT_DOWNLOADED)
    assert (opened.actor, opened.ip_address, opened.data) == (head, "10.0.0.7", {"attachment": attachment.pk})


def test_a_complaints_documents_download_without_an_event(client, officer, commune):
    petition = receive(commune)
    attachment = Attachment.objects.create(
        petition=petition,
        file=SimpleUploadedFile("a.pdf", b"%PDF-1.4\n"),
        original_name="a.pdf",
        mime="application/pdf",
        size=9,
    )
    client.force_login(officer)
    assert client.get(reverse("petitions:attachment", args=[petition.pk, attachment.pk])).status_code == 200
    assert not petition.events.filter(kind=PetitionEvent.Kind.DOCUMENT_DOWNLOADED).exists()
