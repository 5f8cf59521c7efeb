"""Delete personal data past its retention period (core/retention.py).

Without --commit it only reports what would go: deleting is never the default.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from core.retention import purge_expired


class Command(BaseCommand):
    help = "Report, and with --commit delete, the records whose retention period has passed."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--commit", action="store_true", help="Really delete (default: report only).")
        parser.add_argument("--batch-size", type=int, default=1000, help="Rows deleted per transaction.")

    def handle(self, *args: Any, commit: bool, batch_size: int, **options: Any) -> None:
        results = purge_expired(commit=commit, batch_size=batch_size)
        for result in results:
            rule = result.rule
            action = f"deleted {result.deleted}" if commit else f"would delete {result.expired}"
            self.stdout.write(f"{rule.label} ({rule.date_field} older than {rule.keep_days} days): {action}")
        if not commit:
            self.stdout.write("Nothing deleted: run again with --commit to delete.")
