"""Stored reports: request, compile (once, whatever the deliveries), publish (then frozen),
recompile (a new version), and the quarterly schedule."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.db import IntegrityError

from civicdesk.celery import app as celery_app
from civicdesk.exceptions import InvalidTransition, NotAllowed
from core.models import Role, UnitKind, UnitLevel
from reports.models import CompiledReport, CompiledReportEvent, CompileState, ReportStatus
from reports.periods import Period
from reports.services import report_ensure, report_publish, report_request, report_run
from reports.tasks import reports_compile_closed_periods_task, reports_compile_last_quarter_task
from reports.versions import report_differences
from tests.factories import MembershipFactory, UserFactory
from tests.reports.factories import dossiers, petitions, save, unit, visits

pytestmark = pytest.mark.django_db
Q1 = Period(date(2024, 1, 1), date(2024, 3, 31))


@pytest.fixture
def district(db):
    d = unit("R1", "Quận Một", level=UnitLevel.DISTRICT, kind=UnitKind.URBAN_DISTRICT)
    for i in (1, 2):
        unit(f"R1{i}", f"Phường {i}", level=UnitLevel.COMMUNE, kind=UnitKind.WARD, parent=d)
    return d


@pytest.fixture
def district_leader(district):
    return MembershipFactory(user=UserFactory(username="lanhdao.quan"), unit=district, role=Role.LEADER_VIEWER).user


@pytest.fixture
def district_head(district):
    return MembershipFactory(user=UserFactory(username="chutich.quan"), unit=district, role=Role.HEAD).user


def request(district, actor=None):
    return report_request(unit=district, period=Q1, kind="quarter", convention="calendar", actor=actor)


def test_a_requested_report_is_queued_then_compiled_with_its_units_below(
    district, district_leader, django_capture_on_commit_callbacks
):
    save(visits(district, 5, on=date(2024, 2, 1)))
    save(petitions(list(district.children.all()), 4, on=date(2024, 2, 2)))
    # when
    with django_capture_on_commit_callbacks() as callbacks:
        report = request(district, district_leader)
    # then: queued, the compile task waits for the commit
    assert (report.version, report.state, report.status) == (1, CompileState.QUEUED, ReportStatus.DRAFT)
    assert len(callbacks) == 1
    # when the worker runs it
    report_run(report_id=report.pk)
    report.refresh_from_db()
    assert (report.state, report.progress) == (CompileState.DONE, 100)
    assert report.figures["reception"]["visits"] == 5
    assert report.previous_figures["period"] == {"from": "2023-01-01", "to": "2023-03-31"}
    assert [(c["unit"]["code"], c["petitions"]["received"]) for c in report.children] == [("R11", 2), ("R12", 2)]
    assert list(report.events.values_list("kind", flat=True)) == ["requested", "compiled"]


def test_a_second_delivery_or_request_compiles_nothing_twice(district):
    report = request(district)
    assert request(district).pk == report.pk  # still waiting: the same one
    assert report_run(report_id=report.pk) is not None
    assert report_run(report_id=report.pk) is None
    assert CompiledReportEvent.objects.filter(kind="compiled").count() == 1


def test_the_same_version_cannot_exist_twice(district):
    request(district)
    with pytest.raises(IntegrityError):
        CompiledReport.objects.create(unit=district, period_from=Q1.start, period_to=Q1.end, version=1)


def test_recompiling_makes_a_new_version_and_shows_the_differences(district):
    first = request(district)
    report_run(report_id=first.pk)
    save(dossiers(district, 3, on=date(2024, 1, 3), due=date(2024, 1, 5), resolved_on=date(2024, 1, 9)))
    second = request(district)
    report_run(report_id=second.pk)
    first.refresh_from_db()
    second.refresh_from_db()
    assert second.version == 2
    changes = {d.key: (d.before, d.after) for d in report_differences(first.figures, second.figures)}
    assert changes["dossiers.levels.district.resolved"] == (None, 3)
    assert changes["dossiers.levels.district.late"] == (None, 3)


def test_a_published_report_is_frozen(district, district_head):
    report = request(district)
    with pytest.raises(InvalidTransition):
        report_publish(report=report, actor=district_head)  # not compiled yet
    report_run(report_id=report.pk)
    report.refresh_from_db()
    published = report_publish(report=report, actor=district_head, ip_address="127.0.0.1")
    assert published.status == ReportStatus.PUBLISHED
    with pytest.raises(InvalidTransition, match="đã được công bố"):
        report_publish(report=published, actor=district_head)
    event = published.events.get(kind="published")
    assert (event.actor, event.ip_address) == (district_head, "127.0.0.1")
    # a stray compile job cannot touch it
    CompiledReport.objects.filter(pk=report.pk).update(state=CompileState.QUEUED)
    assert report_run(report_id=report.pk) is None
    CompiledReport.objects.filter(pk=report.pk).update(state=CompileState.DONE)
    # recompiling adds version 2 beside it
    assert request(district).version == 2


def test_two_schedulers_make_one_report_per_unit_and_period(district):
    assert report_ensure(unit=district, period=Q1, kind="quarter", convention="calendar") is not None
    assert report_ensure(unit=district, period=Q1, kind="quarter", convention="calendar") is None
    assert CompiledReport.objects.filter(unit=district).count() == 1


@time_machine.travel("2024-04-01 02:00 +0700")
def test_after_the_quarter_closes_every_unit_gets_its_quarterly_report(district):
    assert reports_compile_last_quarter_task.apply().get() == 3
    assert reports_compile_last_quarter_task.apply().get() == 0
    periods = set(CompiledReport.objects.values_list("period_from", "period_to", "kind"))
    assert periods == {(date(2024, 1, 1), date(2024, 3, 31), "quarter")}


def test_the_beat_schedule_runs_every_day_for_the_periods_that_ended():
    entry = celery_app.conf.beat_schedule["reports-compile-closed-periods"]
    assert entry["task"] == "reports.tasks.reports_compile_closed_periods_task"
    schedule = entry["schedule"]
    assert (schedule.hour, schedule.minute) == ({2}, {0})
    assert len(schedule.day_of_month) == 31 and len(schedule.month_of_year) == 12


@time_machine.travel("2024-03-15 02:00 +0700")
def test_the_day_after_an_official_quarter_each_unit_gets_its_draft_and_its_head_is_told(
    district, mailoutbox, django_capture_on_commit_callbacks
):
    head = UserFactory(username="chutich.quan", email="chutich@example.vn")
    MembershipFactory(user=head, unit=district, role=Role.HEAD)
    # the official first quarter, 15/12/2023 to 14/03/2024, ended yesterday: compiled by the
    # worker once the job commits, and the head's notice leaves once the figures commit
    with django_capture_on_commit_callbacks(execute=True):
        assert reports_compile_closed_periods_task.apply().get() == 3
    assert reports_compile_closed_periods_task.apply().get() == 0
    reports = CompiledReport.objects.all()
    assert {(r.period_from, r.period_to, r.kind, r.convention) for r in reports} == {
        (date(2023, 12, 15), date(2024, 3, 14), "quarter", "official")
    }
    assert all(r.state == CompileState.DONE for r in reports)
    # the district's head, and nobody else, is told once that the draft is ready
    assert [m.to for m in mailoutbox] == [["chutich@example.vn"]]
    assert "15/12/2023 – 14/03/2024" in mailoutbox[0].subject
    assert "/reports/dashboard/?unit=" in mailoutbox[0].body


@time_machine.travel("2024-07-01 02:00 +0700")
def test_after_june_the_calendar_quarter_and_half_are_compiled(district):
    assert reports_compile_closed_periods_task.apply().get() == 6
    kinds = set(CompiledReport.objects.values_list("kind", "period_from", "period_to"))
    assert kinds == {("quarter", date(2024, 4, 1), date(2024, 6, 30)), ("half", date(2024, 1, 1), date(2024, 6, 30))}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_schedulers_racing_in_parallel_still_make_one_report():
    import threading

    from django.db import connection

    district = unit("RACE", "Quận Đua", level=UnitLevel.DISTRICT, kind=UnitKind.URBAN_DISTRICT)
    barrier = threading.Barrier(6)
    created = []

    def scheduler():
        try:
            barrier.wait()
            report = report_ensure(unit=district, period=Q1, kind="quarter", convention="calendar")
            created.append(report is not None)
        finally:
            connection.close()

    threads = [threading.Thread(target=scheduler) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(created) == [False] * 5 + [True]
    assert CompiledReport.objects.filter(unit=district).count() == 1


@pytest.mark.django_db
def test_the_official_convention_moves_the_dashboard_periods(client, city_leader, settings):
    from django.urls import reverse

    settings.REPORTS_PERIOD_CONVENTION = "official"
    client.force_login(city_leader)
    page = client.get(reverse("reports:dashboard"), {"kind": "quarter", "year": 2019, "number": 1})
    assert page.context["period"] == Period(date(2018, 12, 15), date(2019, 3, 14))
    client.post(reverse("reports:compile"), {"unit": "01", "kind": "quarter", "year": 2019, "number": 1})
    report = CompiledReport.objects.get(unit__code="01")
    assert (report.period_from, report.period_to, report.kind, report.convention) == (
        date(2018, 12, 15),
        date(2019, 3, 14),
        "quarter",
        "official",
    )


def test_the_inspector_may_neither_ask_for_nor_publish_a_report_and_the_leader_may_not_publish(
    district, district_leader
):
    inspector = MembershipFactory(user=UserFactory(username="thanhtra.quan"), unit=district, role=Role.INSPECTOR).user
    with pytest.raises(NotAllowed):
        request(district, inspector)
    report = request(district)  # the schedule (no actor)
    report_run(report_id=report.pk)
    for reader in (inspector, district_leader):
        with pytest.raises(NotAllowed):
            report_publish(report=report, actor=reader)
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT
    assert list(report.events.values_list("kind", flat=True)) == ["requested", "compiled"]
