"""`python -m bench.run [--full]` (`make bench`, `make bench FULL=1`): the figures of
docs/performance.md, each judged on ratios measured in the same run.

Creates or reuses the PostgreSQL database `civicdesk_bench` on 127.0.0.1:5432, migrates it,
generates the city (1M dossiers, 10M with --full; reused when the row counts already match),
installs and seeds the peer (django-helpdesk, its own virtualenv and database), starts gunicorn
on a free loopback port, measures the peer's public submission and view right before P1 and P2,
and every figure (with wrk, or a command), each between two /healthz/ baselines; stops exactly
the servers it started (even on error, SIGTERM, Ctrl-C or SIGHUP), prints the peer's lines then
one line per figure, and writes bench/results/<time>-<scale>.json. Figures whose page or
command does not exist yet print `MISS (not available: …)`.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from bench.city import (
    ensure_city,
    ensure_database,
    ensure_users,  # bench.profile_queue imports it from here
    flush_redis,
    setup_django,
)
from bench.context import BudgetSpent, NotAvailable, Run, bracket
from bench.figures import Figure, combine, format_line, judge
from bench.peer.harness import Peer
from bench.results import git_commit, machine, write
from bench.server import ROOT, Server, harness_main, log, serving
from bench.table import FIGURES, Spec, figures_of
from bench.wrk import WrkResult, WrkUnavailable, ensure_wrk

SCALES = {"1M": (1_000_000, 100_000, 50_000), "10M": (10_000_000, 1_000_000, 500_000)}


def guarded(fig: Figure, step: Callable[[], object]) -> None:
    """Run one measurement; a failure becomes that figure's MISS, not the run's crash."""
    try:
        step()
    except NotAvailable as exc:
        fig.skip(str(exc))
    except BudgetSpent as exc:
        fig.skip(f"not run: {exc}")
    except Exception as exc:
        log(f"{fig.id} failed: {exc!r}")
        fig.value = fig.value or "failed"
        fig.fail(f"error: {str(exc)[:200]}")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench.run", description=(__doc__ or "").split("\n\n")[0])
    p.add_argument("--full", action="store_true", help="10M dossiers (1M petitions, 500k visits) instead of 1M")
    p.add_argument("--database", default="civicdesk_bench", help="the peer's is this name + '_peer'")
    p.add_argument("--dossiers", type=int, help="override the scale's dossier count (a light smoke run)")
    p.add_argument("--petitions", type=int)
    p.add_argument("--visits", type=int)
    p.add_argument("--seconds", type=int, default=0, help="cap every wrk run at this many seconds")
    p.add_argument(
        "--baseline-seconds", type=int, default=5, help="each baseline (one before and after every measurement)"
    )
    p.add_argument("--p1-seconds", type=int, default=60, help="also the peer's submission, per server model")
    p.add_argument("--p2-seconds", type=int, default=30, help="also the peer's public view, per server model")
    p.add_argument("--p3-seconds", type=int, default=30)
    p.add_argument("--page-seconds", type=int, default=20)
    p.add_argument("--workers", type=int, default=int(os.environ.get("BENCH_WORKERS", "3")))
    p.add_argument("--threads", type=int, default=int(os.environ.get("BENCH_THREADS", "4")))
    p.add_argument(
        "--keep-alive",
        type=int,
        default=int(os.environ.get("BENCH_KEEPALIVE", "5")),
        help="gunicorn's --keep-alive in seconds (0: close every connection after its response)",
    )
    p.add_argument("--harvest", type=int, default=50, help="petitions filed to collect codes for P2")
    p.add_argument(
        "--budget",
        type=int,
        help="seconds for the measurements, once the city and the peer are ready (default 1500, 3600 with --full)",
    )
    p.add_argument(
        "--rounds",
        type=int,
        default=int(os.environ.get("BENCH_ROUNDS", "3")),
        help="each web figure (and the peer before P1 and P2) in this many rounds of a share of its duration; "
        "judged on the median of the rounds' ratios",
    )
    p.add_argument("--only", help="comma-separated figure ids to run, e.g. P1,P2")
    p.add_argument("--no-peer", action="store_true", help="skip the peer (P1's and P2's ratios then MISS)")
    return p.parse_args(argv)


def measure_all(run: Run, specs: list[Spec], figures: dict[str, Figure], peer: Peer | None) -> None:
    """Every figure in the table's order, each web figure in `--rounds` rounds of a share of its
    duration: a round is the peer's page on each server model (before P1 and P2), then the
    figure, then a baseline. Each round is judged against its own references (the mean of the
    baselines around it, the peer of the same minutes), and the figure on the median of its
    rounds' ratios (bench.figures.combine). A command (P6, P7) is one round between two
    baselines at 16 connections (it times its best of three itself)."""
    if not specs:
        return
    before = run.baseline(specs[0].connections or 16)  # the baseline alone checks the harness
    with peer.serving() if peer is not None else contextlib.nullcontext():
        for index, spec in enumerate(specs):
            own = spec.connections or 16
            following = (specs[index + 1].connections or 16) if index + 1 < len(specs) else own
            rounds = max(1, run.args.rounds) if spec.web else 1
            done: list[Figure] = []
            for number in range(rounds):
                run.rounds, run.warm = rounds, number == 0
                try:
                    after = measure_round(run, spec, peer, before, following if number == rounds - 1 else own)
                finally:
                    run.rounds, run.warm = 1, True
                done.append(run.state.pop("round"))
                before = after or before
                if after is None:  # the budget is spent: no further round
                    break
            figures[spec.id] = combine(figures[spec.id], done)
    cpus = sorted(r.cpu.total_ms for _, r in run.baselines if r.cpu)
    run.refs["baseline_cpu_ms"] = cpus[len(cpus) // 2] if cpus else None  # the run's median, for the JSON


def measure_round(
    run: Run, spec: Spec, peer: Peer | None, before: WrkResult | None, next_connections: int
) -> WrkResult | None:
    """One round of `spec`: the peer (P1, P2), the figure, the baseline after it; leaves the
    round's figure, with its references among its numbers, in run.state["round"]. Returns the
    baseline after it (None once the budget is spent)."""
    peer_numbers: dict[str, float | None] = {}
    if peer is not None and spec.id in ("P1", "P2"):
        kind = "submission" if spec.id == "P1" else "view"
        peer_step(peer.measure_submission if kind == "submission" else peer.measure_view, spec.id)
        peer_numbers = peer.round_numbers(kind)
    fig = spec.new_figure()
    run.state["round"] = fig
    guarded(fig, lambda: spec.drives.measure(run, fig, spec))
    try:
        after: WrkResult | None = run.baseline(next_connections)
    except BudgetSpent:
        after = None
    reference = bracket(before, after)
    fig.numbers.update({**peer_numbers, "baseline_cpu_ms": reference})
    fig.metrics["baselines"] = [r.as_dict() for r in (before, after) if r is not None]
    for key, value in peer_numbers.items():
        fig.metrics[key] = value
    if peer is not None and spec.id in ("P1", "P2"):
        run.refs.setdefault(f"peer_{'submission' if spec.id == 'P1' else 'view'}_baseline_cpu_ms", reference)
    run.refs[f"{spec.id}_baseline_cpu_ms"] = reference
    settled = getattr(spec.drives, "with_baseline", None)
    if settled is not None and fig.value:
        settled(run, fig)
    return after


def peer_step(step: Callable[[], None], figure_id: str) -> None:
    try:
        step()
    except Exception as exc:  # the peer's failure leaves P1/P2 without a yardstick, not failed
        log(f"the peer before {figure_id} failed: {exc!r}")


def main(argv: list[str] | None = None) -> int:
    # SIGTERM, Ctrl-C or a closed terminal stop every server started (its gunicorns, the peer's).
    return harness_main(lambda: measure_and_report(parse_args(argv)))


def measure_and_report(args: argparse.Namespace) -> int:
    started_at = datetime.now(UTC)
    load_at_start = os.getloadavg()
    scale = "10M" if args.full else "1M"
    dossiers, petitions, visits = SCALES[scale]
    if args.dossiers is not None:
        dossiers = args.dossiers
        scale = f"{dossiers:,}".replace(",", "_")
    petitions = args.petitions if args.petitions is not None else petitions
    visits = args.visits if args.visits is not None else visits
    only = set(args.only.upper().split(",")) if args.only else None

    ensure_database(args.database)
    setup_django(args.database)
    from django.core.management import call_command
    from django.utils import timezone

    log("migrating")
    call_command("migrate", verbosity=0)
    today = timezone.localdate()
    city = ensure_city(dossiers, petitions, visits, today)
    flush_redis()
    figures = figures_of(FIGURES, only, args.only or "")
    try:
        ensure_wrk()
    except WrkUnavailable as exc:
        for spec in FIGURES:
            if spec.web and not figures[spec.id].unavailable:
                figures[spec.id].skip(str(exc))
    chosen = [s for s in FIGURES if not figures[s.id].unavailable]

    stamp = started_at.strftime("%Y%m%dT%H%M%SZ")
    log_dir = Path(tempfile.gettempdir())
    gunicorn_log = log_dir / f"civicdesk-bench-{stamp}-gunicorn.log"
    server = Server(
        workers=args.workers,
        threads=args.threads,
        log_path=gunicorn_log,
        keep_alive=args.keep_alive,
        database=args.database,
    )
    # The budget covers the measurements, not the city's generation (1–6 minutes at 1M on a
    # shared machine) nor the peer's installation.
    run = Run(args, server, deadline=0.0)
    run.users = ensure_users()
    run.state.update(today=today, scale=scale)
    peer = None
    if not args.no_peer and any(s.id in ("P1", "P2") for s in chosen):
        peer = Peer(run, database=f"{args.database}_peer", log_dir=log_dir, stamp_=stamp)
        peer.prepare()
    run.deadline = time.monotonic() + (args.budget or (3600 if args.full else 1500))
    server_rss: dict[str, float] = {}
    try:
        with serving(server):
            measure_all(run, chosen, figures, peer)
            server_rss = server.rss_mb()
    finally:
        flush_redis()

    peer_figures = peer.figures() if peer is not None else no_peer(args)
    for spec in FIGURES:
        if not figures[spec.id].unavailable:
            judge(figures[spec.id], spec.rules, run.refs)
    lines = [format_line(f) for f in [*peer_figures, *figures.values()]]
    print("\n".join(lines), flush=True)
    result = {
        "timestamp": started_at.isoformat(),
        "finished": datetime.now(UTC).isoformat(),
        "scale": scale,
        "sizes": {"dossiers": dossiers, "petitions": petitions, "visits": visits},
        "city": city,
        "commit": git_commit(),
        "machine": {**machine(), "loadavg_at_start": load_at_start, "loadavg_at_end": os.getloadavg()},
        "server": {**server.describe(), "log": str(gunicorn_log), "rss_mb_at_end": server_rss},
        "settings": "civicdesk.settings.bench (DEBUG off, CONN_MAX_AGE 600, CIVICDESK_RATELIMIT_ENABLED False)",
        "baselines": [{"connections": c, **r.as_dict()} for c, r in run.baselines],
        "references": run.refs,
        "peer": peer.describe() if peer is not None else None,
        "peer_figures": [f.as_dict() for f in peer_figures],
        "figures": [f.as_dict() for f in figures.values()],
        "explain": run.state.get("explain", {}),
        "lines": lines,
    }
    out = write(stamp, scale, result)
    log(f"results written to {out.relative_to(ROOT)}")
    return 0


def no_peer(args: argparse.Namespace) -> list[Figure]:
    why = "--no-peer" if args.no_peer else "neither P1 nor P2 is measured in this run"
    return [Figure("peer", label, "the yardstick of P1 and P2").skip(why) for label in ("submission", "public view")]


if __name__ == "__main__":
    sys.exit(main())
