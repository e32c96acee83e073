"""Clock: aware UTC times, frozen clocks that move only when told."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from warden.clock import Clock, FrozenClock, SystemClock, utc


def test_system_clock_is_aware_utc() -> None:
    now = SystemClock().now()
    assert now.tzinfo is UTC
    assert isinstance(SystemClock(), Clock) and isinstance(FrozenClock(), Clock)


def test_frozen_clock_set_and_advance() -> None:
    start = datetime(2026, 1, 1, tzinfo=UTC)
    clock = FrozenClock(start)
    assert clock.now() == start == clock.now()
    assert clock.advance(timedelta(minutes=1)) == start + timedelta(minutes=1)
    assert clock.advance(seconds=30) == start + timedelta(minutes=1, seconds=30)
    clock.set(datetime(2025, 6, 1, 2, tzinfo=timezone(timedelta(hours=2))))
    assert clock.now() == datetime(2025, 6, 1, 0, tzinfo=UTC)
    assert clock.now().tzinfo is UTC


def test_naive_times_are_refused() -> None:
    with pytest.raises(ValueError, match="no time zone"):
        FrozenClock(datetime(2026, 1, 1))
    with pytest.raises(ValueError):
        utc(datetime(2026, 1, 1))
