"""Demo data for `make run`: Hà Nội's communes, a demo user for every role, and a
realistic two years of records from every app. Running it again adds nothing twice."""

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import import_module
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.module_loading import module_has_submodule

from core.demo import DEMO_PASSWORD, seed_core

# With Celery eager (make run), every task queued while seeding logs "Task … succeeded" and
# the in-memory broker warns that it has no hostname: noise in the first output a newcomer reads.
QUIET_LOGGERS = ("celery.app.trace", "kombu.connection")


@contextmanager
def quiet_celery() -> Iterator[None]:
    loggers = [logging.getLogger(name) for name in QUIET_LOGGERS]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


class Command(BaseCommand):
    help = "Create demo units, users and records (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        with quiet_celery():
            self.seed()

    def seed(self) -> None:
        with transaction.atomic():
            context = seed_core()
        for config in apps.get_app_configs():
            if config.name == "core" or not module_has_submodule(config.module, "demo"):
                continue
            module = import_module(f"{config.name}.demo")
            with transaction.atomic():
                module.seed(context)
            self.stdout.write(f"  demo data: {config.label}")
        self.stdout.write(self.style.SUCCESS("Demo data ready. Logins (password for all: %s):" % DEMO_PASSWORD))
        for username in context.users:
            self.stdout.write(f"  {username}")
