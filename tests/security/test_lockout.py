"""S3: five failed logins lock the account for 15 minutes, and every failure is recorded."""

import logging
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from axes.models import AccessAttempt, AccessFailureLog
from django.urls import reverse

pytestmark = pytest.mark.django_db

START = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)  # a Monday, 09:00 in Hà Nội


def login(client, password, username="canbo"):
    return client.post(reverse("login"), {"username": username, "password": password})


def fail_five_times(client):
    responses = [login(client, "wrong-password") for _ in range(5)]
    return responses[-1]


def test_the_lock_holds_for_fifteen_minutes_then_the_right_password_works_again(client, officer):
    with time_machine.travel(START, tick=False) as traveller:
        assert fail_five_times(client).status_code == 429

        traveller.shift(timedelta(minutes=14, seconds=59))
        response = login(client, "Secret-pass-2026")
        assert response.status_code == 429, "still locked just before 15 minutes"

        traveller.shift(timedelta(seconds=2))
        response = login(client, "Secret-pass-2026")
        assert response.status_code == 302
        assert response["Location"] == reverse("core:staff_home")


def test_four_failures_do_not_lock_and_a_success_clears_the_count(client, officer):
    for _ in range(4):
        assert login(client, "wrong-password").status_code == 200
    assert login(client, "Secret-pass-2026").status_code == 302
    client.post(reverse("logout"))
    for _ in range(4):
        assert login(client, "wrong-password").status_code == 200
    assert login(client, "Secret-pass-2026").status_code == 302


def test_the_locked_page_says_why_in_vietnamese(client, officer):
    page = fail_five_times(client).content.decode()
    assert "Tài khoản tạm thời bị khóa" in page
    assert "15 phút" in page


def test_every_failure_is_recorded_with_user_address_and_time_and_the_lockout_is_logged(client, officer, caplog):
    with caplog.at_level(logging.WARNING, logger="civicdesk.security"), time_machine.travel(START, tick=False):
        fail_five_times(client)

    failures = AccessFailureLog.objects.filter(username="canbo")
    assert failures.count() == 5
    assert {f.ip_address for f in failures} == {"127.0.0.1"}
    assert {f.attempt_time for f in failures} == {START}
    assert failures.filter(locked_out=True).exists()
    assert AccessAttempt.objects.get(username="canbo").failures_since_start == 5
    locked = [r.getMessage() for r in caplog.records if r.name == "civicdesk.security"]
    assert locked == [
        "Staff login locked: username 'canbo' from 127.0.0.1 after 5 failed attempts, until 02/03/2026 09:15"
    ]


def test_an_attacker_cycling_usernames_from_one_address_is_locked_too(client, officer, head):
    for username in ["a1", "a2", "a3", "a4", "a5"]:
        login(client, "guess", username=username)
    assert login(client, "Secret-pass-2026", username="chutich").status_code == 429
