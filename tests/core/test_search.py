"""One search for the schedule, the queue, the procedures and the units: diacritics and case do
not matter, every word must appear; the same answers on SQLite and PostgreSQL."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from adminreform.selectors import procedure_list, procedure_search
from core.models import Unit
from core.search import fold, search
from core.selectors import unit_search
from petitions.selectors import QueueFilters, petition_queue
from tests.adminreform.factories import ProcedureFactory
from tests.factories import UnitFactory
from tests.petitions.factories import receive
from tests.reception.factories import SessionFactory

pytestmark = pytest.mark.django_db

TYPED = ["hoan kiem", "HOAN KIEM", "Hoàn Kiếm", "hoàn  kiếm", "kiem hoan", "Kiếm"]


@pytest.mark.parametrize(("text", "folded"), [("Đường Láng", "duong lang"), ("  PHƯỜNG   Đống Đa ", "phuong dong da")])
def test_fold_drops_marks_and_case_and_squeezes_spaces(text, folded):
    assert fold(text) == folded


@pytest.fixture
def units(city, commune, other_commune):
    UnitFactory(code="00073", name="Phường Đống Đa", parent=city)
    UnitFactory(code="00075", name="Xã Hoàn Sơn", parent=city)
    return Unit.objects.all()


def names(qs):
    return sorted(u.name for u in qs)


@pytest.mark.parametrize("typed", TYPED)
def test_units_are_found_with_or_without_diacritics(units, typed):
    assert names(unit_search(typed)) == ["Phường Hoàn Kiếm"]


def test_every_word_must_appear_and_a_code_finds_its_unit(units):
    assert names(unit_search("hoan")) == ["Phường Hoàn Kiếm", "Xã Hoàn Sơn"]
    assert names(unit_search("dong da")) == ["Phường Đống Đa"]
    assert names(unit_search("00004")) == ["Phường Ba Đình"]
    assert names(unit_search("hoan dinh")) == []
    assert names(search(Unit.objects.all(), "", plain=["name"])) == names(units)


@pytest.mark.parametrize("typed", ["hoan kiem", "Hoàn Kiếm"])
def test_the_public_schedule_finds_the_ward_without_diacritics(client, commune, typed):
    day = timezone.localdate() + timedelta(days=8)
    SessionFactory(unit=commune, date=day, head_day=True, published_at=timezone.now(), receiver_title="Vũ Đức Long")
    page = client.get(reverse("reception:schedule"), {"q": typed}).content.decode()
    assert "Vũ Đức Long" in page and day.strftime("%d/%m/%Y") in page


def test_procedures_are_found_without_diacritics(db):
    ProcedureFactory(code="1.001193", name="Đăng ký khai sinh")
    ProcedureFactory(code="1.000894", name="Đăng ký kết hôn")
    assert [p.name for p in procedure_search(text="dang ky KHAI sinh")] == ["Đăng ký khai sinh"]
    assert sorted(p.name for p in procedure_list(text="đăng ký")) == ["Đăng ký khai sinh", "Đăng ký kết hôn"]


def test_the_queue_is_found_without_diacritics(commune, handler):
    receive(commune, subject="Phản ánh đường Lý Thái Tổ ngập nước")
    receive(commune, subject="Khiếu nại quyết định thu hồi đất")
    rows = petition_queue(user=handler, filters=QueueFilters(q="ly thai to ngap", status="all"))
    assert [r.subject for r in rows] == ["Phản ánh đường Lý Thái Tổ ngập nước"]


@pytest.mark.postgres
def test_postgresql_folds_in_sql_like_python(units):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT civicdesk_fold(%s)", ["Phường Đống Đa ĐƯỜNG"])
        assert cursor.fetchone()[0] == "phuong dong da duong"
    assert names(unit_search("dong da")) == ["Phường Đống Đa"]
