"""Bring years of paper and Excel registers in: `import_records KIND FILE` (CONTRACTS.md).

KIND is one of the importers the apps register (receptions, petitions, dossiers, dialogues).
A file with any bad row imports nothing and lists every bad row; `--skip-invalid`
imports the good rows and still lists the bad ones. Re-importing updates rows by
(unit_code, ref), so importing a file twice changes nothing."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.importing import importers, run_import


class Command(BaseCommand):
    help = "Import records (receptions, petitions, dossiers or dialogues) from CSV or XLSX."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind")
        parser.add_argument("file", type=Path)
        parser.add_argument("--skip-invalid", action="store_true", help="Import the good rows, list the bad ones.")
        parser.add_argument("--dry-run", action="store_true", help="Check the file; write nothing.")

    def handle(self, *args: Any, **options: Any) -> None:
        registry = importers()
        kind, path = options["kind"], options["file"]
        if kind not in registry:
            raise CommandError(
                f"Unknown kind {kind!r}; expected one of: {', '.join(sorted(registry)) or 'none registered'}."
            )
        if not path.exists():
            raise CommandError(f"No such file: {path}")
        report = run_import(registry[kind], path, skip_invalid=options["skip_invalid"], dry_run=options["dry_run"])
        for error in report.errors:
            self.stderr.write(str(error))
        if report.committed:
            self.stdout.write(self.style.SUCCESS(f"{kind}: {report.created} created, {report.updated} updated."))
        if report.errors and not options["skip_invalid"]:
            raise CommandError(f"{len(report.errors)} error(s); nothing was imported.")
        if not report.committed and not options["dry_run"]:
            raise CommandError("Nothing was imported.")
