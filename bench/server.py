"""A gunicorn server the harness starts, measures and stops: CivicDesk's, or the peer's.

Each server runs in its own process group (its own session), so that `stop()` ends exactly
that master and its workers (also on error: callers stop it in a `finally`), and so that the
CPU its processes spend during a wrk run is charged to it (`bench/cpu_cost.py`).

An interrupted harness stops them too (`harness_main`): SIGTERM, SIGINT and SIGHUP become an
exit that unwinds through those `finally` blocks, then `stop_every_server()` stops whatever a
start left. A harness killed outright (SIGKILL) cannot
stop anything: on Linux each master is started with the kernel's parent-death signal, so it
gets SIGTERM the moment the harness dies, and its workers follow it.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.cpu_cost import cost, snapshot
from bench.figures import ms
from bench.web import Client
from bench.wrk import Request, WrkResult, run_wrk

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
PR_SET_PDEATHSIG = 1  # linux/prctl.h
# The servers this process started and has not stopped yet, by master pid.
_RUNNING: dict[int, Server] = {}


def log(message: str) -> None:
    print(f"[bench {datetime.now(UTC):%H:%M:%S}] {message}", file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """gunicorn on 127.0.0.1:<free port>, in its own process group: stop() ends exactly
    that master and its workers. `app` is the command line after `python -m gunicorn` (the
    application and its own options); the harness adds the port, the process and thread
    counts, the worker class (sync for one thread, gthread otherwise) and the keep-alive."""

    def __init__(
        self,
        *,
        workers: int,
        threads: int,
        log_path: Path,
        keep_alive: int = 5,
        name: str = "CivicDesk",
        python: str = PY,
        app: Sequence[str] = ("--config", str(ROOT / "gunicorn.conf.py")),
        env: dict[str, str] | None = None,
        ready_path: str = "/healthz/",
        database: str = "",
    ) -> None:
        self.workers, self.threads, self.log_path = workers, threads, log_path
        self.keep_alive, self.name, self.python, self.app = keep_alive, name, python, list(app)
        self.env = env if env is not None else os.environ.copy()
        self.ready_path, self.database = ready_path, database
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def worker_class(self) -> str:
        return "gthread" if self.threads > 1 else "sync"

    @property
    def app_name(self) -> str:
        """The application_name its database connections carry (libpq reads PGAPPNAME), so
        that pg_stat_activity tells them from other sessions' on the same database."""
        return f"bench-{self.name}-{self.port}"

    @property
    def group(self) -> int:
        return self.proc.pid if self.proc else -1

    def describe(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "server": "gunicorn",
            "worker_class": self.worker_class,
            "workers": self.workers,
            "threads": self.threads,
            "keep_alive": self.keep_alive,
            "app": " ".join(self.app),
            "database": self.database,
            "pid": self.proc.pid if self.proc else None,
        }

    def command(self) -> list[str]:
        return [
            self.python,
            "-m",
            "gunicorn",
            *self.app,
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(self.workers),
            "--threads",
            str(self.threads),
            "--worker-class",
            self.worker_class,
            "--keep-alive",
            str(self.keep_alive),
            "--log-level",
            "warning",
        ]

    def start(self) -> None:
        handle = self.log_path.open("ab")
        env = {**self.env, "PGAPPNAME": self.app_name}
        self.proc = subprocess.Popen(
            self.command(),
            cwd=ROOT,
            env=env,
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=_death_signal(),  # only prctl and getppid between fork and exec
        )
        _RUNNING[self.proc.pid] = self
        handle.close()
        log(
            f"{self.name} gunicorn pid {self.proc.pid} on {self.base_url} ({self.worker_class}, "
            f"{self.workers} workers x {self.threads} threads)"
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} gunicorn exited ({self.proc.returncode}); see {self.log_path}")
            try:
                with urllib.request.urlopen(self.base_url + self.ready_path, timeout=2) as resp:  # noqa: S310
                    if resp.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError(f"{self.name} gunicorn did not answer {self.ready_path} within 60 s; see {self.log_path}")

    def rss_mb(self) -> dict[str, float]:
        """Resident memory of the master and of each worker (Linux /proc), in MB."""
        if self.proc is None or self.proc.poll() is not None:
            return {}
        out: dict[str, float] = {}
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                status = (entry / "status").read_text()
            except OSError:
                continue
            ppid = re.search(r"^PPid:\s+(\d+)", status, re.M)
            rss = re.search(r"^VmRSS:\s+(\d+)", status, re.M)
            if rss and (int(entry.name) == self.proc.pid or (ppid and int(ppid.group(1)) == self.proc.pid)):
                role = "master" if int(entry.name) == self.proc.pid else f"worker {entry.name}"
                out[role] = round(int(rss.group(1)) / 1024, 1)
        return out

    def stop(self) -> None:
        if self.proc is None:
            return
        pid = self.proc.pid
        if self.proc.poll() is None:
            os.kill(pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                log(f"{self.name} gunicorn {pid} ignored SIGTERM; killing its process group")
        with contextlib.suppress(ProcessLookupError):  # any worker left in the server's own process group
            os.killpg(pid, signal.SIGKILL)
        if self.proc.poll() is None:
            self.proc.wait(timeout=5)
        _RUNNING.pop(pid, None)
        log(f"{self.name} gunicorn {pid} stopped")


def _death_signal() -> Callable[[], None] | None:
    """What a server's master runs between fork and exec on Linux: ask the kernel for SIGTERM
    when the harness dies (PR_SET_PDEATHSIG; the thread that starts the server must live as
    long as it, as the harness's main thread does), and exit at once when the harness is
    already gone. None elsewhere. prctl is looked up here, before the fork."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    harness = os.getpid()

    def die_with_the_harness() -> None:
        prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
        if os.getppid() != harness:
            os._exit(1)

    return die_with_the_harness


def running_servers() -> list[Server]:
    """The servers this process started and has not stopped, oldest first."""
    return list(_RUNNING.values())


def stop_every_server() -> None:
    """Stop every server this process started and has not stopped, newest first: the harness's
    last step, whatever its own `finally` blocks managed."""
    for server in reversed(running_servers()):
        try:
            server.stop()
        except Exception as exc:  # stop the others all the same
            log(f"stopping {server.name} failed: {exc!r}")


def kill_every_server() -> None:
    """SIGKILL every started server's process group at once (a second interruption)."""
    for pid in list(_RUNNING):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pid, signal.SIGKILL)
        _RUNNING.pop(pid, None)


def stop_on_signals(signums: Sequence[int] = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)) -> None:
    """SIGTERM (`kill`, make's own on its SIGTERM), SIGINT (Ctrl-C) and SIGHUP (the terminal
    closed) exit the harness through its `finally` blocks, which stop the servers it started
    (exit status 128 + the signal). A second one while they stop kills the servers' process
    groups at once and exits."""
    interrupted: list[int] = []

    def handler(signum: int, _frame: object) -> None:
        if interrupted:
            log(f"signal {signum} again: killing the servers still running")
            kill_every_server()
            os._exit(128 + signum)
        interrupted.append(signum)
        log(f"signal {signum}: stopping the servers started, then exiting")
        raise SystemExit(128 + signum)

    for signum in signums:
        signal.signal(signum, handler)


def harness_main(body: Callable[[], int]) -> int:
    """Run a harness's `body` so that every server it starts is stopped, however it ends: its
    return, an exception, SIGTERM, SIGINT or SIGHUP (`stop_on_signals`), then
    `stop_every_server()` for any a step left (a start interrupted before it was ready)."""
    stop_on_signals()
    try:
        return body()
    finally:
        stop_every_server()


def settle(server: Server) -> None:
    """Wait (up to 30 s) until the server answers its ready page promptly again: requests
    still running from the previous measurement must not slow the next one."""
    client = Client(server.base_url, timeout=60)
    until = time.monotonic() + 30
    while time.monotonic() < until:
        started = time.perf_counter()
        try:
            client.get(server.ready_path)
        except OSError:  # still swamped: wait on
            continue
        if time.perf_counter() - started < 0.1:
            return
        time.sleep(0.5)


def backends_of(server: Server) -> list[int]:
    """The pids of the PostgreSQL backends serving `server` (its connections' application_name)."""
    import psycopg2

    conn = psycopg2.connect(host="127.0.0.1", port=5432, user="postgres", dbname="postgres", connect_timeout=5)
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT pid FROM pg_stat_activity WHERE application_name = %s", [server.app_name])
            return [int(row[0]) for row in cur.fetchall()]
    finally:
        conn.close()


def measure(server: Server, requests: list[Request], *, connections: int, seconds: int, cookie: str = "") -> WrkResult:
    """One wrk run against `server`, with the CPU its process group and its PostgreSQL backends
    spent on each request answered. A backend opened during the run is charged from its start;
    one closed during it is lost (the servers keep persistent connections)."""
    settle(server)
    headers = {"Cookie": cookie} if cookie else {}
    before = snapshot(server.group, backends_of(server))
    result = run_wrk(server.base_url, requests, connections=connections, seconds=seconds, headers=headers)
    after = snapshot(server.group, backends_of(server))
    result.cpu = cost(before, after, sum(result.by_status.values()))
    log(
        f"  {server.name} {server.worker_class} {requests[0].method} {requests[0].path[:60]} c={connections}: "
        f"{result.rps:.0f} req/s, p95 {ms(result.p95_us)}, statuses {result.by_status}, "
        f"socket errors {result.socket_errors}" + (f", {result.cpu.line()}" if result.cpu else "")
    )
    return result


@contextlib.contextmanager
def serving(*servers: Server) -> Iterator[None]:
    """Start every server; on the way out (also when a start or the body fails) stop every
    one that was started, and only those."""
    started: list[Server] = []
    try:
        for server in servers:
            started.append(server)
            server.start()
        yield
    finally:
        for server in reversed(started):
            try:
                server.stop()
            except Exception as exc:  # stop the others all the same
                log(f"stopping {server.name} failed: {exc!r}")
