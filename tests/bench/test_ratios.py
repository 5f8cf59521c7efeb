"""A figure is judged on ratios to numbers measured in the same run, and on its checks."""

import argparse

import pytest
from django.test import override_settings

from bench.figures import Figure, Ratio, cpu_vs_baseline, format_line, judge
from bench.staff_figures import StaffPage
from bench.table import FIGURES, PEER_SUBMIT_CPU, PEER_SUBMIT_RPS, PEER_VIEW_CPU, Spec, figures_of

SPECS = {spec.id: spec for spec in FIGURES}


def p1(cpu_ms, rps, *, baseline=0.6):
    fig = SPECS["P1"].new_figure()
    fig.value = f"{rps} req/s"
    fig.numbers = {"cpu_ms": cpu_ms, "rps": rps, "baseline_cpu_ms": baseline}
    return fig


def test_a_filing_a_third_of_the_peers_cpu_and_three_times_its_throughput_is_ok():
    fig = p1(5.0, 330.0)

    ok = judge(fig, SPECS["P1"].rules, {PEER_SUBMIT_CPU: 15.0, PEER_SUBMIT_RPS: 110.0})

    assert ok
    line = format_line(fig)
    assert "CPU 0.33 × the peer's submission (15.0 ms) [target ≤ 1/3: ok]" in line
    assert "throughput 3.00 × the peer's best [target ≥ 3: ok]" in line
    assert "CPU 8.33 × the baseline's (0.60 ms)" in line
    assert line.endswith(" ok")


@pytest.mark.parametrize(
    ("cpu_ms", "rps", "missed"),
    [(5.1, 400.0, "the peer's submission (15.0 ms) [target ≤ 1/3: MISS]"), (4.0, 320.0, "[target ≥ 3: MISS]")],
)
def test_either_ratio_missed_misses_the_figure(cpu_ms, rps, missed):
    fig = p1(cpu_ms, rps)

    assert not judge(fig, SPECS["P1"].rules, {PEER_SUBMIT_CPU: 15.0, PEER_SUBMIT_RPS: 110.0})
    assert missed in format_line(fig)
    assert format_line(fig).endswith(" MISS")


def test_without_the_peers_numbers_the_ratio_is_not_measured_and_missed():
    fig = p1(2.0, 900.0)

    assert not judge(fig, SPECS["P1"].rules, {PEER_SUBMIT_CPU: None, PEER_SUBMIT_RPS: None})
    assert "CPU vs the peer's submission: not measured [target ≤ 1/3: MISS]" in format_line(fig)


def test_the_baseline_multiple_is_shown_without_deciding_anything():
    fig = p1(5.0, 330.0, baseline=0.1)  # 50 × the baseline

    assert judge(fig, SPECS["P1"].rules, {PEER_SUBMIT_CPU: 15.0, PEER_SUBMIT_RPS: 110.0})
    assert "CPU 50.0 × the baseline's (0.10 ms)" in format_line(fig)


def test_a_failed_check_misses_a_figure_whose_ratios_hold():
    fig = SPECS["P2"].new_figure()
    fig.value = "900 req/s"
    fig.numbers = {"cpu_ms": 2.0, "rps": 900.0, "baseline_cpu_ms": 0.5}
    fig.fail("3 errors")

    assert not judge(fig, SPECS["P2"].rules, {PEER_VIEW_CPU: 20.0})
    assert "[target ≤ 1/5: ok]; CPU 4.00 × the baseline's (0.50 ms); 3 errors;" in format_line(fig)


def test_a_figure_reads_its_own_reference_before_the_runs():
    rule = cpu_vs_baseline(10)
    fig = Figure("P3", "mix", rule.target, value="1 req/s", numbers={"cpu_ms": 5.0, "baseline_cpu_ms": 0.5})

    assert judge(fig, (rule,), {"baseline_cpu_ms": 5.0})  # 10 × its own baseline, not 1 × the run's
    assert fig.metrics["ratios"] == {"cpu_ms/baseline_cpu_ms": 10.0}


def test_the_floor_ratio_of_p6():
    fig = SPECS["P6"].new_figure()
    fig.value = "0.30 s"
    fig.numbers = {"seconds": 0.31, "floor_seconds": 0.1}

    assert not judge(fig, SPECS["P6"].rules, {})
    fig.numbers["seconds"] = 0.29
    assert judge(fig, SPECS["P6"].rules, {})


def test_nothing_measured_is_never_ok():
    fig = SPECS["P4"].new_figure()

    assert not judge(fig, SPECS["P4"].rules, {})


def test_the_table_holds_p1_to_p7_then_p8_and_the_api_figures_in_order_with_their_targets():
    assert [s.id for s in FIGURES] == ["P1", "P2", "P3", "P4", "P5", "P6", "P7", "P8", "P9", "P10"]
    assert SPECS["P1"].target.startswith("CPU ≤ 1/3 of the peer's submission, throughput ≥ 3 × the peer's best")
    assert SPECS["P2"].target.startswith("CPU ≤ 1/5 of the peer's public view")
    for spec in FIGURES:
        assert any(r.bound is not None for r in spec.rules), f"{spec.id} has no ratio target"
        if spec.web:
            assert any(r.reference == "baseline_cpu_ms" for r in spec.rules), f"{spec.id} shows no baseline multiple"


def test_every_web_figures_duration_is_an_option_of_the_run():
    from bench.run import parse_args

    args = parse_args([])
    for spec in FIGURES:
        if spec.web:
            assert isinstance(getattr(args, spec.seconds), int)


@override_settings(ROOT_URLCONF="tests.bench.urls")
def test_a_figure_added_for_a_page_that_does_not_exist_yet_is_not_available():
    drill = Spec(
        "P8",
        "drill-through list",
        StaffPage("reports:drill", "bench.leader"),
        connections=8,
        seconds="page_seconds",
        rules=(cpu_vs_baseline(15),),
    )

    figures = figures_of((drill,), None)

    assert format_line(figures["P8"]) == (
        "P8 drill-through list: n/a (target CPU ≤ 15 × the baseline's) MISS "
        "(not available: URL reports:drill does not exist)"
    )


@override_settings(ROOT_URLCONF="tests.bench.urls")
def test_figures_left_out_by_only_say_so():
    page = Spec("P9", "health", StaffPage("health", "x"), connections=8, seconds="page_seconds")

    figures = figures_of((page,), {"P1"}, "P1")

    assert figures["P9"].unavailable == "not selected (--only P1)"


def test_a_ratio_bounded_from_below():
    rule = Ratio("rps", "peer", "throughput", "the peer's", bound=3, at_least=True)

    assert rule.holds(3.0) and not rule.holds(2.99) and not rule.holds(None)
    assert rule.target == "throughput ≥ 3 × the peer's"


def test_run_options_keep_their_defaults():
    args = argparse.Namespace(**vars(__import__("bench.run", fromlist=["parse_args"]).parse_args([])))

    assert (args.p1_seconds, args.p2_seconds, args.no_peer) == (60, 30, False)


def test_a_figures_baseline_is_the_mean_of_the_two_around_it():
    from bench.context import bracket
    from bench.cpu_cost import CpuCost
    from bench.wrk import WrkResult

    def healthz(cpu_ms):
        return WrkResult(1000, 5.0, 1, 1, 1, 1, 0, {"2xx": 1000}, cpu=CpuCost(server_ms=cpu_ms, database_ms=0.0))

    assert bracket(healthz(0.6), healthz(1.0)) == pytest.approx(0.8)
    assert bracket(healthz(0.6), None) == pytest.approx(0.6)  # the run stopped before the next baseline
    assert bracket(None, None) is None
