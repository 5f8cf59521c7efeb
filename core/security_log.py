"""Security events worth an operator's attention, on the `civicdesk.security` logger.

django-axes masks usernames and addresses in its own log lines; the lockout is
logged here with who and from where, because that is what an administrator needs
to unlock a colleague or spot an attack.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.utils import timezone

logger = logging.getLogger("civicdesk.security")


def log_lockout(sender: Any, request: Any, username: str | None, ip_address: str | None, **kwargs: Any) -> None:
    failures = getattr(request, "axes_failures_since_start", None)
    if failures is None:  # axes sends the signal again for each attempt refused during the lock
        logger.warning("Staff login refused while locked: username %r from %s", username, ip_address)
        return
    until = timezone.localtime(timezone.now() + settings.AXES_COOLOFF_TIME)
    logger.warning(
        "Staff login locked: username %r from %s after %d failed attempts, until %s",
        username,
        ip_address,
        failures,
        until.strftime("%d/%m/%Y %H:%M"),
    )
