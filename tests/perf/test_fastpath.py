"""Each hand-written read of `petitions.fastpath` returns the rows of its ORM twin (the queue's
page and count: test_queue_parts.py; the handlers: test_queue_page.py)."""

from datetime import timedelta

import pytest

from core.choices import PetitionKind
from core.models import UnitLevel
from petitions import fastpath
from petitions.fastpath import PUBLIC_TRACKING_FIELDS
from petitions.models import Petition
from petitions.services import petition_accept, petition_transfer
from tests.factories import UnitFactory
from tests.petitions.factories import classify, receive

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree(city, commune, other_commune):
    district = UnitFactory(code="001", name="Quận Ba Đình", level=UnitLevel.DISTRICT, parent=city)
    ward = UnitFactory(code="00001", name="Phường Phúc Xá", parent=district)
    # a code with LIKE's own characters must match itself, not everything
    odd = UnitFactory(code="9_%", name="Đơn vị lạ", parent=city)
    return [city, commune, other_commune, district, ward, odd]


def test_the_first_units_of_any_scope_are_the_orms(tree):
    city, commune, _other, district, ward, odd = tree
    for paths in (None, [], [city.path], [commune.path], [district.path], [ward.path, commune.path], [odd.path]):
        assert fastpath.first_units(paths) == fastpath.first_units_orm(paths), paths
    assert [pk for pk, _path, _level in fastpath.first_units([odd.path])] == [odd.pk]


def test_the_lookup_by_code_reads_the_orms_row(commune):
    petition = receive(commune)
    Petition.objects.filter(pk=petition.pk).update(due_on=petition.received_on + timedelta(days=10))
    fast = fastpath.petition_by_code(petition.tracking_code)
    twin = fastpath.petition_by_code_orm(petition.tracking_code)
    assert fast is not None and twin is not None
    assert [getattr(fast, f) for f in PUBLIC_TRACKING_FIELDS] == [getattr(twin, f) for f in PUBLIC_TRACKING_FIELDS]
    assert fastpath.petition_by_code("PAZZZZZZZZ") is fastpath.petition_by_code_orm("PAZZZZZZZZ") is None


def test_the_public_events_of_a_transfer_chain_are_the_orms(commune, other_commune):
    original = classify(receive(commune, kind=PetitionKind.DENUNCIATION))
    received = petition_transfer(petition=original, expected_version=None, to_unit=other_commune, actor=None)
    petition_accept(petition=classify(received), expected_version=None, actor=None)
    chain = [original.pk, received.pk]
    fast, twin = fastpath.public_events(chain), fastpath.public_events_orm(chain)
    assert len(fast) >= 5
    columns = ("pk", "occurred_at", "kind", "data", "reason")
    assert [[getattr(e, c) for c in columns] for e in fast] == [[getattr(e, c) for c in columns] for e in twin]


def test_the_lookup_with_its_events_reads_the_orms_petition_and_events(commune):
    petition = classify(receive(commune))
    fast, events = fastpath.petition_and_events_by_code(petition.tracking_code)
    twin = fastpath.petition_by_code_orm(petition.tracking_code)
    assert fast is not None and twin is not None
    assert [getattr(fast, f) for f in PUBLIC_TRACKING_FIELDS] == [getattr(twin, f) for f in PUBLIC_TRACKING_FIELDS]
    columns = ("pk", "occurred_at", "kind", "data", "reason")
    orm = fastpath.public_events_orm([petition.pk])
    assert len(events) >= 2
    assert [[getattr(e, c) for c in columns] for e in events] == [[getattr(e, c) for c in columns] for e in orm]
    assert fastpath.petition_and_events_by_code("PAZZZZZZZZ") == (None, [])
