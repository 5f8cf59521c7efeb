"""compile_report against the contract's definitions, edge by edge, and its query count."""

from __future__ import annotations

import io
import json
from datetime import date

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from petitions.models import Case, Outcome
from reports.compiling import compile_figures, compile_figures_of_units
from reports.periods import Period
from tests.reports.factories import city_tree, dossiers, petitions, save, visits

pytestmark = pytest.mark.django_db
D = date


@pytest.fixture
def tree(db):
    return city_tree()


def run(code: str, start: str, end: str, *extra: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("compile_report", "--unit", code, "--from", start, "--to", end, *extra, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_json_alone_on_stdout_with_every_contract_key(tree):
    out, err = run("T011", "2024-01-01", "2024-03-31")
    report = json.loads(out)
    assert err == ""
    assert set(report) >= {"unit", "period", "previous_period", "reception", "petitions", "dossiers", "summary"}
    assert report["unit"] == {
        "code": "T011",
        "name": "Quận Một",
        "level": "district",
        "kind": "quan",
        "predecessors": [],
    }
    assert report["period"] == {"from": "2024-01-01", "to": "2024-03-31"}
    assert set(report["reception"]) >= {"visits", "people", "head_visits", "delegations", "delegation_people", "levels"}
    assert set(report["petitions"]) >= {
        "received",
        "received_previous",
        "change_pct",
        "resolved",
        "in_progress",
        "by_kind",
        "crowd_over_level",
        "complaint_cases",
    }
    assert report["petitions"]["by_kind"] == {"complaint": 0, "denunciation": 0, "recommendation": 0, "feedback": 0}
    assert report["petitions"]["change_pct"] is None  # no previous data
    assert report["dossiers"] == {"levels": [], "satisfaction": {"rated": 0, "satisfied": 0, "pct": None}}


def test_dates_in_vietnamese_form_and_bad_input(tree):
    out, _ = run("T011", "01/01/2024", "31/03/2024")
    assert json.loads(out)["period"] == {"from": "2024-01-01", "to": "2024-03-31"}
    with pytest.raises(CommandError, match="No unit"):
        run("NOPE", "2024-01-01", "2024-03-31")
    with pytest.raises(CommandError, match="not a date"):
        run("T011", "2024-13-01", "2024-03-31")
    with pytest.raises(CommandError, match="before"):
        run("T011", "2024-03-01", "2024-01-31")


def test_visits_roll_up_the_subtree_by_level(tree):
    city, district, ward, other = tree
    save(
        visits(district, 3, on=D(2024, 1, 1), received_by="head")
        + visits(district, 2, on=D(2024, 3, 31), people=5)  # delegations of 5
        + visits(ward, 4, on=D(2024, 2, 2), people=2, received_by="delegate")
        + visits(other, 7, on=D(2024, 2, 2))
        + visits(ward, 1, on=D(2024, 4, 1))
    )
    reception = compile_figures(unit=district, period=Period(D(2024, 1, 1), D(2024, 3, 31)))["reception"]
    assert (reception["visits"], reception["people"], reception["head_visits"]) == (9, 3 + 10 + 8, 3)
    assert (reception["delegations"], reception["delegation_people"]) == (2, 10)
    assert [(e["level"], e["visits"], e["head_visits"]) for e in reception["levels"]] == [
        ("district", 5, 3),
        ("commune", 4, 0),
    ]
    city_levels = compile_figures(unit=city, period=Period(D(2024, 1, 1), D(2024, 3, 31)))["reception"]["levels"]
    assert [(e["level"], e["visits"]) for e in city_levels] == [("district", 12), ("commune", 4)]


def test_petitions_resolved_after_the_period_end_are_in_progress(tree):
    _, district, ward, _ = tree
    save(
        petitions(district, 2, on=D(2024, 1, 5), resolved_on=D(2024, 2, 29))
        + petitions(district, 3, on=D(2024, 1, 5), resolved_on=D(2024, 3, 1))
        + petitions(ward, 1, on=D(2024, 2, 5))
        + petitions(ward, 1, on=D(2024, 2, 5), signers=5, over_level=True)
        + petitions(ward, 1, on=D(2024, 2, 5), signers=4, over_level=True)
        # leap day of the previous year's period does not exist: 29/02/2024 → 28/02/2023
        + petitions(district, 4, on=D(2023, 2, 28))
        + petitions(district, 9, on=D(2023, 3, 1))
    )
    p = compile_figures(unit=district, period=Period(D(2024, 1, 1), D(2024, 2, 29)))["petitions"]
    assert (p["received"], p["resolved"], p["in_progress"]) == (8, 2, 6)
    assert (p["received_previous"], p["change_pct"]) == (4, 100.0)
    assert p["crowd_over_level"] == 1


def test_complaint_cases_count_cases_not_petitions(tree):
    _, district, _, _ = tree
    accepted = {"kind": "complaint", "outcome": Outcome.ACCEPTED, "competent": True}
    done = Case.objects.create(unit=district, ref="VV1", kind="complaint")
    half_done = Case.objects.create(unit=district, ref="VV2", kind="complaint")
    old_open = Case.objects.create(unit=district, ref="VV3", kind="complaint")
    later = Case.objects.create(unit=district, ref="VV4", kind="complaint")
    save(
        petitions(district, 3, on=D(2024, 1, 2), resolved_on=D(2024, 2, 1), case=done, **accepted)
        + petitions(district, 1, on=D(2024, 1, 2), resolved_on=D(2024, 2, 1), case=half_done, **accepted)
        + petitions(district, 1, on=D(2024, 1, 3), resolved_on=D(2024, 4, 2), case=half_done, **accepted)
        # an earlier petition of the case still open at period end keeps it unresolved
        + petitions(district, 1, on=D(2023, 6, 1), case=old_open, **accepted)
        + petitions(district, 1, on=D(2024, 1, 3), resolved_on=D(2024, 1, 9), case=old_open, **accepted)
        # a petition received after the period end does not reopen a case resolved by then
        + petitions(district, 1, on=D(2024, 1, 3), resolved_on=D(2024, 1, 9), case=later, **accepted)
        + petitions(district, 1, on=D(2024, 5, 3), case=later, **accepted)
        # without a case, a petition is its own case
        + petitions(district, 2, on=D(2024, 3, 1), resolved_on=D(2024, 3, 2), **accepted)
        + petitions(district, 1, on=D(2024, 3, 1), **accepted)
        # not cases to resolve: not accepted, outside competence, another kind
        + petitions(district, 1, on=D(2024, 3, 1), kind="complaint", outcome=Outcome.GUIDED, competent=True)
        + petitions(district, 1, on=D(2024, 3, 1), kind="complaint", outcome=Outcome.ACCEPTED, competent=False)
        + petitions(district, 1, on=D(2024, 3, 1), kind="denunciation", outcome=Outcome.ACCEPTED, competent=True)
    )
    p = compile_figures(unit=district, period=Period(D(2024, 1, 1), D(2024, 3, 31)))["petitions"]
    figures = ("to_resolve", "resolved", "resolved_pct")
    assert [p["complaint_cases"][f] for f in figures] == [7, 4, 57.1]
    assert [p["denunciation_cases"][f] for f in figures] == [1, 0, 0.0]


def test_dossiers_carried_over_resolved_late_and_in_progress(tree):
    _, district, ward, other = tree
    save(
        dossiers(district, 2, on=D(2023, 12, 1), due=D(2023, 12, 20), resolved_on=D(2024, 1, 1))  # carried, late
        + dossiers(district, 1, on=D(2023, 12, 1), due=D(2023, 12, 20), resolved_on=D(2023, 12, 31))  # not carried
        + dossiers(district, 4, on=D(2024, 1, 2), due=D(2024, 1, 10), resolved_on=D(2024, 1, 10), channel="online")
        + dossiers(district, 1, on=D(2024, 3, 30), due=D(2024, 4, 5), resolved_on=D(2024, 4, 1))  # after end
        + dossiers(ward, 3, on=D(2024, 2, 1), due=D(2024, 2, 9), resolved_on=D(2024, 2, 8))
        + dossiers(other, 5, on=D(2024, 2, 1), due=D(2024, 2, 9))
    )
    levels = compile_figures(unit=district, period=Period(D(2024, 1, 1), D(2024, 3, 31)))["dossiers"]["levels"]
    assert levels[0] == {
        "level": "district",
        "carried_over": 2,
        "received": 5,
        "online": 4,
        "to_resolve": 7,
        "resolved": 6,
        "on_time": 4,
        "late": 2,
        "in_progress": 1,
        "on_time_pct": 66.7,
        "early": 0,
        "in_progress_overdue": 0,
        "kinds": ["quan"],
    }
    assert (levels[1]["level"], levels[1]["resolved"], levels[1]["early"], levels[1]["on_time_pct"]) == (
        "commune",
        3,
        3,
        100.0,
    )


def test_a_fixed_number_of_queries_whatever_the_data(tree, django_assert_num_queries):
    city, district, ward, other = tree
    period = Period(D(2024, 1, 1), D(2024, 12, 31))
    # One aggregate pass over each of visits, petitions (the decisions to carry out included),
    # dossiers and dialogue conferences (the monthly trend and the same period last year are
    # counted in the same passes), one over the petitions' cases, a count of the previous
    # period's petitions and the procedures' fields, after one look for predecessor links in the
    # subtree (none here: no second generation to follow).
    with django_assert_num_queries(8):
        compile_figures(unit=city, period=period)
    save(
        visits([district, ward, other], 300, on=D(2024, 5, 5)),
        petitions([district, ward, other], 300, on=D(2024, 6, 6), kind="complaint", outcome="accepted"),
        dossiers([district, ward, other], 3000, on=D(2024, 7, 7), due=D(2024, 7, 9), resolved_on=D(2024, 7, 8)),
    )
    with django_assert_num_queries(8):
        report = compile_figures(unit=city, period=period)
    assert report["reception"]["visits"] == 300
    assert report["trend"]["visits"][4] == 300
    with django_assert_num_queries(8):
        compile_figures(unit=city, period=period, with_trend=False)


def test_files_go_to_standard_output_without_output(tree, capfdbinary):
    call_command("compile_report", "--unit", "T011", "--from", "2024-01-01", "--to", "2024-03-31", "--format", "csv")
    out, err = capfdbinary.readouterr()
    assert out.startswith("\ufeffunit_code,unit_name,level,".encode())
    assert err == b""


def test_many_units_at_once_give_each_unit_its_own_figures(tree, django_assert_num_queries):
    """The quarterly job and the drill-down compile many units from three grouped queries:
    every unit's figures (trend included) equal those compiled for it alone."""
    city, district, ward, other = tree
    accepted = {"kind": "complaint", "outcome": Outcome.ACCEPTED, "competent": True}
    shared = Case.objects.create(unit=district, ref="VV9", kind="complaint")
    save(
        visits([district, ward, other], 30, on=D(2024, 2, 5), received_by="head", people=6)
        + visits(ward, 4, on=D(2024, 3, 9), repeat=True),
        petitions([district, ward, other], 20, on=D(2024, 1, 6), resolved_on=D(2024, 2, 1), **accepted)
        + petitions(ward, 5, on=D(2023, 2, 6), kind="denunciation")
        # one case whose petitions sit with two units is still one case above them
        + petitions(district, 1, on=D(2024, 1, 8), resolved_on=D(2024, 1, 9), case=shared, **accepted)
        + petitions(ward, 1, on=D(2024, 2, 8), case=shared, **accepted),
        dossiers([district, ward, other], 60, on=D(2024, 2, 7), due=D(2024, 2, 20), resolved_on=D(2024, 2, 21))
        + dossiers(ward, 7, on=D(2023, 12, 1), due=D(2023, 12, 20))
        + dossiers(other, 3, on=D(2024, 3, 30), due=D(2024, 4, 9), channel="online")
        # a wrongly dated dossier (resolved before it was received) still counts in the trend
        + dossiers(other, 1, on=D(2024, 3, 2), due=D(2024, 3, 9), resolved_on=D(2023, 12, 30))
        + dossiers(ward, 2, on=D(2024, 4, 2), due=D(2024, 4, 9), resolved_on=D(2024, 3, 30)),
    )
    period = Period(D(2024, 1, 1), D(2024, 3, 31))
    with django_assert_num_queries(6):  # four grouped passes, the procedures' fields, one look for predecessors
        many = compile_figures_of_units(units=[city, district, ward, other], period=period)
    for u in (city, district, ward, other):
        assert many[u.pk] == compile_figures(unit=u, period=period), u.code
    assert many[city.pk]["petitions"]["complaint_cases"]["to_resolve"] == 21
    assert many[city.pk]["trend"]["dossiers_received"] == [0, 60, 4]
    assert many[city.pk]["trend"]["dossiers_resolved"] == [0, 60, 2]
    # the wrongly dated dossiers stay out of the figures themselves
    levels = many[city.pk]["dossiers"]["levels"]
    assert [(e["level"], e["received"], e["resolved"]) for e in levels] == [("district", 43, 40), ("commune", 20, 20)]
    alone = compile_figures_of_units(units=[ward], period=period, with_trend=False)
    assert alone[ward.pk] == compile_figures(unit=ward, period=period, with_trend=False)


def test_a_named_official_period(db):
    _city, district, _ward, _other = city_tree()
    out = io.StringIO()
    call_command(
        "compile_report", "--unit", district.code, "--period", "quarter", "--year", "2024", "--number", "1",
        "--convention", "official", stdout=out, stderr=io.StringIO(),
    )  # fmt: skip
    assert json.loads(out.getvalue())["period"] == {"from": "2023-12-15", "to": "2024-03-14"}
    with pytest.raises(CommandError):
        call_command("compile_report", "--unit", district.code, "--period", "half", "--year", "2024", "--number", "3")
    with pytest.raises(CommandError):
        call_command("compile_report", "--unit", district.code)


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_database_compiles_no_query_to_machine_code():
    """The report's one pass over petitions carries hundreds of FILTER clauses: with PostgreSQL's
    JIT on, a city's quarter took over a minute of compiling for seconds of counting (P6)."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
