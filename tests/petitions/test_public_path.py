"""Guards on the public path's cost (issue 7, P1-P3), without timing anything: the SQL a
filing and a lookup may issue, no session row per citizen, the confirmation shown once."""

import re
from datetime import date

import pytest
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from core.models import Unit
from petitions.models import Notification, Petition, PetitionCounter
from petitions.services.numbering import take_number
from petitions.text import derived_secret
from tests.factories import UnitFactory
from tests.petitions.fixtures import filing

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_rate_limits():
    cache.clear()
    yield
    cache.clear()


# The one-statement forms below are PostgreSQL's; on SQLite (`make run`, `make test` without
# DATABASE_URL) a filing writes its petition, event and notifications in three statements, and a
# lookup reads the petition and its events in two.
ON_POSTGRESQL = connection.vendor == "postgresql"
FILING_ON_SQLITE = 0 if ON_POSTGRESQL else 2
LOOKUP_ON_SQLITE = 0 if ON_POSTGRESQL else 1


def test_a_filing_issues_at_most_four_queries(client, commune, django_assert_max_num_queries):
    """One statement for the register number, the double-click check and the ref and
    tracking-code checks; one for the petition, its event and both notifications
    (core.prepared.insert_prepared_with); and the savepoint pair of the test's transaction
    (BEGIN and COMMIT in production). The public units, the root unit's path, the calendar, the
    deadline rules and the webhook subscriptions are read by a process's first filing only
    (core.selectors.reference_cache), with the collation check: six more. It was 20, with a session row written for
    every citizen, then 13, then 7, then 6."""
    with django_assert_max_num_queries(10 + FILING_ON_SQLITE):  # a fresh process: the reference data is read
        first = client.post(reverse("petitions:file"), filing(commune, idempotency_key="0" * 31 + "1"))
    with django_assert_max_num_queries(4 + FILING_ON_SQLITE):
        response = client.post(reverse("petitions:file"), filing(commune, idempotency_key="0" * 31 + "2"))
    assert first.status_code == response.status_code == 302
    assert sorted(Petition.objects.values_list("unit__code", flat=True)) == [commune.code, commune.code]
    for petition in Petition.objects.all():
        assert Notification.objects.filter(petition=petition).count() == 2  # e-mail and SMS, in the outbox


def test_a_lookup_issues_one_query_found_or_not(client, commune, django_assert_max_num_queries):
    """The petition and its timeline's events in one statement (fastpath.petition_and_events_by_code)."""
    client.post(reverse("petitions:file"), filing(commune))
    petition = Petition.objects.get()
    with django_assert_max_num_queries(1 + LOOKUP_ON_SQLITE):
        found = client.post(
            reverse("petitions:track"),
            {"code": petition.tracking_code, "secret": derived_secret(filing(commune)["idempotency_key"])},
        )
    assert 'id="tracking-status"' in found.content.decode()
    with django_assert_max_num_queries(1 + LOOKUP_ON_SQLITE):
        client.post(reverse("petitions:track"), {"code": "PAAAAAAAAA", "secret": "AAAAAAAAAA"})


def test_the_public_forms_render_with_at_most_one_query(client, commune, django_assert_max_num_queries):
    client.get(reverse("petitions:file"))  # a process reads the public root's path once
    with django_assert_max_num_queries(1):  # the units offered
        assert client.get(reverse("petitions:file")).status_code == 200
    with django_assert_max_num_queries(0):
        assert client.get(reverse("petitions:track")).status_code == 200


def test_filing_writes_no_session_and_shows_the_secret_once(client, commune):
    response = client.post(reverse("petitions:file"), filing(commune))
    confirmation = client.get(response["Location"])
    html = confirmation.content.decode()
    petition = Petition.objects.get()
    assert re.search(r'id="tracking-code">(\w+)<', html).group(1) == petition.tracking_code
    assert re.search(r'id="tracking-secret">(\w+)<', html).group(1) == derived_secret(
        filing(commune)["idempotency_key"]
    )
    assert confirmation["Cache-Control"] == "no-store"
    assert Session.objects.count() == 0
    again = client.get(reverse("petitions:filed"))
    assert again.status_code == 302 and again["Location"] == reverse("petitions:track")


def test_a_forged_or_foreign_confirmation_cookie_shows_nothing(client, commune):
    client.cookies["petitions_filed"] = "not-a-token"
    response = client.get(reverse("petitions:filed"))
    assert response.status_code == 302 and response["Location"] == reverse("petitions:track")


def test_a_confirmation_cookie_sealed_with_another_key_shows_nothing(client, commune):
    """The cookie's key is derived for this use only: a token the vault's key (or another use's
    key) made, with a real code and secret inside, is not read."""
    import json

    from civicdesk.crypto import derived_fernet, fernet

    filed = json.dumps({"code": "PAABCDEFGH", "secret": "SECRET1234", "email": True, "phone": False}).encode()
    for other in (fernet(), derived_fernet("another-use")):
        client.cookies["petitions_filed"] = other.encrypt(filed).decode()
        response = client.get(reverse("petitions:filed"))
        assert response.status_code == 302 and response["Location"] == reverse("petitions:track")
    client.cookies["petitions_filed"] = derived_fernet("petitions.filed-cookie").encrypt(filed).decode()
    assert "SECRET1234" in client.get(reverse("petitions:filed")).content.decode()


def test_a_double_click_takes_one_register_number(client, commune):
    first = client.post(reverse("petitions:file"), filing(commune))
    second = client.post(reverse("petitions:file"), filing(commune))
    assert first.status_code == second.status_code == 302
    assert Petition.objects.count() == 1
    assert PetitionCounter.objects.get(unit=commune).last == 1
    third = client.post(reverse("petitions:file"), filing(commune, idempotency_key="0" * 31 + "3"))
    assert third.status_code == 302
    year = timezone.localdate().year
    assert sorted(Petition.objects.values_list("ref", flat=True)) == [f"{year}/00001", f"{year}/00002"]


@pytest.mark.django_db(transaction=True)  # autocommit, as in production: the number is taken on its own
def test_a_filing_outside_a_transaction_is_numbered_once_and_its_commit_still_waits_for_the_disk(client, commune):
    """The number's own commit does not wait for the disk (numbering.py says why nothing is lost);
    the petition's commit does, and so do the connection's later transactions."""
    if connection.vendor != "postgresql":
        pytest.skip("synchronous_commit is PostgreSQL's")
    year = timezone.localdate().year
    for n in (1, 2):
        response = client.post(reverse("petitions:file"), filing(commune, idempotency_key="0" * 31 + str(n)))
        assert response.status_code == 302
    assert sorted(Petition.objects.values_list("ref", flat=True)) == [f"{year}/00001", f"{year}/00002"]
    assert PetitionCounter.objects.get(unit=commune).last == 2
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone()[0] == "on"
    with transaction.atomic():  # a caller's transaction: the statement leaves its commit as it is
        take_number(commune, year)
        with connection.cursor() as cursor:
            cursor.execute("SHOW synchronous_commit")
            assert cursor.fetchone()[0] == "on"


def test_only_units_under_the_public_root_are_offered(client, commune, other_commune, settings):
    outside = UnitFactory(code="79", name="Thành phố Hồ Chí Minh")
    form_html = client.get(reverse("petitions:file")).content.decode()
    assert f'value="{commune.code}"' in form_html and f'value="{outside.code}"' not in form_html
    refused = client.post(reverse("petitions:file"), filing(commune, unit=outside.code))
    assert refused.status_code == 200 and not Petition.objects.exists()
    settings.PETITIONS_PUBLIC_ROOT = "no-such-root"  # root not loaded: every current unit
    assert f'value="{outside.code}"' in client.get(reverse("petitions:file")).content.decode()
    assert Unit.objects.filter(valid_to__isnull=True).count() >= 4


def test_the_unit_chosen_stays_selected_when_the_form_comes_back_with_errors(client, commune, other_commune):
    html = client.post(reverse("petitions:file"), filing(other_commune, consent="")).content.decode()
    select = re.search(r'<select name="unit"[^>]*>(.*?)</select>', html, re.S)
    assert select is not None and 'id="id_unit"' in select.group(0) and "required" in select.group(0)
    assert f'<option value="{other_commune.code}" selected>{other_commune.name}</option>' in select.group(1)
    assert f'<option value="{commune.code}">{commune.name}</option>' in select.group(1)


def test_a_unit_closed_since_the_last_filing_is_refused_at_once(client, commune, other_commune):
    """The public units are kept per process, but saving a unit forgets them: a commune
    merged away (valid_to set) is no longer offered nor accepted, with the error on the field."""
    assert client.post(reverse("petitions:file"), filing(other_commune)).status_code == 302
    other_commune.valid_to = date(2025, 6, 30)
    other_commune.save()
    refused = client.post(reverse("petitions:file"), filing(other_commune, idempotency_key="f" * 32))
    assert refused.status_code == 200
    assert refused.context["form"].errors["unit"]
