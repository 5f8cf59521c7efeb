"""The outbox's handover to the broker (core.outbox), as the petitions use it: the
notifications of filings made within a moment of each other reach Celery in one message; a
broker that fails a handover loses nothing (the sweeper sends it) and does not stop the next
one."""

import base64
import json
import shutil
import threading
import time
import uuid

import pytest
import redis
from django.urls import reverse

from bench.faults import OwnRedis
from civicdesk.celery import app
from core import outbox
from core.outbox import DELIVER_TASK, Handover, handover
from petitions.models import Notification
from tests.broker import celery_publishing_to
from tests.petitions.fixtures import filing

LABEL = Notification._meta.label_lower


def with_broker(send, window_s):
    """A Handover as a web process with a broker has it (not eager): `send(ids)` per message."""
    return Handover(lambda label, ids: send(ids), window_s=window_s, eager=lambda: False)


def wait_for(condition, seconds=5.0):
    until = time.monotonic() + seconds
    while time.monotonic() < until:
        if condition():
            return True
        time.sleep(0.01)
    return False


def test_ids_noted_by_many_threads_within_the_window_go_in_one_message():
    sent = []
    handover = with_broker(sent.append, window_s=0.2)
    # when eight requests, on their own threads, each note two notifications at once
    threads = [threading.Thread(target=handover.submit, args=(LABEL, [2 * i, 2 * i + 1])) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # then one message carries all sixteen
    assert wait_for(lambda: sent)
    time.sleep(0.3)
    assert len(sent) == 1 and sorted(sent[0]) == list(range(16))


def test_a_failed_handover_is_logged_and_the_next_one_still_goes(caplog):
    sent = []

    def broker(ids):
        if not sent:
            sent.append("refused")
            raise ConnectionError("broker down")
        sent.append(ids)

    handover = with_broker(broker, window_s=0.01)
    # when the broker refuses the first handover
    handover.submit(LABEL, [1, 2])
    assert wait_for(lambda: sent == ["refused"])
    # then it is logged for the operators (the sweeper will send those two)
    assert wait_for(lambda: "the sweeper will send them" in caplog.text)
    # and the next filing's notifications still go
    handover.submit(LABEL, [3, 4])
    assert wait_for(lambda: len(sent) == 2)
    assert sent[1] == [3, 4]


def test_what_is_noted_at_exit_is_handed_over():
    sent = []
    handover = with_broker(sent.append, window_s=60)  # the thread would wait a minute
    handover.submit(LABEL, [7, 8])
    # when the process exits (atexit runs flush)
    handover.flush()
    assert sent == [[7, 8]]


@pytest.fixture
def real_broker():
    """Celery publishing to a Redis server of our own (not eagerly); restored afterwards."""
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed")
    server = OwnRedis()
    server.start()
    try:
        with celery_publishing_to(server.url):
            yield redis.Redis.from_url(server.url)
    finally:
        server.stop()


def queued_tasks(broker):
    """(task name, its notification ids) of each message waiting in Celery's queue."""
    messages = [json.loads(raw) for raw in broker.lrange("celery", 0, -1)]
    return [
        (m["headers"]["task"], json.loads(base64.b64decode(m["body"]))[0][1])
        for m in messages
        if m["headers"]["task"] == DELIVER_TASK
    ]


@pytest.mark.django_db
def test_three_filings_in_a_moment_reach_the_broker_as_one_message_with_their_six_notifications(
    client, commune, real_broker, django_capture_on_commit_callbacks
):
    # when three citizens file within a few milliseconds of each other
    with django_capture_on_commit_callbacks(execute=True):
        for i in range(3):
            data = filing(commune, idempotency_key=uuid.uuid4().hex, petitioner_name=f"Nguyễn Văn {i}")
            assert client.post(reverse("petitions:file"), data).status_code == 302
    # then the broker receives one message naming the e-mail and SMS of all three
    assert wait_for(lambda: queued_tasks(real_broker))
    time.sleep(0.1)
    waiting = sorted(Notification.objects.values_list("pk", flat=True))
    assert len(waiting) == 6
    assert [(name, sorted(ids)) for name, ids in queued_tasks(real_broker)] == [(DELIVER_TASK, waiting)]
    # and until a worker sends them they wait in the outbox, where the sweeper finds them
    assert Notification.objects.filter(sent_at__isnull=True).count() == 6
    handover.flush()
    app.conf.update(task_always_eager=True)
    assert outbox.sweep() == 6
