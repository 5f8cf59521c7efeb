"""The dossier page's actions (`adminreform.views.actions.DOSSIER_ACTIONS`): each offered when
the dossier's state allows it and the user's role does, each calling its service; the
inspector and the leader read the page and change nothing; the actions that end a dossier
say so next to their button."""

from datetime import date

import pytest
from django.test import override_settings
from django.urls import reverse

from adminreform import services
from adminreform.models import Dossier, DossierStatus
from core.models import Role
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db
S = DossierStatus


@pytest.fixture
def inspector(city):
    user = UserFactory(username="thanhtra")
    MembershipFactory(user=user, unit=city, role=Role.INSPECTOR)
    return user


def _offered(client, dossier) -> list[str]:
    response = client.get(reverse("adminreform:dossier_detail", args=[dossier.pk]))
    assert response.status_code == 200
    return [name for name, _action, _form in response.context["actions"]]


@pytest.mark.parametrize("who", ["inspector", "city_leader"])
def test_the_inspector_and_the_leader_read_the_dossier_and_cannot_refuse_it(request, client, receive, who):
    # given a dossier just received, and someone who reads every dossier of the city
    dossier = receive()
    client.force_login(request.getfixturevalue(who))
    # then its page shows no action
    assert _offered(client, dossier) == []
    # and a refusal posted anyway sends back to the page and changes nothing
    response = client.post(
        reverse("adminreform:dossier_action", args=[dossier.pk, "refuse"]),
        {"version": dossier.version, "reason": "Không đủ điều kiện"},
    )
    assert response.status_code == 302
    assert Dossier.objects.get(pk=dossier.pk).status == S.RECEIVED
    assert dossier.events.count() == 1


def test_the_inspector_cannot_receive_at_the_counter(client, inspector, procedure):
    client.force_login(inspector)
    response = client.post(
        reverse("adminreform:intake", args=[procedure.pk]),
        {
            "applicant_name": "Lê Văn Cư",
            "channel": "counter",
            "documents": [d.pk for d in procedure.documents.all()],
            "decision": "accept",
        },
    )
    assert response.status_code == 404 and not Dossier.objects.exists()


def test_each_state_offers_its_actions_in_the_tables_order(client, handler, receive):
    client.force_login(handler)
    dossier = receive()
    received = ["assign", "transfer", "supplement", "apology", "result", "refuse", "stop", "withdraw", "reissue_pin"]
    assert _offered(client, dossier) == received
    dossier = services.dossier_assign(dossier=dossier, assignee=handler, actor=handler)
    dossier = services.dossier_mark_result_ready(dossier=dossier, actor=handler)
    assert _offered(client, dossier) == ["return", "reissue_pin"]
    dossier = services.dossier_return(dossier=dossier, actor=handler)
    assert _offered(client, dossier) == ["rate", "reissue_pin"]
    services.dossier_rate(dossier=dossier, score=2, visits=1)
    assert _offered(client, dossier) == ["reissue_pin"]  # a lost PIN is reissued in any state


def test_the_actions_that_end_a_dossier_name_their_consequence(client, handler, receive):
    dossier = receive()
    client.force_login(handler)
    page = client.get(reverse("adminreform:dossier_detail", args=[dossier.pk])).text
    for name in ("refuse", "stop", "withdraw"):
        assert f'id="confirm-{name}"' in page and f'aria-describedby="confirm-{name}"' in page
    assert 'id="confirm-assign"' not in page
    assert "không thể xử lý tiếp" in page  # withdrawing: "it cannot be processed again"


def test_a_refused_action_comes_back_on_the_page_with_its_input(client, handler, receive):
    dossier = receive(on=date(2026, 3, 2))  # due 05/03/2026
    client.force_login(handler)
    response = client.post(
        reverse("adminreform:dossier_action", args=[dossier.pk, "apology"]),
        {"version": dossier.version, "new_due_on": "2026-03-04", "reason": "Chờ xác minh thực địa"},
    )
    assert response.status_code == 400
    assert "Chờ xác minh thực địa" in response.text and 'id="action-error"' in response.text
    assert response.context["open_action"] == "apology" and response.context["events"]  # the whole page
    assert Dossier.objects.get(pk=dossier.pk).apology_sent_on is None


def test_the_unit_a_dossier_was_transferred_to_acts_on_it_from_the_page(
    client, handler, receive, other_commune, other_officer
):
    dossier = services.dossier_transfer(dossier=receive(), to_unit=other_commune, actor=handler)
    client.force_login(other_officer)
    assert "assign" in _offered(client, dossier)
    response = client.post(
        reverse("adminreform:dossier_action", args=[dossier.pk, "assign"]),
        {"version": dossier.version, "assignee": other_officer.pk},
    )
    assert response.status_code == 302
    assert Dossier.objects.get(pk=dossier.pk).assignee == other_officer


@override_settings(SITE_URL="https://motcua.example.gov.vn")
def test_the_printed_receipt_gives_the_lookups_full_address(client, officer, receive):
    dossier = receive()
    client.force_login(officer)
    receipt = client.get(reverse("adminreform:dossier_receipt", args=[dossier.pk])).text
    assert "https://motcua.example.gov.vn/dossiers/lookup/" in receipt


def test_the_next_sensible_action_comes_first_and_the_others_on_demand(client, handler, receive):
    dossier = receive()
    client.force_login(handler)
    page = client.get(reverse("adminreform:dossier_detail", args=[dossier.pk])).text
    # received: assigning is the next step, open and first, its button named after it
    primary, others = page.split('id="other-actions"', 1)
    assert "/do/assign/" in primary and "/do/transfer/" not in primary
    assert "/do/transfer/" in others and "Xác nhận</button>" not in page
    # what ends the dossier waits behind its own disclosure, each with a box to tick
    ending = page.split('id="ending-actions"', 1)[1]
    for name in ("refuse", "stop", "withdraw"):
        assert f"/do/{name}/" in ending and f'id="understood-{name}"' in ending
    assert "/do/refuse/" not in primary
    # in processing, the result is the next step
    dossier = services.dossier_assign(dossier=dossier, assignee=handler, actor=handler)
    page = client.get(reverse("adminreform:dossier_detail", args=[dossier.pk])).text
    assert "/do/result/" in page.split('id="other-actions"', 1)[0]
    # the printable forms look like live buttons, not greyed out
    printable = page.split('aria-label="Biểu mẫu in"', 1)[1].split("</nav>", 1)[0]
    assert "btn-outline-secondary" not in printable and "btn-outline-primary" in printable
