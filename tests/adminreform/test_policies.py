"""Who may change a dossier (`adminreform.policies`), checked by the services whoever calls
them: officials of the dossier's units act; the inspector, the leader and officials of other
units change nothing; the public pages act without an actor."""

from datetime import date

import pytest

from adminreform import services
from adminreform.models import Dossier, DossierStatus, IntakeNotice, Procedure
from adminreform.policies import POLICY
from civicdesk.exceptions import DomainError, NotAllowed
from core.models import Role
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db
S = DossierStatus
ON = date(2026, 3, 3)


@pytest.fixture
def inspector(city):
    user = UserFactory(username="thanhtra")
    MembershipFactory(user=user, unit=city, role=Role.INSPECTOR)
    return user


# Every state-changing dossier service, with valid input for a dossier just received.
CALLS = {
    "assign": lambda d, actor: services.dossier_assign(dossier=d, assignee=actor, actor=actor),
    "transfer": lambda d, actor: services.dossier_transfer(dossier=d, to_unit=d.unit.parent, actor=actor),
    "supplement": lambda d, actor: services.dossier_request_supplement(dossier=d, missing=["x"], actor=actor, on=ON),
    "apology": lambda d, actor: services.dossier_apologise(
        dossier=d, new_due_on=date(2026, 4, 1), reason="Quá tải", actor=actor, on=ON
    ),
    "result": lambda d, actor: services.dossier_mark_result_ready(dossier=d, actor=actor),
    "refuse": lambda d, actor: services.dossier_refuse(dossier=d, reason="Không đủ điều kiện", actor=actor, on=ON),
    "stop": lambda d, actor: services.dossier_stop(dossier=d, reason="Dừng", actor=actor, on=ON),
    "withdraw": lambda d, actor: services.dossier_withdraw(dossier=d, actor=actor, on=ON),
}


def _row(dossier: Dossier) -> tuple:
    fresh = Dossier.objects.get(pk=dossier.pk)
    return fresh.status, fresh.version, fresh.events.count(), fresh.handovers.count()


@pytest.mark.parametrize("action", sorted(CALLS))
@pytest.mark.parametrize("who", ["inspector", "city_leader", "other_officer"])
def test_the_inspector_the_leader_and_another_unit_change_no_dossier(request, receive, action, who):
    # given a dossier of the commune, and someone who may read it but not act (or not even read)
    dossier = receive()
    actor = request.getfixturevalue(who)
    before = _row(dossier)
    # when they call the service directly (no page in between)
    with pytest.raises(NotAllowed):
        CALLS[action](dossier, actor)
    # then nothing of the dossier changed
    assert _row(dossier) == before


@pytest.mark.parametrize("action", sorted(CALLS))
def test_the_communes_handler_takes_every_action(receive, handler, action):
    dossier = CALLS[action](receive(), handler)
    assert dossier.version == 2


def test_the_inspector_may_not_return_a_result_or_record_a_rating(receive, handler, inspector):
    dossier = services.dossier_assign(dossier=receive(), assignee=handler, actor=handler)
    dossier = services.dossier_mark_result_ready(dossier=dossier, actor=handler)
    with pytest.raises(NotAllowed):
        services.dossier_return(dossier=dossier, actor=inspector)
    dossier = services.dossier_return(dossier=dossier, actor=handler, on=ON)
    with pytest.raises(NotAllowed):
        services.dossier_rate(dossier=dossier, score=3, visits=1, actor=inspector)
    # the applicant, online, has no actor
    assert services.dossier_rate(dossier=dossier, score=3, visits=1).rating_score == 3


def test_a_transferred_dossier_is_in_the_hands_of_both_units(receive, handler, other_commune, other_officer):
    # given a dossier of the commune sent to the other commune (liên thông)
    dossier = services.dossier_transfer(dossier=receive(), to_unit=other_commune, actor=handler)
    # then the other commune's officer takes it on, and the receiving commune still may act
    dossier = services.dossier_assign(dossier=dossier, assignee=other_officer, actor=other_officer)
    dossier = services.dossier_mark_result_ready(dossier=dossier, actor=handler)
    # once the result is back at the receiving counter, the other commune no longer may
    with pytest.raises(NotAllowed):
        services.dossier_return(dossier=dossier, actor=other_officer)
    assert services.dossier_return(dossier=dossier, actor=handler, on=ON).status == S.RETURNED


def test_a_dossier_is_assigned_only_to_an_official_who_processes_it(receive, handler, inspector, other_officer):
    dossier = receive()
    for outsider in (inspector, other_officer):
        with pytest.raises(DomainError):
            services.dossier_assign(dossier=dossier, assignee=outsider, actor=handler)
    assert Dossier.objects.get(pk=dossier.pk).assignee is None


def test_only_desk_officials_of_the_unit_receive_at_the_counter(commune, procedure, inspector, other_officer):
    applicant = services.Applicant(name="Trần Thị Bình")
    documents = list(procedure.documents.all())
    for actor in (inspector, other_officer):
        with pytest.raises(NotAllowed):
            services.dossier_receive(
                unit=commune, procedure=procedure, applicant=applicant, documents=documents, actor=actor
            )
        with pytest.raises(NotAllowed):
            services.intake_notice_issue(
                unit=commune, procedure=procedure, applicant=applicant, kind=IntakeNotice.Kind.SUPPLEMENT, actor=actor
            )
    # an online dossier has no actor: the applicant on the public form
    online = services.dossier_receive(
        unit=commune, procedure=procedure, applicant=applicant, documents=documents, actor=None, channel="online"
    )
    assert online.status == S.RECEIVED and not Dossier.objects.exclude(pk=online.pk).exists()


def test_the_catalogue_is_imported_by_the_system_or_an_administrator_of_a_top_unit(city, commune, officer):
    row = services.ProcedureRow("9.000001", "Thủ tục thử", "Thử", "commune", 3, 0, "none", None, None, ("Tờ khai",))
    with pytest.raises(NotAllowed):
        services.procedure_upsert_many(rows=[row], actor=officer)
    commune_admin = UserFactory(username="qtv.phuong")
    MembershipFactory(user=commune_admin, unit=commune, role=Role.ADMIN)
    with pytest.raises(NotAllowed):
        services.procedure_upsert_many(rows=[row], actor=commune_admin)
    assert not Procedure.objects.filter(code="9.000001").exists()
    city_admin = UserFactory(username="qtv.thanhpho")
    MembershipFactory(user=city_admin, unit=city, role=Role.ADMIN)
    assert services.procedure_upsert_many(rows=[row], actor=city_admin) == (1, 0)
    assert services.procedure_upsert_many(rows=[row]) == (0, 1)  # the system: import_procedures, seed_demo


def test_no_rule_names_the_inspector_or_the_leader():
    for action, roles in POLICY.rules.items():
        assert not roles & {Role.INSPECTOR, Role.LEADER_VIEWER}, action
