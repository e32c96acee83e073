"""The credential vendor's refresh rule, on a frozen clock, and the document the SDKs parse.

https://docs.aws.amazon.com/sdkref/latest/guide/feature-container-credentials.html
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from warden.clock import FrozenClock
from warden.workload import CredentialVendor, TemporaryCredentials, refresh_due

ROLE = "arn:aws:iam::111122223333:role/app"


class _Source:
    """Issues numbered credentials lasting `lifetime` from the clock's time; can be made to fail."""

    def __init__(self, clock: FrozenClock, lifetime: timedelta) -> None:
        self.clock, self.lifetime, self.calls, self.failing = clock, lifetime, 0, False

    def __call__(self) -> TemporaryCredentials:
        if self.failing:
            raise RuntimeError("service unavailable")
        self.calls += 1
        now = self.clock.now()
        return TemporaryCredentials(f"ASIA{self.calls:016d}", "secret", "token", now + self.lifetime, now, ROLE)


def test_one_hour_session_is_refreshed_when_a_third_remains() -> None:
    clock = FrozenClock(datetime(2026, 3, 1, 12, 0, tzinfo=UTC))
    source = _Source(clock, timedelta(hours=1))
    vendor = CredentialVendor(source, clock.now)
    first = vendor.current()
    clock.advance(timedelta(minutes=39, seconds=59))
    assert vendor.current() is first and source.calls == 1
    clock.advance(timedelta(seconds=1))  # 20 minutes left: a third of the hour
    second = vendor.current()
    assert second.access_key_id != first.access_key_id and source.calls == 2
    assert vendor.current() is second


def test_short_session_keeps_a_five_minute_margin() -> None:
    start = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    held = TemporaryCredentials("ASIA1", "s", "t", start + timedelta(minutes=12), start, ROLE)
    assert not refresh_due(held, start + timedelta(minutes=6, seconds=59))
    assert refresh_due(held, start + timedelta(minutes=7))  # a third would be 4 minutes; 5 is the floor


def test_failed_refresh_serves_old_credentials_until_they_expire() -> None:
    clock = FrozenClock(datetime(2026, 3, 1, 12, 0, tzinfo=UTC))
    source = _Source(clock, timedelta(hours=1))
    vendor = CredentialVendor(source, clock.now)
    first = vendor.current()
    source.failing = True
    clock.advance(timedelta(minutes=50))
    assert vendor.current() is first
    clock.advance(timedelta(minutes=10))
    with pytest.raises(RuntimeError, match="service unavailable"):
        vendor.current()
    source.failing = False
    assert vendor.current().access_key_id != first.access_key_id


def test_container_document_and_repr_hide_nothing_they_should_not() -> None:
    issued = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    held = TemporaryCredentials("ASIAX", "very-secret", "tok", issued + timedelta(hours=1), issued, ROLE)
    assert held.container_document() == {
        "AccessKeyId": "ASIAX", "SecretAccessKey": "very-secret", "Token": "tok",
        "Expiration": "2026-03-01T13:00:00Z", "RoleArn": ROLE, "AccountId": "111122223333",
    }
    assert "very-secret" not in repr(held) and "tok" not in repr(held)
