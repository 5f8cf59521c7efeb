"""Celery tasks of petitions: thin wrappers over its services, idempotent, ids only. The
outbox's delivery and sweep are core's (core.tasks)."""

from celery import shared_task

from .services import deadline_sweep


@shared_task(ignore_result=True, time_limit=900, soft_time_limit=840)
def deadline_sweep_task() -> None:
    """Every morning (civicdesk/celery.py): deadline reminders and escalations, each once."""
    deadline_sweep()
