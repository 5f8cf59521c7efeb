"""The dashboard's tiles as a leader reads them: each figure against last year (a count in per
cent, a rate in percentage points), each opening the rows it counts, for every role that sees
it, before and after the period is compiled."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from adminreform.models import Dossier
from core.models import Role
from petitions.models import Case, Petition, PetitionStatus
from reception.models import DialogueConference
from reports.services import report_run
from tests.factories import MembershipFactory, UserFactory
from tests.reports.factories import dossiers, petitions, save, visits

pytestmark = pytest.mark.django_db
Q1 = {"kind": "quarter", "year": 2024, "number": 1}


@pytest.fixture(autouse=True)
def _no_cached_figures():
    """Live figures and charts are cached by unit and period: a test's units reuse the ids of
    an earlier test's, so each starts with an empty cache."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def records(city, commune, other_commune):
    complaint = {"kind": "complaint", "outcome": "accepted", "competent": True}
    denunciation = {**complaint, "kind": "denunciation"}
    case = Case.objects.create(unit=commune, ref="VV-1", kind="complaint")
    save(
        visits(city, 10, on=date(2024, 1, 10), received_by="head")
        + visits(commune, 7, on=date(2024, 2, 10), repeat=True)
        + visits(other_commune, 3, on=date(2024, 3, 10))
        + visits(commune, 5, on=date(2023, 2, 10)),
        petitions(commune, 4, on=date(2024, 2, 1), resolved_on=date(2024, 2, 9))
        + petitions(other_commune, 9, on=date(2024, 2, 1))
        + petitions(commune, 2, on=date(2023, 12, 20))  # before the period: never listed
        + petitions(commune, 8, on=date(2023, 2, 1))
        # two complaints about one matter: one case; two denunciations of their own
        + petitions(commune, 2, on=date(2024, 1, 5), resolved_on=date(2024, 3, 1), case=case, **complaint)
        + petitions(other_commune, 1, on=date(2024, 1, 6), resolved_on=date(2024, 2, 1), **denunciation)
        + petitions(other_commune, 1, on=date(2024, 1, 7), **denunciation),
        # commune level: 20 on time of 24 resolved (83,3%); last year 9 of 10 (90%)
        dossiers(commune, 20, on=date(2024, 1, 3), due=date(2024, 1, 9), resolved_on=date(2024, 1, 8))
        + dossiers(other_commune, 4, on=date(2024, 1, 3), due=date(2024, 1, 9), resolved_on=date(2024, 1, 19))
        + dossiers(commune, 9, on=date(2023, 1, 3), due=date(2023, 1, 9), resolved_on=date(2023, 1, 8))
        + dossiers(commune, 1, on=date(2023, 1, 3), due=date(2023, 1, 9), resolved_on=date(2023, 1, 20)),
    )
    # the case's petitions were due before they were resolved: decided, not on time
    Petition.objects.filter(case=case).update(due_on=date(2024, 2, 15), status=PetitionStatus.RESOLVED)
    # dialogue conferences: 3 in the quarter (95 attendees), 1 a year earlier, 1 after the quarter
    DialogueConference.objects.bulk_create(
        [
            DialogueConference(unit=commune, ref="DT-1", held_on=date(2024, 1, 20), attendees=30, topic="Đất đai"),
            DialogueConference(unit=commune, ref="DT-2", held_on=date(2024, 3, 5), attendees=45),
            DialogueConference(unit=other_commune, ref="DT-3", held_on=date(2024, 2, 2), attendees=20),
            DialogueConference(unit=commune, ref="DT-4", held_on=date(2023, 2, 2), attendees=10),
            DialogueConference(unit=commune, ref="DT-5", held_on=date(2024, 4, 2), attendees=10),
        ]
    )
    # 6 of the commune's dossiers rated: 5 satisfied or very satisfied
    rated = list(Dossier.objects.filter(unit=commune, resolved_on=date(2024, 1, 8)).order_by("pk")[:6])
    for score, dossier in zip((3, 3, 2, 2, 2, 1), rated, strict=True):
        dossier.rating_score, dossier.rated_at = score, timezone.make_aware(datetime(2024, 1, 9, 9))
        dossier.save(update_fields=["rating_score", "rated_at"])
    # 3 petitions overdue today, 1 still within its deadline
    today = timezone.localdate()
    open_ones = list(Petition.objects.filter(unit=other_commune, resolved_on__isnull=True).order_by("pk"))
    for petition, due in zip(open_ones[:4], (date(2024, 3, 1), date(2024, 3, 2), date(2024, 3, 3), today), strict=True):
        petition.status, petition.due_on = PetitionStatus.ACCEPTED, due
        petition.save(update_fields=["status", "due_on"])


def tiles_of(page) -> dict:
    return {tile.key: tile for tile in page.context["tiles"]}


def all_rows(client, url: str) -> list[str]:
    """The references listed from `url`, following "next page" to the end."""
    refs: list[str] = []
    while url:
        page = client.get(url)
        assert page.status_code == 200, url
        refs += re.findall(r'<tr class="drill-row">\s*<th scope="row"[^>]*>([^<]+)</th>', page.text)
        url = page.context.get("next_url") or ""
        if url:
            url = urlsplit(page.request["PATH_INFO"]).path + url
    return refs


def total_of(client, url: str) -> int:
    return int(re.search(r'data-total="(\d+)"', client.get(url).text).group(1))


def test_the_tiles_before_and_after_compiling(client, city_leader, records):
    client.force_login(city_leader)
    # before the period is compiled, the figures are counted live
    live = client.get(reverse("reports:dashboard"), Q1)
    assert live.status_code == 200
    assert live.context["live"] is True
    tiles = tiles_of(live)
    assert (tiles["visits"].value, tiles["visits"].change) == ("20", "+300%")
    assert [(line.text, line.value) for line in tiles["visits"].lines] == [("lần đầu", "13"), ("tái diễn", "7")]
    assert (tiles["received"].value, tiles["received"].previous) == ("17", "năm trước: 8")
    assert tiles["in_progress"].value == "10"
    assert tiles["overdue"].value == "3"
    # cases: the commune's complaint case and one denunciation decided, of 3; only the
    # denunciation within its time limit; the rates' changes in points (last year had no case)
    assert (tiles["cases"].value, tiles["cases"].detail) == ("66,7%", "2 trên 3 vụ việc")
    assert [(line.text, line.value) for line in tiles["cases"].lines] == [
        ("phải giải quyết", "3"),
        ("giải quyết đúng hạn", "1 (50%)"),
    ]
    # dialogue conferences: a count, its change in per cent
    assert (tiles["dialogues"].value, tiles["dialogues"].change) == ("3", "+200%")
    assert tiles["dialogues"].detail == "95 lượt người tham dự"
    # dossiers on time: a rate, its change in percentage points
    assert tiles["dossiers"].value == "83,3%"
    assert [(line.text, line.change) for line in tiles["dossiers"].lines] == [("Xã", "−6,7 điểm %")]
    assert (tiles["satisfaction"].value, tiles["satisfaction"].detail) == ("83,3%", "5 hài lòng trên 6 lượt đánh giá")
    # "compile now" comes back to the dashboard, which then reads the compiled version
    response = client.post(reverse("reports:compile"), {"unit": "01", **Q1})
    assert response["Location"].startswith(reverse("reports:dashboard") + "?unit=01&kind=quarter")
    from reports.models import CompiledReport

    report_run(report_id=CompiledReport.objects.get(unit__code="01").pk)
    page = client.get(response["Location"])
    assert page.context["live"] is False
    assert {k: t.value for k, t in tiles_of(page).items()} == {k: t.value for k, t in tiles.items()}
    assert 'lang="vi" class="report-summary"' in page.text


@pytest.mark.parametrize("compiled", [False, True])
def test_every_tile_link_lists_as_many_rows_as_its_figure(client, city_leader, records, compiled):
    client.force_login(city_leader)
    if compiled:
        client.post(reverse("reports:compile"), {"unit": "01", **Q1})
    page = client.get(reverse("reports:dashboard"), Q1)
    links = {}
    for tile in tiles_of(page).values():
        if tile.link:
            links[tile.link] = tile.value
        links |= {line.link: line.value for line in tile.lines if line.link}
    figures = {urlsplit(url).path.split("/")[-2]: url for url in links}
    expected = {
        "visits": 20,
        "visits_first": 13,
        "visits_repeat": 7,
        "petitions_received": 17,
        "petitions_in_progress": 10,
        "petitions_overdue": 3,
        "cases_decided": 2,
        "cases_on_time": 1,
        "cases_to_resolve": 3,
        "dialogues": 3,
        "dossiers_on_time": 20,
        "dossiers_satisfied": 5,
        "dossiers_rated": 6,
    }
    assert set(figures) == set(expected)
    for figure, url in figures.items():
        refs = all_rows(client, url)
        assert total_of(client, url) == len(refs) == expected[figure], figure
        # the tile shows the same number (a count as its value, a rate's numerator in its line)
        assert str(expected[figure]) in links[url] or figure in ("cases_decided", "dossiers_satisfied"), figure
        assert urlsplit(url).path.startswith("/reports/rows/01/")
        assert parse_qs(urlsplit(url).query)["year"] == ["2024"]


def test_the_rows_are_the_figures_own(client, city_leader, records, commune):
    client.force_login(city_leader)
    url = reverse("reports:rows", args=["01", "petitions_received"]) + "?kind=quarter&year=2024&number=1"
    refs = all_rows(client, url)
    assert len(refs) == 17  # the period's petitions only: none of 2023
    on_time = reverse("reports:rows", args=["01", "dossiers_on_time"])
    assert len(all_rows(client, f"{on_time}?kind=quarter&year=2024&number=1&level=commune")) == 20
    # more than a page: the next page continues after the last row, none twice
    save(visits(commune, 120, on=date(2024, 3, 1)))
    refs = all_rows(client, reverse("reports:rows", args=["01", "visits"]) + "?kind=quarter&year=2024&number=1")
    assert len(refs) == len(set(refs)) == 140


def test_the_list_counts_from_the_newest_compiled_version(client, city_leader, records, commune):
    """The number above a drill-through list is the compiled figure of the newest version; a
    worker keeps a version's figures once read, and a new compilation is shown at once."""
    from reports.models import CompiledReport

    client.force_login(city_leader)
    url = reverse("reports:rows", args=["01", "visits"]) + "?kind=quarter&year=2024&number=1"
    assert total_of(client, url) == 20  # not compiled yet: counted live
    compile_now = client.post(reverse("reports:compile"), {"unit": "01", **Q1})
    assert compile_now.status_code == 302
    first = CompiledReport.objects.get(unit__code="01")
    report_run(report_id=first.pk)
    save(visits(commune, 5, on=date(2024, 2, 1)))
    assert total_of(client, url) == 20  # the compiled version's figure, kept by this worker
    assert total_of(client, url) == 20
    client.post(reverse("reports:compile"), {"unit": "01", **Q1})
    second = CompiledReport.objects.exclude(pk=first.pk).get(unit__code="01")
    report_run(report_id=second.pk)
    assert second.version == first.version + 1
    assert total_of(client, url) == 25  # the new version's, not the kept one's
    assert len(all_rows(client, url)) == 25


def test_a_ward_chairman_sees_his_ward_and_never_the_city(client, commune, records):
    chairman = UserFactory(username="chutich.hk")
    MembershipFactory(user=chairman, unit=commune, role=Role.HEAD)
    client.force_login(chairman)
    page = client.get(reverse("reports:dashboard"), Q1)
    tiles = tiles_of(page)
    assert tiles["received"].value == "6"  # the ward's petitions of the quarter, not its open ones
    assert len(all_rows(client, tiles["received"].link)) == 6
    city_rows = reverse("reports:rows", args=["01", "visits"]) + "?kind=quarter&year=2024&number=1"
    assert client.get(city_rows).status_code == 404
    assert client.get(reverse("reports:rows", args=["00070", "nothing"])).status_code == 404


def test_officers_see_no_drill_through(client, officer, records):
    client.force_login(officer)
    url = reverse("reports:rows", args=["00070", "visits"]) + "?kind=quarter&year=2024&number=1"
    assert client.get(url).status_code == 403


def test_the_official_periods_are_selectable(client, city_leader, records):
    client.force_login(city_leader)
    page = client.get(reverse("reports:dashboard"), {**Q1, "convention": "official"})
    period = page.context["period"]
    assert (period.start, period.end) == (date(2023, 12, 15), date(2024, 3, 14))
    assert 'value="official" selected' in page.text
    # the 15 December petitions are in the official first quarter, not in the calendar one
    assert tiles_of(page)["received"].value == "19"
    response = client.post(reverse("reports:compile"), {"unit": "01", **Q1, "convention": "official"})
    assert "convention=official" in response["Location"]
    from reports.models import CompiledReport

    report = CompiledReport.objects.get(unit__code="01")
    assert (report.period_from, report.period_to, report.convention) == (
        date(2023, 12, 15),
        date(2024, 3, 14),
        "official",
    )


def test_the_charts_compare_the_last_12_months_with_a_year_earlier(client, city_leader, records):
    client.force_login(city_leader)
    page = client.get(reverse("reports:dashboard"), Q1)
    charts = {c["name"]: c for c in page.context["yearly"]}
    visits = {month: (now, before) for month, now, before in charts["visits"]["chart"].rows}
    assert list(visits)[::11] == ["04/2023", "03/2024"]
    assert (visits["01/2024"], visits["02/2024"], visits["03/2024"]) == ((10, 0), (7, 5), (3, 0))
    petitions_by_month = {month: (now, before) for month, now, before in charts["petitions"]["chart"].rows}
    assert petitions_by_month["02/2024"] == (13, 8)
    on_time = {month: (now, before) for month, now, before in charts["on_time"]["chart"].rows}
    assert on_time["01/2024"] == (Decimal("83.3"), Decimal("90.0"))
    assert on_time["02/2024"] == (None, None)  # nothing resolved: no rate, not 0%
    # each chart is an image with its numbers in a table beside it
    assert "<caption>Lượt tiếp công dân theo tháng</caption>" in page.text
    svg = client.get(charts["visits"]["url"])
    assert svg.status_code == 200 and svg["Content-Type"] == "image/svg+xml"
    assert "12 tháng gần nhất" in svg.content.decode()
