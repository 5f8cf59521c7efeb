"""The Open311 list's answers shared for a while (api.fastpath.ListAnswers, P10): a city app
polling the same list is answered from the answer its worker built, and a change to listed
feedback shows in the very next answer, in every format and language."""

from datetime import timedelta

import pytest
import time_machine
from django.test import override_settings
from django.utils import timezone

from petitions.models import Petition, PetitionStatus
from tests.petitions.factories import classify, receive

pytestmark = pytest.mark.django_db

LIST = "/open311/v2/requests.json"
XML = "/open311/v2/requests.xml"
NO_REDIS = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there: the cache is down
        "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
    }
}


def _feedback(unit, on_commit, **kwargs):
    with on_commit(execute=True):
        return receive(unit, kind="feedback", received_on=timezone.localdate(), **kwargs)


def _statuses(response):
    return {row["service_request_id"]: row["status_notes"] for row in response.json()}


def test_a_polled_list_is_answered_again_without_reading_the_database(
    client, commune, django_capture_on_commit_callbacks, django_assert_num_queries
):
    petition = _feedback(commune, django_capture_on_commit_callbacks)
    first = client.get(LIST)
    assert [r["service_request_id"] for r in first.json()] == [petition.tracking_code]
    with django_assert_num_queries(0):
        again = client.get(LIST)
    assert again.status_code == 200
    assert again.content == first.content and again["Content-Type"] == first["Content-Type"]


def test_a_filing_and_a_status_change_show_in_the_next_answer(client, commune, django_capture_on_commit_callbacks):
    first = _feedback(commune, django_capture_on_commit_callbacks)
    before = client.get(LIST)
    xml_before = client.get(XML).content.decode()
    second = _feedback(commune, django_capture_on_commit_callbacks)
    assert set(_statuses(client.get(LIST))) == {first.tracking_code, second.tracking_code}
    with django_capture_on_commit_callbacks(execute=True):
        classify(first)
    after = _statuses(client.get(LIST))
    assert after[first.tracking_code] != _statuses(before)[first.tracking_code]
    assert after[first.tracking_code] == str(PetitionStatus.CLASSIFIED.label)
    assert second.tracking_code in client.get(XML).content.decode()
    assert second.tracking_code not in xml_before


def test_each_language_and_query_has_its_own_answer(client, commune, django_capture_on_commit_callbacks):
    petition = _feedback(commune, django_capture_on_commit_callbacks)
    vietnamese = _statuses(client.get(LIST))[petition.tracking_code]
    english = _statuses(client.get(LIST, HTTP_ACCEPT_LANGUAGE="en"))[petition.tracking_code]
    assert (vietnamese, english) == ("Đã tiếp nhận", "Received")
    assert client.get(LIST, {"status": "closed"}).json() == []
    assert client.get(LIST, {"status": "open"}).json()[0]["service_request_id"] == petition.tracking_code


def test_a_change_made_beside_the_services_shows_once_the_answer_has_had_its_time(
    client, commune, django_capture_on_commit_callbacks, settings
):
    """A bulk update writes no event: the kept answer ends with OPEN311_LIST_SECONDS."""
    settings.OPEN311_LIST_SECONDS = 30
    petition = _feedback(commune, django_capture_on_commit_callbacks)
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        assert client.get(LIST).json()[0]["status"] == "open"
        Petition.objects.filter(pk=petition.pk).update(status=PetitionStatus.RESOLVED)
        assert client.get(LIST).json()[0]["status"] == "open"
        traveller.shift(timedelta(seconds=31))
        assert client.get(LIST).json()[0]["status"] == "closed"
    settings.OPEN311_LIST_SECONDS = 0
    Petition.objects.filter(pk=petition.pk).update(status=PetitionStatus.RECEIVED)
    assert client.get(LIST).json()[0]["status"] == "open"


def test_while_the_cache_is_down_every_answer_is_read_fresh(client, commune, django_capture_on_commit_callbacks):
    petition = _feedback(commune, django_capture_on_commit_callbacks)
    assert client.get(LIST).json()[0]["status"] == "open"
    with override_settings(CACHES=NO_REDIS):
        Petition.objects.filter(pk=petition.pk).update(status=PetitionStatus.RESOLVED)
        down = client.get(LIST)
        assert down.status_code == 200 and down.json()[0]["status"] == "closed"
