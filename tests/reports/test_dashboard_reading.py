"""What a leader reads on the dashboard: the units below in Vietnamese alphabetical order,
a change on every row that has one, and the summary's language made plain."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from core.models import UnitLevel
from reports.models import CompiledReport
from reports.services import report_run
from tests.factories import UnitFactory
from tests.reports.factories import dossiers, save, visits

pytestmark = pytest.mark.django_db
Q1 = {"kind": "quarter", "year": 2024, "number": 1}


def compiled_q1(client, code: str = "01") -> None:
    client.post(reverse("reports:compile"), {"unit": code, **Q1})
    report_run(report_id=CompiledReport.objects.get(unit__code=code).pk)


@pytest.fixture
def records(city, commune, other_commune):
    save(
        visits(commune, 7, on=date(2024, 2, 10)) + visits(other_commune, 3, on=date(2024, 3, 10)),
        [],
        dossiers(commune, 20, on=date(2024, 1, 3), due=date(2024, 1, 9), resolved_on=date(2024, 1, 8))
        + dossiers(commune, 5, on=date(2024, 1, 3), due=date(2024, 1, 9), resolved_on=date(2024, 1, 19))
        # the same quarter a year earlier: 8 of 10 on time
        + dossiers(commune, 8, on=date(2023, 1, 3), due=date(2023, 1, 9), resolved_on=date(2023, 1, 8))
        + dossiers(commune, 2, on=date(2023, 1, 3), due=date(2023, 1, 9), resolved_on=date(2023, 1, 19)),
    )


def test_the_units_below_are_in_vietnamese_alphabetical_order(client, city_leader, city, records):
    for code, name in [("00001", "Phường Đống Đa"), ("00002", "Phường Cầu Giấy"), ("00003", "Phường Bắc Từ Liêm")]:
        UnitFactory(code=code, name=name, parent=city, level=UnitLevel.COMMUNE)
    client.force_login(city_leader)
    compiled_q1(client)
    expected = ["Phường Ba Đình", "Phường Bắc Từ Liêm", "Phường Cầu Giấy", "Phường Đống Đa", "Phường Hoàn Kiếm"]
    page = client.get(reverse("reports:dashboard"), Q1)
    assert [c.name for c in page.context["children"]] == expected
    page = client.get(reverse("reports:dashboard"), {**Q1, "sort": "name", "dir": "desc"})
    assert [c.name for c in page.context["children"]] == expected[::-1]
    # ties on a figure fall back to the same order
    page = client.get(reverse("reports:dashboard"), {**Q1, "sort": "head_visits"})
    assert [c.name for c in page.context["children"]] == expected


def test_on_time_rows_show_their_change_and_last_years_rate(client, city_leader, records):
    client.force_login(city_leader)
    compiled_q1(client)
    page = client.get(reverse("reports:dashboard"), Q1)
    rows = {row.key: row for row in page.context["comparisons"]}
    on_time = rows["on_time_commune"]
    assert (on_time.current, on_time.previous, on_time.change_pct) == (20, 8, Decimal("150.0"))
    assert (on_time.rate_pct, on_time.previous_rate_pct) == (Decimal("80.0"), Decimal("80.0"))
    assert "+150,0%" in page.text
    # nothing a year earlier: no percentage can be given, and the page says why
    assert rows["delegations"].change_pct is None
    assert "không thể tính mức tăng, giảm" in page.text


def test_in_english_the_summary_is_labelled_as_the_official_vietnamese_text(client, city_leader, records):
    client.force_login(city_leader)
    compiled_q1(client)
    page = client.get(reverse("reports:dashboard"), Q1)
    assert '<p lang="vi" class="report-summary">Tổng số đã tiếp 10 lượt công dân' in page.text
    assert "The official text of the report, in Vietnamese" not in page.text
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("vi"):  # the request switches this thread to English; switch back after
        page = client.get(reverse("reports:dashboard"), Q1)
    assert "The official text of the report, in Vietnamese, as it is published:" in page.text
    assert '<p lang="vi" class="report-summary">Tổng số đã tiếp 10 lượt công dân' in page.text
