"""An interrupted harness leaves no server behind: `bench.run` (through `harness_main`) started
in a child process with real gunicorns, then sent SIGTERM, SIGINT, SIGHUP or SIGKILL, must
leave none of their masters and workers running, wherever it was (measuring, or waiting for a
server to start)."""

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bench.server import ROOT
from tests.bench.test_peer import gone

linux_only = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads Linux /proc")

# A harness like bench.run's main: harness_main around a body that starts two real gunicorns
# through `serving`, as the measurements do, prints their masters' pids and waits to be
# interrupted. With "unready" the second one's ready page never answers 200 and it is started
# on its own: the body is interrupted inside its start(), before anything could stop it.
HARNESS = """
import json, sys, time
from pathlib import Path
from bench.server import Server, harness_main, serving

log_dir, mode = Path(sys.argv[1]), sys.argv[2]
app = ["tests.bench.hello_wsgi:app", "--graceful-timeout", "2"]

def body():
    measured = Server(workers=2, threads=2, log_path=log_dir / "a.log", name="measured", app=app, ready_path="/")
    if mode == "unready":
        starting = Server(workers=2, threads=1, log_path=log_dir / "b.log", name="starting", app=app,
                          ready_path="/never")
        with serving(measured):
            print(json.dumps([measured.proc.pid]), flush=True)
            starting.start()
    other = Server(workers=2, threads=1, log_path=log_dir / "b.log", name="other", app=app, ready_path="/")
    with serving(measured, other):
        print(json.dumps([measured.proc.pid, other.proc.pid]), flush=True)
        time.sleep(120)
    return 0

sys.exit(harness_main(body))
"""


def children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def gunicorns_of(harness: int) -> list[int]:
    """Every process below the harness (masters, workers), read from /proc."""
    found, todo = [], children(harness)
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo += children(pid)
    return found


def start_harness(tmp_path: Path, mode: str) -> tuple[subprocess.Popen[str], list[int], list[int]]:
    """The harness running, its masters' pids (as it printed them) and every process below it
    once each master has its workers."""
    proc = subprocess.Popen(
        [sys.executable, "-c", HARNESS, str(tmp_path), mode],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert proc.stdout is not None
    masters = json.loads(proc.stdout.readline() or "[]")
    assert masters, "the harness printed no server"
    expected = 6  # two masters, two workers each
    until = time.monotonic() + 30
    below = gunicorns_of(proc.pid)
    while time.monotonic() < until and len(below) < expected:
        time.sleep(0.1)
        below = gunicorns_of(proc.pid)
    assert all(children(m) for m in masters), "a master without workers"
    return proc, masters, below


def stopped_by_the_harness(proc: subprocess.Popen[str]) -> list[int]:
    """The masters the harness says it stopped (its log, on stderr), not the kernel's
    parent-death signal after it exited."""
    assert proc.stderr is not None
    return [int(line.split("gunicorn ")[1].split()[0]) for line in proc.stderr if line.rstrip().endswith(" stopped")]


def survivors(below: list[int], within: float = 5.0) -> list[int]:
    """The processes of `below` still running; killed (their process groups) so that a failing
    test leaves nothing behind."""
    left = [pid for pid in below if not gone(pid, within=within)]
    for pid in left:
        with contextlib.suppress(OSError):
            os.killpg(os.getpgid(pid), signal.SIGKILL)
    return left


@linux_only
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT, signal.SIGHUP])
def test_a_signal_to_the_harness_stops_every_gunicorn_it_started(tmp_path, signum):
    proc, masters, below = start_harness(tmp_path, "measuring")
    assert len(masters) == 2 and len(below) == 6  # two masters, two workers each

    proc.send_signal(signum)

    assert proc.wait(timeout=60) == 128 + signum
    assert survivors(below) == []
    assert sorted(stopped_by_the_harness(proc)) == sorted(masters)


@linux_only
def test_a_server_interrupted_while_it_starts_is_stopped_too(tmp_path):
    proc, masters, below = start_harness(tmp_path, "unready")
    assert len(masters) == 1 and len(below) == 6  # the measured server's master and workers, and the starting one's

    proc.send_signal(signal.SIGTERM)

    assert proc.wait(timeout=60) == 128 + signal.SIGTERM
    assert survivors(below) == []
    stopped = stopped_by_the_harness(proc)
    assert len(stopped) == 2 and masters[0] in stopped  # the starting one too


@linux_only
def test_a_harness_killed_outright_takes_its_gunicorns_with_it(tmp_path):
    proc, masters, below = start_harness(tmp_path, "measuring")
    assert len(masters) == 2 and len(below) == 6

    proc.kill()  # no handler runs: the kernel's parent-death signal ends each master

    assert proc.wait(timeout=10) == -signal.SIGKILL
    assert survivors(below, within=20) == []
