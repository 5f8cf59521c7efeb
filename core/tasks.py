"""Celery tasks of core: thin wrappers over its services, idempotent, ids only."""

import time

from celery import shared_task

from core import outbox

SWEEP_BATCH = 200
SWEEP_BUDGET_S = 240  # below the soft time limit


@shared_task(name="core.purge_expired")
def purge_expired_task() -> int:
    """Nightly: delete what the retention rules say has expired. Re-running is harmless."""
    from core.retention import purge_expired

    return sum(result.deleted for result in purge_expired(commit=True))


@shared_task(ignore_result=True, time_limit=120, soft_time_limit=100)
def outbox_deliver_task(label: str, ids: list[int]) -> None:
    """Send the outbox rows `ids` of table `label` (core.outbox): the rows of one or more
    changes, in one broker message."""
    outbox.deliver(label, ids)


@shared_task(ignore_result=True, time_limit=300, soft_time_limit=280)
def outbox_sweep_task() -> int:
    """Every 15 seconds: send what waits in every outbox, in batches (each its own transaction)
    while batches come back full and wholly sent, so that after a broker outage thousands go,
    not 200. A batch with a failure ends the run: a failing gateway is tried again at the next
    beat (and each row after its own wait), not in a tight loop."""
    total = 0
    until = time.monotonic() + SWEEP_BUDGET_S
    while time.monotonic() < until:
        sent = outbox.sweep(limit=SWEEP_BATCH)
        total += sent
        if sent < SWEEP_BATCH:
            break
    return total
