"""The summary paragraph: Vietnamese prose in the seeds' style, for every shape of data."""

import pytest

from reports.narrative import level_noun, level_tier, summary_of


def figures(
    *,
    unit=None,
    visit_levels=(),
    delegations=0,
    received=0,
    previous=0,
    change=None,
    resolved=0,
    crowd=0,
    cases=(0, 0, None),
    dossier_levels=(),
    previous_period=("2018-01-01", "2018-08-31"),
):
    unit = unit or {"code": "007", "name": "Quận Hai Bà Trưng", "level": "district", "kind": "quan"}
    return {
        "unit": unit,
        "previous_period": {"from": previous_period[0], "to": previous_period[1]},
        "reception": {
            "visits": sum(v[1] for v in visit_levels),
            "delegations": delegations,
            "delegation_people": delegations * 7,
            "levels": [
                {"level": level, "visits": n, "head_visits": head, "kinds": kinds}
                for level, n, head, kinds in visit_levels
            ],
        },
        "petitions": {
            "received": received,
            "received_previous": previous,
            "change_pct": change,
            "resolved": resolved,
            "in_progress": received - resolved,
            "crowd_over_level": crowd,
            "complaint_cases": {"to_resolve": cases[0], "resolved": cases[1], "resolved_pct": cases[2]},
        },
        "dossiers": {
            "levels": [
                {
                    "level": level,
                    "kinds": kinds,
                    "carried_over": carried,
                    "received": rec,
                    "online": online,
                    "to_resolve": carried + rec,
                    "resolved": res,
                    "on_time": on_time,
                    "on_time_pct": pct,
                }
                for level, kinds, carried, rec, online, res, on_time, pct in dossier_levels
            ]
        },
    }


def test_nothing_happened():
    text = summary_of(figures())
    assert text == (
        "Trong kỳ, không có lượt công dân nào đến được tiếp. Không có khiếu nại, tố cáo đông người vượt cấp. "
        "Không tiếp nhận đơn nào. Không có hồ sơ thủ tục hành chính phải giải quyết."
    )


@pytest.mark.parametrize(
    ("received", "previous", "change", "expected"),
    [
        (737, 810, -9.0, "Đã tiếp nhận 737 đơn, giảm 9% so với cùng kỳ 2018; đã giải quyết: 1 đơn; "),
        (112, 100, 12.0, "Đã tiếp nhận 112 đơn, tăng 12% so với cùng kỳ 2018;"),
        (1093, 1000, 9.3, "Đã tiếp nhận 1.093 đơn, tăng 9,3% so với cùng kỳ 2018;"),
        (5, 5, 0.0, "Đã tiếp nhận 5 đơn, bằng cùng kỳ 2018;"),
        (1, 0, None, "Đã tiếp nhận 1 đơn (cùng kỳ 2018 không có đơn); đã giải quyết: 1 đơn; đang giải quyết: 0 đơn."),
        (0, 12, None, "Không tiếp nhận đơn nào (cùng kỳ 2018: 12 đơn)."),
    ],
)
def test_petitions_against_the_same_period(received, previous, change, expected):
    text = summary_of(figures(received=received, previous=previous, change=change, resolved=min(received, 1)))
    assert expected in text


def test_a_period_across_two_years_says_last_year():
    text = summary_of(figures(received=3, previous=4, change=-25.0, previous_period=("2017-12-15", "2018-03-14")))
    assert "giảm 25% so với cùng kỳ năm trước" in text


def test_crowd_petitions_over_level_are_counted():
    assert "Có 2 đơn đông người vượt cấp." in summary_of(figures(crowd=2))


@pytest.mark.parametrize(
    ("visit_levels", "expected"),
    [
        (
            [("district", 1248, 39, []), ("commune", 397, 47, ["phuong"])],
            "Tổng số đã tiếp 1.645 lượt công dân, trong đó, quận tiếp 1.248 lượt (lãnh đạo quận tiếp 39 lượt), "
            "phường tiếp 397 lượt (lãnh đạo các phường tiếp 47 lượt).",
        ),
        ([("district", 1, 1, [])], "Tổng số đã tiếp 1 lượt công dân (lãnh đạo quận tiếp 1 lượt)."),
        (
            [("commune", 8, 0, ["phuong", "xa"])],
            "Tổng số đã tiếp 8 lượt công dân (không có lượt nào do lãnh đạo các phường, xã tiếp).",
        ),
    ],
)
def test_visits_by_level(visit_levels, expected):
    assert summary_of(figures(visit_levels=visit_levels)).startswith(expected)


def test_a_city_report_names_the_city_and_mixed_levels():
    city = {"code": "01", "name": "Hà Nội", "level": "province", "kind": "thanh_pho_tw"}
    text = summary_of(
        figures(
            unit=city,
            visit_levels=[
                ("province", 10, 2, []),
                ("district", 20, 3, ["quan", "huyen", "thi_xa"]),
                ("commune", 30, 4, ["phuong", "xa", "thi_tran"]),
            ],
            delegations=2,
        )
    )
    assert text.startswith(
        "Tổng số đã tiếp 60 lượt công dân, trong đó, thành phố tiếp 10 lượt (lãnh đạo thành phố tiếp 2 lượt), "
        "quận, huyện, thị xã tiếp 20 lượt (lãnh đạo các quận, huyện, thị xã tiếp 3 lượt), phường, xã, thị trấn "
        "tiếp 30 lượt (lãnh đạo các phường, xã, thị trấn tiếp 4 lượt). Tiếp 2 đoàn đông người (14 người)."
    )


def test_dossiers_by_level_with_none_resolved_yet():
    text = summary_of(
        figures(
            dossier_levels=[
                ("district", [], 96, 6000, 0, 5903, 5717, 96.8),
                ("commune", ["phuong"], 0, 4, 1, 0, 0, None),
            ]
        )
    )
    assert (
        "Trong kỳ, tiếp nhận mới 6.004 hồ sơ thủ tục hành chính, trong đó có 1 hồ sơ trực tuyến; "
        "kỳ trước chuyển sang 96 hồ sơ. Tại cấp quận, đã giải quyết 5.903/6.096 hồ sơ, trong đó, giải quyết "
        "đúng hạn 5.717 hồ sơ, tỷ lệ giải quyết đúng hạn 96,8%; tại cấp phường, chưa giải quyết hồ sơ nào "
        "trong số 4 hồ sơ phải giải quyết." in text
    )


def test_complaint_cases():
    text = summary_of(figures(cases=(1, 1, 100.0)))
    assert "Tổng số vụ việc khiếu nại phải giải quyết 1 vụ việc, trong đó, đã giải quyết 1/1 vụ việc, đạt 100%." in text


@pytest.mark.parametrize(
    ("level", "kinds", "noun", "tier"),
    [
        ("district", ["huyen"], "huyện", "huyện"),
        ("district", ["thi_xa"], "thị xã", "thị xã"),
        ("district", ["quan", "huyen"], "quận, huyện", "huyện"),
        ("commune", ["xa", "phuong"], "phường, xã", "xã"),
        ("commune", [], "xã", "xã"),
        ("province", ["tinh"], "tỉnh", "tỉnh"),
        ("province", ["thanh_pho_tw"], "thành phố", "thành phố"),
    ],
)
def test_level_words_follow_the_units_kinds(level, kinds, noun, tier):
    assert (level_noun(level, kinds), level_tier(level, kinds)) == (noun, tier)
