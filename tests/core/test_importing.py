"""The import framework every register import uses: reading, cell rules, all-or-nothing."""

import dataclasses
from datetime import date
from pathlib import Path

import pytest
from django.db import connection
from openpyxl import Workbook

from core import importing
from core.importing import (
    CellError,
    Column,
    ImportSpec,
    LoadResult,
    RowError,
    int_parser,
    parse_bool,
    parse_date,
    run_import,
)
from core.models import CalendarDay


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2019-08-31", date(2019, 8, 31)), ("31/08/2019", date(2019, 8, 31)), (" 01/01/2020 ", date(2020, 1, 1))],
)
def test_dates_in_both_formats(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize("text", ["2019-02-30", "31-08-2019", "hôm qua"])
def test_bad_dates_say_which_formats_are_accepted(text):
    with pytest.raises(CellError, match="YYYY-MM-DD or DD/MM/YYYY"):
        parse_date(text)


@pytest.mark.parametrize(
    ("text", "expected"), [("1", True), ("true", True), ("Có", True), ("0", False), ("FALSE", False), ("không", False)]
)
def test_booleans(text, expected):
    assert parse_bool(text) is expected


def _days_spec() -> ImportSpec:
    """A small importer over calendar exceptions, shaped like the record importers."""

    def load(rows, skip_invalid):
        errors, created = [], 0
        for row in rows:
            if row.values["date"].weekday() == 6:
                errors.append(RowError(row.line, "date", "Sundays are always off"))
                continue
            CalendarDay.objects.create(date=row.values["date"], kind=row.values["kind"], note=row.values["note"] or "")
            created += 1
        return LoadResult(created=created), errors

    return ImportSpec(
        kind="days",
        columns=[
            Column("date", required=True, parse=parse_date),
            Column("kind", required=True),
            Column("note"),
            Column("weight", parse=int_parser(minimum=1)),
        ],
        load=load,
    )


def _csv(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "days.csv"
    path.write_text(text, encoding="utf-8-sig")
    return path


@pytest.mark.django_db
def test_a_bad_row_imports_nothing_and_every_problem_is_listed(tmp_path):
    path = _csv(
        tmp_path,
        "date,kind,note,weight\n2026-12-31,day_off,ok,1\n31/13/2026,day_off,,2\n2026-12-30,day_off,,0\n"
        ",working_day,,\n2026-12-27,day_off,,3\n",
    )
    report = run_import(_days_spec(), path)
    assert not report.committed and not CalendarDay.objects.exists()
    assert [str(e) for e in report.errors] == [
        "line 3, column date: '31/13/2026' is not a date (YYYY-MM-DD or DD/MM/YYYY)",
        "line 4, column weight: 0 is below the minimum 1",
        "line 5, column date: required value is empty",
        "line 6, column date: Sundays are always off",
    ]


@pytest.mark.django_db
def test_skip_invalid_imports_the_good_rows_and_still_lists_the_bad(tmp_path):
    path = _csv(tmp_path, "date,kind\n2026-12-31,day_off\n2026-12-27,day_off\nxx,day_off\n")
    report = run_import(_days_spec(), path, skip_invalid=True)
    assert report.committed and report.created == 1
    assert list(CalendarDay.objects.values_list("date", flat=True)) == [date(2026, 12, 31)]
    assert {e.line for e in report.errors} == {3, 4}


@pytest.mark.django_db
def test_unknown_and_missing_columns_are_refused_before_any_row(tmp_path):
    report = run_import(_days_spec(), _csv(tmp_path, "date,colour\n2026-12-31,red\n"))
    assert [str(e) for e in report.errors] == [
        "line 1, column colour: unknown column",
        "line 1, column kind: required column is missing",
    ]


@pytest.mark.django_db
def test_dry_run_writes_nothing(tmp_path):
    report = run_import(_days_spec(), _csv(tmp_path, "date,kind\n2026-12-31,day_off\n"), dry_run=True)
    assert not report.errors and not CalendarDay.objects.exists()


@pytest.mark.django_db
def test_xlsx_first_sheet_with_real_dates(tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(["date", "kind", "note"])
    sheet.append([date(2026, 12, 31), "day_off", "Nghỉ bù"])
    path = tmp_path / "days.xlsx"
    book.save(path)
    report = run_import(_days_spec(), path)
    assert report.committed and CalendarDay.objects.get().note == "Nghỉ bù"


@pytest.mark.django_db
def test_a_large_import_refreshes_the_planner_statistics(tmp_path, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("planner statistics (ANALYZE, pg_class.reltuples) are PostgreSQL's")
    monkeypatch.setattr(importing, "ANALYZE_MIN_ROWS", 10)  # a large import, scaled down
    spec = dataclasses.replace(_days_spec(), tables=[CalendarDay._meta.db_table])

    def estimated_rows() -> float:
        with connection.cursor() as cursor:
            cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [CalendarDay._meta.db_table])
            return cursor.fetchone()[0]

    before = estimated_rows()
    days = "".join(f"2027-01-{d:02d},day_off\n" for d in range(1, 31) if date(2027, 1, d).weekday() != 6)
    report = run_import(spec, _csv(tmp_path, "date,kind\n" + days))
    assert report.committed and report.created == 26
    assert before <= 0 and estimated_rows() == 26
