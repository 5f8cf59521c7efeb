"""`python -m bench.worker_kill [--mode pool|all]`: issue 8, R2, a worker killed mid-task.

On our own Redis (a free loopback port) and our own database (`civicdesk_reliab_kill`,
recreated each run), queues `--tasks` notification tasks (one e-mail each, every "send"
taking `--delay-ms`, as a gateway's round trip) and `--reports` report compilations, starts
a real Celery worker, and once a share of the e-mails are out kills it with SIGKILL:

- `--mode pool` (default): the pool processes running the tasks die; the worker's master
  sees them lost, puts their messages back (acks_late + reject_on_worker_lost) and starts
  new pool processes.
- `--mode all`: the master, its pool and the embedded beat die at once (a machine or
  container crash); a new worker is started. The messages the dead one held come back
  after Redis' visibility timeout (1 hour in production, CIVICDESK_DRILL_VISIBILITY_TIMEOUT
  seconds here); the outbox sweeper (beat) sends the notifications before that.

Then checks every effect happened exactly once: one e-mail per notification, one
compilation (one COMPILED event) per report. Prints a JSON summary; exit status 0 when it
held. Every process it started is stopped by its PID, also on error. Bounded by --budget.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from bench.faults import OwnRedis, Worker
from bench.recorders import read_effects


def log(message: str) -> None:
    print(f"[r2 {datetime.now(UTC):%H:%M:%S}] {message}", file=sys.stderr, flush=True)


def recreate_database(name: str) -> None:
    import psycopg2

    conn = psycopg2.connect(host="127.0.0.1", port=5432, user="postgres", dbname="postgres", connect_timeout=5)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cur.execute(f'CREATE DATABASE "{name}"')
    conn.close()


def queue_work(tasks: int, reports: int) -> dict[str, Any]:
    """`tasks` petitions (their acknowledgement e-mail goes to the broker on commit) and
    `reports` quarterly reports of the city (their compile task likewise)."""
    from core.models import Unit, UnitLevel
    from petitions.models import Channel
    from petitions.services import petition_receive
    from reports.periods import Convention, PeriodKind, period_of
    from reports.services import report_request

    city = Unit.objects.create(code="01", name="Thành phố Hà Nội", level=UnitLevel.PROVINCE, path="/01/")
    commune = Unit.objects.create(
        code="00070", name="Phường Hoàn Kiếm", level=UnitLevel.COMMUNE, parent=city, path="/01/00070/"
    )
    periods = [  # quarters back from 2026 Q1
        period_of(PeriodKind.QUARTER, 2026 - (n + 3) // 4, 4 - (n + 3) % 4, Convention.CALENDAR) for n in range(reports)
    ]
    every = max(1, tasks // max(1, reports))
    for i in range(tasks):
        if i % every == 0 and periods:  # interleaved, so that some compile while the worker dies
            report_request(unit=city, period=periods.pop(), kind="quarter", convention="calendar", actor=None)
        petition_receive(
            unit=commune,
            kind="complaint",
            received_on=date(2026, 3, 2),
            channel=Channel.POST,
            subject="Khiếu nại quyết định thu hồi đất",
            content="Tôi không đồng ý với quyết định thu hồi đất.",
            petitioner_name=f"Nguyễn Văn {i}",
            petitioner_address="12 Hàng Bạc, Hoàn Kiếm",
            petitioner_email=f"nguoidan{i}@example.vn",
            actor=None,
        )
    for period in periods:
        report_request(unit=city, period=period, kind="quarter", convention="calendar", actor=None)
    return {"notifications": tasks, "reports": reports}


def running_reports() -> int:
    from reports.models import CompiledReport, CompileState

    return CompiledReport.objects.filter(state=CompileState.RUNNING).count()


def outcome(effects_file: Path) -> dict[str, Any]:
    from petitions.models import Notification
    from reports.models import CompiledReport, CompiledReportEvent, CompileState

    sent = [e for e in read_effects(effects_file) if e["channel"] == "email"]
    per_recipient = Counter(e["to"][0] for e in sent)
    compiled = Counter(
        CompiledReportEvent.objects.filter(kind=CompiledReportEvent.Kind.COMPILED).values_list("report_id", flat=True)
    )
    reports = list(CompiledReport.objects.values_list("pk", "state"))
    return {
        "emails_sent": len(sent),
        "emails_twice": sorted(k for k, n in per_recipient.items() if n > 1),
        "notifications_unsent": Notification.objects.filter(sent_at__isnull=True).count(),
        "reports_done": sum(1 for _pk, state in reports if state == CompileState.DONE),
        "reports_not_done": {str(pk): state for pk, state in reports if state != CompileState.DONE},
        "reports_compiled_twice": sorted(pk for pk, n in compiled.items() if n > 1),
    }


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench.worker_kill", description=__doc__.split("\n\n")[0])
    p.add_argument("--mode", choices=("pool", "all"), default="pool")
    p.add_argument("--tasks", type=int, default=100, help="notification tasks (one e-mail each)")
    p.add_argument("--reports", type=int, default=10, help="report compilations")
    p.add_argument("--delay-ms", type=int, default=150, help="how long each e-mail 'send' takes")
    p.add_argument("--kill-after", type=float, default=0.3, help="share of the e-mails out before the kill")
    p.add_argument("--concurrency", type=int, default=4)
    p.add_argument("--visibility-timeout", type=int, default=30, help="--mode all: Redis visibility timeout (s)")
    p.add_argument("--budget", type=int, default=300, help="seconds for the whole drill")
    p.add_argument("--database", default="civicdesk_reliab_kill")
    return p.parse_args(argv)


def _terminate(signum: int, _frame: object) -> None:
    raise SystemExit(128 + signum)  # unwinds through the finally that stops our processes


def main(argv: list[str] | None = None) -> int:
    signal.signal(signal.SIGTERM, _terminate)
    args = parse_args(argv)
    deadline = time.monotonic() + args.budget
    work = Path(tempfile.mkdtemp(prefix="civicdesk-r2-"))
    effects = work / "effects.jsonl"
    redis = OwnRedis()
    redis.start()
    log(f"redis-server pid {redis.pid} on port {redis.port}; files in {work}")
    database_url = f"postgres://postgres@127.0.0.1:5432/{args.database}"
    extra = {"CIVICDESK_EFFECT_DELAY_MS": str(args.delay_ms)}
    if args.mode == "all":
        extra["CIVICDESK_DRILL_VISIBILITY_TIMEOUT"] = str(args.visibility_timeout)
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "civicdesk.settings.faults",
            "DATABASE_URL": database_url,
            "REDIS_URL": redis.url,
            "CIVICDESK_EFFECTS_FILE": str(effects),
            **extra,
        }
    )
    worker = Worker(
        broker_url=redis.url,
        database_url=database_url,
        effects_file=effects,
        log_path=work / "worker.log",
        beat=args.mode == "all",
        concurrency=args.concurrency,
        extra_env=extra,
    )
    summary: dict[str, Any] = {"mode": args.mode, "started": f"{datetime.now(UTC):%Y-%m-%d %H:%M:%S} UTC"}
    try:
        recreate_database(args.database)
        import django

        django.setup()
        from django.core.management import call_command

        log(f"migrating {args.database}")
        call_command("migrate", verbosity=0)
        summary["queued"] = queue_work(args.tasks, args.reports)
        log(f"queued {summary['queued']}")
        worker.start()
        log(f"worker pid {worker.pid}, pool {worker.pool_pids()}")
        threshold = int(args.tasks * args.kill_after)
        while len(read_effects(effects)) < threshold and time.monotonic() < deadline:
            time.sleep(0.05)
        summary["emails_before_kill"] = len(read_effects(effects))
        summary["reports_running_at_kill"] = running_reports()
        if args.mode == "pool":
            victims = worker.pool_pids()
            for pid in victims:
                os.kill(pid, signal.SIGKILL)
            log(f"kill -9 pool processes {victims} after {summary['emails_before_kill']} e-mails")
        else:
            victims = [worker.pid or 0, *worker.pool_pids()]
            worker.kill9()
            log(f"kill -9 worker group {victims} after {summary['emails_before_kill']} e-mails; restarting")
            worker.start()
            log(f"new worker pid {worker.pid}")
        summary["killed_pids"] = victims
        killed_at = time.monotonic()
        while time.monotonic() < deadline:
            now = outcome(effects)
            if not now["notifications_unsent"] and not now["reports_not_done"]:
                break
            time.sleep(1)
        summary["seconds_to_recover"] = round(time.monotonic() - killed_at, 1)
        time.sleep(3)  # anything still arriving late (a second delivery) would show now
        summary.update(outcome(effects))
    finally:
        worker.stop()
        redis.stop()
        log("worker and redis-server stopped")
    summary["worker_lost_in_log"] = (work / "worker.log").read_text(errors="replace").count("WorkerLostError")
    ok = (
        summary["emails_sent"] == args.tasks
        and not summary["emails_twice"]
        and summary["notifications_unsent"] == 0
        and summary["reports_done"] == args.reports
        and not summary["reports_compiled_twice"]
    )
    summary["result"] = "PASS" if ok else "FAIL"
    print(json.dumps(summary, ensure_ascii=False, indent=2))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
