"""The case figures (số vụ việc) of a report counted case by case (`petitions.casestats`) are
those the roll-up of many units counts petition by petition: over cases spanning units, with
petitions open, withdrawn, terminated, late, decided in one or two rounds, followed up."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest

from core.models import UnitKind, UnitLevel
from petitions.choices import Result
from petitions.figures import DecisionFigures, SecondDecision
from petitions.models import Case, Outcome, Petition
from reports.compiling import compile_figures, compile_figures_of_units
from reports.periods import Period
from tests.reports.factories import ref, unit

pytestmark = pytest.mark.django_db
D = date
RESULTS = {
    "complaint": [Result.CORRECT, Result.PARTLY_CORRECT, Result.WRONG, Result.WITHDRAWN, ""],
    "denunciation": [Result.TRUE, Result.PARTLY_TRUE, Result.FALSE, Result.WITHDRAWN, Result.SUSPENDED, ""],
}


@pytest.fixture
def register(db):
    """Two districts, one with two wards; sixty cases of two to four petitions each, drawn
    (with a fixed seed) across the units and over 2025–2026, and petitions of no case."""
    city = unit("C1", "Thành phố", level=UnitLevel.PROVINCE, kind=UnitKind.CENTRAL_CITY)
    district = unit("C11", "Quận Một", level=UnitLevel.DISTRICT, kind=UnitKind.URBAN_DISTRICT, parent=city)
    wards = [
        unit(f"C11{i}", f"Phường {i}", level=UnitLevel.COMMUNE, kind=UnitKind.WARD, parent=district) for i in (1, 2)
    ]
    other = unit("C12", "Huyện Hai", level=UnitLevel.DISTRICT, kind=UnitKind.RURAL_DISTRICT, parent=city)
    places = [*wards, other]
    draw = random.Random(6)

    def petition(case: Case | None, kind: str, round_: int = 1) -> Petition:
        # dates on a coarse grid, so that petitions of a case share days (ties to break)
        received = D(2025, 6, 1) + timedelta(days=15 * draw.randrange(36))
        resolved = received + timedelta(days=5 * draw.randrange(-1, 24)) if draw.random() < 0.75 else None
        result = draw.choice(RESULTS[kind]) if resolved else ""
        p = Petition.objects.create(
            unit=draw.choice(places),
            ref=ref("DON"),
            case=case,
            kind=kind,
            received_on=received,
            due_on=received + timedelta(days=draw.choice((30, 45, 60))),
            resolved_on=resolved,
            result=result,
            outcome=draw.choice((Outcome.ACCEPTED, Outcome.ACCEPTED, Outcome.ACCEPTED, Outcome.FILED)),
            competent=draw.choice((True, True, False, None)),
            complaint_round=round_,
        )
        if kind == "complaint" and round_ == 2 and resolved:
            second = draw.choice((*SecondDecision.values, ""))
            DecisionFigures.objects.create(petition=p, second_decision=second)
        return p

    for n in range(60):
        kind = draw.choice(("complaint", "denunciation"))
        case = Case.objects.create(unit=draw.choice(places), ref=f"VV-{n}", kind=kind)
        for _ in range(draw.randint(2, 4)):
            petition(case, draw.choice((kind, kind, kind, "denunciation")), round_=draw.choice((1, 1, 2)))
    for _ in range(40):
        petition(None, draw.choice(("complaint", "denunciation")), round_=draw.choice((1, 2)))
    return [city, district, *wards, other]


@pytest.mark.parametrize(
    "period",
    [
        Period(D(2026, 1, 1), D(2026, 3, 31)),
        Period(D(2026, 1, 1), D(2026, 12, 31)),
        Period(D(2025, 12, 15), D(2026, 6, 14)),
    ],
)
def test_each_units_case_figures_alone_are_those_of_the_roll_up(register, period):
    together = compile_figures_of_units(units=register, period=period)
    cases = 0
    for u in register:
        alone = compile_figures(unit=u, period=period)
        assert alone["petitions"] == together[u.pk]["petitions"], u.code
        assert alone["forms"]["petitions"] == together[u.pk]["forms"]["petitions"], u.code
        cases += alone["petitions"]["cases"]["to_resolve"]
    assert cases > 0


def test_of_two_petitions_resolved_the_same_day_the_later_row_gives_the_cases_finding(db):
    ward = unit("C21", "Phường Một", level=UnitLevel.COMMUNE, kind=UnitKind.WARD)
    case = Case.objects.create(unit=ward, ref="VV-T", kind="complaint")
    for result in (Result.WRONG, Result.PARTLY_CORRECT):
        Petition.objects.create(
            unit=ward,
            ref=ref("DON"),
            case=case,
            kind="complaint",
            received_on=D(2026, 1, 5),
            due_on=D(2026, 2, 20),
            resolved_on=D(2026, 2, 10),
            result=result,
            outcome=Outcome.ACCEPTED,
            competent=True,
        )
    figures = compile_figures(unit=ward, period=Period(D(2026, 1, 1), D(2026, 3, 31)))
    assert figures["petitions"]["complaint_cases"]["upheld"] == 1
    forms = figures["forms"]["petitions"]
    assert (forms["gq_complaint_partly_cases"], forms["gq_complaint_wrong_cases"]) == (1, 0)
