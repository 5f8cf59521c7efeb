"""`python -m bench.timed COMMAND ARGS...`: run one management command in this process
and print `TIMED {"seconds": ..., "maxrss_mb": ...}` — the command's own time
(without interpreter and Django start-up) and the process's peak memory.

`python -m bench.timed --every-unit-report START END` instead compiles the figures of
every unit that existed in the period (what the quarterly Celery job does), one after
the other, through `reports.compiling.compile_figures`."""

import io
import json
import resource
import sys
import time


def main(argv: list[str]) -> int:
    import django

    django.setup()
    from django.core.management import call_command

    out, err = io.StringIO(), io.StringIO()
    started = time.perf_counter()
    if argv[0] == "--every-unit-report":
        units = every_unit_report(argv[1], argv[2])
        out.write(f"{units} units")
    else:
        call_command(*argv, stdout=out, stderr=err)
    seconds = time.perf_counter() - started
    maxrss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    summary = {"seconds": seconds, "maxrss_mb": round(maxrss_mb, 1), "stdout": out.getvalue()[-200:]}
    print("TIMED " + json.dumps(summary, ensure_ascii=False))
    sys.stderr.write(err.getvalue()[-2000:])
    return 0


def every_unit_report(start: str, end: str) -> int:
    from datetime import date

    from django.db.models import Q

    from core.models import Unit
    from reports.compiling import compile_figures  # the reports app's own compiler
    from reports.periods import Period

    period = Period(date.fromisoformat(start), date.fromisoformat(end))
    units = (
        Unit.objects.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=period.end))
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=period.start))
        .order_by("path")
    )
    count = 0
    for unit in units.iterator():
        compile_figures(unit=unit, period=period)
        count += 1
    return count


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
