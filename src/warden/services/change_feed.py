"""A node-local generation number that says when cached authorization data may be stale.

The server bumps it after every transaction that may have changed permissions; on PostgreSQL a
listener also bumps it when another node reports a change. Caches keyed on the generation then
never serve a policy older than the last committed change this node knows of, with no store
round trip on the hot path.
"""

from __future__ import annotations

import threading

__all__ = ["ChangeFeed"]


class ChangeFeed:
    def __init__(self) -> None:
        self._generation = 0
        self._lock = threading.Lock()

    @property
    def generation(self) -> int:
        return self._generation

    def bump(self) -> None:
        with self._lock:
            self._generation += 1
