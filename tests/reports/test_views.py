"""The leaders' dashboard, on-demand compilation with progress, publishing and downloads,
through the client, as a leader uses them."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from core.models import Role
from reports.models import CompiledReport, CompileState, ReportStatus
from reports.services import report_run
from tests.factories import MembershipFactory, UnitFactory, UserFactory
from tests.reports.factories import dossiers, petitions, save, visits

pytestmark = pytest.mark.django_db
Q1 = {"kind": "quarter", "year": 2024, "number": 1}


@pytest.fixture
def records(city, commune, other_commune):
    save(
        visits(city, 10, on=date(2024, 1, 10), received_by="head")
        + visits(commune, 7, on=date(2024, 2, 10))
        + visits(other_commune, 3, on=date(2024, 3, 10))
        + visits(commune, 5, on=date(2023, 2, 10)),
        petitions(commune, 4, on=date(2024, 2, 1), resolved_on=date(2024, 2, 9))
        + petitions(other_commune, 9, on=date(2024, 2, 1)),
        dossiers(commune, 20, on=date(2024, 1, 3), due=date(2024, 1, 9), resolved_on=date(2024, 1, 8))
        + dossiers(other_commune, 4, on=date(2024, 1, 3), due=date(2024, 1, 9), resolved_on=date(2024, 1, 19)),
    )


def compile_q1(client, code: str) -> CompiledReport:
    response = client.post(reverse("reports:compile"), {"unit": code, **Q1})
    report = CompiledReport.objects.get(unit__code=code)
    assert response.status_code == 302
    # "compile now" comes back to the dashboard of the same unit and period
    assert response["Location"] == (
        reverse("reports:dashboard") + f"?unit={code}&kind=quarter&year=2024&number=1&convention=calendar"
    )
    report_run(report_id=report.pk)  # what the worker does (a no-op if it already ran eagerly)
    report.refresh_from_db()
    return report


def test_a_leader_compiles_then_reads_the_dashboard(client, city_leader, records):
    client.force_login(city_leader)
    # given no compiled report yet
    page = client.get(reverse("reports:dashboard"), Q1)
    assert page.status_code == 200
    assert "Compile now" in page.text or "Tổng hợp ngay" in page.text
    # when the leader compiles it
    report = compile_q1(client, "01")
    assert report.state == CompileState.DONE
    status = client.get(reverse("reports:report_status", args=[report.pk])).json()
    assert (status["done"], status["progress"]) == (True, 100)
    # then the dashboard shows the figures, this period against last year, and the communes
    page = client.get(reverse("reports:dashboard"), Q1)
    html = page.text
    assert "Tổng số đã tiếp 20 lượt công dân" in html
    comparisons = {row.key: row for row in page.context["comparisons"]}
    assert (comparisons["visits"].current, comparisons["visits"].previous) == (20, 5)
    assert comparisons["received"].current == 13
    kinds = {row.kind: (row.received, row.resolved, row.in_progress) for row in page.context["kinds"]}
    assert kinds["recommendation"] == (13, 4, 9)
    assert "Đơn theo loại" in html
    children = page.context["children"]
    assert [c.name for c in children] == ["Phường Ba Đình", "Phường Hoàn Kiếm"]
    assert reverse("reports:yearly_chart", args=["01", "visits"]) in html


def test_the_units_below_sort_by_any_column(client, city_leader, records):
    client.force_login(city_leader)
    compile_q1(client, "01")
    page = client.get(reverse("reports:dashboard"), {**Q1, "sort": "visits", "dir": "desc"})
    assert [c.name for c in page.context["children"]] == ["Phường Hoàn Kiếm", "Phường Ba Đình"]
    page = client.get(reverse("reports:dashboard"), {**Q1, "sort": "received", "dir": "desc"})
    assert [c.name for c in page.context["children"]] == ["Phường Ba Đình", "Phường Hoàn Kiếm"]
    assert 'aria-sort="descending"' in page.text


def test_drilling_into_a_commune_shows_its_own_report(client, city_leader, records):
    client.force_login(city_leader)
    compile_q1(client, "01")
    compile_q1(client, "00070")
    page = client.get(reverse("reports:dashboard"), {**Q1, "unit": "00070"})
    assert page.context["unit"].code == "00070"
    assert "Tổng số đã tiếp 7 lượt công dân" in page.text


def test_the_dashboard_reads_compiled_figures_in_a_few_queries(
    client, city_leader, city, records, django_assert_max_num_queries
):
    for i in range(30):
        UnitFactory(code=f"C{i:03d}", name=f"Xã {i:03d}", parent=city)
    client.force_login(city_leader)
    compile_q1(client, "01")
    # the first view also counts the 12-month charts (six aggregate queries, cached an hour)
    with django_assert_max_num_queries(19):
        page = client.get(reverse("reports:dashboard"), Q1)
    assert len(page.context["children"]) == 32
    with django_assert_max_num_queries(12):
        page = client.get(reverse("reports:dashboard"), {**Q1, "sort": "visits"})
    assert len(page.context["children"]) == 32


def test_downloads_match_the_json(client, city_leader, records):
    client.force_login(city_leader)
    report = compile_q1(client, "01")
    xlsx = client.get(reverse("reports:report_export", args=[report.pk, "xlsx"]))
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "bao-cao-01-20240101-20240331-v1-du-thao.xlsx" in xlsx["Content-Disposition"]
    wb = load_workbook(io.BytesIO(xlsx.content))
    total = next(r for r in wb["01-TCD"].iter_rows(values_only=True) if r[1] == "Tổng cộng")
    assert total[2] == report.figures["reception"]["visits"] == 20
    sheet = [c for row in wb["Báo cáo"].iter_rows(values_only=True) for c in row if c]
    assert "DỰ THẢO" in sheet and "Hà Nội, ngày" in " ".join(str(c) for c in sheet)
    assert client.get(reverse("reports:report_export", args=[report.pk, "pdf"])).content.startswith(b"%PDF")
    docx = client.get(reverse("reports:report_export", args=[report.pk, "docx"]))
    assert "-du-thao.docx" in docx["Content-Disposition"] and docx.content.startswith(b"PK")
    csv_text = client.get(reverse("reports:report_export", args=[report.pk, "csv"])).text
    assert ",reception.visits,Lượt tiếp công dân,20\r\n" in csv_text
    assert client.get(reverse("reports:report_export", args=[report.pk, "json"])).json() == report.figures
    chart = client.get(reverse("reports:report_chart", args=[report.pk, "dossiers"]))
    assert chart["Content-Type"] == "image/svg+xml" and b"<svg" in chart.content


def test_publishing_freezes_and_recompiling_shows_differences(client, city_head, commune, records):
    client.force_login(city_head)
    first = compile_q1(client, "01")
    client.post(reverse("reports:report_publish", args=[first.pk]))
    first.refresh_from_db()
    assert first.status == ReportStatus.PUBLISHED
    published = client.get(reverse("reports:report_export", args=[first.pk, "xlsx"]))
    cells = [
        c for row in load_workbook(io.BytesIO(published.content))["02-XLD"].iter_rows(values_only=True) for c in row
    ]
    assert "DỰ THẢO" not in cells and "THỦ TRƯỞNG ĐƠN VỊ" in cells
    signed = timezone.localtime(first.published_at)  # the day in Việt Nam, not in UTC
    assert f"Hà Nội, ngày {signed:%d} tháng {signed:%m}" in " ".join(map(str, cells))
    again = client.post(reverse("reports:report_publish", args=[first.pk]), follow=True)
    assert "đã được công bố" in again.text or "already published" in again.text
    save(visits(commune, 2, on=date(2024, 3, 30)))
    client.post(
        reverse("reports:compile"),
        {"unit": "01", "kind": "range", "date_from": "2024-01-01", "date_to": "2024-03-31"},
    )
    second = CompiledReport.objects.get(unit__code="01", version=2)
    report_run(report_id=second.pk)
    page = client.get(reverse("reports:report_detail", args=[second.pk]))
    differences = {d.key: (d.before, d.after) for d in page.context["differences"]}
    assert differences["reception.visits"] == (20, 22)
    first.refresh_from_db()
    assert first.figures["reception"]["visits"] == 20  # the published version did not move


def test_only_leaders_within_their_units(client, officer, head, commune, other_commune, city_leader, records):
    client.force_login(city_leader)
    report = compile_q1(client, "01")
    # an officer has no reports
    client.force_login(officer)
    assert client.get(reverse("reports:dashboard")).status_code == 403
    # a commune's head sees their commune, not the city nor another commune
    client.force_login(head)
    assert client.get(reverse("reports:dashboard"), Q1).context["unit"] == commune
    assert client.get(reverse("reports:dashboard"), {**Q1, "unit": "01"}).status_code == 404
    assert client.get(reverse("reports:dashboard"), {**Q1, "unit": "00004"}).status_code == 404
    assert client.get(reverse("reports:report_detail", args=[report.pk])).status_code == 404
    assert client.get(reverse("reports:report_export", args=[report.pk, "xlsx"])).status_code == 404
    assert client.post(reverse("reports:compile"), {"unit": "00004", **Q1}).status_code == 404
    # not logged in: to the login page
    client.logout()
    assert client.get(reverse("reports:dashboard")).status_code == 302


def test_a_bad_range_is_explained_next_to_the_field(client, city_leader):
    client.force_login(city_leader)
    page = client.get(
        reverse("reports:dashboard"), {"kind": "range", "date_from": "2024-03-01", "date_to": "2024-01-01"}
    )
    assert page.context["form"].errors["date_to"]
    assert 'value="2024-03-01"' in page.text  # what the leader typed stays


def test_an_inspector_of_a_commune_sees_its_report(client, commune, records):
    inspector = UserFactory(username="thanhtra")
    MembershipFactory(user=inspector, unit=commune, role=Role.INSPECTOR)
    client.force_login(inspector)
    assert client.get(reverse("reports:dashboard"), Q1).status_code == 200


def test_a_leader_of_two_communes_switches_between_them(client, commune, other_commune, records):
    leader = UserFactory(username="lanhdao.hai")
    for unit in (commune, other_commune):
        MembershipFactory(user=leader, unit=unit, role=Role.LEADER_VIEWER)
    client.force_login(leader)
    page = client.get(reverse("reports:dashboard"), Q1)
    assert [u.code for u in page.context["home_units"]] == ["00004", "00070"]
    assert "?unit=00070&amp;" in page.text
    assert client.get(reverse("reports:dashboard"), {**Q1, "unit": "00070"}).status_code == 200


def test_the_latest_report_of_a_unit_is_read_only_by_those_who_may_read_that_unit(
    client, head, officer, commune, city, city_leader, records
):
    from reports.periods import Period
    from reports.selectors import report_latest

    client.force_login(city_leader)
    city_report = compile_q1(client, "01")
    commune_report = compile_q1(client, commune.code)
    q1 = Period(date(2024, 1, 1), date(2024, 3, 31))
    # the city's leader reads both; the commune's head only the commune's; an officer neither
    assert report_latest(user=city_leader, unit=city, period=q1) == city_report
    assert report_latest(user=city_leader, unit=commune, period=q1) == commune_report
    assert report_latest(user=head, unit=commune, period=q1) == commune_report
    assert report_latest(user=head, unit=city, period=q1) is None
    assert report_latest(user=officer, unit=commune, period=q1) is None


def test_a_leader_compiles_but_only_the_head_publishes_and_the_inspector_does_neither(
    client, city_leader, city_head, city_inspector, records
):
    # the leader asks for the figures: compiling is allowed, publishing is the head's
    client.force_login(city_leader)
    report = compile_q1(client, "01")
    detail = client.get(reverse("reports:report_detail", args=[report.pk])).text
    publish = reverse("reports:report_publish", args=[report.pk])
    assert publish not in detail and reverse("reports:compile") in detail
    assert client.post(publish).status_code == 404
    # the inspector reads the report and its dashboard, and changes nothing
    client.force_login(city_inspector)
    detail = client.get(reverse("reports:report_detail", args=[report.pk])).text
    assert publish not in detail and reverse("reports:compile") not in detail
    assert client.post(publish).status_code == 404
    other_period = {"unit": "01", "kind": "quarter", "year": 2024, "number": 2}
    assert reverse("reports:compile") not in client.get(reverse("reports:dashboard"), other_period).text
    assert client.post(reverse("reports:compile"), other_period).status_code == 404
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT and CompiledReport.objects.count() == 1
    # the head publishes
    client.force_login(city_head)
    assert publish in client.get(reverse("reports:report_detail", args=[report.pk])).text
    client.post(publish)
    report.refresh_from_db()
    assert report.status == ReportStatus.PUBLISHED
