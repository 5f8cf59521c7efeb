"""`python -m bench.peer.seed --tickets N` in the peer's virtualenv: its public queue and N
tickets, each filed through helpdesk's own public form (in-process, CSRF checks off), so they
carry what a submitted ticket carries (its opening follow-up, its secret key). Run again, it
files only the missing ones. Prints `PEERSEED {"views": [...]}`: the public view's path of
each seeded ticket (ticket, e-mail and key), which the harness replays with wrk."""

from __future__ import annotations

import argparse
import json
import os
import sys
from urllib.parse import urlencode

QUEUE = "public"
SEED_EMAIL = "citizen-{}@example.com"


def seed(tickets: int) -> list[str]:
    from django.test import Client
    from django.urls import reverse
    from helpdesk.models import Queue, Ticket

    queue, _ = Queue.objects.get_or_create(
        slug=QUEUE,
        defaults={"title": "Public requests", "allow_public_submission": True, "email_address": "helpdesk@localhost"},
    )
    seeded = Ticket.objects.filter(queue=queue, submitter_email__startswith="citizen-")
    have = seeded.count()
    client = Client()
    for i in range(have, tickets):
        answer = client.post(
            reverse("helpdesk:submit"),
            {
                "queue": str(queue.pk),
                "title": f"Pavement blocked in front of house {i}",
                "body": "Please check the pavement blocked in front of number 1 (benchmark data, not handled).",
                "priority": "3",
                "submitter_email": SEED_EMAIL.format(i),
            },
        )
        if answer.status_code != 302:
            raise SystemExit(f"seeding ticket {i}: the public form answered {answer.status_code}")
    view = reverse("helpdesk:public_view")
    return [
        f"{view}?{urlencode({'ticket': t.ticket_for_url, 'email': t.submitter_email, 'key': t.secret_key})}"
        for t in seeded.select_related("queue").order_by("id")[:tickets]
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.peer.seed")
    parser.add_argument("--tickets", type=int, default=300)
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.peer.settings")
    import django

    django.setup()
    views = seed(args.tickets)
    print("PEERSEED " + json.dumps({"views": views}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
