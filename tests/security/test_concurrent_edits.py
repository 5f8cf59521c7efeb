"""R5: two officials saving the same record at the same moment. The second save is refused
with "changed by someone else" (StaleEdit) and the user's input stays on the form; nothing
is silently overwritten.

The race runs with real threads, each with its own PostgreSQL connection and transaction
(SQLite serialises writers and has no row locks, so the test is marked `postgres`); the
form behaviour is checked through the client on any database.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from adminreform import services as ar
from adminreform.models import Dossier, DossierEvent, DossierStatus
from civicdesk.exceptions import StaleEdit
from tests.security.world import CLIENT_IP, World, app_live, build_world

TRIALS = 100


@pytest.fixture
def world(commune, other_commune, officer, head, other_officer) -> World:
    return build_world(commune, other_commune, officer, head, other_officer)


@dataclass
class Outcome:
    who: str
    won: bool = False
    stale: bool = False
    error: BaseException | None = None


def race(saves: dict[str, Callable[[], object]]) -> list[Outcome]:
    """Run every save in its own thread, released together; each thread has its own
    database connection (closed at the end, as a worker would)."""
    barrier = threading.Barrier(len(saves))
    outcomes = [Outcome(who) for who in saves]

    def run(outcome: Outcome, save: Callable[[], object]) -> None:
        try:
            barrier.wait(timeout=30)
            save()
            outcome.won = True
        except StaleEdit:
            outcome.stale = True
        except BaseException as exc:  # reported by the test, not swallowed
            outcome.error = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(o, saves[o.who])) for o in outcomes]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return outcomes


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_officials_saving_one_dossier_one_wins_the_other_is_told_in_every_trial(world):
    officer, head = world.users["officer"], world.users["head"]
    # given 100 dossiers, each opened by two officials at the same version
    dossiers = [world.dossier() for _ in range(TRIALS)]
    lost, errors, not_exactly_one = [], [], []
    for i, dossier in enumerate(dossiers):
        seen = dossier.version
        # when both save at once: the officer takes it over, the head refuses it
        outcomes = race(
            {
                "officer": lambda d=dossier, v=seen: ar.dossier_assign(
                    dossier=d, assignee=officer, actor=officer, expected_version=v, ip_address=CLIENT_IP
                ),
                "head": lambda d=dossier, v=seen, n=i: ar.dossier_refuse(
                    dossier=d, reason=f"Lý do {n}", actor=head, expected_version=v, ip_address=CLIENT_IP
                ),
            }
        )
        errors += [(i, o.who, repr(o.error)) for o in outcomes if o.error is not None]
        winners = [o for o in outcomes if o.won]
        if len(winners) != 1 or sum(o.stale for o in outcomes) != 1:
            not_exactly_one.append((i, [(o.who, o.won, o.stale) for o in outcomes]))
            continue
        # then the dossier holds exactly the winner's save, once
        dossier.refresh_from_db()
        events = list(DossierEvent.objects.filter(dossier=dossier).exclude(kind="received"))
        expected = DossierStatus.IN_PROCESSING if winners[0].who == "officer" else DossierStatus.REFUSED
        if (
            dossier.status != expected
            or dossier.version != seen + 1
            or len(events) != 1
            or events[0].actor != world.users[winners[0].who]
        ):
            lost.append((i, winners[0].who, dossier.status, dossier.version, [e.kind for e in events]))
    assert errors == []
    assert not_exactly_one == []
    assert lost == []  # 0 lost updates


@pytest.mark.django_db
def test_the_official_who_saved_second_is_told_and_keeps_what_they_typed(world):
    officer, head = world.users["officer"], world.users["head"]
    dossier = world.dossier()
    client = Client(REMOTE_ADDR=CLIENT_IP)
    client.force_login(officer)
    # given the officer opened the dossier (the form carries the version they saw)
    page = client.get(reverse("adminreform:dossier_detail", args=[dossier.pk]))
    assert page.status_code == 200
    seen = dossier.version
    # and meanwhile the head assigned it
    ar.dossier_assign(dossier=dossier, assignee=head, actor=head, expected_version=seen)
    # when the officer saves their refusal with the version they saw
    reason = "Thiếu chữ ký của người nộp, đề nghị bổ sung bản chính"
    response = client.post(
        reverse("adminreform:dossier_action", args=[dossier.pk, "refuse"]), {"version": seen, "reason": reason}
    )
    # then they are told, in Vietnamese, and their reason is still in the form
    with translation.override("vi"):
        message = gettext("This dossier was changed by someone else. Reload it and try again.")
    assert message != "This dossier was changed by someone else. Reload it and try again."
    assert response.status_code == 400
    assert message in response.text
    assert reason in response.text
    # and nothing was overwritten: the head's assignment stands
    dossier.refresh_from_db()
    assert (dossier.status, dossier.assignee, dossier.version) == (DossierStatus.IN_PROCESSING, head, seen + 1)
    assert not Dossier.objects.filter(pk=dossier.pk, status=DossierStatus.REFUSED).exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_officials_deciding_one_petition_one_wins_the_other_is_told_in_every_trial(world):
    if not app_live("petitions"):
        pytest.skip("the petitions app is not merged yet")
    from petitions import services as ps
    from petitions.models import PetitionEvent, PetitionStatus
    from tests.petitions.factories import classify

    officer, head = world.users["officer"], world.users["head"]
    # given 100 classified petitions, each opened by two officials at the same version
    petitions = [classify(world.petition(), actor=head) for _ in range(TRIALS)]
    lost, errors, not_exactly_one = [], [], []
    for i, petition in enumerate(petitions):
        seen = petition.version
        events_before = PetitionEvent.objects.filter(petition=petition).count()
        # when both decide at once: the officer accepts it, the head refuses it
        outcomes = race(
            {
                "officer": lambda p=petition, v=seen: ps.petition_accept(
                    petition=p, expected_version=v, complex=False, actor=officer, ip_address=CLIENT_IP
                ),
                "head": lambda p=petition, v=seen, n=i: ps.petition_refuse(
                    petition=p, expected_version=v, reason=f"Lý do {n}", actor=head, ip_address=CLIENT_IP
                ),
            }
        )
        errors += [(i, o.who, repr(o.error)) for o in outcomes if o.error is not None]
        winners = [o for o in outcomes if o.won]
        if len(winners) != 1 or sum(o.stale for o in outcomes) != 1:
            not_exactly_one.append((i, [(o.who, o.won, o.stale) for o in outcomes]))
            continue
        # then the petition holds exactly the winner's decision, and only the winner's events
        petition.refresh_from_db()
        new_events = list(PetitionEvent.objects.filter(petition=petition).order_by("pk")[events_before:])
        expected = PetitionStatus.ACCEPTED if winners[0].who == "officer" else PetitionStatus.REFUSED
        winner = world.users[winners[0].who]
        if (
            petition.status != expected
            or petition.version != seen + 1
            or not new_events
            or any(e.actor_id != winner.pk for e in new_events)
        ):
            lost.append((i, winners[0].who, petition.status, petition.version, [e.kind for e in new_events]))
    assert errors == []
    assert not_exactly_one == []
    assert lost == []  # 0 lost updates


@pytest.mark.django_db
def test_the_official_who_decided_a_petition_second_is_told_and_keeps_what_they_typed(world):
    if not app_live("petitions"):
        pytest.skip("the petitions app is not merged yet")
    from django.utils.translation import gettext

    from petitions import services as ps
    from petitions.models import PetitionStatus
    from tests.petitions.factories import classify

    officer, head = world.users["officer"], world.users["head"]
    petition = classify(world.petition(), actor=head)
    client = Client(REMOTE_ADDR=CLIENT_IP)
    client.force_login(officer)
    seen = petition.version
    # given the head accepted the petition while the officer was writing a refusal
    ps.petition_accept(petition=petition, expected_version=seen, complex=False, actor=head)
    # when the officer saves the refusal with the version they saw
    reason = "Nội dung đã được giải quyết bằng quyết định có hiệu lực"
    response = client.post(
        reverse("petitions:action", args=[petition.pk, "refuse"]), {"version": seen, "reason": reason}
    )
    # then they are told, in Vietnamese, and their reasons are still in the form
    english = "This petition was changed by someone else since you opened it. Reload it and try again."
    with translation.override("vi"):
        message = gettext(english)
    assert message != english
    assert message in response.text
    assert reason in response.text
    petition.refresh_from_db()
    assert (petition.status, petition.version) == (PetitionStatus.ACCEPTED, seen + 1)
