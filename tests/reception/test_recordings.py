"""An online session's recording (Decree 154/2026): attached once the session has taken place, as
a checked video or audio file or the address where it is kept; downloaded by the unit's staff only,
each time audited; kept CIVICDESK_RECORDING_KEEP_DAYS after the session by `purge_expired`."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from civicdesk.exceptions import DomainError, InvalidTransition
from core.retention import purge_expired
from reception import services
from reception.models import ReceivedBy, ReceptionEvent, SessionKind, SessionRecording
from tests.reception.factories import SessionFactory

pytestmark = pytest.mark.django_db
HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 2000
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def held(commune):
    return SessionFactory(unit=commune, kind=SessionKind.ONLINE, received_by=ReceivedBy.HEAD, date=date(2026, 3, 12))


def mp4(name="tiep-truc-tuyen-12-03.mp4", data=MP4):
    return SimpleUploadedFile(name, data, "video/mp4")


def test_the_online_session_page_shows_the_three_steps_and_attaches_a_recording(client, officer, held):
    client.force_login(officer)
    page = client.get(reverse("reception:session_detail", args=[held.pk])).content.decode()
    # The notice (5 working days before: 05/03), the connection test (the day before: 11/03), the recording.
    assert "05/03/2026" in page and "11/03/2026" in page
    assert 'id="recording_file"' in page and 'id="recording_link"' in page
    response = client.post(
        reverse("reception:session_recording", args=[held.pk]), {"file": mp4(), "link": "", "note": "Phần 1"}
    )
    assert response.status_code == 302
    recording = SessionRecording.objects.get(session=held)
    assert (recording.mime, recording.original_name, recording.added_by) == (
        "video/mp4",
        "tiep-truc-tuyen-12-03.mp4",
        officer,
    )
    assert held.events.filter(kind=ReceptionEvent.Kind.RECORDING_ADDED, actor=officer).count() == 1
    page = client.get(reverse("reception:session_detail", args=[held.pk])).content.decode()
    assert reverse("reception:recording_open", args=[recording.pk]) in page and "Phần 1" in page


def test_only_a_video_or_audio_file_within_the_limit_is_taken(client, officer, held):
    client.force_login(officer)
    url = reverse("reception:session_recording", args=[held.pk])
    page = client.post(url, {"file": mp4("bien-ban.mp4", PDF), "link": ""}, follow=True).content.decode()
    assert "bien-ban.mp4" in page and "MP4, WebM" in page  # told why, in the page's message
    with override_settings(CIVICDESK_RECORDING_MAX_MB=1):
        big = mp4(data=MP4 + b"\x00" * (2 * 1024 * 1024))
        with pytest.raises(ValidationError, match="2,0"):
            services.session_recording_add(session=held, file=big, actor=officer)
    with pytest.raises(DomainError):
        services.session_recording_add(session=held, file=mp4(), link="https://luutru.hanoi.gov.vn/a", actor=officer)
    with pytest.raises(DomainError):
        services.session_recording_add(session=held, actor=officer)
    assert not SessionRecording.objects.exists()


def test_a_link_must_be_https_and_is_followed_through_an_audited_page(client, officer, held):
    for wrong in ("http://luutru.example/12", "https://không là địa chỉ"):
        with pytest.raises(ValidationError):
            services.session_recording_add(session=held, link=wrong, actor=officer)
    recording = services.session_recording_add(
        session=held, link="https://luutru.hanoi.gov.vn/tiep-cd/2026-03-12", actor=officer
    )
    client.force_login(officer)
    response = client.get(reverse("reception:recording_open", args=[recording.pk]))
    assert response.status_code == 302 and response["Location"] == "https://luutru.hanoi.gov.vn/tiep-cd/2026-03-12"
    assert held.events.filter(kind=ReceptionEvent.Kind.RECORDING_OPENED, actor=officer).count() == 1


def test_only_the_units_staff_download_it_and_each_download_is_recorded(
    client, officer, other_officer, city_leader, held
):
    recording = services.session_recording_add(session=held, file=mp4(), actor=officer)
    client.force_login(officer)
    response = client.get(reverse("reception:recording_open", args=[recording.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == MP4
    assert response["Content-Disposition"].startswith("attachment")
    event = held.events.get(kind=ReceptionEvent.Kind.RECORDING_OPENED)
    assert event.actor == officer and event.data == {"recording": recording.pk}
    for outsider in (other_officer, city_leader):  # another commune; a leader who reads reports only
        client.force_login(outsider)
        assert client.get(reverse("reception:recording_open", args=[recording.pk])).status_code == 404
    assert held.events.filter(kind=ReceptionEvent.Kind.RECORDING_OPENED).count() == 1


def test_only_an_online_session_that_took_place_takes_a_recording(commune, officer, held):
    desk = SessionFactory(unit=commune, kind=SessionKind.REGULAR, date=date(2026, 3, 12))
    with pytest.raises(InvalidTransition):
        services.session_recording_add(session=desk, file=mp4(), actor=officer)
    coming = SessionFactory(unit=commune, kind=SessionKind.ONLINE, date=date.today() + timedelta(days=3))
    with pytest.raises(InvalidTransition):
        services.session_recording_add(session=coming, file=mp4(), actor=officer)


@override_settings(CIVICDESK_RECORDING_KEEP_DAYS=1825)
def test_recordings_are_kept_like_other_records_then_purged_with_their_file(officer, held):
    recording = services.session_recording_add(session=held, file=mp4(), actor=officer)
    storage, name = recording.file.storage, recording.file.name
    last_kept = held.date + timedelta(days=1825)
    purge_expired(commit=True, now=datetime(last_kept.year, last_kept.month, last_kept.day, 12, tzinfo=HANOI))
    assert SessionRecording.objects.filter(pk=recording.pk).exists() and storage.exists(name)
    after = last_kept + timedelta(days=1)
    purge_expired(commit=True, now=datetime(after.year, after.month, after.day, 12, tzinfo=HANOI))
    assert not SessionRecording.objects.filter(pk=recording.pk).exists() and not storage.exists(name)
    assert held.events.filter(kind=ReceptionEvent.Kind.RECORDING_ADDED).exists()  # the audit stays
