"""Sliding windows for the burst rules, on a frozen clock."""

from __future__ import annotations

import pytest

from warden.audit.alerts.burst import BurstSpec, BurstWindow
from warden.clock import FrozenClock

SPEC = BurstSpec(threshold=5, window_seconds=60, key_fields=("userIdentity.arn", "sourceIPAddress"))


def failure(arn: str | None, ip: str) -> dict[str, object]:
    identity: dict[str, object] = {"type": "IAMUser"}
    if arn is not None:
        identity["arn"] = arn
    return {"userIdentity": identity, "sourceIPAddress": ip}


ALICE = "arn:aws:iam::111122223333:user/alice"


def test_fifth_failure_within_the_window_fires_once_then_restarts() -> None:
    clock = FrozenClock()
    window = BurstWindow(SPEC, clock)
    results = []
    for _ in range(5):
        results.append(window.hit(failure(ALICE, "192.0.2.1")))
        clock.advance(seconds=10)
    assert results[:4] == [None] * 4
    assert results[4] == {"key": "userIdentity.arn", "value": ALICE, "count": 5, "windowSeconds": 60}
    # The burst restarted on both keys the fifth event completed: four more do not fire.
    assert all(window.hit(failure(ALICE, "192.0.2.1")) is None for _ in range(4))
    assert window.hit(failure(ALICE, "192.0.2.1")) is not None


def test_events_older_than_the_window_fall_off() -> None:
    clock = FrozenClock()
    window = BurstWindow(SPEC, clock)
    for _ in range(4):
        assert window.hit(failure(ALICE, "192.0.2.1")) is None
        clock.advance(seconds=20)  # 0, 20, 40, 60
    # At t=80 the events at 0 and 20 are 60 s or more old: only 3 remain, plus this one.
    assert window.hit(failure(ALICE, "192.0.2.1")) is None
    clock.advance(seconds=1)
    assert window.hit(failure(ALICE, "192.0.2.1")) is None  # 40, 60, 80, 81 -> 4
    assert window.hit(failure(ALICE, "192.0.2.1")) is not None  # 5 within 60 s


def test_one_address_against_many_principals_is_a_burst_too() -> None:
    clock = FrozenClock()
    window = BurstWindow(SPEC, clock)
    fired = [window.hit(failure(f"arn:aws:iam::111122223333:user/u{i}", "198.51.100.9")) for i in range(5)]
    assert fired[-1] == {"key": "sourceIPAddress", "value": "198.51.100.9", "count": 5, "windowSeconds": 60}


def test_different_principals_and_addresses_do_not_add_up() -> None:
    window = BurstWindow(SPEC, FrozenClock())
    assert all(window.hit(failure(f"arn:u{i}", f"192.0.2.{i}")) is None for i in range(20))


def test_records_without_keys_are_not_counted() -> None:
    window = BurstWindow(SPEC, FrozenClock())
    assert all(window.hit({"userIdentity": None}) is None for _ in range(10))
    assert all(window.hit(failure(None, "")) is None for _ in range(10))


def test_memory_stays_bounded_under_many_keys() -> None:
    clock = FrozenClock()
    window = BurstWindow(SPEC, clock, max_keys=50)
    for i in range(500):
        window.hit(failure(f"arn:u{i}", f"10.0.{i // 250}.{i % 250}"))
    assert len(window._events) <= 50


def test_spec_is_checked() -> None:
    with pytest.raises(ValueError):
        BurstSpec(threshold=0, window_seconds=60, key_fields=("a",))
    with pytest.raises(ValueError):
        BurstSpec(threshold=5, window_seconds=60, key_fields=())
