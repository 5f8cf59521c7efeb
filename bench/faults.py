"""Processes for the fault drills (R1 broker outage, R2 worker killed): a Redis server and
Celery workers of our own, on free loopback ports, each stopped by its own PID.

Never the shared Redis: `OwnRedis` starts `redis-server` without persistence on a free
port, so stopping it loses every queued message, as a crashed broker would.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _ping(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
    except OSError:
        return False


class OwnRedis:
    """`redis-server` on 127.0.0.1:<port>, no RDB, no AOF, in its own session."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.proc else None

    def start(self, timeout: float = 15) -> None:
        self.proc = subprocess.Popen(
            [
                *("redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""),
                *("--appendonly", "no", "--daemonize", "no", "--loglevel", "warning"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        until = time.monotonic() + timeout
        while time.monotonic() < until:
            if self.proc.poll() is not None:
                raise RuntimeError(f"redis-server on port {self.port} exited ({self.proc.returncode})")
            if _ping(self.port):
                return
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"redis-server on port {self.port} did not answer within {timeout} s")

    def stop(self) -> None:
        """Kill exactly our server (SIGKILL: a crash, not a clean shutdown)."""
        if self.proc is None:
            return
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)
        self.proc = None


class Worker:
    """A real Celery worker (prefork) with `civicdesk.settings.faults`, optionally with the
    beat scheduler embedded (`-B`), in its own process group: `kill9()` ends the master and
    its pool processes at once, as a crash of the machine or container would."""

    def __init__(
        self,
        *,
        broker_url: str,
        database_url: str,
        effects_file: Path,
        log_path: Path,
        beat: bool = False,
        concurrency: int = 2,
        extra_env: dict[str, str] | None = None,
    ) -> None:
        self.broker_url, self.database_url, self.effects_file = broker_url, database_url, effects_file
        self.log_path, self.beat, self.concurrency = log_path, beat, concurrency
        self.extra_env = extra_env or {}
        self.proc: subprocess.Popen[bytes] | None = None
        self.started = 0

    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.proc else None

    def start(self, timeout: float = 60) -> None:
        self.started += 1
        name = f"drill{os.getpid()}-{self.started}@localhost"
        cmd = [sys.executable, "-m", "celery", "-A", "civicdesk", "worker", "-n", name, "-P", "prefork"]
        cmd += ["-c", str(self.concurrency), "-l", "INFO", "--without-gossip", "--without-mingle"]
        if self.beat:
            cmd += ["-B", "-s", str(self.log_path.with_suffix(".beat-schedule"))]
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "civicdesk.settings.faults",
            "DATABASE_URL": self.database_url,
            "REDIS_URL": self.broker_url,
            "CIVICDESK_EFFECTS_FILE": str(self.effects_file),
            **self.extra_env,
        }
        mark = self.log_path.stat().st_size if self.log_path.exists() else 0
        with self.log_path.open("ab") as handle:
            self.proc = subprocess.Popen(
                cmd, cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True
            )
        until = time.monotonic() + timeout
        while time.monotonic() < until:
            if self.proc.poll() is not None:
                raise RuntimeError(f"celery worker exited ({self.proc.returncode}); see {self.log_path}")
            with self.log_path.open("rb") as handle:
                handle.seek(mark)
                if b" ready." in handle.read():
                    return
            time.sleep(0.2)
        self.kill9()
        raise RuntimeError(f"celery worker not ready within {timeout} s; see {self.log_path}")

    def pool_pids(self) -> list[int]:
        """The prefork pool processes (children of our master)."""
        if self.proc is None:
            return []
        children = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children")
        with contextlib.suppress(OSError):
            return [int(p) for p in children.read_text().split()]
        return []

    def kill9(self) -> None:
        """SIGKILL the master and every process of its group (pool, embedded beat)."""
        if self.proc is None:
            return
        pid = self.proc.pid
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pid, signal.SIGKILL)
        self.proc.wait(timeout=10)
        self.proc = None

    def stop(self) -> None:
        """Warm shutdown (SIGTERM, waits for running tasks), then SIGKILL what is left."""
        if self.proc is None:
            return
        pid = self.proc.pid
        if self.proc.poll() is None:
            os.kill(pid, signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.proc.wait(timeout=30)
        self.kill9()
