"""`python -m bench.outage [--filings 1000]`: issue 8, R1 at full size.

Runs `tests/security/test_outage.py` (the broker-outage test: filings through the real
filing view while our own Redis is down, then a real worker + beat relays every
notification within 60 s of Redis' return, none twice) with CIVICDESK_R1_FILINGS=1000,
on PostgreSQL (`DATABASE_URL`, default the database civicdesk_reliab; pytest makes
`test_<name>`). CI runs the same test with 100 filings. Bounded by --budget; prints the
test's own summary line ("R1: 1000 filings relayed N s after Redis came back") and the
wall time, and exits with pytest's status.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.outage", description=__doc__.split("\n\n")[0])
    p.add_argument("--filings", type=int, default=1000)
    p.add_argument("--budget", type=int, default=1800, help="seconds before the run is stopped")
    args = p.parse_args(argv)
    env = {
        **os.environ,
        "CIVICDESK_R1_FILINGS": str(args.filings),
        "DATABASE_URL": os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/civicdesk_reliab"),
    }
    cmd = [sys.executable, "-m", "pytest", "tests/security/test_outage.py", "-k", "redis_is_down"]
    cmd += ["-p", "no:cacheprovider", "-q", "-s", "-W", "ignore"]
    started = time.monotonic()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        stdout, _ = proc.communicate(timeout=args.budget)
    except subprocess.TimeoutExpired:
        # SIGINT, not SIGKILL: pytest unwinds, and the test's finally blocks stop the worker
        # and the Redis server it started (they run in their own sessions).
        proc.send_signal(signal.SIGINT)
        try:
            proc.communicate(timeout=90)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
        print(f"R1 drill: stopped after the {args.budget} s budget", file=sys.stderr)
        return 1
    lines = [ln for ln in stdout.splitlines() if ln.startswith("R1:") or " passed" in ln or " failed" in ln]
    print("\n".join(lines) or stdout[-3000:])
    print(f"wall time {time.monotonic() - started:.0f} s for {args.filings} filings (pytest exit {proc.returncode})")
    return proc.returncode


if __name__ == "__main__":
    sys.exit(main())
