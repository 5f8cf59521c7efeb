"""Run wrk with bench/lua/requests.lua and read its WRKJSON line."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from bench.cpu_cost import CpuCost

SCRIPT = Path(__file__).with_name("lua") / "requests.lua"


class WrkUnavailable(RuntimeError):
    pass


def ensure_wrk() -> str:
    """The wrk binary, installing the Debian package when it is missing and we may."""
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(
            ["apt-get", "install", "-y", "-q", "wrk"], check=False, timeout=300, env=env, capture_output=True
        )
        found = shutil.which("wrk")
        if found:
            return found
    raise WrkUnavailable("wrk is not installed (apt-get install wrk)")


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    body: str = ""

    def line(self) -> str:
        return f"{self.method}\t{self.path}\t{self.body}" if self.body else f"{self.method}\t{self.path}"


@dataclass
class WrkResult:
    requests: int
    seconds: float
    p50_us: int
    p95_us: int
    p99_us: int
    max_us: int
    socket_errors: int
    by_status: dict[str, int]
    cpu: CpuCost | None = None  # what the server's processes spent, per request (set by the harness)
    timeouts: int = 0  # of socket_errors: requests wrk gave up waiting for (its --timeout)

    @property
    def dropped(self) -> int:
        """Connections refused, reset or failed to write: the server's failures, not its latency."""
        return self.socket_errors - self.timeouts

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def count(self, *classes: str) -> int:
        return sum(self.by_status.get(c, 0) for c in classes)

    def as_dict(self) -> dict[str, object]:
        return {
            "requests": self.requests,
            "seconds": round(self.seconds, 2),
            "rps": round(self.rps, 1),
            "p50_ms": self.p50_us / 1000,
            "p95_ms": self.p95_us / 1000,
            "p99_ms": self.p99_us / 1000,
            "max_ms": self.max_us / 1000,
            "socket_errors": self.socket_errors,
            "timeouts": self.timeouts,
            "by_status": self.by_status,
            **({"cpu_per_request": self.cpu.as_dict()} if self.cpu else {}),
        }


def merge(results: list[WrkResult]) -> WrkResult:
    """Several rounds of the same requests as one result: their requests, seconds, statuses and
    errors added, CPU per request weighted by each round's requests, latencies the median
    round's (a latency percentile cannot be added up), the longest the longest."""
    if len(results) == 1:
        return results[0]
    answered = [sum(r.by_status.values()) for r in results]
    total = sum(answered)
    cpu = None
    if total and all(r.cpu for r in results):
        cpu = CpuCost(
            server_ms=sum(r.cpu.server_ms * n for r, n in zip(results, answered, strict=True) if r.cpu) / total,
            database_ms=sum(r.cpu.database_ms * n for r, n in zip(results, answered, strict=True) if r.cpu) / total,
            client_ms=sum(r.cpu.client_ms * n for r, n in zip(results, answered, strict=True) if r.cpu) / total,
        )
    middle = sorted(results, key=lambda r: r.p95_us)[(len(results) - 1) // 2]
    statuses: dict[str, int] = {}
    for r in results:
        for status, n in r.by_status.items():
            statuses[status] = statuses.get(status, 0) + n
    return WrkResult(
        requests=sum(r.requests for r in results),
        seconds=sum(r.seconds for r in results),
        p50_us=middle.p50_us,
        p95_us=middle.p95_us,
        p99_us=middle.p99_us,
        max_us=max(r.max_us for r in results),
        socket_errors=sum(r.socket_errors for r in results),
        by_status=statuses,
        cpu=cpu,
        timeouts=sum(r.timeouts for r in results),
    )


def parse_output(stdout: str) -> WrkResult:
    for line in stdout.splitlines():
        if line.startswith("WRKJSON "):
            data = json.loads(line[len("WRKJSON ") :])
            return WrkResult(
                requests=data["requests"],
                seconds=data["duration_us"] / 1e6,
                p50_us=data["p50_us"],
                p95_us=data["p95_us"],
                p99_us=data["p99_us"],
                max_us=data["max_us"],
                socket_errors=data["connect_errors"] + data["read_errors"] + data["write_errors"] + data["timeouts"],
                by_status={f"{k[1]}xx": data[k] for k in ("s1", "s2", "s3", "s4", "s5")},
                timeouts=data["timeouts"],
            )
    raise RuntimeError(f"wrk printed no result line:\n{stdout[-2000:]}")


def run_wrk(
    base_url: str,
    requests: list[Request],
    *,
    connections: int,
    seconds: int,
    threads: int = 2,
    headers: dict[str, str] | None = None,
    timeout_s: int = 5,
) -> WrkResult:
    """Drive `requests` (cycled) for `seconds`; wrk is killed if it overruns by 30 s."""
    binary = ensure_wrk()
    with tempfile.NamedTemporaryFile("w", suffix=".req", delete=False, encoding="utf-8") as handle:
        handle.write("\n".join(r.line() for r in requests) + "\n")
        path = handle.name
    try:
        cmd = [
            binary,
            f"-t{min(threads, connections)}",
            f"-c{connections}",
            f"-d{seconds}s",
            f"--timeout={timeout_s}s",
            "-s",
            str(SCRIPT),
        ]
        for name, value in (headers or {}).items():
            cmd += ["-H", f"{name}: {value}"]
        cmd.append(base_url + requests[0].path)
        proc = subprocess.run(
            cmd,
            capture_output=True,
            text=True,
            timeout=seconds + 30,
            env={**os.environ, "BENCH_REQUESTS": path},
            check=False,
        )
        if proc.returncode != 0:
            raise RuntimeError(f"wrk failed ({proc.returncode}): {proc.stderr[-2000:]}")
        return parse_output(proc.stdout)
    finally:
        os.unlink(path)
