"""No answer of the API carries a denouncer's identity or an identity document number (nor a
stored secret or PIN): every response serializer's fields are walked, every response schema of
the OpenAPI document too, and a denunciation filed through the API is read back."""

import inspect
import re
import uuid

import pytest
import yaml
from rest_framework import serializers

import api.serializers as api_serializers
from tests.api.conftest import with_key

pytestmark = pytest.mark.django_db

FORBIDDEN = re.compile(
    r"petitioner|applicant|denouncer|identity|id_number|ciphertext|secret_hash|lookup_pin|phone|e?mail"
)
# Request bodies only: what a caller sends, never what it gets back.
REQUESTS = {
    api_serializers.PetitionFileSerializer,
    api_serializers.TrackRequestSerializer,
    api_serializers.DossierCreateSerializer,
}


def _field_names(serializer: serializers.BaseSerializer, prefix: str = "") -> list[str]:
    names = []
    for name, field in serializer.fields.items():
        names.append(prefix + name)
        child = getattr(field, "child", field)
        if isinstance(child, serializers.BaseSerializer):
            names += _field_names(child, f"{prefix}{name}.")
    return names


def test_no_response_serializer_has_a_personal_field():
    walked = []
    for _name, cls in inspect.getmembers(api_serializers, inspect.isclass):
        if not issubclass(cls, serializers.BaseSerializer) or cls.__module__ != api_serializers.__name__:
            continue
        if cls in REQUESTS:
            continue
        walked.append(cls)
        bad = [n for n in _field_names(cls()) if FORBIDDEN.search(n)]
        assert bad == [], f"{cls.__name__} shows {bad}"
    assert len(walked) >= 8


def _properties(node, found):
    if isinstance(node, dict):
        for name, value in (node.get("properties") or {}).items():
            found.add(name)
            _properties(value, found)
        for value in node.values():
            _properties(value, found)
    elif isinstance(node, list):
        for value in node:
            _properties(value, found)


def test_no_response_schema_of_any_endpoint_has_a_personal_field(client):
    spec = yaml.safe_load(client.get("/api/schema/").content)
    components = spec["components"]["schemas"]
    found: set[str] = set()
    for path in spec["paths"].values():
        for operation in path.values():
            for response in operation.get("responses", {}).values():
                for media in response.get("content", {}).values():
                    schema = media["schema"]
                    refs = re.findall(r"#/components/schemas/(\w+)", str(schema))
                    _properties(schema, found)
                    for ref in refs:
                        _properties(components[ref], found)
                        for inner in re.findall(r"#/components/schemas/(\w+)", str(components[ref])):
                            _properties(components[inner], found)
    assert found, "the walk found no field at all"
    assert sorted(n for n in found if FORBIDDEN.search(n)) == []


def test_a_denunciation_read_back_shows_no_identity(api, commune, read_key):
    data = {
        "unit": "00070",
        "kind": "denunciation",
        "petitioner_name": "Phạm Văn Tố",
        "petitioner_id_number": "001077099887",
        "petitioner_address": "9 Lò Sũ",
        "petitioner_phone": "0900111222",
        "subject": "Cán bộ nhận tiền",
        "respondent": "Ông X, cán bộ địa chính",
        "content": "Tôi tố cáo ông X nhận tiền để làm nhanh hồ sơ.",
        "consent": True,
        "idempotency_key": str(uuid.uuid4()),
    }
    filed = api.post("/api/v1/petitions/file/", data, format="json").json()
    with_key(api, read_key)
    listed = api.get("/api/v1/petitions/").content.decode()
    status = api.post(
        "/api/v1/petitions/status/", {"code": filed["tracking_code"], "secret": filed["tracking_secret"]}
    ).content.decode()
    for text in (listed, status):
        for personal in ("Phạm Văn Tố", "001077099887", "0900111222", "Lò Sũ"):
            assert personal not in text
