"""A unit's report counts its petition figures over grouped petitions (`petitions.grouped`,
`petitions.casestats`); the roll-up of many units counts them petition by petition
(`petitions.formstats`). Over a register drawn at random across every column a figure tests
(kind, outcome, result, field, channel, eligibility, competence, round, court judgment, the
received, classified, resolved and due days, crowds, cases, transfers, second-time complaints,
decisions' figures and what is carried out), both give every petition figure the same."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

import pytest

from core.models import UnitKind, UnitLevel
from petitions.choices import Result
from petitions.execution import COUNTS as EXECUTION_COUNTS
from petitions.execution import LAND as EXECUTION_LAND
from petitions.execution import MONEY as EXECUTION_MONEY
from petitions.execution import DecisionExecution
from petitions.figures import COUNTS, LAND, MONEY, DecisionFigures, PetitionField, SecondDecision
from petitions.models import Case, Channel, Outcome, Petition
from reports.compiling import compile_figures, compile_figures_of_units
from reports.periods import Period
from tests.reports.factories import ref, unit

pytestmark = pytest.mark.django_db
D = date
KINDS = ("complaint", "denunciation", "recommendation", "feedback")
EDGES = [D(2025, 12, 14), D(2025, 12, 15), D(2025, 12, 31), D(2026, 1, 1), D(2026, 3, 31), D(2026, 6, 14)]
RESULTS = {
    "complaint": (Result.CORRECT, Result.PARTLY_CORRECT, Result.WRONG, Result.WITHDRAWN, Result.SUSPENDED),
    "denunciation": (Result.TRUE, Result.PARTLY_TRUE, Result.FALSE, Result.WITHDRAWN, Result.SUSPENDED),
}


@pytest.fixture
def register(db):
    city = unit("G1", "Thành phố", level=UnitLevel.PROVINCE, kind=UnitKind.CENTRAL_CITY)
    district = unit("G11", "Quận Một", level=UnitLevel.DISTRICT, kind=UnitKind.URBAN_DISTRICT, parent=city)
    ward = unit("G111", "Phường Một", level=UnitLevel.COMMUNE, kind=UnitKind.WARD, parent=district)
    other = unit("G12", "Huyện Hai", level=UnitLevel.DISTRICT, kind=UnitKind.RURAL_DISTRICT, parent=city)
    places = [city, district, ward, other]
    draw = random.Random(11)
    cases = [
        Case.objects.create(unit=draw.choice(places), ref=f"VG-{n}", kind=draw.choice(KINDS[:2])) for n in range(40)
    ]
    made: list[Petition] = []

    def amount(name):
        return draw.randrange(10**6) if name.endswith("money") else draw.randrange(4)

    def maybe(value, p=0.5):
        return value if draw.random() < p else None

    for _ in range(600):
        case = maybe(draw.choice(cases), 0.4)
        kind = case.kind if case and draw.random() < 0.8 else draw.choice(KINDS)
        # on a coarse grid, so that petitions of a case share days, or on the periods' first and last days
        received = D(2025, 10, 1) + timedelta(days=10 * draw.randrange(30))
        received = draw.choice(EDGES) if draw.random() < 0.15 else received
        outcome = Outcome.ACCEPTED if draw.random() < 0.5 else draw.choice(("", *Outcome.values))
        classified = maybe(received + timedelta(days=draw.randrange(40)), 0.7) if outcome else None
        resolved = maybe(received + timedelta(days=draw.choice((5, 1)) * draw.randrange(-1, 24)), 0.65)
        result = (draw.choice(RESULTS.get(kind, ("answered",))) if draw.random() < 0.9 else "") if resolved else ""
        earlier = [p for p in made if p.received_on <= received]
        p = Petition.objects.create(
            unit=draw.choice(places),
            ref=ref("DG"),
            case=case,
            kind=kind,
            channel=draw.choice(Channel.values),
            signers=draw.choice((1, 1, 5, 9)),
            over_level=draw.random() < 0.3,
            received_on=received,
            due_on=maybe(received + timedelta(days=draw.choice((15, 30, 60))), 0.8),
            resolved_on=resolved,
            result=result,
            outcome=outcome,
            classified_on=classified,
            competent=draw.choice((True, True, True, False, None)),
            eligible=draw.choice((True, False, None, None)),
            field=draw.choice(("", *PetitionField.values)),
            complaint_round=draw.choice((1, 1, 2)),
            court_judgment=draw.random() < 0.2,
            transferred_from=maybe(draw.choice(earlier), 0.15) if earlier else None,
            first_petition=maybe(draw.choice(earlier), 0.1) if earlier and kind == "complaint" else None,
        )
        made.append(p)
        if resolved and kind in KINDS[:2] and draw.random() < 0.6:
            DecisionFigures.objects.create(
                petition=p,
                second_decision=draw.choice(("", *SecondDecision.values)),
                **{name: amount(name) for name in (*MONEY, *COUNTS)},
                **{name: Decimal(draw.randrange(1000)) / 2 for name in LAND},  # exact as SQLite's floats
            )
            if draw.random() < 0.7:
                DecisionExecution.objects.create(
                    petition=p,
                    done_on=maybe(resolved + timedelta(days=draw.randrange(90)), 0.6),
                    **{name: amount(name) for name in (*EXECUTION_MONEY, *EXECUTION_COUNTS)},
                    **{name: Decimal(draw.randrange(1000)) / 2 for name in EXECUTION_LAND},
                )
    return places


@pytest.mark.parametrize(
    "period",
    [
        Period(D(2026, 1, 1), D(2026, 3, 31)),
        Period(D(2026, 1, 1), D(2026, 12, 31)),
        Period(D(2025, 12, 15), D(2026, 6, 14)),
    ],
)
def test_each_units_petition_figures_alone_are_those_of_the_roll_up(register, period):
    together = compile_figures_of_units(units=register, period=period)
    for u in register:
        alone = compile_figures(unit=u, period=period)
        assert alone["petitions"] == together[u.pk]["petitions"], u.code
        assert alone["forms"]["petitions"] == together[u.pk]["forms"]["petitions"], u.code
        assert alone["trend"] == together[u.pk]["trend"], u.code
    forms = compile_figures(unit=register[0], period=period)["forms"]["petitions"]
    assert sum(1 for value in forms.values() if value) > 100  # the register reaches most figures


def test_a_petition_of_a_kind_no_choice_has_counts_as_in_the_roll_up(db):
    # given a register written past the forms: petitions received in person of a kind CivicDesk
    # does not know, one of a case and one of none, beside a complaint
    ward = unit("G21", "Phường Hai", level=UnitLevel.COMMUNE, kind=UnitKind.WARD)
    case = Case.objects.create(unit=ward, ref="VG-X", kind="complaint")
    for kind, of_case in (("petition", case), ("petition", None), ("complaint", None)):
        Petition.objects.create(
            unit=ward,
            ref=ref("DG"),
            case=of_case,
            kind=kind,
            channel=Channel.IN_PERSON,
            received_on=D(2026, 2, 2),
            outcome=Outcome.ACCEPTED,
            competent=True,
        )
    period = Period(D(2026, 1, 1), D(2026, 3, 31))
    # when
    alone = compile_figures(unit=ward, period=period)
    together = compile_figures_of_units(units=[ward], period=period)[ward.pk]
    # then: received, in no kind's figure, as the roll-up counts them
    assert alone["petitions"]["received"] == 3
    assert alone["petitions"]["by_kind"]["complaint"] == 1
    assert (alone["forms"]["petitions"]["tcd_received"], alone["forms"]["petitions"]["tcd_complaint"]) == (3, 1)
    assert alone["petitions"] == together["petitions"]
    assert alone["forms"]["petitions"] == together["forms"]["petitions"]
