"""R1: nothing is lost when Redis or PostgreSQL goes away.

With the broker (our own Redis, never the shared one) stopped, online filings through the
real filing view are all accepted with their code and stored, each with its notifications
waiting in the outbox; once Redis is back, a real Celery worker with the real beat schedule
sends every one within 60 s, none twice. With PostgreSQL unreachable the portal answers
503 with a page saying the request was not completed, never a success.

The 1,000-filing version is `python -m bench.outage` (docs/operations.md); here
CIVICDESK_R1_FILINGS filings (100 by default) keep the test within CI's budget.
"""

import os
import re
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.urls import reverse

from bench.faults import OwnRedis, Worker, free_port
from bench.recorders import duplicates, read_effects
from core import outbox
from petitions.models import Notification, Petition
from tests.broker import celery_publishing_to
from tests.petitions.fixtures import filing

pytestmark = pytest.mark.long

FILINGS = int(os.environ.get("CIVICDESK_R1_FILINGS", "100"))
RELAY_BUDGET_S = 60
needs_redis_server = pytest.mark.skipif(shutil.which("redis-server") is None, reason="redis-server is not installed")


def database_url() -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@pytest.fixture
def own_redis():
    server = OwnRedis()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def celery_on(own_redis, settings):
    """The web process publishes to our Redis (not eagerly), and caches in it too, as in
    production where REDIS_URL serves both; restored afterwards."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": own_redis.url,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    with celery_publishing_to(own_redis.url):
        yield own_redis


@needs_redis_server
@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_filings_while_redis_is_down_are_all_kept_and_each_notification_goes_out_once_when_it_returns(
    client, commune, celery_on, tmp_path
):
    redis = celery_on
    redis.start()
    redis.stop()  # the broker (and the cache) crashed: nothing listens on its port now

    # when citizens file online while Redis is down
    codes = []
    for i in range(FILINGS):
        data = filing(commune, idempotency_key=uuid.uuid4().hex, petitioner_name=f"Nguyễn Văn {i}")
        response = client.post(reverse("petitions:file"), data)
        # then each is accepted, and the next page shows its code
        assert response.status_code == 302 and response["Location"] == reverse("petitions:filed")
        page = client.get(response["Location"]).content.decode()
        code = re.search(r'id="tracking-code">(\w+)<', page)
        assert code, f"filing {i}: no tracking code on the confirmation page"
        codes.append(code.group(1))
    # and each is stored, with its e-mail and SMS waiting in the outbox
    assert sorted(Petition.objects.values_list("tracking_code", flat=True)) == sorted(codes)
    assert Notification.objects.filter(sent_at__isnull=True).count() == 2 * FILINGS

    # when Redis comes back and a real worker with the beat schedule starts
    effects = tmp_path / "effects.jsonl"
    redis.start()
    back_at = time.monotonic()
    worker = Worker(
        broker_url=redis.url,
        database_url=database_url(),
        effects_file=effects,
        log_path=tmp_path / "worker.log",
        beat=True,
    )
    try:
        worker.start()
        while time.monotonic() - back_at < RELAY_BUDGET_S:
            if not Notification.objects.filter(sent_at__isnull=True).exists():
                break
            time.sleep(1)
        relayed_in = time.monotonic() - back_at
    finally:
        worker.stop()
    # then every notification went out within 60 s of Redis' return
    unsent = Notification.objects.filter(sent_at__isnull=True).count()
    assert unsent == 0, f"{unsent} notifications still waiting {RELAY_BUDGET_S} s after Redis came back"
    print(f"R1: {FILINGS} filings relayed {relayed_in:.0f} s after Redis came back")
    # and none twice: one e-mail and one SMS per petition, each with its own code
    sent = read_effects(effects)
    assert duplicates(sent, lambda e: (e["channel"], re.search(r"\b[A-Z0-9]{8,}\b", e["body"]).group(0))) == {}
    assert sorted(e["channel"] for e in sent) == ["email"] * FILINGS + ["sms"] * FILINGS
    assert {code for code in codes if not any(code in e["body"] for e in sent if e["channel"] == "email")} == set()
    # and a further sweep finds nothing left to send
    assert outbox.sweep() == 0


def test_with_postgresql_unreachable_the_portal_answers_503_and_never_a_success(tmp_path):
    """A real server (gunicorn on loopback) whose DATABASE_URL points at a closed port."""
    port, closed = free_port(), free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "civicdesk.settings.test",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{closed}/civicdesk_unreachable",
        "REDIS_URL": "",
    }
    log = (tmp_path / "gunicorn.log").open("wb")
    server = subprocess.Popen(
        [
            *(sys.executable, "-m", "gunicorn", "civicdesk.wsgi:application", "--bind", f"127.0.0.1:{port}"),
            *("--workers", "1", "--timeout", "30", "--log-level", "warning"),
        ],
        cwd=django_settings.BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"

    def fetch(path, data=None, headers=None):
        request = urllib.request.Request(base + path, data=data, headers=headers or {})  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=20) as r:  # noqa: S310
                return r.status, dict(r.headers), r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, dict(e.headers), e.read().decode()

    try:
        for _ in range(100):
            try:
                if fetch("/healthz/")[0] == 200:  # liveness needs no database
                    break
            except OSError:
                time.sleep(0.2)
        # a citizen opens the filing form, then sends a petition (valid CSRF pair)
        status, headers, body = fetch("/petitions/file/", headers={"Accept-Language": "vi"})
        assert status == 503 and headers.get("Retry-After") == "120"
        assert "Hệ thống tạm thời gián đoạn" in body
        token = "a" * 32
        form = "&".join(f"{k}={urllib.parse.quote(str(v))}" for k, v in filing_form(token).items()).encode()
        status, headers, body = fetch(
            "/petitions/file/",
            data=form,
            headers={
                "Cookie": f"{django_settings.CSRF_COOKIE_NAME}={token}",
                "Content-Type": "application/x-www-form-urlencoded",
                "Referer": base + "/petitions/file/",
                "Accept-Language": "vi",
            },
        )
        # then the answer is 503 "not completed", never the redirect to the code page
        assert status == 503 and "Location" not in headers
        assert "chưa được thực hiện" in body
    finally:
        server.terminate()
        server.wait(timeout=20)
        log.close()
    assert Path(tmp_path / "gunicorn.log").exists()


def filing_form(csrf_token: str) -> dict[str, str]:
    class Unit:  # only its code goes into the form; the server cannot look it up anyway
        code = "00070"

    return {**filing(Unit), "csrfmiddlewaretoken": csrf_token, "idempotency_key": uuid.uuid4().hex}


CLOSED_PORT_BROKER = "redis://127.0.0.1:6399/0"  # nothing listens there


@pytest.mark.django_db
def test_a_report_asked_for_while_the_broker_is_down_is_accepted_then_compiled_once_by_the_requeue_sweep(
    client, city_leader, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from django.utils import timezone

    from reports.models import CompiledReport, CompiledReportEvent, CompileState
    from reports.services import report_requeue_stalled

    client.force_login(city_leader)
    # when a leader asks for a report while the broker is unreachable
    with celery_publishing_to(CLOSED_PORT_BROKER), django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:compile"), {"unit": "01", "kind": "quarter", "year": 2025, "number": 1})
    # then the request succeeds and the report waits, queued
    assert response.status_code == 302
    report = CompiledReport.objects.get()
    assert report.state == CompileState.QUEUED
    # and a requeue sweep soon after leaves it (its message may still be on its way)
    assert report_requeue_stalled() == []
    # when the broker is back and the sweep runs 16 minutes later (tasks run in-process here)
    later = timezone.now() + timedelta(minutes=16)
    with django_capture_on_commit_callbacks(execute=True):
        assert report_requeue_stalled(now=later) == [report.pk]
    # then it is compiled, once, and nothing is handed over again
    report.refresh_from_db()
    assert report.state == CompileState.DONE
    assert report.events.filter(kind=CompiledReportEvent.Kind.COMPILED).count() == 1
    assert report_requeue_stalled(now=later + timedelta(minutes=16)) == []
