"""Celery tasks: thin wrappers over services, idempotent, ids only."""

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


@shared_task(ignore_result=True, time_limit=300, soft_time_limit=280)
def notification_sweep_task() -> int:
    from .services import notification_sweep

    return notification_sweep()


@shared_task(ignore_result=True, time_limit=900, soft_time_limit=840)
def deadline_sweep_task() -> None:
    from .services import deadline_sweep

    deadline_sweep()
