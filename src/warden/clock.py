"""The one place where warden learns what time it is.

Everything that depends on time (signature freshness, token expiry, audit timestamps)
takes a `Clock` instead of calling `datetime.now()`, so tests can freeze and move time.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Protocol, runtime_checkable

__all__ = ["Clock", "FrozenClock", "SystemClock", "utc"]


def utc(moment: datetime) -> datetime:
    """Return `moment` in UTC; naive datetimes are refused because their zone is a guess."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"datetime {moment.isoformat()} has no time zone; warden only uses aware UTC times")
    return moment.astimezone(UTC)


@runtime_checkable
class Clock(Protocol):
    """Source of the current time (timezone-aware, UTC)."""

    def now(self) -> datetime: ...


class SystemClock:
    """The real wall clock."""

    __slots__ = ()

    def now(self) -> datetime:
        return datetime.now(UTC)


class FrozenClock:
    """A clock that only moves when told to; for tests and simulations."""

    __slots__ = ("_lock", "_now")

    def __init__(self, start: datetime | None = None) -> None:
        self._lock = threading.Lock()
        self._now = utc(start) if start is not None else datetime(2026, 1, 1, tzinfo=UTC)

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def set(self, moment: datetime) -> None:
        """Jump to `moment` (forwards or backwards)."""
        with self._lock:
            self._now = utc(moment)

    def advance(self, delta: timedelta | None = None, /, *, seconds: float = 0.0) -> datetime:
        """Move forward by `delta` and/or `seconds`; returns the new time."""
        step = (delta or timedelta()) + timedelta(seconds=seconds)
        with self._lock:
            self._now = self._now + step
            return self._now
