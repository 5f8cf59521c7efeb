"""The figures measured from the command line: P6 (`compile_report` beside the hand-written
SQL floor of the same figures) and P7 (`import_records dossiers`, its CPU per row beside the
baseline's CPU per request). Each command runs in a child process (`bench.timed`)."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import tempfile
from datetime import date, timedelta
from typing import Any

from bench.figures import Figure, num
from bench.floor import contract_floor, report_floor, same_figures
from bench.server import PY, ROOT, log

IMPORT_PREFIX = "IMPBENCH-"
MEMORY_MB = 300  # P6's and P7's peak memory (a property of the code, not of the machine's speed)


def timed_command(argv: list[str], timeout: int) -> dict[str, Any]:
    proc = subprocess.run(
        [PY, "-m", "bench.timed", *argv], cwd=ROOT, capture_output=True, text=True, timeout=timeout, check=False
    )
    for line in proc.stdout.splitlines():
        if line.startswith("TIMED "):
            return dict(json.loads(line[6:]))
    raise RuntimeError(f"{argv[0]} failed ({proc.returncode}): {proc.stderr[-1500:]}")


def last_quarter(today: date) -> tuple[date, date]:
    first_this = date(today.year, (today.month - 1) // 3 * 3 + 1, 1)
    end = first_this - timedelta(days=1)
    return date(end.year, (end.month - 1) // 3 * 3 + 1, 1), end


def p6(fig: Figure, *, today: date) -> None:
    """compile_report for the city over the last complete quarter, beside the floor: the
    hand-written aggregate of the same dossier figures (bench/floor.py). Both are timed as the
    best of three runs; the floor's figures must be the report's."""
    from core.models import Unit
    from reports.compiling import compile_figures
    from reports.periods import Period

    start, end = last_quarter(today)
    city = Unit.objects.get(code="01")
    figures = compile_figures(unit=city, period=Period(start, end))
    months = [date.fromisoformat(f"{month}-01") for month in figures["trend"]["months"]]
    contract, _ = contract_floor(city.path, start, end)
    argv = ["compile_report", "--unit", "01", "--from", start.isoformat(), "--to", end.isoformat(), "--format", "json"]
    # The floor and the report taken in turns, so that both meet the same spells of load.
    floors: list[float] = []
    runs: list[dict[str, Any]] = []
    for _ in range(3):
        best, rows = report_floor(city.path, start, end, months, runs=1)
        floors.append(best)
        runs.append(timed_command(argv, timeout=600))
    floor = min(floors)
    differences = same_figures(rows, figures)
    fig.metrics["floor"] = {"seconds": round(floor, 4), "runs": floors, "rows": [list(map(str, r)) for r in rows]}
    fig.metrics["contract_floor"] = {"seconds": round(contract, 4)}
    seconds = min(float(t["seconds"]) for t in runs)
    rss = max(float(t["maxrss_mb"]) for t in runs)
    fig.numbers.update({"seconds": seconds, "floor_seconds": floor})
    fig.value = f"{seconds:.2f} s, the SQL floor {floor:.2f} s, {rss:.0f} MB"
    if rss > MEMORY_MB:
        fig.fail(f"{rss:.0f} MB over {MEMORY_MB} MB")
    if differences:
        fig.fail("the floor's figures differ from the report's: " + "; ".join(differences[:3]))
    fig.notes.append(f"city 01, {start:%d/%m/%Y}–{end:%d/%m/%Y}; best of 3 runs each, in turns")
    fig.notes.append(
        f"{seconds / contract:.1f} × the contract's columns alone {contract:.2f} s" if contract else "no contract floor"
    )
    fig.metrics.update(
        {
            "seconds": round(seconds, 3),
            "runs": [round(float(t["seconds"]), 3) for t in runs],
            "ratio_to_contract_floor": round(seconds / contract, 2) if contract else None,
            "floor_differences": differences,
            "maxrss_mb": rss,
        }
    )
    every_unit(fig, start, end)


def every_unit(fig: Figure, start: date, end: date) -> None:
    """Every unit's figures for the quarter, one after the other (what the quarterly job does),
    then in one roll-up where the reports app has it: notes, not targets."""
    try:
        every = timed_command(["--every-unit-report", start.isoformat(), end.isoformat()], timeout=600)
    except (RuntimeError, subprocess.TimeoutExpired) as exc:
        fig.notes.append(f"every unit's report not measured: {str(exc)[:120]}")
        return
    every_s = float(every["seconds"])
    fig.notes.append(f"every unit's report ({every['stdout']}) {every_s:.1f} s, {every['maxrss_mb']:.0f} MB")
    fig.metrics["every_unit"] = {
        "seconds": round(every_s, 2),
        "units": every["stdout"],
        "maxrss_mb": every["maxrss_mb"],
    }
    try:
        rollup = timed_command(["--every-unit-rollup", start.isoformat(), end.isoformat()], timeout=600)
    except (RuntimeError, subprocess.TimeoutExpired) as exc:
        fig.notes.append(f"every unit in one roll-up not measured: {str(exc)[:120]}")
        return
    rollup_s = float(rollup["seconds"])
    fig.notes.append(f"in one roll-up {rollup_s:.1f} s, {rollup['maxrss_mb']:.0f} MB")
    fig.metrics["every_unit_rollup"] = {"seconds": round(rollup_s, 2), "maxrss_mb": rollup["maxrss_mb"]}


def write_import_file(rows: int) -> str:
    """A dossier CSV of `rows` rows over Hà Nội's communes, as a one-stop shop exports it."""
    from adminreform.models import Procedure
    from core.models import Unit

    codes = list(Unit.objects.filter(level="commune", parent__code="01").values_list("code", flat=True))
    procedures = list(Procedure.objects.values_list("code", flat=True)[:20])
    today = date.today()
    with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False, newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ["ref", "unit_code", "received_on", "procedure_code", "channel", "due_on", "resolved_on", "outcome"]
        )
        for i in range(rows):
            received = today - timedelta(days=30 + i % 600)
            writer.writerow(
                [
                    f"{IMPORT_PREFIX}{i:07d}",
                    codes[i % len(codes)],
                    received.isoformat(),
                    procedures[i % len(procedures)] if procedures else "",
                    ("online", "counter", "post")[i % 3],
                    (received + timedelta(days=7)).isoformat(),
                    (received + timedelta(days=3 + i % 7)).isoformat(),
                    "granted",
                ]
            )
        return handle.name


def p7(fig: Figure, *, rows: int = 100_000) -> None:
    """import_records dossiers of a generated file: the CPU one row costs the importing process
    and its PostgreSQL backend, beside the baseline's CPU per request."""
    from adminreform.models import Dossier

    path = write_import_file(rows)
    try:
        t = timed_command(["import_records", "dossiers", path], timeout=600)
    finally:
        os.unlink(path)
        try:
            from django.db import connection

            Dossier.objects.filter(ref__startswith=IMPORT_PREFIX).delete()
            with connection.cursor() as cursor:  # no dead rows left for the next run's P6
                cursor.execute(f"VACUUM ANALYZE {Dossier._meta.db_table}")
        except Exception as exc:
            log(f"could not delete the imported rows: {exc}")
    seconds, cpu = float(t["seconds"]), float(t.get("cpu_seconds") or 0.0)
    database_ms = float(t.get("database_cpu_seconds") or 0.0) * 1000 / rows
    per_row_ms = cpu * 1000 / rows + database_ms
    rate = rows / seconds if seconds else 0.0
    fig.numbers["cpu_per_row_ms"] = per_row_ms
    fig.value = (
        f"{num(rate)} rows/s ({num(rows)} rows in {seconds:.1f} s, {t['maxrss_mb']:.0f} MB), "
        f"{per_row_ms * 1000:.0f} µs CPU/row (importer {cpu * 1e6 / rows:.0f} + PostgreSQL {database_ms * 1000:.0f})"
    )
    if float(t["maxrss_mb"]) > MEMORY_MB:
        fig.fail(f"{t['maxrss_mb']:.0f} MB over {MEMORY_MB} MB")
    fig.metrics = {
        "rows": rows,
        "seconds": round(seconds, 2),
        "rows_per_s": round(rate),
        "cpu_seconds": round(cpu, 2),
        "database_ms_per_row": round(database_ms, 4),
        "cpu_per_row_ms": round(per_row_ms, 4),
        "maxrss_mb": t["maxrss_mb"],
    }
