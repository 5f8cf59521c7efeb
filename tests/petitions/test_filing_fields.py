"""The filing form's fields are built once per process and shared by the forms that validate a
submission; a form that is shown gets its own copy. What a citizen must never notice: another
citizen's error marks on their form, a unit missing from the list after it was added, or a
filing through the API or Open311 checked differently from the web form."""

import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from core.models import UnitLevel
from petitions.forms import PetitionFileForm, filing_fields
from petitions.models import Petition
from tests.factories import UnitFactory
from tests.petitions.fixtures import filing

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_rate_limits():
    cache.clear()
    yield
    cache.clear()


def _input(html: str, name: str) -> str:
    found = re.search(rf'<input[^>]*name="{name}"[^>]*>', html)
    assert found, f"no input {name}"
    return found.group(0)


def test_one_citizens_error_marks_do_not_show_on_the_next_citizens_form(client, commune):
    first = client.post(reverse("petitions:file"), filing(commune, petitioner_name=""))
    assert first.status_code == 200 and "is-invalid" in _input(first.content.decode(), "petitioner_name")

    second = client.post(reverse("petitions:file"), filing(commune, petitioner_phone="12ab"))
    html = second.content.decode()
    assert "is-invalid" in _input(html, "petitioner_phone")
    assert "is-invalid" not in _input(html, "petitioner_name")
    assert 'value="Trần Thị Bình"' in _input(html, "petitioner_name")  # what was typed is kept
    assert Petition.objects.count() == 0


def test_showing_a_form_leaves_the_shared_fields_as_they_were(client, commune):
    shared = filing_fields()
    before = {name: dict(field.widget.attrs) for name, field in shared.items()}
    client.post(reverse("petitions:file"), filing(commune, petitioner_name="", subject=""))
    client.get(reverse("petitions:file"))
    assert {name: dict(field.widget.attrs) for name, field in filing_fields().items()} == before


def test_a_submitted_form_validates_with_the_shared_fields_and_a_shown_one_has_its_own(commune):
    form = PetitionFileForm(filing(commune))
    assert form.is_valid(), form.errors
    assert form.fields["unit"] is filing_fields()["unit"]
    form.own_fields()
    assert form.fields["unit"] is not filing_fields()["unit"]
    assert PetitionFileForm().fields["kind"] is not filing_fields()["kind"]


def test_a_unit_added_after_the_list_was_built_can_be_chosen(client, city, commune):
    client.get(reverse("petitions:file"))  # the fields are built
    new = UnitFactory(code="00991", name="Phường Mới", parent=city, level=UnitLevel.COMMUNE)
    page = client.get(reverse("petitions:file")).content.decode()
    assert 'value="00991"' in page
    response = client.post(reverse("petitions:file"), filing(new, idempotency_key="6f0b8c1e2d3a4b5c6d7e8f9012345678"))
    assert response.status_code == 302
    assert Petition.objects.get().unit == new


@pytest.mark.parametrize(
    ("overrides", "invalid"),
    [
        ({}, set()),
        ({"category": "roads", "latitude": "21.03", "longitude": "105.85", "decision_known_on": "01/12/2026"}, set()),
        (
            {"petitioner_name": "", "petitioner_phone": "12ab", "decision_known_on": "02/13/2026"},
            {"petitioner_name", "petitioner_phone", "decision_known_on"},
        ),
        (
            {"unit": "99999", "kind": "other", "signers": "0", "idempotency_key": "not a key", "consent": ""},
            {"unit", "kind", "signers", "idempotency_key", "consent"},
        ),
        (
            {"petitioner_email": "binh@", "latitude": "91", "petitioner_id_number": "12345"},
            {"petitioner_email", "latitude", "petitioner_id_number"},
        ),
    ],
)
def test_a_submitted_form_is_cleaned_as_djangos_own_loop_cleans_it(commune, overrides, invalid):
    """The shared fields are cleaned without a BoundField each (PetitionFileForm._clean_fields):
    the same values and the same errors as Django's loop over bound fields."""
    from django import forms

    data = filing(commune, **overrides)
    ours = PetitionFileForm(data)
    ours.is_valid()
    djangos = PetitionFileForm(data)
    djangos.cleaned_data, djangos._errors = {}, forms.utils.ErrorDict()
    forms.Form._clean_fields(djangos)
    djangos._clean_form()
    assert invalid <= set(ours.errors)
    assert ours.cleaned_data == djangos.cleaned_data
    assert ours.errors.get_json_data() == djangos.errors.get_json_data()
