"""Who may do what with compiled reports: the rules the reports services check
(`POLICY.authorize`) and the pages ask to show their buttons (core.policies).

Reading a unit's reports is the dashboard's scope (`reports.selectors`: heads, leaders,
inspectors, administrators). Asking for a compilation reads the records again into a new
version, so leaders may; publishing freezes a version as the unit's figures, which the
unit's head (or an administrator) signs for. Inspectors read and change nothing."""

from __future__ import annotations

from core.models import Role
from core.policies import Policy

POLICY = Policy(
    name="reports",
    rules={
        "compile": frozenset({Role.HEAD, Role.LEADER_VIEWER, Role.ADMIN}),
        "publish": frozenset({Role.HEAD, Role.ADMIN}),
    },
)
