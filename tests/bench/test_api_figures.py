"""P9 (the API's status lookup) and P10 (the Open311 list): their place in the table, their
ratios to P2 and to the baseline of the same run, and their latency checks."""

import pytest
from django.db import connection

from bench.api_figures import P2_CPU, P2_RPS, ApiStatus, Open311List, _p95_at_most
from bench.figures import format_line, judge
from bench.table import FIGURES, figures_of

SPECS = {spec.id: spec for spec in FIGURES}


def _measured(spec_id, *, rps, cpu_ms, baseline=0.5, **refs):
    fig = SPECS[spec_id].new_figure()
    fig.value = f"{rps} req/s"
    fig.numbers = {"cpu_ms": cpu_ms, "rps": rps, "baseline_cpu_ms": baseline, **refs}
    return fig


def test_p9_is_judged_on_p2s_rate_of_the_same_run_and_shows_its_cpu_against_p2s():
    fast = _measured("P9", rps=900.0, cpu_ms=3.0, **{P2_RPS: 800.0, P2_CPU: 4.0})
    assert judge(fast, SPECS["P9"].rules, {})
    line = format_line(fast)
    assert "throughput 1.12 × P2's [target ≥ 1: ok]" in line
    assert "CPU 0.75 × P2's (4.0 ms)" in line
    assert "CPU 6.00 × the baseline's (0.50 ms)" in line and "p95 ≤ 50 ms" in line
    slow = _measured("P9", rps=700.0, cpu_ms=3.0, **{P2_RPS: 800.0, P2_CPU: 4.0})
    assert not judge(slow, SPECS["P9"].rules, {})
    assert "[target ≥ 1: MISS]" in format_line(slow)
    # without P2 in the run the ratio is not measured: never ok
    alone = _measured("P9", rps=900.0, cpu_ms=3.0)
    assert not judge(alone, SPECS["P9"].rules, {})


@pytest.mark.parametrize(("spec_id", "bound_ms"), [("P9", 50), ("P10", 100)])
def test_a_p95_over_the_bound_fails_the_figure(spec_id, bound_ms):
    fig = _measured(spec_id, rps=500.0, cpu_ms=2.0, **{P2_RPS: 100.0, P2_CPU: 4.0})
    _p95_at_most(fig, bound_ms * 1000 - 1, bound_ms)
    assert judge(fig, SPECS[spec_id].rules, {})
    _p95_at_most(fig, bound_ms * 1000 + 1, bound_ms)
    assert not judge(fig, SPECS[spec_id].rules, {})
    assert f"over {bound_ms} ms" in format_line(fig)


def test_p10_is_bounded_by_the_baseline_and_at_16_connections():
    assert SPECS["P10"].connections == SPECS["P9"].connections == 16
    assert SPECS["P10"].target == "CPU ≤ 20 × the baseline's, 0 errors, p95 ≤ 100 ms"
    over = _measured("P10", rps=300.0, cpu_ms=12.0, baseline=0.5)
    assert not judge(over, SPECS["P10"].rules, {})


@pytest.mark.django_db
def test_both_figures_drive_pages_that_exist():
    assert ApiStatus().unavailable() == ""
    assert Open311List().unavailable() == ""
    figures = figures_of(FIGURES, {"P9", "P10"}, "P9,P10")
    assert not figures["P9"].unavailable and not figures["P10"].unavailable
    assert "not selected" in figures["P1"].unavailable


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the benchmark's city is PostgreSQL's (make bench)")
@pytest.mark.django_db
def test_the_generated_online_feedback_is_listed_by_open311_once_prepared(client, commune):
    from bench.api_figures import ensure_open311_feedback
    from petitions.models import Petition
    from tests.petitions.factories import receive

    online = receive(commune, kind="feedback", channel="online")
    by_post = receive(commune, kind="feedback", channel="post")
    complaint = receive(commune, channel="online")
    Petition.objects.update(tracking_code=None)  # as the generator writes them
    assert ensure_open311_feedback() == 1
    online.refresh_from_db()
    assert online.tracking_code == f"G{online.pk:010d}" and online.latitude is not None and online.category
    assert Petition.objects.get(pk=by_post.pk).tracking_code is None
    assert Petition.objects.get(pk=complaint.pk).tracking_code is None
    assert ensure_open311_feedback() == 1  # again: nothing changes
    listed = client.get("/open311/v2/requests.json", {"start_date": "2026-01-01T00:00:00Z"}).json()
    assert [r["service_request_id"] for r in listed] == [online.tracking_code]
