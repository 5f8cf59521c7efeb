from celery import shared_task


@shared_task(name="core.purge_expired")
def purge_expired_task() -> int:
    """Nightly: delete what the retention rules say has expired. Re-running is harmless."""
    from core.retention import purge_expired

    return sum(result.deleted for result in purge_expired(commit=True))
