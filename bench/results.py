"""The result JSON of a run (bench/results/<UTC time>-<scale>.json): the machine, the server
models, the baselines, the peer's raw numbers beside every figure's, the EXPLAIN plans."""

from __future__ import annotations

import json
import os
import platform
import re
import subprocess
from pathlib import Path
from typing import Any

from bench.server import ROOT

RESULTS = Path(__file__).with_name("results")


def machine() -> dict[str, Any]:
    from django.db import connection

    meminfo = Path("/proc/meminfo").read_text() if Path("/proc/meminfo").exists() else ""
    found = re.search(r"MemTotal:\s+(\d+)", meminfo)
    mem_kb = int(found.group(1)) if found else 0
    cpuinfo = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    model = re.search(r"model name\s*:\s*(.+)", cpuinfo)
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg = cursor.fetchone()[0]
        cursor.execute("SHOW shared_buffers")
        shared_buffers = cursor.fetchone()[0]
    wrk = subprocess.run(["wrk", "--version"], capture_output=True, text=True, check=False).stdout.split("\n")[0]
    return {
        "nproc": os.cpu_count(),
        "cpu": model.group(1).strip() if model else platform.processor(),
        "memory_gb": round(mem_kb / 1024 / 1024, 1),
        "postgresql": pg,
        "postgresql_shared_buffers": shared_buffers,
        "python": platform.python_version(),
        "os": platform.platform(),
        "wrk": wrk.strip(),
    }


def git_commit() -> str:
    proc = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    return proc.stdout.strip()


def write(stamp: str, scale: str, result: dict[str, Any]) -> Path:
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"{stamp}-{scale}.json"
    out.write_text(json.dumps(result, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
    return out
