"""The map of feedback in a browser, its tiles from a local stand-in tile server: the public
map groups the feedback in clusters and a point opens its status; the picker on the filing
form fills the place; the staff map shows an official's units. Every page accessible."""

import struct
import threading
import zlib
from datetime import date, timedelta
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from core.choices import PetitionKind
from petitions.models import Channel, Petition
from petitions.services import Identity, Location, petition_create
from tests.e2e.conftest import assert_accessible
from tests.rules import seed_deadline_rules

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _tile_png() -> bytes:
    """A 256×256 light grey PNG (what any tile server answers, in shape)."""
    row = b"\x00" + b"\xe9\xec\xef" * 256
    raw = zlib.compress(row * 256)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", 256, 256, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")


class TileServer:
    """Answers every /z/x/y.png with the same tile and counts the requests and their Referer."""

    def __init__(self) -> None:
        self.paths: list[str] = []
        self.referers: set[str] = set()
        tile, server = _tile_png(), self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.paths.append(self.path)
                server.referers.add(self.headers.get("Referer", ""))
                self.send_response(200)
                self.send_header("Content-Type", "image/png")
                self.send_header("Content-Length", str(len(tile)))
                self.end_headers()
                self.wfile.write(tile)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/{{z}}/{{x}}/{{y}}.png"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def tiles(settings):
    server = TileServer()
    settings.MAP_TILE_URL = server.url
    settings.MAP_TILE_ATTRIBUTION = "Bản đồ thử"
    yield server
    server.close()


@pytest.fixture
def deadline_rules(transactional_db):
    seed_deadline_rules()


def _feedback(unit, lat: float, lng: float, *, place: str, days_ago: int = 0) -> Petition:
    return petition_create(
        unit=unit,
        kind=PetitionKind.FEEDBACK,
        received_on=date.today() - timedelta(days=days_ago),
        channel=Channel.ONLINE,
        subject="Đèn đường hỏng",
        content="Đèn không sáng.",
        identity=Identity(name="Trần Thị Bình", address="5 Hàng Gai", phone="0987654321"),
        location=Location(
            latitude=Decimal(f"{lat:.6f}"), longitude=Decimal(f"{lng:.6f}"), address=place, category="lighting"
        ),
        actor=None,
    )


def test_the_public_map_clusters_feedback_and_a_point_opens_its_status(
    live_server, desktop_page, phone_page, tiles, deadline_rules, commune
):
    # 30 points around Hồ Gươm, one alone at Hồ Tây
    for i in range(30):
        _feedback(
            commune, 21.0285 + (i % 6) * 0.0004, 105.8520 + (i // 6) * 0.0004, place=f"Số {i} Hàng Gai", days_ago=i
        )
    alone = _feedback(commune, 21.0580, 105.8190, place="Đường Thanh Niên")
    page = desktop_page
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Bản đồ phản ánh").first.click()
    page.wait_for_selector("#feedback-map[data-loaded='31']")
    clusters = page.locator(".marker-cluster")
    assert clusters.count() >= 1
    assert int(clusters.first.inner_text()) >= 2  # a cluster says how many it holds
    assert tiles.paths and all(p.endswith(".png") for p in tiles.paths)
    assert tiles.referers == {f"{live_server.url}/"}  # the site's origin only, as tile servers ask
    assert "31 điểm phản ánh" in page.locator("#feedback-map-status").inner_text()
    assert_accessible(page, "feedback-map-desktop")
    # the lone point: by keyboard, as any marker, once the clusters have stopped moving
    page.wait_for_function("!document.querySelector('.leaflet-cluster-anim, .leaflet-zoom-anim')")
    marker = page.locator(
        f'.leaflet-marker-icon[role="button"][title="{alone.tracking_code}: Chiếu sáng công cộng, Đang xử lý"]'
    )
    marker.focus()
    page.keyboard.press("Enter")
    popup = page.locator(".leaflet-popup-content")
    assert "Đường Thanh Niên" in popup.inner_text() and "Phường Hoàn Kiếm" in popup.inner_text()
    assert "Trần Thị Bình" not in page.content()
    # Followed by keyboard too: the popup may still be panning into view, and a pointer's click
    # aimed at where the link was would land on the map.
    popup.get_by_role("link", name="Xem tình trạng").focus()
    page.keyboard.press("Enter")
    # The page is there once its document is: its small map's tiles may still be loading.
    page.wait_for_url(f"**/petitions/feedback/{alone.tracking_code}/", wait_until="domcontentloaded")
    assert "Chiếu sáng công cộng" in page.inner_text("main") and "Đã tiếp nhận" in page.inner_text("main")
    assert_accessible(page, "feedback-point-desktop")
    # the phone: the same map, clusters too; a cluster opens on a tap
    phone_page.goto(f"{live_server.url}/petitions/map/")
    phone_page.wait_for_selector("#feedback-map[data-loaded='31']")
    assert_accessible(phone_page, "feedback-map-phone")
    before = phone_page.locator(".marker-cluster").count()
    phone_page.locator(".marker-cluster").first.click()
    phone_page.wait_for_function(f"document.querySelectorAll('.leaflet-marker-icon').length > {before}")


def test_the_picker_fills_the_place_on_the_filing_form(live_server, phone_page, tiles, deadline_rules, commune):
    page = phone_page
    page.goto(f"{live_server.url}/petitions/file/")
    page.get_by_role("radio", name="Phản ánh").check()
    page.locator("#location-picker").scroll_into_view_if_needed()
    assert_accessible(page, "feedback-picker-phone")
    box = page.locator("#location-picker").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2 + 30, box["y"] + box["height"] / 2 + 20)
    latitude, longitude = page.locator("#id_latitude").input_value(), page.locator("#id_longitude").input_value()
    assert abs(float(latitude) - 21.0285) < 0.05 and abs(float(longitude) - 105.8542) < 0.05
    assert len(latitude.split(".")[1]) == 6
    # typed coordinates move the point
    page.locator("#id_latitude").fill("21.030000")
    page.locator("#id_longitude").fill("105.850000")
    page.locator("#id_longitude").dispatch_event("change")
    assert page.locator("#location-picker .leaflet-marker-icon").count() == 1
    page.locator("#id_petitioner_name").fill("Trần Thị Bình")
    page.locator("#id_petitioner_address").fill("5 Hàng Gai, Hoàn Kiếm")
    page.locator("#id_petitioner_phone").fill("0987654321")
    page.locator("#id_unit").select_option("00070")
    page.locator("#id_subject").fill("Đèn đường hỏng")
    page.locator("#id_content").fill("Đèn trước số 5 Hàng Gai không sáng.")
    page.locator("#id_category").select_option("lighting")
    page.locator("#id_location_address").fill("Trước số 5 Hàng Gai")
    page.locator("#id_consent").check()
    page.get_by_role("button", name="Gửi đơn").click()
    page.wait_for_url("**/petitions/file/done/")
    petition = Petition.objects.get()
    assert (petition.latitude, petition.longitude) == (Decimal("21.030000"), Decimal("105.850000"))
    assert petition.location_address == "Trước số 5 Hàng Gai"


def test_the_staff_map_shows_the_officials_units(
    live_server, desktop_page, login_as, tiles, deadline_rules, commune, other_commune, officer
):
    ours = _feedback(commune, 21.0285, 105.8520, place="Hàng Gai")
    _feedback(other_commune, 21.0350, 105.8300, place="Ba Đình")
    page = desktop_page
    login_as(page, officer.username)
    page.get_by_role("navigation").get_by_role("link", name="Bản đồ phản ánh").click()
    page.wait_for_selector("#feedback-map[data-loaded='1']")
    assert_accessible(page, "feedback-map-staff")
    page.locator(f'.leaflet-marker-icon[title="{ours.ref}: Chiếu sáng công cộng, Đang xử lý"]').click()
    page.locator(".leaflet-popup-content").get_by_role("link", name="Mở đơn").click()
    page.wait_for_url(f"**/petitions/{ours.pk}/")
