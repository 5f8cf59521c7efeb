"""The sums the apps' statistics are made of (core.stats): field by field, and along the unit tree."""

from dataclasses import dataclass

from core.stats import add_counts, roll_up


@dataclass(frozen=True)
class Figures:
    level: str
    kind: str
    received: int
    by_month: tuple[int, ...] = ()
    unit_path: str = ""


def test_counts_add_field_by_field_and_month_by_month_and_the_labels_stay():
    total = add_counts(Figures("commune", "phuong", 3, (1, 2)), Figures("commune", "xa", 4, (0, 5)))
    assert total == Figures("commune", "phuong", 7, (1, 7))


def test_rows_of_units_roll_up_into_every_unit_above_them_by_level_and_kind():
    rows = [
        Figures("commune", "phuong", 3, (1, 2), "/01/00070/"),
        Figures("commune", "phuong", 4, (4, 0), "/01/00004/"),
        Figures("province", "", 10, (5, 5), "/01/"),
    ]
    rolled = roll_up(
        rows,
        path_of=lambda r: r.unit_path,
        key=lambda r: (r.level, r.kind),
        start=lambda r: Figures(r.level, r.kind, r.received, r.by_month),
    )
    assert rolled["/01/00070/"] == [Figures("commune", "phuong", 3, (1, 2))]
    assert rolled["/01/"] == [Figures("commune", "phuong", 7, (5, 2)), Figures("province", "", 10, (5, 5))]
    assert set(rolled) == {"/01/", "/01/00070/", "/01/00004/"}
