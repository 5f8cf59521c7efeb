"""The peer's harness: it stops exactly the processes it started, rebuilds its virtualenv only
when the pins change, and gives P1 and P2 its cheapest clean CPU and its best clean rate."""

import argparse
import os
import sys
import time
from pathlib import Path

import pytest

from bench.context import Run
from bench.cpu_cost import CpuCost
from bench.peer import harness
from bench.peer.harness import Peer, peer_env
from bench.server import Server, serving
from bench.wrk import WrkResult

linux_only = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads Linux /proc")

# A stand-in for gunicorn: a master that answers HTTP 200 on its port and has a "worker" child
# in its process group (its pid written to a file), as gunicorn's workers are.
DUMMY = """
import http.server, subprocess, sys
port, pid_file = int(sys.argv[1]), sys.argv[2]
child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
open(pid_file, "w").write(str(child.pid))
class Ok(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200); self.end_headers(); self.wfile.write(b"ok")
    def log_message(self, *args):
        pass
http.server.HTTPServer(("127.0.0.1", port), Ok).serve_forever()
"""


class DummyServer(Server):
    def __init__(self, tmp_path: Path, name: str, *, broken: bool = False) -> None:
        super().__init__(workers=1, threads=1, log_path=tmp_path / f"{name}.log", name=name, ready_path="/")
        self.pid_file = tmp_path / f"{name}.pid"
        self.broken = broken

    def command(self) -> list[str]:
        if self.broken:
            return [sys.executable, "-c", "raise SystemExit(3)"]
        return [sys.executable, "-c", DUMMY, str(self.port), str(self.pid_file)]

    def worker_pid(self) -> int:
        return int(self.pid_file.read_text())


def gone(pid: int, within: float = 5.0) -> bool:
    """The process has exited (it is absent, or a zombie waiting for its reaper)."""
    until = time.monotonic() + within
    while time.monotonic() < until:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            return True
        if state == "Z":
            return True
        time.sleep(0.05)
    return False


def run_with(args: dict[str, object]) -> Run:
    defaults = {"seconds": 0, "workers": 3, "threads": 4, "keep_alive": 5, "p1_seconds": 60, "p2_seconds": 30}
    return Run(
        argparse.Namespace(**{**defaults, **args}), Server(workers=1, threads=1, log_path=Path("/dev/null")), 1e12
    )


@linux_only
def test_the_peer_stops_its_servers_and_their_workers_even_when_the_body_fails(tmp_path):
    peer = Peer(run_with({}), database="unused", log_dir=tmp_path, stamp_="t")
    peer.servers = [DummyServer(tmp_path, "sync"), DummyServer(tmp_path, "gthread")]
    bystander = DummyServer(tmp_path, "bystander")  # a process the peer did not start
    bystander.start()
    try:
        with pytest.raises(RuntimeError, match="measurement failed"), peer.serving():
            masters = [s.proc.pid for s in peer.servers if s.proc]
            workers = [s.worker_pid() for s in peer.servers]
            raise RuntimeError("measurement failed")
        assert len(masters) == 2
        assert all(gone(pid) for pid in masters + workers)
        assert not gone(bystander.worker_pid(), within=0.2)
        assert bystander.proc is not None and bystander.proc.poll() is None
    finally:
        bystander.stop()
    assert gone(bystander.worker_pid())


@linux_only
def test_a_peer_model_that_does_not_start_is_left_out_and_the_other_still_stopped(tmp_path):
    peer = Peer(run_with({}), database="unused", log_dir=tmp_path, stamp_="t")
    peer.servers = [DummyServer(tmp_path, "sync", broken=True), DummyServer(tmp_path, "gthread")]
    with peer.serving():
        assert [s.name for s in peer.servers] == ["gthread"]
        worker = peer.servers[0].worker_pid()
    assert gone(worker)


@linux_only
def test_serving_stops_the_servers_started_before_one_that_failed(tmp_path):
    first, broken = DummyServer(tmp_path, "first"), DummyServer(tmp_path, "broken", broken=True)
    with pytest.raises(RuntimeError, match="exited"), serving(first, broken):
        pass
    assert gone(first.worker_pid())


def test_the_virtualenv_is_reused_until_the_pins_change(tmp_path, monkeypatch):
    venv = tmp_path / "peer-venv"
    (venv / "bin").mkdir(parents=True)
    (venv / "bin" / "python").write_text("")
    (venv / ".civicdesk-stamp").write_text(harness.stamp())

    assert harness.ensure_venv(tmp_path) == venv / "bin" / "python"  # no install: reused

    pins = tmp_path / "requirements.txt"
    pins.write_text(harness.REQUIREMENTS.read_text() + "extra==1.0\n")
    monkeypatch.setattr(harness, "REQUIREMENTS", pins)
    assert harness.stamp() != (venv / ".civicdesk-stamp").read_text()


def test_the_peers_environment_has_its_settings_and_none_of_civicdesks(monkeypatch):
    monkeypatch.setenv("DJANGO_SETTINGS_MODULE", "civicdesk.settings.bench")
    monkeypatch.setenv("DATABASE_URL", "postgres://postgres@127.0.0.1/civicdesk_bench")
    monkeypatch.setenv("CIVICDESK_SITE_URL", "http://127.0.0.1")

    env = peer_env("civicdesk_bench_peer")

    assert env["DJANGO_SETTINGS_MODULE"] == "bench.peer.settings"
    assert env["PEER_DATABASE"] == "civicdesk_bench_peer"
    assert "DATABASE_URL" not in env and "CIVICDESK_SITE_URL" not in env
    assert os.path.isdir(os.path.join(env["PYTHONPATH"], "bench", "peer"))


def result(rps: float, cpu_ms: float, *, errors: int = 0) -> WrkResult:
    seconds = 10.0
    answered = int(rps * seconds)
    return WrkResult(
        requests=answered,
        seconds=seconds,
        p50_us=1,
        p95_us=1,
        p99_us=1,
        max_us=1,
        socket_errors=errors,
        by_status={"3xx": answered, "2xx": answered},
        cpu=CpuCost(server_ms=cpu_ms - 1.0, database_ms=1.0),
    )


def test_the_yardstick_is_the_cheapest_clean_cpu_and_the_best_clean_rate(tmp_path):
    run = run_with({})
    run.refs["peer_submission_baseline_cpu_ms"] = 0.5
    peer = Peer(run, database="unused", log_dir=tmp_path, stamp_="t")
    peer.versions = {"django-helpdesk": "2.6.1"}
    peer.results = {
        "submission": {"sync 3 × 1": result(88, 17.0), "gthread 3 × 4": result(104, 19.0)},
        "view": {"sync 3 × 1": result(90, 15.0, errors=4), "gthread 3 × 4": result(95, 18.0)},
    }
    peer.errors = {"submission": {"sync 3 × 1": 0, "gthread 3 × 4": 0}, "view": {"sync 3 × 1": 4, "gthread 3 × 4": 0}}

    submission, view = peer.figures()

    assert run.refs["peer_submission_cpu_ms"] == pytest.approx(17.0)
    assert run.refs["peer_submission_rps"] == pytest.approx(104)
    assert run.refs["peer_view_cpu_ms"] == pytest.approx(18.0)  # the model with errors is no yardstick
    assert submission.ok and view.ok
    assert "CPU 34.0 × the baseline's" in submission.ratios[0]


def test_a_peer_that_could_not_be_installed_leaves_p1_and_p2_without_a_yardstick(tmp_path):
    run = run_with({})
    peer = Peer(run, database="unused", log_dir=tmp_path, stamp_="t")
    peer.unavailable = "peer not installed or seeded: pip failed"

    lines = peer.figures()

    assert [f.unavailable for f in lines] == [peer.unavailable] * 2
    assert run.refs.get("peer_submission_cpu_ms") is None
