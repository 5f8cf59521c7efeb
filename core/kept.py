"""Markup kept per worker process, for parts of pages that are the same for many requests."""

from __future__ import annotations

from collections.abc import Callable, Hashable


class KeptMarkup:
    """Renderings by key, at most `size` of them: the store is emptied when full, since keys
    built from addresses or query strings are unbounded. The key must hold everything the
    rendering shows, so that nothing kept can be stale."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._kept: dict[Hashable, str] = {}

    def get(self, key: Hashable, render: Callable[[], str]) -> str:
        found = self._kept.get(key)
        if found is None:
            found = render()
            if len(self._kept) >= self.size:
                self._kept.clear()
            self._kept[key] = found
        return found
