"""The dashboard keeps the rendered section of a compiled report, and each chart's SVG, in the
cache (docs/performance.md, P4). A leader must never see a stale one: publishing, a new
version, another sort order or another language shows at once."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.cache import cache
from django.urls import reverse

from reports.models import CompiledReport
from reports.services import report_run
from tests.reports.factories import dossiers, petitions, save, visits

pytestmark = pytest.mark.django_db
Q1 = {"kind": "quarter", "year": 2024, "number": 1}


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def records(city, commune, other_commune):
    save(
        visits(commune, 7, on=date(2024, 2, 10)) + visits(other_commune, 3, on=date(2024, 3, 10)),
        petitions(commune, 4, on=date(2024, 2, 1), resolved_on=date(2024, 2, 9)),
        dossiers(commune, 20, on=date(2024, 1, 3), due=date(2024, 1, 9), resolved_on=date(2024, 1, 8)),
    )


def _compile(client, **period) -> CompiledReport:
    client.post(reverse("reports:compile"), {"unit": "01", **(period or Q1)})
    report = CompiledReport.objects.filter(unit__code="01").order_by("-version").first()
    report_run(report_id=report.pk)
    report.refresh_from_db()
    return report


def test_publishing_and_a_new_version_show_at_once_on_a_cached_dashboard(client, city_head, commune, records):
    client.force_login(city_head)
    first = _compile(client)
    page = client.get(reverse("reports:dashboard"), Q1).text
    assert "Dự thảo" in page and "Đã công bố" not in page
    # when the head publishes it, the (cached) dashboard says so
    client.post(reverse("reports:report_publish", args=[first.pk]))
    page = client.get(reverse("reports:dashboard"), Q1).text
    assert "Đã công bố" in page
    # and a new version with more visits replaces the figures
    save(visits(commune, 5, on=date(2024, 3, 30)))
    second = _compile(client)
    assert second.version == 2
    page = client.get(reverse("reports:dashboard"), Q1).text
    assert f"/reports/{second.pk}/" in page and f"/reports/{first.pk}/" not in page
    assert second.figures["reception"]["visits"] == 15


def test_the_sort_order_and_the_language_are_not_mixed_up_by_the_cache(client, city_leader, records):
    client.force_login(city_leader)
    _compile(client)
    names = ("Phường Hoàn Kiếm", "Phường Ba Đình")

    def order(**query) -> list[int]:
        html = client.get(reverse("reports:dashboard"), {**Q1, **query}).text
        return [html.index(f">{n}</a>") for n in names]

    by_name = order(sort="name")
    by_name_desc = order(sort="name", dir="desc")
    assert (by_name[0] > by_name[1]) != (by_name_desc[0] > by_name_desc[1])
    vi = client.get(reverse("reports:dashboard"), Q1).text
    client.cookies["django_language"] = "en"
    en = client.get(reverse("reports:dashboard"), Q1).text
    assert "Units below" in en and "Units below" not in vi


def test_a_chart_is_drawn_once_per_version_and_language(client, city_leader, records):
    client.force_login(city_leader)
    report = _compile(client)
    url = reverse("reports:report_chart", args=[report.pk, "people"])
    first = client.get(url)
    assert first["Content-Type"] == "image/svg+xml" and b"<svg" in first.content
    assert client.get(url).content == first.content
    client.cookies["django_language"] = "en"
    english = client.get(url).content
    assert b"Visits" in english and english != first.content
