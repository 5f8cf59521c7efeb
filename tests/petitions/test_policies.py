"""Who may change a petition is decided by the services (petitions.policies), whoever calls
them: every state-changing service is walked as every role against the matrix below, written
as data. The inspector and the leader only read; the head alone extends a denunciation; the
desk clerk does not resolve."""

from datetime import date

import pytest
from django.urls import reverse

from civicdesk.exceptions import NotAllowed
from core.choices import PetitionKind
from core.models import Role
from petitions import services
from petitions.models import Duty, Petition, PetitionEvent, PetitionStatus
from tests.factories import MembershipFactory, UnitFactory, UserFactory
from tests.petitions.factories import accepted, classify, receive

pytestmark = pytest.mark.django_db

DESK = {"officer", "handler", "head", "admin"}
RESOLVERS = {"handler", "head", "admin"}
# action → the roles (of the petition's commune, or of the city above it) that may take it.
MATRIX = {
    "desk-entry": DESK,
    "classify": DESK,
    "link-first": DESK,
    "accept": DESK,
    "refuse": DESK,
    "guide": DESK,
    "transfer": DESK,
    "urge": DESK,
    "urge-answer": DESK,
    "file-away": DESK,
    "no-action": DESK,
    "return-originals": DESK,
    "group": DESK,
    "duty": DESK,
    "assign": {"officer", "head", "admin"},
    "extend": {"head"},
    "suspend": RESOLVERS,
    "resume": RESOLVERS,
    "resolve": RESOLVERS,
    "grant-reveal": {"admin"},
}
ROLES = ("officer", "handler", "head", "admin", "leader", "inspector")


@pytest.fixture
def people(city, commune):
    made = {}
    for name, unit, role in (
        ("officer", commune, Role.OFFICER),
        ("handler", commune, Role.HANDLER),
        ("head", commune, Role.HEAD),
        ("admin", commune, Role.ADMIN),
        ("leader", city, Role.LEADER_VIEWER),
        ("inspector", city, Role.INSPECTOR),
    ):
        made[name] = UserFactory(username=f"vai.{name}")
        MembershipFactory(user=made[name], unit=unit, role=role)
    return made


def _with_originals(commune):
    p = receive(commune)
    Petition.objects.filter(pk=p.pk).update(has_originals=True)
    return p


def _suspended(commune):
    p = accepted(commune)
    return services.petition_suspend(petition=p, expected_version=None, reason="Chờ", actor=None)


def _urged(commune):
    p = classify(receive(commune))
    services.petition_urge(
        petition=p, expected_version=None, to_unit=UnitFactory(parent=commune), request="Báo cáo", actor=None
    )
    return p


def _two_complaints(commune):
    first = receive(commune)
    return receive(commune, petitioner_name="Lê Văn Hai"), first


# action → (what the petition must be before, the service call as `actor`).
STEPS = {
    "classify": (
        receive,
        lambda p, a, w: services.petition_classify(
            petition=p,
            expected_version=None,
            kind=p.kind,
            eligible=True,
            competent=True,
            signers=1,
            has_originals=False,
            anonymous=False,
            over_level=False,
            actor=a,
        ),
    ),
    "link-first": (
        _two_complaints,
        lambda pair, a, w: services.petition_link_first(petition=pair[0], first=pair[1], actor=a),
    ),
    "accept": (
        lambda c: classify(receive(c)),
        lambda p, a, w: services.petition_accept(petition=p, expected_version=None, actor=a),
    ),
    "refuse": (
        lambda c: classify(receive(c)),
        lambda p, a, w: services.petition_refuse(petition=p, expected_version=None, reason="Hết thời hiệu", actor=a),
    ),
    "guide": (
        lambda c: classify(receive(c)),
        lambda p, a, w: services.petition_guide(petition=p, expected_version=None, body="Sở Tư pháp", actor=a),
    ),
    "transfer": (
        lambda c: classify(receive(c, kind=PetitionKind.RECOMMENDATION)),
        lambda p, a, w: services.petition_transfer(petition=p, expected_version=None, to_unit=w["other"], actor=a),
    ),
    "urge": (
        lambda c: classify(receive(c)),
        lambda p, a, w: services.petition_urge(
            petition=p, expected_version=None, to_unit=UnitFactory(parent=p.unit), request="Báo cáo kết quả", actor=a
        ),
    ),
    # the unit urged answers: here a unit below the commune, so the commune's roles hold there
    "urge-answer": (
        _urged,
        lambda p, a, w: services.urge_request_answer(urge=p.urge_requests.get(), answer="Đã giải quyết", actor=a),
    ),
    "file-away": (
        lambda c: classify(receive(c)),
        lambda p, a, w: services.petition_file_away(petition=p, expected_version=None, reason="Trùng", actor=a),
    ),
    "no-action": (
        lambda c: classify(receive(c)),
        lambda p, a, w: services.petition_no_action(petition=p, expected_version=None, reason="Mạo danh", actor=a),
    ),
    "return-originals": (_with_originals, lambda p, a, w: services.petition_return_originals(petition=p, actor=a)),
    "group": (_two_complaints, lambda pair, a, w: services.case_group(petitions=list(pair), actor=a)),
    "duty": (
        lambda c: accepted(c, kind=PetitionKind.DENUNCIATION),
        lambda p, a, w: services.petition_duty_record(
            petition=p, duty=Duty.NOTIFY_ACCEPTANCE, note="CV 12", on=date(2026, 3, 6), actor=a
        ),
    ),
    "assign": (
        receive,
        lambda p, a, w: services.petition_assign(petition=p, expected_version=None, assignee=w["handler"], actor=a),
    ),
    "extend": (
        lambda c: accepted(c, kind=PetitionKind.DENUNCIATION),
        lambda p, a, w: services.petition_extend(
            petition=p, expected_version=None, complexity="complex", reason="Phức tạp", actor=a
        ),
    ),
    "suspend": (
        accepted,
        lambda p, a, w: services.petition_suspend(petition=p, expected_version=None, reason="Chờ giám định", actor=a),
    ),
    "resume": (_suspended, lambda p, a, w: services.petition_resume(petition=p, expected_version=None, actor=a)),
    "resolve": (
        accepted,
        lambda p, a, w: services.petition_resolve(petition=p, expected_version=None, result="correct", actor=a),
    ),
}


def _events(subject) -> int:
    petitions = subject if isinstance(subject, tuple) else (subject,)
    return PetitionEvent.objects.filter(petition__in=petitions).count()


def test_the_matrix_names_every_rule_of_the_policy():
    from petitions.policies import POLICY

    assert set(POLICY.rules) - {"file", "handle"} == set(MATRIX)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", sorted(STEPS))
def test_every_state_changing_service_lets_exactly_the_roles_of_the_matrix_act(
    action, role, people, commune, other_commune
):
    before, call = STEPS[action]
    subject = before(commune)
    events = _events(subject)
    world = {"other": other_commune, "handler": people["handler"]}
    if role in MATRIX[action]:
        call(subject, people[role], world)
        assert _events(subject) > events
    else:
        with pytest.raises(NotAllowed):
            call(subject, people[role], world)
        assert _events(subject) == events


@pytest.mark.parametrize("role", ROLES)
def test_entering_a_petition_at_the_desk_is_for_the_desk_roles(role, people, commune):
    if role in MATRIX["desk-entry"]:
        assert receive(commune, actor=people[role]).events.count() == 1
    else:
        with pytest.raises(NotAllowed):
            receive(commune, actor=people[role])
        assert not Petition.objects.exists()


@pytest.mark.parametrize("role", ROLES)
def test_only_an_admin_grants_the_permission_to_open_denouncers_identities(role, people, commune):
    grant = lambda: services.identity_reveal_grant(user=people["head"], unit=commune, note="QĐ 5", actor=people[role])  # noqa: E731
    if role in MATRIX["grant-reveal"]:
        assert grant().user == people["head"]
    else:
        with pytest.raises(NotAllowed):
            grant()
        assert not services.user_may_reveal(user=people["head"], unit=commune)


def test_the_system_acts_without_an_actor(commune):
    petition = services.petition_resolve(
        petition=accepted(commune), expected_version=None, result="correct", actor=None
    )
    assert petition.status == PetitionStatus.RESOLVED


def test_the_inspector_is_offered_no_action_and_cannot_post_one(client, people, commune):
    petition = classify(receive(commune))
    client.force_login(people["inspector"])
    page = client.get(reverse("petitions:detail", args=[petition.pk]))
    assert page.status_code == 200 and f"/petitions/{petition.pk}/accept/" not in page.text
    response = client.post(reverse("petitions:action", args=[petition.pk, "accept"]), {"version": petition.version})
    assert response.status_code == 404
    petition.refresh_from_db()
    assert petition.status == PetitionStatus.CLASSIFIED


def test_the_desk_clerk_is_not_offered_the_result_and_cannot_post_it(client, people, commune):
    """The desk clerk may not resolve: the button is not there, and a POST made anyway (an old
    form, a crafted request) is refused by the view before the service would refuse it."""
    petition = accepted(commune)
    client.force_login(people["officer"])
    assert f"/petitions/{petition.pk}/resolve/" not in client.get(reverse("petitions:detail", args=[petition.pk])).text
    response = client.post(
        reverse("petitions:action", args=[petition.pk, "resolve"]), {"version": petition.version, "result": "correct"}
    )
    assert response.status_code == 404
    petition.refresh_from_db()
    assert petition.status == PetitionStatus.ACCEPTED
