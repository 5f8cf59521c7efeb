"""The harness's pure parts: result lines, wrk output, form filling, availability."""

import json

import pytest
from django.test import override_settings

from bench.city import page_unavailable
from bench.command_figures import last_quarter
from bench.figures import Figure, format_line
from bench.web import IDEM_PLACEHOLDER, fill_form, form_errors, main_form, tracking_pair
from bench.wrk import parse_output


def test_a_met_target_prints_the_id_first_and_ok_last():
    figure = Figure("P1", "submission", "CPU ≤ 1/3 of the peer's", value="312 req/s", ok=True, notes=["note"])
    figure.ratios = ["CPU 0.30 × the peer's submission [target ≤ 1/3: ok]"]

    assert format_line(figure) == (
        "P1 submission: 312 req/s (CPU 0.30 × the peer's submission [target ≤ 1/3: ok]; "
        "target CPU ≤ 1/3 of the peer's; note) ok"
    )


def test_a_missed_target_ends_with_miss():
    figure = Figure("P2", "status lookup", "CPU ≤ 1/5 of the peer's", value="410 req/s", ok=False)

    line = format_line(figure)
    assert line.startswith("P2 status lookup: 410 req/s")
    assert line.endswith(" MISS")


def test_a_figure_that_cannot_be_measured_says_why():
    figure = Figure("P6", "compile_report", "≤ 2 s", ok=True).skip("no compile_report command")

    assert (
        format_line(figure) == "P6 compile_report: n/a (target ≤ 2 s) MISS (not available: no compile_report command)"
    )


def test_wrk_result_line_is_read():
    out = (
        'Running 3s test\nWRKJSON {"requests": 900, "duration_us": 3000000, "connect_errors": 0, '
        '"read_errors": 1, "write_errors": 0, "timeouts": 2, "status_errors": 0, "p50_us": 4000, '
        '"p95_us": 9000, "p99_us": 20000, "max_us": 30000, "mean_us": 5000.0, "s1": 0, "s2": 880, '
        '"s3": 0, "s4": 15, "s5": 5}\n'
    )

    result = parse_output(out)

    assert result.rps == 300
    assert result.socket_errors == 3
    assert result.count("4xx", "5xx") == 20
    assert result.p95_us == 9000


FILING_PAGE = """
<form action="/i18n/setlang/" method="post"><select name="language"><option value="vi">vi</option></select></form>
<form method="post" enctype="multipart/form-data">
  <input type="hidden" name="csrfmiddlewaretoken" value="tok123">
  <input type="radio" name="kind" value="complaint"><input type="radio" name="kind" value="feedback">
  <input type="text" name="petitioner_name" maxlength="200" required>
  <input type="text" name="petitioner_id_number" maxlength="20">
  <input type="email" name="petitioner_email">
  <select name="unit"><option value="">---</option><option value="01">Hà Nội</option></select>
  <textarea name="content" rows="6">
</textarea>
  <input type="number" name="signers" value="1" min="1">
  <input type="file" name="attachments">
  <input type="checkbox" name="consent" required>
  <div class="hp-field" aria-hidden="true"><input type="text" name="website" tabindex="-1"></div>
  <input type="hidden" name="idempotency_key" value="abc">
  <input type="submit" name="submit" value="Gửi">
</form>
"""


def test_the_filing_form_is_filled_like_a_citizen_would_and_the_honeypot_left_empty():
    form = main_form(FILING_PAGE)
    assert form is not None

    data = dict(fill_form(form))

    assert data["csrfmiddlewaretoken"] == "tok123"
    assert data["idempotency_key"] == IDEM_PLACEHOLDER
    assert data["website"] == ""
    assert data["kind"] == "complaint"
    assert data["unit"] == "01"
    assert data["consent"] == "on"
    assert data["signers"] == "1"
    assert data["petitioner_email"] == "bench@example.com"
    assert data["petitioner_id_number"].isdigit()
    assert data["content"]
    assert "attachments" not in data and "submit" not in data


def test_overrides_win_over_the_guesses():
    form = main_form(FILING_PAGE)
    assert form is not None

    data = dict(fill_form(form, {"kind": "feedback", "extra": "1"}))

    assert data["kind"] == "feedback"
    assert data["extra"] == "1"


def test_invalid_fields_and_the_tracking_pair_are_read_from_pages():
    page = '<input type="text" name="content" class="textarea form-control is-invalid" id="id_content">'
    assert form_errors(page) == ["content"]
    assert form_errors("<p>Cảm ơn</p>") == []
    confirmation = '<dd class="secret-box" id="tracking-code">K7Q2M9XD</dd><dd id="tracking-secret">ABCD2345EF</dd>'
    assert tracking_pair(confirmation) == ("K7Q2M9XD", "ABCD2345EF")
    assert tracking_pair("<p>no codes</p>") is None


@override_settings(ROOT_URLCONF="tests.bench.urls")
def test_placeholder_and_missing_pages_are_reported_unavailable():
    assert page_unavailable("health") == ""
    assert "placeholder" in page_unavailable("soon")
    assert "does not exist" in page_unavailable("nowhere")


@pytest.mark.parametrize(
    ("today", "start", "end"),
    [("2026-11-22", "2026-07-01", "2026-09-30"), ("2026-01-05", "2025-10-01", "2025-12-31")],
)
def test_p6_uses_the_last_complete_quarter(today, start, end):
    from datetime import date

    assert last_quarter(date.fromisoformat(today)) == (date.fromisoformat(start), date.fromisoformat(end))


def test_a_city_grown_by_earlier_filings_is_generated_anew():
    from bench.city import city_drifted

    assert not city_drifted(filed=0, petitions=100_000)
    assert not city_drifted(filed=10_000, petitions=100_000)
    assert city_drifted(filed=10_001, petitions=100_000)  # a run's P1 files about 15,000
    assert not city_drifted(filed=90_000, petitions=1_000_000)  # at 10M, several runs fit


def test_wrk_timeouts_are_told_apart_from_dropped_connections():
    out = (
        'WRKJSON {"requests": 100, "duration_us": 1000000, "connect_errors": 1, "read_errors": 2, '
        '"write_errors": 0, "timeouts": 7, "status_errors": 0, "p50_us": 1, "p95_us": 1, "p99_us": 1, '
        '"max_us": 1, "mean_us": 1.0, "s1": 0, "s2": 100, "s3": 0, "s4": 0, "s5": 0}\n'
    )

    result = parse_output(out)

    assert (result.socket_errors, result.timeouts, result.dropped) == (10, 7, 3)


@pytest.mark.django_db
def test_a_timed_command_runs_and_prints_its_figures(capsys):
    from bench.timed import main

    assert main(["check", "--tag", "urls"]) == 0

    line = capsys.readouterr().out.strip().splitlines()[-1]
    assert line.startswith("TIMED ")
    timed = json.loads(line.removeprefix("TIMED "))
    assert timed["seconds"] > 0 and timed["cpu_seconds"] >= 0
    assert "System check identified no issues" in timed["stdout"]
