"""Celery tasks: thin wrappers over services, idempotent, ids only."""

import time

from celery import shared_task


@shared_task(ignore_result=True, time_limit=120, soft_time_limit=100)
def notification_send_task(notification_id: int) -> None:
    from .services import notification_deliver

    notification_deliver(notification_id=notification_id)


@shared_task(ignore_result=True, time_limit=120, soft_time_limit=100)
def notifications_send_task(notification_ids: list[int]) -> None:
    """The notifications of one change (e-mail and SMS of a filing): one broker message."""
    from .services import notification_deliver

    for notification_id in notification_ids:
        notification_deliver(notification_id=notification_id)


SWEEP_BATCH = 200
SWEEP_BUDGET_S = 240  # below the soft time limit


@shared_task(ignore_result=True, time_limit=300, soft_time_limit=280)
def notification_sweep_task() -> int:
    """Drain the outbox in batches (each its own transaction) while batches come back full
    and wholly sent: after a broker outage thousands wait, not 200. A batch with a failure
    ends the run, so a failing gateway is retried at the next beat, not in a tight loop."""
    from .services import notification_sweep

    total = 0
    until = time.monotonic() + SWEEP_BUDGET_S
    while time.monotonic() < until:
        sent = notification_sweep(limit=SWEEP_BATCH)
        total += sent
        if sent < SWEEP_BATCH:
            break
    return total


@shared_task(ignore_result=True, time_limit=900, soft_time_limit=840)
def deadline_sweep_task() -> None:
    from .services import deadline_sweep

    deadline_sweep()
