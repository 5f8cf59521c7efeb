"""`python -m bench.soak [--minutes 30]`: issue 8, R6, a soak at half the benchmark's peak.

The P3 mix of `bench.run` (one filing for every four lookups, through the real forms) at
half its connections (32 instead of 64), against gunicorn on a free loopback port, for
`--minutes` one-minute slices. After each slice: the resident memory of every gunicorn
worker, the slice's p95 and its errors. At the end, pass/fail for

- no errors: no socket error, no 4xx, no 5xx in any slice;
- memory flat: each worker's RSS at the end ≤ 110% of its RSS after the first slice;
- p95 drift: the last slice's p95 ≤ 120% of the first slice's.

Uses its own database (`civicdesk_reliab_soak`, a small generated city, reused) and, for
the cache and the (unconsumed) Celery queue, Redis database REDIS_URL (default 6379/5, emptied
before and after). The server it starts is stopped by its PID, also on error. Writes
bench/results/<UTC time>-soak.json. A 15-second warm-up slice is not counted.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from bench.city import ensure_city, ensure_database, flush_redis, setup_django
from bench.figures import ms
from bench.public_figures import PublicForms
from bench.results import RESULTS, git_commit, machine
from bench.server import Server, harness_main
from bench.wrk import Request, WrkResult, run_wrk

PEAK_CONNECTIONS = 64  # bench.run's P3


def log(message: str) -> None:
    print(f"[soak {datetime.now(UTC):%H:%M:%S}] {message}", file=sys.stderr, flush=True)


def p3_mix(forms: PublicForms) -> list[Request]:
    """bench.run's P3 mix: a filing before every fourth lookup."""
    return forms.mix(every=4)


def errors_of(r: WrkResult) -> int:
    return r.socket_errors + r.count("4xx", "5xx")


def verdict(samples: list[dict[str, Any]]) -> dict[str, Any]:
    first, last = samples[0], samples[-1]
    growth = {}
    for worker, rss in last["rss_mb"].items():
        if worker.startswith("worker") and worker in first["rss_mb"]:
            growth[worker] = round(rss / first["rss_mb"][worker] - 1, 3)
    replaced = sorted(set(first["rss_mb"]) ^ set(last["rss_mb"]))
    drift = round(last["p95_ms"] / first["p95_ms"] - 1, 3) if first["p95_ms"] else None
    errors = sum(s["errors"] for s in samples)
    checks = {
        "no_errors": errors == 0,
        "memory_flat": bool(growth) and max(growth.values()) <= 0.10 and not replaced,
        "p95_drift": drift is not None and drift <= 0.20,
    }
    return {
        "errors": errors,
        "rss_growth_per_worker": growth,
        "workers_replaced": replaced,
        "p95_first_ms": first["p95_ms"],
        "p95_last_ms": last["p95_ms"],
        "p95_drift": drift,
        "checks": checks,
        "result": "PASS" if all(checks.values()) else "FAIL",
    }


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench.soak", description=__doc__.split("\n\n")[0])
    p.add_argument("--minutes", type=int, default=30)
    p.add_argument("--connections", type=int, default=PEAK_CONNECTIONS // 2)
    p.add_argument("--database", default="civicdesk_reliab_soak")
    p.add_argument("--workers", type=int, default=int(os.environ.get("BENCH_WORKERS", "3")))
    p.add_argument("--threads", type=int, default=int(os.environ.get("BENCH_THREADS", "4")))
    p.add_argument("--dossiers", type=int, default=20_000)
    p.add_argument("--petitions", type=int, default=5_000)
    p.add_argument("--visits", type=int, default=3_000)
    p.add_argument("--timeout", type=int, default=5, help="wrk's per-request timeout in seconds (bench.run: 5)")
    p.add_argument("--harvest", type=int, default=50, help="petitions filed to collect codes for the lookups")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    return harness_main(lambda: soak(parse_args(argv)))


def soak(args: argparse.Namespace) -> int:
    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/5")
    started_at = datetime.now(UTC)
    ensure_database(args.database)
    setup_django(args.database)
    from django.core.management import call_command

    log("migrating")
    call_command("migrate", verbosity=0)
    city = ensure_city(args.dossiers, args.petitions, args.visits, date.today())
    flush_redis()
    stamp = started_at.strftime("%Y%m%dT%H%M%SZ")
    gunicorn_log = Path(tempfile.gettempdir()) / f"civicdesk-soak-{stamp}-gunicorn.log"
    server = Server(workers=args.workers, threads=args.threads, log_path=gunicorn_log)
    forms = PublicForms(server, harvest=args.harvest)
    samples: list[dict[str, Any]] = []
    try:
        server.start()
        forms.prepare_filing()
        forms.prepare_lookups()
        mix, cookie = p3_mix(forms), {"Cookie": forms.filing_cookie}
        log(f"warm-up 15 s at {args.connections} connections ({len(mix)} requests in the mix)")
        run_wrk(server.base_url, mix, connections=args.connections, seconds=15, headers=cookie, timeout_s=args.timeout)
        for minute in range(1, args.minutes + 1):
            r = run_wrk(
                server.base_url, mix, connections=args.connections, seconds=60, headers=cookie, timeout_s=args.timeout
            )
            sample = {
                "minute": minute,
                "rps": round(r.rps, 1),
                "p95_ms": r.p95_us / 1000,
                "p99_ms": r.p99_us / 1000,
                "errors": errors_of(r),
                "by_status": r.by_status,
                "socket_errors": r.socket_errors,
                "rss_mb": server.rss_mb(),
                "loadavg": os.getloadavg()[0],
            }
            samples.append(sample)
            workers = {k: v for k, v in sample["rss_mb"].items() if k.startswith("worker")}
            log(
                f"minute {minute}: {r.rps:.0f} req/s, p95 {ms(r.p95_us)}, {sample['errors']} errors, "
                f"RSS {sorted(workers.values())} MB, load {sample['loadavg']:.1f}"
            )
    finally:
        server.stop()
        flush_redis()
    summary = verdict(samples) if samples else {"result": "FAIL", "reason": "no slice completed"}
    result = {
        "timestamp": started_at.isoformat(),
        "finished": datetime.now(UTC).isoformat(),
        "minutes": args.minutes,
        "connections": args.connections,
        "wrk_timeout_s": args.timeout,
        "mix": "bench.run P3: 1 filing per 4 lookups",
        "city": city,
        "commit": git_commit(),
        "machine": machine(),
        "server": {**server.describe(), "log": str(gunicorn_log)},
        "samples": samples,
        **summary,
    }
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"{stamp}-soak.json"
    out.write_text(json.dumps(result, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
    print(json.dumps({k: result[k] for k in ("minutes", "connections", *summary)}, ensure_ascii=False, indent=2))
    log(f"results written to {out}")
    return 0 if summary["result"] == "PASS" else 1


if __name__ == "__main__":
    sys.exit(main())
