"""Vietnamese alphabetical order: ă â đ ê ô ơ ư are letters of their own; tones break ties."""

import random

from core.collation import vietnamese_sort_key

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
