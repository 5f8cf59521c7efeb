"""Every write of the api app:

- `keys`: issue, authenticate (the last use noted), revoke an API key, and audit its writes.

Callers import from here: `from api import services`.
"""

from .keys import KEY_START, api_key_authenticate, api_key_issue, api_key_record_write, api_key_revoke

__all__ = ["KEY_START", "api_key_authenticate", "api_key_issue", "api_key_record_write", "api_key_revoke"]
