"""Sliding-window counters: "N matching events from one principal (or one address) within T seconds".

Each key keeps the times of its recent events in a deque; old entries fall off as new ones arrive,
and idle keys are swept so a flood of distinct keys cannot grow memory without bound.
"""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass
from datetime import datetime, timedelta

from warden.clock import Clock

__all__ = ["BurstSpec", "BurstWindow"]


@dataclass(frozen=True, slots=True)
class BurstSpec:
    """Fire when `threshold` events share a key within `window_seconds`.

    `key_fields` are dotted paths into the record (e.g. "userIdentity.arn", "sourceIPAddress");
    each is counted on its own, so one address failing against many users is caught as well as
    one user failing from many addresses.
    """

    threshold: int
    window_seconds: float
    key_fields: tuple[str, ...]

    def __post_init__(self) -> None:
        if self.threshold < 1 or self.window_seconds <= 0 or not self.key_fields:
            raise ValueError("a burst needs threshold >= 1, a positive window and at least one key field")


def _lookup(record: dict[str, object], dotted: str) -> str | None:
    value: object = record
    for part in dotted.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value if isinstance(value, str) and value else None


class BurstWindow:
    """Thread-safe counting for one rule; `hit` says whether this event completes a burst."""

    __slots__ = ("_clock", "_events", "_lock", "_max_keys", "_spec")

    def __init__(self, spec: BurstSpec, clock: Clock, *, max_keys: int = 10_000) -> None:
        self._spec = spec
        self._clock = clock
        self._max_keys = max_keys
        self._events: dict[str, deque[datetime]] = {}
        self._lock = threading.Lock()

    def hit(self, record: dict[str, object]) -> dict[str, object] | None:
        """Count `record`; on reaching the threshold return what burst it completed, and restart it."""
        now = self._clock.now()
        horizon = now - timedelta(seconds=self._spec.window_seconds)
        fired: dict[str, object] | None = None
        with self._lock:
            for field in self._spec.key_fields:
                value = _lookup(record, field)
                if value is None:
                    continue
                key = f"{field}={value}"
                times = self._events.setdefault(key, deque())
                while times and times[0] <= horizon:
                    times.popleft()
                times.append(now)
                if len(times) >= self._spec.threshold:
                    if fired is None:
                        fired = {
                            "key": field,
                            "value": value,
                            "count": len(times),
                            "windowSeconds": self._spec.window_seconds,
                        }
                    times.clear()  # one alert per burst, on every key the event completed
            if len(self._events) > self._max_keys:
                self._sweep(horizon)
        return fired

    def _sweep(self, horizon: datetime) -> None:
        for key in [k for k, times in self._events.items() if not times or times[-1] <= horizon]:
            del self._events[key]
        while len(self._events) > self._max_keys:  # still too many live keys: drop the oldest
            del self._events[next(iter(self._events))]
