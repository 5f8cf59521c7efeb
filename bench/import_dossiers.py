"""Benchmark `import_records dossiers` on 100,000 generated rows and print rows/s.

Usage (use your own database; it creates a unit and a procedure if missing):
    DJANGO_SETTINGS_MODULE=civicdesk.settings.dev python bench/import_dossiers.py [ROWS]

Half the rows leave `due_on` empty so that it is computed from the procedure's
processing time in working days; the file is imported twice (create, then update).
"""

from __future__ import annotations

import csv
import os
import random
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civicdesk.settings.dev")

import django

django.setup()

from adminreform.models import Procedure  # noqa: E402
from core.importing import importers, run_import  # noqa: E402
from core.models import Unit, UnitLevel  # noqa: E402


def main(rows: int) -> None:
    unit, _ = Unit.objects.get_or_create(
        code="BENCH", defaults={"name": "Đơn vị đo tốc độ", "level": UnitLevel.COMMUNE, "path": "/BENCH/"}
    )
    Procedure.objects.get_or_create(
        code="BENCH.1", defaults={"name": "Thủ tục đo tốc độ", "level": "commune", "processing_days": 5}
    )
    rng = random.Random(1)
    start = date(2024, 1, 1)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "dossiers.csv"
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(
                ["ref", "unit_code", "received_on", "procedure_code", "channel", "due_on", "resolved_on", "outcome"]
            )
            for n in range(rows):
                received = start + timedelta(days=rng.randint(0, 700))
                due = "" if n % 2 else (received + timedelta(days=10)).isoformat()
                resolved = (received + timedelta(days=rng.randint(1, 15))).isoformat() if n % 3 else ""
                writer.writerow(
                    [
                        f"B-{n:07d}",
                        unit.code,
                        received.isoformat(),
                        "BENCH.1",
                        rng.choice(["online", "counter", "post"]),
                        due,
                        resolved,
                        "granted",
                    ]
                )
        spec = importers()["dossiers"]
        for label in ("first import", "re-import"):
            began = time.perf_counter()
            report = run_import(spec, path)
            took = time.perf_counter() - began
            assert report.committed and not report.errors, report.errors[:5]
            print(
                f"{label}: {rows} rows in {took:.1f} s = {rows / took:,.0f} rows/s "
                f"(created {report.created}, updated {report.updated})"
            )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
