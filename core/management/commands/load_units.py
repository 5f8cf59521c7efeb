"""Load the current official administrative divisions (34 provinces, 3,321 communes)
from the `vietnam-provinces` package. Safe to run again: unchanged units are left alone."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from core.services import units_load_official


class Command(BaseCommand):
    help = "Load the current provinces and communes from the vietnam-provinces package (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--province", action="append", help="Load only this province code (repeatable), e.g. 01 for Hà Nội."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        result = units_load_official(province_codes=options["province"])
        self.stdout.write(
            self.style.SUCCESS(
                f"Units: {result.created} created, {result.updated} updated, {result.unchanged} unchanged."
            )
        )
