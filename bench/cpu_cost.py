"""CPU spent by the server's processes during a wrk run, per request answered.

Requests per second move with whatever else the machine is doing; the CPU a request costs the
gunicorn workers and the PostgreSQL backends hardly does. Read from `/proc/<pid>/stat` (utime +
stime) of every process in the server's process group and of PostgreSQL processes, before and
after the run: given the server's backends (their pids, from pg_stat_activity by the
application_name its connections carry), only those, so that other sessions on the same
server or database, autovacuum and the checkpointer are not charged to the figure; without
them, every `postgres` process. Linux only; elsewhere the cost is unknown (None).
"""

from __future__ import annotations

import os
import resource
from collections.abc import Collection
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


def snapshot(server_group: int, backends: Collection[int] | None = None) -> CpuSnapshot | None:
    """CPU seconds so far of the server's processes and of `backends` (every `postgres`
    process when None) and of this process's waited-for children."""
    if not Path("/proc/self/stat").exists():
        return None
    server: dict[int, float] = {}
    database: dict[int, float] = {}
    wanted = set(backends) if backends is not None else None
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        if wanted is not None and int(entry.name) in wanted:
            found = _stat(entry.name)
            if found is not None:
                database[int(entry.name)] = found[2]
            continue
        found = _stat(entry.name)
        if found is None:
            continue
        name, group, seconds = found
        if group == server_group:
            server[int(entry.name)] = seconds
        elif name == "postgres" and wanted is None:
            database[int(entry.name)] = seconds
    return CpuSnapshot(server, database, _children())


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
