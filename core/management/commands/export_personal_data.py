"""A person's data on request (Law 91/2025): `export_personal_data --identity-number N
[--format json|xlsx] [--reason "..."] [--output FILE] [--by USERNAME]`.

Gathers every record the apps hold about the person with that identity number (each app
registers a provider in its `personal_data.py`), writes one JSON or XLSX file, and an audit
event (who, when, why, how many records; the number only as its blind index)."""

import getpass
from pathlib import Path
from typing import Any

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError, CommandParser

from civicdesk.exceptions import DomainError
from core.services import EXPORT_FORMATS, personal_data_export


class Command(BaseCommand):
    help = "Export every record about one person (by identity document number), with an audit event."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--identity-number", required=True, help="CCCD, CMND or passport number.")
        parser.add_argument("--format", choices=sorted(EXPORT_FORMATS), default="json")
        parser.add_argument("--reason", default="", help="Why (audit log); default: the person's request.")
        parser.add_argument(
            "--output", type=Path, help="File to write; JSON goes to standard output without it, XLSX needs it."
        )
        parser.add_argument("--by", default="", help="Username of the official making the export (audit).")

    def handle(self, *args: Any, **options: Any) -> None:
        fmt, output = options["format"], options["output"]
        if fmt == "xlsx" and output is None:
            raise CommandError("--format xlsx needs --output FILE.")
        actor = None
        if options["by"]:
            actor = User.objects.filter(username=options["by"]).first()
            if actor is None:
                raise CommandError(f"No user {options['by']!r}.")
        try:
            export = personal_data_export(
                identity_number=options["identity_number"],
                fmt=fmt,
                reason=options["reason"],
                actor=actor,
                channel=f"command ({getpass.getuser()})",
            )
        except DomainError as error:
            raise CommandError(" ".join(getattr(error, "messages", [str(error)]))) from error
        if output is None:
            self.stdout.write(export.content.decode())
        else:
            output.write_bytes(export.content)
        counts = ", ".join(f"{s['source']}: {s['count']}" for s in export.document["sections"])
        self.stderr.write(f"Personal data exported ({counts}); audit event #{export.event.pk}.")
