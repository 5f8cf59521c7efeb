"""CPU spent by the server's processes during a wrk run, per request answered.

Requests per second move with whatever else the machine is doing; the CPU a request costs the
gunicorn workers and the PostgreSQL backends hardly does. Read from `/proc/<pid>/stat` (utime +
stime) of every process in the server's process group and of the `postgres` processes, before
and after the run: with a database name, only the backends connected to that database (their
process title names it), so other sessions' queries on a shared PostgreSQL server are not
charged to the figure; without one, every `postgres` process. Linux only; elsewhere the cost is
unknown (None).
"""

from __future__ import annotations

import os
import resource
from dataclasses import dataclass
from pathlib import Path

TICK_S = 1 / os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 0.01


def _stat(pid: str) -> tuple[str, int, float] | None:
    """(command name, process group, CPU seconds) of one process, or None if it is gone."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    name = raw[raw.index("(") + 1 : raw.rindex(")")]
    fields = raw[raw.rindex(")") + 2 :].split()
    # After the name: state, ppid, pgrp, … utime (12th), stime (13th).
    return name, int(fields[2]), (int(fields[11]) + int(fields[12])) * TICK_S


@dataclass(frozen=True)
class CpuSnapshot:
    server: dict[int, float]
    database: dict[int, float]
    children: float  # this process's waited-for children (the load generator, wrk)


def _children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _serves(pid: str, database: str) -> bool:
    """Whether the PostgreSQL process `pid` is a backend connected to `database` (its title,
    `postgres: <cluster>: <user> <database> <client> <state>`, names the database)."""
    try:
        title = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return False
    return database in title.split()


def snapshot(server_group: int, database: str = "") -> CpuSnapshot | None:
    if not Path("/proc/self/stat").exists():
        return None
    server: dict[int, float] = {}
    backends: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        found = _stat(entry.name)
        if found is None:
            continue
        name, group, seconds = found
        if group == server_group:
            server[int(entry.name)] = seconds
        elif name == "postgres" and (not database or _serves(entry.name, database)):
            backends[int(entry.name)] = seconds
    return CpuSnapshot(server, backends, _children())


def _spent(before: dict[int, float], after: dict[int, float]) -> float:
    return sum(seconds - before.get(pid, 0.0) for pid, seconds in after.items())


@dataclass(frozen=True)
class CpuCost:
    server_ms: float  # gunicorn master and workers, per request
    database_ms: float  # every PostgreSQL process, per request
    client_ms: float = 0.0  # the load generator (wrk), per request: the same two vCPUs

    @property
    def total_ms(self) -> float:
        return self.server_ms + self.database_ms

    def line(self) -> str:
        return (
            f"{self.total_ms:.1f} ms CPU/request (server {self.server_ms:.1f} + PostgreSQL {self.database_ms:.1f}; "
            f"wrk {self.client_ms:.1f})"
        )

    def as_dict(self) -> dict[str, float]:
        return {
            "server_ms": round(self.server_ms, 2),
            "database_ms": round(self.database_ms, 2),
            "client_ms": round(self.client_ms, 2),
        }


def cost(before: CpuSnapshot | None, after: CpuSnapshot | None, requests: int) -> CpuCost | None:
    if before is None or after is None or requests <= 0:
        return None
    return CpuCost(
        server_ms=_spent(before.server, after.server) * 1000 / requests,
        database_ms=_spent(before.database, after.database) * 1000 / requests,
        client_ms=(after.children - before.children) * 1000 / requests,
    )
