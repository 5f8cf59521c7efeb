"""Benchmark `import_records petitions` on generated rows and print rows/s.

Usage (use your own database; it creates a commune if missing):
    DJANGO_SETTINGS_MODULE=civicdesk.settings.dev python bench/import_petitions.py [ROWS] [UNIT_CODE]

All thirteen contract columns; a quarter of the rows belong to a case (four petitions a case),
a third are resolved, subjects carry Vietnamese text. The file is imported twice (create,
then the same file again: nothing changes). Use a new UNIT_CODE for each measured run (or
an empty database) so that the first import really creates its rows.
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

from core.importing import importers, run_import  # noqa: E402
from core.models import Unit, UnitLevel  # noqa: E402

HEADER = [
    "ref", "unit_code", "received_on", "kind", "channel", "signers", "anonymous", "over_level",
    "outcome", "competent", "case_ref", "resolved_on", "subject",
]  # fmt: skip


def main(rows: int, code: str) -> None:
    unit, _ = Unit.objects.get_or_create(
        code=code, defaults={"name": "Đơn vị đo tốc độ", "level": UnitLevel.COMMUNE, "path": f"/{code}/"}
    )
    rng = random.Random(1)
    start = date(2024, 1, 1)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "petitions.csv"
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(HEADER)
            for n in range(rows):
                received = start + timedelta(days=rng.randint(0, 700))
                resolved = (received + timedelta(days=rng.randint(1, 40))).isoformat() if n % 3 == 0 else ""
                kind = rng.choice(["complaint", "denunciation", "recommendation", "feedback"])
                outcome = rng.choice(["", "", "accepted", "no_action"]) if kind != "feedback" else ""
                writer.writerow(
                    [
                        f"P-{n:07d}",
                        unit.code,
                        received.isoformat(),
                        kind,
                        rng.choice(["post", "in_person", "online"]),
                        rng.choice([1, 1, 1, 6]),
                        rng.choice(["0", "0", "1"]),
                        rng.choice(["0", "1"]),
                        outcome,
                        rng.choice(["", "1", "0"]),
                        f"VV-{n // 4:06d}" if n % 4 == 0 or n % 16 < 4 else "",
                        resolved,
                        f"Đơn số {n}: thu hồi đất, bồi thường",
                    ]
                )
        spec = importers()["petitions"]
        for label in ("first import", "re-import"):
            began = time.perf_counter()
            report = run_import(spec, path)
            took = time.perf_counter() - began
            assert report.committed and not report.errors, report.errors[:5]
            print(
                f"{label}: {rows} rows in {took:.1f} s = {rows / took:,.0f} rows/s "
                f"(created {report.created}, updated {report.updated})",
                flush=True,
            )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000, sys.argv[2] if len(sys.argv) > 2 else "BENCHP")
