"""Staff login, lockout after repeated failures, logout and the role-aware staff home."""

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

pytestmark = pytest.mark.django_db


def login(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_login_leads_to_the_staff_home_with_the_users_roles(client, officer, commune):
    response = login(client, "canbo", "Secret-pass-2026")
    assert response.status_code == 302 and response["Location"] == reverse("core:staff_home")
    page = client.get(reverse("core:staff_home")).content.decode()
    assert "Phường Hoàn Kiếm" in page and "Cán bộ" in page


def test_five_failures_lock_the_account_even_with_the_right_password(client, officer):
    for _ in range(5):
        response = login(client, "canbo", "wrong-password")
    assert response.status_code == 429
    response = login(client, "canbo", "Secret-pass-2026")
    assert response.status_code == 429
    assert "khóa" in response.content.decode()
    assert AccessAttempt.objects.filter(username="canbo").exists()


def test_a_wrong_password_is_explained_in_vietnamese(client, officer):
    page = login(client, "canbo", "wrong").content.decode()
    assert "Vui lòng nhập chính xác" in page


def test_logout_ends_the_session(client, officer):
    client.force_login(officer)
    client.post(reverse("logout"))
    assert client.get(reverse("core:staff_home")).status_code == 302


def test_home_page_is_vietnamese_by_default_and_english_on_request(client):
    assert "Nộp đơn" in client.get("/").content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "File a petition" in client.get("/").content.decode()
