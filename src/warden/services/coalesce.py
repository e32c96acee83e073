"""At most one write a minute per key: "last used" bookkeeping must not put the store on every
request's path, so only the first use in each minute is written."""

from __future__ import annotations

import threading
from collections.abc import Hashable
from datetime import datetime, timedelta

__all__ = ["Coalescer"]


class Coalescer:
    def __init__(self, interval: timedelta = timedelta(minutes=1), capacity: int = 100_000) -> None:
        self._interval = interval
        self._capacity = capacity
        self._last: dict[Hashable, datetime] = {}
        self._lock = threading.Lock()

    def due(self, key: Hashable, now: datetime) -> bool:
        """Whether a use of `key` at `now` should be written (the first in its interval)."""
        with self._lock:
            previous = self._last.get(key)
            if previous is not None and now - previous < self._interval:
                return False
            self._last[key] = now
            if len(self._last) > self._capacity:
                self._last.clear()
            return True
