"""The harness charges each request the CPU the server's processes spent on it."""

import subprocess
import sys
import time
from pathlib import Path

import pytest

from bench.cpu_cost import cost, snapshot

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads Linux /proc")


def _wait_for(path, seconds=60):
    until = time.monotonic() + seconds
    while not path.exists() and time.monotonic() < until:
        time.sleep(0.01)
    assert path.exists()


# A "server" that starts, says it is ready, waits for the go, then spends 0.4 s of CPU in a
# worker of its process group, which says when it is done (no sleeps to guess the machine's speed).
SERVER = """
import os, subprocess, sys, time
ready, go, done = sys.argv[1:4]
open(ready, "w").close()
while not os.path.exists(go):
    time.sleep(0.01)
burn = "import sys, time\\nuntil = time.process_time() + 0.4\\nwhile time.process_time() < until: pass\\n"
burn += "open(sys.argv[1], 'w').close()\\ntime.sleep(60)"
subprocess.Popen([sys.executable, "-c", burn, done])
time.sleep(60)
"""


def test_cpu_burnt_by_the_server_group_is_shared_among_its_requests(tmp_path):
    ready, go, done = tmp_path / "ready", tmp_path / "go", tmp_path / "done"
    server = subprocess.Popen([sys.executable, "-c", SERVER, str(ready), str(go), str(done)], start_new_session=True)
    try:
        _wait_for(ready)  # the interpreter has started: what follows is the "run"
        before = snapshot(server.pid)
        go.touch()
        _wait_for(done)
        spent = cost(before, snapshot(server.pid), requests=4)
    finally:
        subprocess.run(["pkill", "-KILL", "-g", str(server.pid)], check=False)
        server.wait()
    # then four requests are charged about 100 ms each (plus the worker's start), and nothing
    # of this test's own CPU
    assert spent is not None
    assert 95 <= spent.server_ms <= 200
    assert "ms CPU/request" in spent.line()


def test_no_requests_no_cost():
    assert cost(snapshot(1), snapshot(1), requests=0) is None


def test_the_load_generators_own_cpu_is_counted_apart():
    before = snapshot(-1)
    # a load generator run to its end by the harness (as wrk is) burns 0.4 s
    subprocess.run(
        [
            sys.executable,
            "-c",
            "import time\nuntil = time.process_time() + 0.4\nwhile time.process_time() < until: pass",
        ],
        check=True,
    )
    spent = cost(before, snapshot(-1), requests=2)
    assert spent is not None
    assert 190 <= spent.client_ms <= 300
    assert spent.server_ms == 0


# A "backend": says it is ready, waits for the go, burns 0.3 s of CPU, says it is done.
BACKEND = """
import os, sys, time
ready, go, done = sys.argv[1:4]
open(ready, "w").close()
while not os.path.exists(go):
    time.sleep(0.01)
until = time.process_time() + 0.3
while time.process_time() < until:
    pass
open(done, "w").close()
time.sleep(60)
"""


def test_only_the_servers_own_backends_are_charged(tmp_path):
    go = tmp_path / "go"
    procs = []
    for name in ("ours", "theirs"):
        argv = [str(tmp_path / f"{name}.ready"), str(go), str(tmp_path / f"{name}.done")]
        procs.append(subprocess.Popen([sys.executable, "-c", BACKEND, *argv]))
    ours = procs[0]
    try:
        for name in ("ours", "theirs"):
            _wait_for(tmp_path / f"{name}.ready")
        before = snapshot(-1, backends=[ours.pid])
        go.touch()
        for name in ("ours", "theirs"):
            _wait_for(tmp_path / f"{name}.done")
        spent = cost(before, snapshot(-1, backends=[ours.pid]), requests=1)
    finally:
        for proc in procs:
            proc.kill()
            proc.wait()
    assert spent is not None
    assert 280 <= spent.database_ms <= 450  # 0.3 s of one backend, none of the other's


def test_a_profilers_cprofile_names_the_calls_it_measured(capsys):
    from bench.cpu import print_profile

    def filing() -> int:
        return sum(range(100))

    print_profile(filing, requests=3, lines=5)
    out = capsys.readouterr().out
    assert "function calls" in out
    assert "filing" in out
