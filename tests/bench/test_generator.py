"""generate_city on a tiny size: the requested counts, spread over communes and two years."""

from datetime import date

import pytest
from django.core.management import call_command
from django.db.models import Count, F

from adminreform.models import Dossier
from bench.management.commands.generate_city import Command
from core.models import Unit, UnitLevel
from core.services import REFORM_DATE
from petitions.models import Petition
from reception.models import Visit
from tests.factories import UnitFactory

TODAY = date(2026, 11, 22)


@pytest.fixture
def hanoi(city, commune, other_commune):
    """The city with eight communes (the official list is not loaded in tests)."""
    for n in range(6):
        UnitFactory(code=f"0{n + 1}100", name=f"Xã Thử {n}", parent=city)
    return city


def generate(*extra: str) -> None:
    call_command(
        Command(), "--dossiers", "200", "--petitions", "60", "--visits", "40", "--today", TODAY.isoformat(), *extra
    )


@pytest.mark.django_db
def test_a_tiny_city_has_the_requested_counts_over_several_communes_and_both_years(hanoi):
    generate()

    assert Dossier.objects.count() == 200
    assert Petition.objects.count() == 60
    assert Visit.objects.count() == 40
    communes = Dossier.objects.filter(unit__level=UnitLevel.COMMUNE).values("unit").distinct().count()
    assert communes >= 5
    days = sorted(Dossier.objects.values_list("received_on", flat=True))
    assert days[0] < date(2025, 11, 22) < days[-1]  # both years of the window
    assert date(2024, 11, 23) <= days[0] and days[-1] <= TODAY
    assert not Dossier.objects.filter(due_on__lt=F("received_on")).exists()
    assert Dossier.objects.filter(resolved_on__isnull=False).count() > 150


@pytest.mark.django_db
def test_records_before_the_reform_sit_with_the_former_districts_not_the_city(hanoi):
    generate()

    districts = Unit.objects.filter(parent=hanoi, level=UnitLevel.DISTRICT)
    assert districts.count() == 30
    assert all(d.valid_to == date(2025, 6, 30) for d in districts)
    upper = Dossier.objects.exclude(unit__level=UnitLevel.COMMUNE)
    assert not upper.filter(unit=hanoi, received_on__lt=REFORM_DATE).exists()
    assert not upper.filter(unit__level=UnitLevel.DISTRICT, received_on__gte=REFORM_DATE).exists()


@pytest.mark.django_db
def test_accepted_complaints_form_cases(hanoi):
    call_command(Command(), "--dossiers", "0", "--petitions", "400", "--visits", "0", "--today", TODAY.isoformat())

    in_cases = Petition.objects.filter(case__isnull=False)
    assert in_cases.exists()
    assert not in_cases.exclude(kind="complaint", outcome="accepted").exists()
    assert not in_cases.exclude(case__unit=F("unit")).exists()
    kinds = dict(Petition.objects.values_list("kind").annotate(n=Count("id")))
    assert set(kinds) == {"complaint", "denunciation", "recommendation", "feedback"}


@pytest.mark.django_db
def test_running_it_again_adds_nothing_and_reset_starts_over(hanoi):
    generate()
    first_refs = set(Dossier.objects.values_list("ref", flat=True))

    generate()
    assert Dossier.objects.count() == 200
    assert set(Dossier.objects.values_list("ref", flat=True)) == first_refs

    generate("--reset")
    assert Dossier.objects.count() == 200
    assert Petition.objects.count() == 60


def test_copy_text_escapes_what_copy_would_misread():
    from bench.generator import _copy_text

    assert _copy_text(None) == "\\N"
    assert _copy_text(True) == "t"
    assert _copy_text(date(2026, 1, 2)) == "2026-01-02"
    assert _copy_text("a\tb\nc\\d") == "a\\tb\\nc\\\\d"
    assert _copy_text({"k": "ý"}) == '{"k": "ý"}'


def test_columns_the_generator_does_not_write_take_their_field_defaults():
    import uuid

    from django.db import models
    from django.utils import timezone

    from bench.generator import _filler

    now = timezone.now()
    assert _filler(Dossier._meta.get_field("created_at"), now)() == now
    assert _filler(Petition._meta.get_field("signers"), now)() == 1
    assert _filler(Petition._meta.get_field("subject"), now)() == ""
    assert _filler(Petition._meta.get_field("competent"), now)() is None

    token = models.CharField(max_length=32, default=lambda: uuid.uuid4().hex)
    token.set_attributes_from_name("token")
    fill = _filler(token, now)
    assert fill() != fill()  # a random default is drawn for every row

    with pytest.raises(ValueError, match="due_on has no default"):
        _filler(Dossier._meta.get_field("due_on"), now)
