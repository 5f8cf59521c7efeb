"""`python -m bench.timed COMMAND ARGS...`: run one management command in this process
and print `TIMED {"seconds": ..., "cpu_seconds": ..., "database_cpu_seconds": ..., "maxrss_mb": ...}`
— the command's own time and CPU time (without interpreter and Django start-up, nor the
import of the command's module), its
PostgreSQL backend's CPU time over the command, and the process's peak memory.

`python -m bench.timed --every-unit-report START END` instead compiles the figures of
every unit that existed in the period (what the quarterly Celery job does), one after
the other, through `reports.compiling.compile_figures`; `--every-unit-rollup START END`
compiles the same figures at once through `reports.compiling.compile_figures_of_units`
(three queries grouped by unit, rolled up along the unit tree) when the branch has it.

Peak memory is the process's own high-water mark (VmHWM from /proc/self/status): the
`getrusage` figure on Linux also carries the parent's resident size at fork (the harness
that just generated a city is several hundred MB), so it is used only where /proc is not."""

from __future__ import annotations

import io
import json
import os
import resource
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from core.models import Unit
    from reports.periods import Period


def main(argv: list[str]) -> int:
    import django

    django.setup()
    from django.core.management import call_command, get_commands, load_command_class

    out, err = io.StringIO(), io.StringIO()
    # The command's module, and what it imports, loaded before the clock starts: importing is
    # start-up (without bytecode files, as with PYTHONDONTWRITEBYTECODE, it compiles every
    # module it imports, which a deployed server has done once).
    command = None if argv[0].startswith("--") else load_command_class(get_commands()[argv[0]], argv[0])
    backend_before = backend_cpu()
    started, cpu_started = time.perf_counter(), time.process_time()
    if argv[0] == "--every-unit-report":
        units = every_unit_report(argv[1], argv[2])
        out.write(f"{units} units")
    elif argv[0] == "--every-unit-rollup":
        units = every_unit_rollup(argv[1], argv[2])
        out.write(f"{units} units")
    elif command is not None:
        call_command(command, *argv[1:], stdout=out, stderr=err)
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
    backend_after = backend_cpu()
    database_cpu = None
    if backend_before is not None and backend_after is not None:
        same = backend_before[0] == backend_after[0]  # else a new connection: all of its CPU is the command's
        database_cpu = backend_after[1] - (backend_before[1] if same else 0.0)
    maxrss_mb = peak_rss_mb()
    summary = {
        "seconds": seconds,
        "cpu_seconds": cpu_seconds,
        "database_cpu_seconds": database_cpu,
        "maxrss_mb": round(maxrss_mb, 1),
        "stdout": out.getvalue()[-200:],
    }
    print("TIMED " + json.dumps(summary, ensure_ascii=False))
    sys.stderr.write(err.getvalue()[-2000:])
    return 0


def backend_cpu() -> tuple[int, float] | None:
    """(pid, CPU seconds) of this process's PostgreSQL backend, read from /proc (the server is
    on this machine): the database's share of the command, which ends with the connection."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pid = int(cursor.fetchone()[0])
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError, TypeError):
        return None
    return pid, (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def peak_rss_mb() -> float:
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _units_of(period: Period) -> QuerySet[Unit]:
    """Every unit that existed in the period, as the quarterly job picks them."""
    from django.db.models import Q

    from core.models import Unit

    return (
        Unit.objects.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=period.end))
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=period.start))
        .order_by("path")
    )


def every_unit_rollup(start: str, end: str) -> int:
    from datetime import date

    from reports import compiling
    from reports.periods import Period

    period = Period(date.fromisoformat(start), date.fromisoformat(end))
    figures = compiling.compile_figures_of_units(units=list(_units_of(period)), period=period)
    return len(figures)


def every_unit_report(start: str, end: str) -> int:
    from datetime import date

    from reports.compiling import compile_figures  # the reports app's own compiler
    from reports.periods import Period

    period = Period(date.fromisoformat(start), date.fromisoformat(end))
    count = 0
    for unit in _units_of(period).iterator():
        compile_figures(unit=unit, period=period)
        count += 1
    return count


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
