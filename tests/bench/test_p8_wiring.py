"""P8, the drill-through list opened from the city dashboard: wired as a staff page with its
URL arguments, and the page it drives answers the city leader with the stored count."""

import pytest

from bench.staff_figures import StaffPage
from bench.table import FIGURES, figures_of


def _p8():
    return next(spec for spec in FIGURES if spec.id == "P8")


def test_p8_drives_the_citys_drill_through_list_and_checks_its_plans():
    spec = _p8()
    assert isinstance(spec.drives, StaffPage)
    assert (spec.drives.plans, spec.drives.report) == (True, True)
    assert spec.drives.path() == "/reports/rows/01/dossiers_on_time/?level=commune"
    assert spec.web and spec.seconds == "page_seconds"
    assert "index scans only" in spec.target


def test_p8_is_available_on_this_branch():
    assert figures_of((_p8(),), None)["P8"].unavailable == ""


@pytest.mark.django_db
def test_the_page_p8_drives_answers_the_city_leader_with_the_figures_count(client, city_leader):
    client.force_login(city_leader)
    response = client.get(_p8().drives.path())
    assert response.status_code == 200
    assert 'data-total="0"' in response.text
