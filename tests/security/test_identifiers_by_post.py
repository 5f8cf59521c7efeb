"""Names and identity numbers never ride in a URL (issue 17, finding 12): the queues' search
boxes post, the typed text waits in the official's session behind a random key
(core.searches), and the reception repeats look-up is POST only (tests/reception/test_views.py
and the browser test in tests/e2e/test_reception_e2e.py)."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from core.choices import PetitionKind
from tests.adminreform.factories import DossierFactory
from tests.petitions.factories import receive

pytestmark = pytest.mark.django_db

ID_NUMBER = "001090001234"
NAME = "Phạm Thị Hằng"


def _search(client: Client, url: str, data: dict[str, str]):
    response = client.post(url, data)
    assert response.status_code == 302
    location = response["Location"]
    assert ID_NUMBER not in location and "Ph" not in location and "H%E1%BA%B1ng" not in location
    return location, client.get(location)


def test_the_petition_queue_search_posts_and_keeps_the_text_out_of_the_url(client, commune, officer):
    hit = receive(commune, kind=PetitionKind.COMPLAINT, petitioner_id_number=ID_NUMBER, subject="Đơn khiếu nại A")
    miss = receive(commune, kind=PetitionKind.COMPLAINT, subject="Đơn khiếu nại B")
    client.force_login(officer)
    url = reverse("petitions:queue")
    page = client.get(url).content.decode()
    assert '<form method="post">' in page and "csrfmiddlewaretoken" in page and 'name="q"' in page
    location, response = _search(client, url, {"q": ID_NUMBER, "status": "all", "kind": ""})
    query = parse_qs(urlsplit(location).query)
    assert query["status"] == ["all"] and "search" in query and "q" not in query
    html = response.content.decode()
    assert hit.ref in html and miss.ref not in html
    assert f'value="{ID_NUMBER}"' in html  # the box still shows what was typed
    # the key means nothing in another official's session: the list is not filtered
    other = Client()
    other.force_login(officer)
    assert miss.ref in other.get(location).content.decode()


def test_the_dossier_list_search_posts_and_keeps_the_text_out_of_the_url(client, commune, officer):
    DossierFactory(unit=commune, applicant_name=NAME, ref="HIT-1")
    DossierFactory(unit=commune, applicant_name="Lê Văn Tám", ref="MISS-1")
    client.force_login(officer)
    url = reverse("adminreform:dossier_list")
    page = client.get(url).content.decode()
    assert 'method="post"' in page and "csrfmiddlewaretoken" in page
    _, response = _search(client, url, {"q": NAME, "status": ""})
    html = response.content.decode()
    assert "HIT-1" in html and "MISS-1" not in html
    assert NAME in html


def test_an_empty_search_redirects_to_the_plain_filters(client, commune, officer):
    client.force_login(officer)
    response = client.post(reverse("petitions:queue"), {"q": "  ", "status": "all"})
    assert response["Location"] == f"{reverse('petitions:queue')}?status=all"
