"""`manage.py generate_city --dossiers N --petitions N --visits N [--reset]` (bench settings)."""

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from bench.generator import CityPlan, generate_city, reset_city


class Command(BaseCommand):
    help = (
        "Generate a city's worth of dossiers, petitions and visits over Hà Nội's communes and the last two "
        "years, topping the tables up to the given counts. Use with --settings=civicdesk.settings.bench."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dossiers", type=int, default=1_000_000)
        parser.add_argument("--petitions", type=int, default=100_000)
        parser.add_argument("--visits", type=int, default=50_000)
        parser.add_argument("--reset", action="store_true", help="Delete every dossier, petition and visit first.")
        parser.add_argument("--seed", type=int, default=2026, help="Random seed (same seed, same city).")
        parser.add_argument("--today", type=date.fromisoformat, help="Last day of the two years (default: today).")
        parser.add_argument("--no-historical", action="store_true", help="Skip Hà Nội's 30 former districts.")

    def handle(self, *args: Any, **options: Any) -> None:
        if min(options["dossiers"], options["petitions"], options["visits"]) < 0:
            raise CommandError("Counts must be zero or more.")
        if options["reset"]:
            try:
                reset_city()
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write("Wiped dossiers, petitions, cases and visits.")
        plan = CityPlan(
            dossiers=options["dossiers"],
            petitions=options["petitions"],
            visits=options["visits"],
            today=options["today"] or timezone.localdate(),
            seed=options["seed"],
            historical=not options["no_historical"],
        )
        try:
            result = generate_city(plan, log=lambda msg: self.stdout.write(f"  {msg}"))
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        created = ", ".join(f"{k} {v:,}" for k, v in result.created.items()) or "nothing (counts already reached)"
        self.stdout.write(
            self.style.SUCCESS(
                f"City over {result.communes} communes and {result.districts} former districts: {created}."
            )
        )
