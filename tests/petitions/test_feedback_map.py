"""The map of feedback: the public map shows located feedback only (never complaints or
denunciations, never who sent it), the staff map an official's units only; both page their
points and filter them; a point opens the feedback's public page or the petition's page; the
list under the map works without JavaScript. A request filed through Open311 is on both maps
and its status follows the petition."""

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from core.choices import PetitionKind
from petitions.feedback_map import MapFilters, public_feedback_points
from petitions.models import Channel
from petitions.services import Identity, Location, petition_accept, petition_create, petition_refuse, petition_resolve
from tests.petitions.factories import accepted, classify

pytestmark = pytest.mark.django_db

TODAY = date(2026, 3, 20)


def feedback(unit, *, lat="21.028511", lng="105.852020", category="lighting", received_on=date(2026, 3, 2), **kw):
    return petition_create(
        unit=unit,
        kind=kw.pop("kind", PetitionKind.FEEDBACK),
        received_on=received_on,
        channel=Channel.ONLINE,
        subject="Đèn đường hỏng",
        content="Đèn trước số 5 Hàng Gai không sáng.",
        identity=Identity(name="Trần Thị Bình", address="5 Hàng Gai", phone="0987654321"),
        location=Location(
            latitude=Decimal(lat) if lat else None,
            longitude=Decimal(lng) if lng else None,
            address=kw.pop("place", "Trước số 5 Hàng Gai"),
            category=category,
        ),
        actor=None,
        **kw,
    )


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY, tick=False):
        yield


def _all(client, url, params=None):
    """Every point, following `next` as map.js does."""
    answer = client.get(url, params or {}).json()
    points = list(answer["points"])
    while answer["next"]:
        answer = client.get(answer["next"]).json()
        points += answer["points"]
    return points, answer


def test_the_public_map_shows_located_feedback_only_and_no_personal_data(client, commune):
    shown = feedback(commune)
    feedback(commune, lat="", lng="")  # no point: not on the map
    complaint = feedback(commune, kind=PetitionKind.COMPLAINT, respondent="Quyết định 12/QĐ-UBND")
    recommendation = feedback(commune, kind=PetitionKind.RECOMMENDATION)
    assert complaint.latitude is None and recommendation.latitude is None  # places are for feedback only
    answer = client.get(reverse("petitions:map_points")).json()
    assert [p[0] for p in answer["points"]] == [shown.tracking_code]
    [point] = answer["points"]
    assert point[1:7] == [21.028511, 105.85202, "lighting", "received", 1, "02/03/2026"]
    assert answer["units"][point[7]] == "Phường Hoàn Kiếm" and point[8] == "Trước số 5 Hàng Gai"
    body = client.get(reverse("petitions:map_points")).content.decode()
    for private in ("Trần Thị Bình", "0987654321", "Đèn trước số 5", shown.ref):
        assert private not in body
    page = client.get(reverse("petitions:map")).content.decode()
    assert shown.tracking_code in page and "Trần Thị Bình" not in page and complaint.ref not in page


def test_a_public_point_opens_the_feedbacks_status_page(client, commune, officer):
    petition = feedback(commune)
    page = client.get(reverse("petitions:feedback", kwargs={"code": petition.tracking_code.lower()}))
    text = page.content.decode()
    assert page.status_code == 200
    assert "Chiếu sáng công cộng" in text and "02/03/2026" in text and "Phường Hoàn Kiếm" in text
    assert "Trước số 5 Hàng Gai" in text and "21.028511" in text
    assert "Trần Thị Bình" not in text and "0987654321" not in text and "không sáng" not in text
    # the tile server is allowed for this page's images, and only there
    assert "tile.openstreetmap.org" in page["Content-Security-Policy"].split("img-src")[1].split(";")[0]
    assert "tile.openstreetmap.org" not in client.get(reverse("petitions:track"))["Content-Security-Policy"]
    complaint = feedback(commune, kind=PetitionKind.COMPLAINT, respondent="Quyết định 12/QĐ-UBND")
    assert client.get(reverse("petitions:feedback", kwargs={"code": complaint.tracking_code})).status_code == 404
    assert client.get(reverse("petitions:feedback", kwargs={"code": "KHONGCO1"})).status_code == 404


def test_filters_by_status_category_and_period(client, commune, officer):
    lamp = feedback(commune, received_on=date(2026, 3, 2))
    road = feedback(commune, category="roads", received_on=date(2026, 3, 10))
    old = feedback(commune, received_on=date(2025, 6, 1))
    petition_refuse(
        petition=classify(road, actor=officer, eligible=False),
        expected_version=None,
        reason="Không thuộc thẩm quyền",
        actor=officer,
    )  # closed
    url = reverse("petitions:map_points")

    def codes(**params):
        return {p[0] for p in client.get(url, params).json()["points"]}

    assert codes() == {lamp.tracking_code, road.tracking_code}  # the last 90 days by default
    assert codes(since="2025-01-01") == {lamp.tracking_code, road.tracking_code, old.tracking_code}
    assert codes(status="open") == {lamp.tracking_code}
    assert codes(status="closed") == {road.tracking_code}
    assert codes(category="roads") == {road.tracking_code}
    assert codes(since="2026-03-05", until="2026-03-31") == {road.tracking_code}
    bad = client.get(url, {"since": "2026-03-31", "until": "2026-03-01"})
    assert bad.status_code == 400 and "until" in bad.json()["errors"]
    assert client.get(url, {"since": "hôm qua"}).status_code == 400
    page = client.get(reverse("petitions:map"), {"since": "2026-03-31", "until": "2026-03-01"})
    assert (
        page.status_code == 200 and "Ngày kết thúc của khoảng thời gian ở trước ngày bắt đầu" in page.content.decode()
    )
    assert 'value="2026-03-31"' in page.content.decode()  # nothing typed is lost


def test_points_come_page_by_page_newest_first(client, commune):
    made = [feedback(commune, received_on=TODAY - timedelta(days=i % 4)) for i in range(7)]
    first = client.get(reverse("petitions:map_points"), {"limit": 3}).json()
    assert len(first["points"]) == 3 and "after=" in first["next"] and "limit=3" in first["next"]
    points, last = _all(client, reverse("petitions:map_points"), {"limit": 3})
    assert last["next"] is None
    expected = sorted(made, key=lambda p: (p.received_on, p.pk), reverse=True)
    assert [p[0] for p in points] == [p.tracking_code for p in expected]
    # the same through the selector, with a cursor that names nothing: the first page
    assert len(public_feedback_points(filters=MapFilters(), cursor="rubbish", limit=2).points) == 2


def test_the_list_under_the_map_pages_without_javascript(client, commune, monkeypatch):
    monkeypatch.setattr("petitions.views.map.TABLE_ROWS", 2)
    made = [feedback(commune, received_on=TODAY - timedelta(days=i)) for i in range(3)]
    first = client.get(reverse("petitions:map")).content.decode()
    assert made[0].tracking_code in first and made[2].tracking_code not in first
    older = re.search(r'href="\?([^"]*after=[^"]*)"', first).group(1).replace("&amp;", "&")
    second = client.get(reverse("petitions:map") + "?" + older).content.decode()
    assert made[2].tracking_code in second and made[0].tracking_code not in second
    assert reverse("petitions:feedback", kwargs={"code": made[2].tracking_code}) in second


def test_the_staff_map_shows_the_officials_units_only_and_opens_the_petition(
    client, commune, other_commune, officer, city_inspector
):
    ours = feedback(commune)
    theirs = feedback(other_commune, lat="21.035", lng="105.83")
    desk = feedback(commune, lat="21.03", lng="105.85")
    client.force_login(officer)
    points, _answer = _all(client, reverse("petitions:staff_map_points"))
    assert {p[0] for p in points} == {ours.pk, desk.pk}
    assert {p[9] for p in points} == {ours.ref, desk.ref}
    page = client.get(reverse("petitions:staff_map")).content.decode()
    assert reverse("petitions:detail", kwargs={"pk": ours.pk}) in page
    assert reverse("petitions:detail", kwargs={"pk": theirs.pk}) not in page
    # a unit of another ward is not a choice: refused, nothing shown
    refused = client.get(reverse("petitions:staff_map_points"), {"unit": other_commune.code})
    assert refused.status_code == 400
    client.force_login(city_inspector)
    points, _answer = _all(client, reverse("petitions:staff_map_points"), {"unit": other_commune.code})
    assert [p[0] for p in points] == [theirs.pk]
    points, _answer = _all(client, reverse("petitions:staff_map_points"))
    assert {p[0] for p in points} == {ours.pk, theirs.pk, desk.pk}


def test_the_staff_map_needs_a_staff_role(client, commune):
    feedback(commune)
    assert client.get(reverse("petitions:staff_map")).status_code == 302  # to the login page
    assert client.get(reverse("petitions:staff_map_points")).status_code == 302


def test_the_staff_map_filters_by_a_status(client, commune, officer):
    waiting = feedback(commune)
    taken = accepted(commune, kind=PetitionKind.FEEDBACK, actor=officer)
    assert taken.latitude is None  # the desk's own petitions have no point here
    client.force_login(officer)
    points = client.get(reverse("petitions:staff_map_points"), {"status": "received"}).json()["points"]
    assert [p[0] for p in points] == [waiting.pk]


def test_links_from_the_public_home_and_the_staff_menu(client, officer):
    assert reverse("petitions:map") in client.get(reverse("core:home")).content.decode()
    on_map = client.get(reverse("petitions:map")).content.decode()
    assert re.findall(r'href="([^"]+)" aria-current="page"', on_map) == [reverse("petitions:map")]
    client.force_login(officer)
    on_staff_map = client.get(reverse("petitions:staff_map")).content.decode()
    assert re.findall(r'href="([^"]+)" aria-current="page"', on_staff_map) == [reverse("petitions:staff_map")]
    on_queue = client.get(reverse("petitions:queue")).content.decode()
    assert re.findall(r'href="([^"]+)" aria-current="page"', on_queue) == [reverse("petitions:queue")]


def test_a_request_filed_through_open311_is_on_the_queue_and_both_maps_and_follows_the_petition(
    client, commune, officer, city
):
    from api import services as api_services
    from api.models import Scope
    from petitions.models import Petition
    from tests.factories import MembershipFactory, UserFactory

    admin = UserFactory(username="quantri.map")
    MembershipFactory(user=admin, unit=city, role="admin")
    _key, raw = api_services.api_key_issue(name="Ứng dụng phản ánh", unit=commune, scope=Scope.WRITE, actor=admin)
    filed = client.post(
        "/open311/v2/requests.json",
        {
            "api_key": raw,
            "service_code": "drainage",
            "lat": "21.030100",
            "long": "105.851200",
            "address_string": "Ngõ 12 Hàng Bạc",
            "description": "Cống bị tắc, nước tràn ra đường.",
            "first_name": "Bình",
            "last_name": "Trần Thị",
            "phone": "0987654321",
            "jurisdiction_id": commune.code,
        },
    )
    assert filed.status_code == 201, filed.content
    code = filed.json()[0]["service_request_id"]
    petition = Petition.objects.get(tracking_code=code)
    [public] = [p for p in client.get(reverse("petitions:map_points")).json()["points"] if p[0] == code]
    assert public[1:6] == [21.0301, 105.8512, "drainage", "received", 1]
    client.force_login(officer)
    assert petition.ref in client.get(reverse("petitions:queue")).content.decode()
    [staff] = client.get(reverse("petitions:staff_map_points")).json()["points"]
    assert (staff[0], staff[4], staff[9]) == (petition.pk, "received", petition.ref)
    # the official accepts it, then resolves it: both maps and Open311 follow
    accepted_one = petition_accept(
        petition=classify(petition, actor=officer), expected_version=None, on=TODAY, actor=officer
    )
    client.logout()
    [public] = client.get(reverse("petitions:map_points")).json()["points"]
    assert (public[4], public[5]) == ("accepted", 1)
    petition_resolve(petition=accepted_one, expected_version=None, result="answered", note="Đã thông cống", actor=None)
    [public] = client.get(reverse("petitions:map_points"), {"status": "closed"}).json()["points"]
    assert (public[0], public[4], public[5]) == (code, "resolved", 0)
    assert client.get(f"/open311/v2/requests/{code}.json").json()[0]["status"] == "closed"
    assert client.get(reverse("petitions:map_points"), {"status": "open"}).json()["points"] == []
    client.force_login(officer)
    [staff] = client.get(reverse("petitions:staff_map_points")).json()["points"]
    assert staff[4] == "resolved"
