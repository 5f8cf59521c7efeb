"""Vietnamese alphabetical order: ă â đ ê ô ơ ư are letters of their own; tones break ties."""

import random

import pytest

from core.collation import collation_available, vietnamese, vietnamese_sort_key
from core.models import Unit
from core.selectors import unit_children
from tests.factories import UnitFactory

DISTRICTS_IN_ORDER = [
    "Ba Đình",
    "Ba Vì",
    "Bắc Từ Liêm",
    "Cầu Giấy",
    "Chương Mỹ",
    "Dương Nội",
    "Đan Phượng",
    "Đống Đa",
    "Hà Đông",
    "Hai Bà Trưng",
    "Hoàn Kiếm",
    "Hoàng Mai",
    "Long Biên",
    "Ô Chợ Dừa",
    "Ơn",
    "Tây Hồ",
    "Thanh Xuân",
    "Ứng Hòa",
]


def test_names_sort_in_vietnamese_alphabetical_order():
    shuffled = random.Random(7).sample(DISTRICTS_IN_ORDER, len(DISTRICTS_IN_ORDER))
    assert sorted(shuffled, key=vietnamese_sort_key) == DISTRICTS_IN_ORDER


def test_tones_only_break_ties_in_dictionary_order():
    assert sorted(["má", "mạ", "mà", "ma", "mã", "mả"], key=vietnamese_sort_key) == ["ma", "mà", "mả", "mã", "má", "mạ"]
    # a tone earlier in the word does not outweigh a later letter
    assert sorted(["Hà Nam", "Ha Long"], key=vietnamese_sort_key) == ["Ha Long", "Hà Nam"]


def test_composed_and_decomposed_text_and_case_sort_together():
    decomposed = "Đo\u0302\u0301ng Đa"  # "Đống Đa" typed with combining marks
    names = ["đống đa", decomposed, "Đống Đa", "Cầu Giấy"]
    ordered = sorted(names, key=vietnamese_sort_key)
    assert ordered[0] == "Cầu Giấy"
    assert (
        vietnamese_sort_key(decomposed)[:2] == vietnamese_sort_key("Đống Đa")[:2] == vietnamese_sort_key("đống đa")[:2]
    )


# --- in the database ----------------------------------------------------------------------

NAMES = [
    *DISTRICTS_IN_ORDER,
    "Hoài Đức",
    "Mê Linh",
    "Mỹ Đức",
    "Phú Xuyên",
    "Phúc Thọ",
    "Sóc Sơn",
    "Sơn Tây",
    "Thạch Thất",
    "Thanh Oai",
    "Thanh Trì",
    "Thường Tín",
    "an",
    "An",
    "ân",
    "Ân",
    "Nguyen Van An",
    "nguyễn văn an",
    "Nguyễn Văn An",
    "Nguyễn Văn Ân",
    "Nguyễn Vân",
    "Đông Anh",
    "Xã Ô Diên",
    "Xã Ông Đình",
]


@pytest.mark.django_db
def test_the_database_orders_unit_names_as_the_python_key_does(city):
    """On SQLite through the registered collation, on PostgreSQL through ICU's vi-VN."""
    for i, name in enumerate(random.Random(3).sample(NAMES, len(NAMES))):
        UnitFactory(code=f"T{i:03d}", name=name, parent=city)
    in_database = list(unit_children(city).values_list("name", flat=True))
    assert in_database == sorted(NAMES, key=vietnamese_sort_key)
    assert in_database.index("Hà Đông") < in_database.index("Hoàng Mai")  # the example
    descending = list(
        Unit.objects.filter(parent=city).order_by(vietnamese("name").desc()).values_list("name", flat=True)
    )
    assert descending == in_database[::-1]


@pytest.mark.postgres
@pytest.mark.django_db
def test_postgresql_uses_the_icu_collation_created_by_migration(city):
    from django.db import connection

    assert collation_available()
    with connection.cursor() as cursor:
        cursor.execute(
            'SELECT n FROM unnest(%s::text[]) AS n ORDER BY n COLLATE "vi-VN-x-icu"',
            [random.Random(5).sample(NAMES, len(NAMES))],
        )
        icu = [row[0] for row in cursor.fetchall()]
    assert icu == sorted(NAMES, key=vietnamese_sort_key)


@pytest.mark.django_db
def test_handlers_are_listed_in_vietnamese_order_of_their_names(commune):
    from core.models import Role
    from petitions.selectors import handlers_for
    from tests.factories import MembershipFactory, UserFactory

    # last_name holds the given name (as the demo accounts do): Ánh, Bình, Dũng, Đức
    for username, last, first in [("a", "Đức", "Trần"), ("b", "Dũng", "Lê"), ("c", "Bình", "Phạm"), ("d", "Ánh", "Vũ")]:
        user = UserFactory(username=username, last_name=last, first_name=first)
        MembershipFactory(user=user, unit=commune, role=Role.HANDLER)
    assert [u.last_name for u in handlers_for(unit=commune)] == ["Ánh", "Bình", "Dũng", "Đức"]
