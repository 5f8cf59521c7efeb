""" "Việc của tôi": each official's own work on the staff home, by urgency.

Core imports no domain app, so each app registers, from its `AppConfig.ready()`, a function
that lists one user's work in it (`register(provider)`); the staff home gathers them
(`collect`). An item is overdue (its deadline passed), soon (due within 3 working days) or new
(waiting for its first step); the home shows each group with its count, most urgent first, then
today's reception sessions and the follow-ups due.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.contrib.auth.models import User
from django.utils.functional import Promise

OVERDUE, SOON, NEW, TODAY, FOLLOW_UP = "overdue", "soon", "new", "today", "follow_up"
ORDER = (OVERDUE, SOON, NEW, TODAY, FOLLOW_UP)


@dataclass(frozen=True)
class WorkItem:
    group: str  # one of ORDER
    kind: str | Promise  # "Đơn thư", "Hồ sơ", "Buổi tiếp" …
    title: str
    url: str
    due_on: date | None = None
    note: str | Promise = ""


@dataclass
class WorkGroup:
    name: str
    items: list[WorkItem] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.items)


Provider = Callable[[User, date], list[WorkItem]]
_providers: list[Provider] = []


def register(provider: Provider) -> None:
    if provider not in _providers:
        _providers.append(provider)


def collect(*, user: User, today: date) -> list[WorkGroup]:
    """Every group, in ORDER (empty ones too: a zero is news), items soonest first."""
    groups = {name: WorkGroup(name) for name in ORDER}
    for provider in _providers:
        for item in provider(user, today):
            groups[item.group].items.append(item)
    for group in groups.values():
        group.items.sort(key=lambda i: (i.due_on or date.max, i.title))
    return [groups[name] for name in ORDER]
