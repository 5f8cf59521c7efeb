"""Who may manage the connected systems: an administrator of a unit issues and revokes keys
(and webhook subscriptions) for that unit's subtree."""

from __future__ import annotations

from core.models import Role
from core.policies import Policy

POLICY = Policy(
    name="api",
    rules={
        "issue-key": frozenset({Role.ADMIN}),
        "revoke-key": frozenset({Role.ADMIN}),
    },
)
