"""An online reception session in a browser, on a phone and on a desk screen: the official
notifies the participants, records the connection test and attaches the recording; each page
checked with axe-core and photographed (test-artifacts/)."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from reception.models import ReceivedBy, ReceptionEvent, SessionKind, SessionRecording
from tests.e2e.conftest import ARTIFACTS, assert_accessible
from tests.reception.factories import SessionFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 4000
VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1366, "height": 768}}


@pytest.mark.parametrize("screen", sorted(VIEWPORTS))
def test_an_official_runs_the_three_steps_of_an_online_session(
    browser, live_server, login_as, officer, commune, screen
):
    session = SessionFactory(
        unit=commune, kind=SessionKind.ONLINE, received_by=ReceivedBy.HEAD, date=timezone.localdate()
    )
    context = browser.new_context(viewport=VIEWPORTS[screen], locale="vi-VN", is_mobile=screen == "phone")
    page = context.new_page()
    try:
        login_as(page, "canbo")
        page.goto(f"{live_server.url}/reception/sessions/{session.pk}/")
        section = page.locator("section[aria-labelledby=online-heading]")
        expect(section).to_be_visible()
        assert_accessible(page, f"online-session-{screen}")
        # 1. The participants: today is past the 5 working days, so it is recorded as late.
        section.get_by_label(officer.get_full_name() or officer.username).check()
        section.get_by_role("button", name="Thông báo thành phần tham dự").click()
        expect(page.get_by_text("muộn").first).to_be_visible()
        # 2. The connection test.
        page.get_by_label("Đường truyền hoạt động tốt").check()
        page.get_by_role("button", name="Ghi nhận kiểm tra đường truyền").click()
        expect(page.get_by_text("Đã ghi nhận kết quả kiểm tra đường truyền.")).to_be_visible()
        # 3. The recording: a video file, checked by its content.
        page.locator("#recording_file").set_input_files(
            files=[{"name": "tiep-truc-tuyen.mp4", "mimeType": "video/mp4", "buffer": MP4}]
        )
        page.get_by_label("Ghi chú (phần, thời lượng)").fill("Phần 1, 45 phút")
        page.get_by_role("button", name="Đính kèm bản ghi").click()
        expect(page.get_by_text("Đã đính kèm bản ghi vào buổi tiếp.")).to_be_visible()
        expect(page.locator("#recordings")).to_contain_text("tiep-truc-tuyen.mp4")
        assert_accessible(page, f"online-session-recorded-{screen}")
        page.screenshot(path=str(ARTIFACTS / f"online-session-{screen}-viewport.png"))
        recording = SessionRecording.objects.get(session=session)
        assert recording.mime == "video/mp4" and recording.note == "Phần 1, 45 phút"
        kinds = set(session.events.values_list("kind", flat=True))
        assert {
            ReceptionEvent.Kind.PARTICIPANTS_NOTIFIED,
            ReceptionEvent.Kind.CONNECTION_CHECKED,
            ReceptionEvent.Kind.RECORDING_ADDED,
        } <= kinds
    finally:
        context.close()
