"""Celery pointed at a broker of the test's choosing, for real (no mock)."""

from collections.abc import Iterator
from contextlib import contextmanager

from civicdesk.celery import app
from core.outbox import handover


def _fresh_connections() -> None:
    # Both pools hold connections made from the old URL: the app's and the one amqp keeps.
    app._pool = None
    app.amqp._producer_pool = None


@contextmanager
def celery_publishing_to(broker_url: str) -> Iterator[None]:
    """Inside the block tasks are published to `broker_url`, not run eagerly. On the way out
    the handover thread's notes go there too; then the settings and connections return."""
    saved = {"broker_url": app.conf.broker_url, "task_always_eager": app.conf.task_always_eager}
    app.conf.update(broker_url=broker_url, task_always_eager=False)
    _fresh_connections()
    try:
        yield
    finally:
        handover.flush()
        app.conf.update(**saved)
        _fresh_connections()
