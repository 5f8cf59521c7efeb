"""Every write of the api app:

- `keys`: issue, authenticate (the last use noted), revoke an API key, and audit its writes;
- `handover`: an online dossier handed over by another system, once per its id;
- `webhooks`: subscriptions, the signed deliveries of status changes, replay;
- `portal`: dossiers' status pushed to the public-service portal;
- `delivery`: one signed or keyed JSON POST, and what its answer means for the outbox.

Callers import from here: `from api import services`.
"""

from .handover import dossier_hand_over
from .keys import KEY_START, api_key_authenticate, api_key_issue, api_key_record_write, api_key_revoke
from .webhooks import webhook_replay, webhook_subscribe

__all__ = [
    "KEY_START",
    "api_key_authenticate",
    "api_key_issue",
    "api_key_record_write",
    "api_key_revoke",
    "dossier_hand_over",
    "webhook_replay",
    "webhook_subscribe",
]
