"""Open311 GeoReport v2 for feedback: discovery, services, requests POST and GET in JSON and
XML, after the specification's examples (wiki.open311.org/GeoReport_v2). A request filed here
is a feedback petition: in the commune's queue, its status following the petition."""

from datetime import date
from xml.etree import ElementTree as ET

import pytest
from django.urls import reverse

from api.models import ApiKeyEvent
from petitions.models import Petition
from tests.petitions.factories import classify, receive

pytestmark = pytest.mark.django_db


def _post(client, key, **changes):
    data = {
        "api_key": key.raw,
        "service_code": "lighting",
        "lat": "21.028511",
        "long": "105.852020",
        "address_string": "5 Hàng Gai, Hoàn Kiếm",
        "description": "Đèn đường trước số 5 Hàng Gai không sáng.",
        "first_name": "Bình",
        "last_name": "Trần Thị",
        "phone": "0987654321",
        "jurisdiction_id": "00070",
    }
    data.update(changes)
    return client.post("/open311/v2/requests.json", {k: v for k, v in data.items() if v is not None})


def test_discovery_and_services_in_json_and_xml(client):
    discovery = client.get("/open311/v2/discovery.json").json()
    assert discovery["endpoints"][0]["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert discovery["endpoints"][0]["url"].endswith("/open311/v2")
    xml = ET.fromstring(client.get("/open311/v2/discovery.xml").content)
    assert xml.tag == "discovery" and xml.find("endpoints/endpoint/formats/format").text == "application/json"
    services = client.get("/open311/v2/services.json").json()
    lighting = next(s for s in services if s["service_code"] == "lighting")
    assert set(lighting) == {"service_code", "service_name", "description", "metadata", "type", "keywords", "group"}
    assert lighting["metadata"] is False and lighting["type"] == "realtime"
    assert lighting["service_name"] == "Chiếu sáng công cộng"
    root = ET.fromstring(client.get("/open311/v2/services.xml").content)
    assert root.tag == "services" and root.find("service/metadata").text == "false"


def test_a_request_filed_through_open311_is_a_feedback_petition_that_it_follows(client, commune, write_key, officer):
    filed = _post(client, write_key)
    assert filed.status_code == 201, filed.content
    [row] = filed.json()
    code = row["service_request_id"]
    petition = Petition.objects.get(tracking_code=code)
    assert (petition.kind, petition.channel, petition.unit, petition.category) == (
        "feedback",
        "online",
        commune,
        "lighting",
    )
    assert str(petition.latitude) == "21.028511" and petition.location_address == "5 Hàng Gai, Hoàn Kiếm"
    client.force_login(officer)
    assert petition.ref in client.get(reverse("petitions:queue")).content.decode()
    shown = client.get(f"/open311/v2/requests/{code}.json").json()[0]
    assert shown["status"] == "open" and shown["lat"] == 21.028511 and shown["service_code"] == "lighting"
    assert shown["agency_responsible"] == commune.name
    assert "Trần Thị" not in str(shown) and "0987654321" not in str(shown) and shown["description"] == ""
    classify(petition, actor=officer)
    after = client.get(f"/open311/v2/requests/{code}.xml")
    request = ET.fromstring(after.content).find("request")
    assert request.find("service_request_id").text == code
    assert request.find("status_notes").text != shown["status_notes"]
    assert ApiKeyEvent.objects.filter(api_key=write_key, kind="write", data__status=201).exists()


def test_posting_needs_a_write_key_and_valid_input(client, commune, write_key, read_key, other_key):
    assert _post(client, write_key, api_key="").status_code == 403
    assert _post(client, read_key).status_code == 403
    other_ward = _post(client, other_key)
    assert other_ward.status_code == 400 and "jurisdiction_id" in other_ward.json()[0]["description"]
    bad = _post(client, write_key, description="", lat=None, long=None, address_string="", service_code="x")
    assert bad.status_code == 400
    described = " ".join(e["description"] for e in bad.json())
    assert "service_code" in described and "description" in described
    assert {e["code"] for e in bad.json()} == {400}
    outside = _post(client, write_key, lat="48.85", long="2.35")
    assert outside.status_code == 400 and "lat" in outside.json()[0]["description"]
    xml = _post(client, write_key, service_code="nope")
    assert xml.status_code == 400
    assert not Petition.objects.exists()


def test_the_request_list_filters_by_status_dates_and_service(client, commune, other_commune):
    old = receive(commune, kind="feedback", received_on=date(2026, 1, 5))
    new = receive(commune, kind="feedback", received_on=date(2026, 3, 2))
    receive(commune, kind="complaint", received_on=date(2026, 3, 2))  # never in Open311
    classify(new)
    listed = client.get("/open311/v2/requests.json", {"start_date": "2026-01-01T00:00:00Z"}).json()
    assert [r["service_request_id"] for r in listed] == [new.tracking_code, old.tracking_code]
    march = client.get(
        "/open311/v2/requests.json", {"start_date": "2026-03-01T00:00:00+07:00", "end_date": "2026-03-31T23:59:59Z"}
    ).json()
    assert [r["service_request_id"] for r in march] == [new.tracking_code]
    closed = client.get("/open311/v2/requests.json", {"start_date": "2026-01-01T00:00:00Z", "status": "closed"})
    assert closed.json() == []
    by_id = client.get("/open311/v2/requests.json", {"service_request_id": f"{old.tracking_code},{new.tracking_code}"})
    assert len(by_id.json()) == 2
    xml = ET.fromstring(client.get("/open311/v2/requests.xml", {"start_date": "2026-01-01T00:00:00Z"}).content)
    assert xml.tag == "service_requests" and len(xml.findall("request")) == 2
    assert client.get("/open311/v2/requests.json", {"start_date": "hôm qua"}).status_code == 400
    assert client.get("/open311/v2/requests.json", {"status": "pending"}).status_code == 400
    missing = client.get("/open311/v2/requests/NOPE1234.json")
    assert missing.status_code == 404 and missing.json()[0]["code"] == 404
