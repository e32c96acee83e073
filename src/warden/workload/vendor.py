"""The current temporary credentials of one role, refreshed from a source before they expire.

Refreshing happens when a third of the lifetime (at least five minutes) remains: the SDKs
themselves re-fetch container credentials 15 minutes before expiry (botocore's advisory
refresh), so for a one-hour session they then receive fresh ones instead of the old ones again.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

__all__ = ["CredentialVendor", "TemporaryCredentials", "refresh_due"]

_MINIMUM_MARGIN = timedelta(minutes=5)


@dataclass(frozen=True, slots=True)
class TemporaryCredentials:
    """One AssumeRole answer; `issued_at` is when it was received, to know its lifetime."""

    access_key_id: str
    secret_access_key: str
    session_token: str
    expiration: datetime
    issued_at: datetime
    role_arn: str

    def __repr__(self) -> str:  # never print the secret or the token
        return f"TemporaryCredentials({self.access_key_id}, expires {self.expiration.isoformat()})"

    def container_document(self) -> dict[str, Any]:
        """The JSON the SDKs' container provider parses (botocore's ContainerProvider reads
        AccessKeyId, SecretAccessKey, Token, Expiration and, if present, AccountId)."""
        account = self.role_arn.split(":")[4] if self.role_arn.count(":") >= 5 else ""
        document: dict[str, Any] = {
            "AccessKeyId": self.access_key_id,
            "SecretAccessKey": self.secret_access_key,
            "Token": self.session_token,
            "Expiration": self.expiration.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "RoleArn": self.role_arn,
        }
        if account:
            document["AccountId"] = account
        return document


def refresh_due(credentials: TemporaryCredentials, now: datetime) -> bool:
    """Whether `credentials` should be replaced at `now`."""
    lifetime = credentials.expiration - credentials.issued_at
    margin = max(lifetime / 3, _MINIMUM_MARGIN)
    return credentials.expiration - now <= margin


class CredentialVendor:
    """Holds the role's credentials; `current()` refreshes them when due.

    A failed refresh keeps serving the old credentials while they are still valid (the next
    request tries again); once they have expired the failure is raised.
    """

    def __init__(
        self, source: Callable[[], TemporaryCredentials], now: Callable[[], datetime]
    ) -> None:
        self._source = source
        self._now = now
        self._lock = threading.Lock()
        self._current: TemporaryCredentials | None = None

    def current(self) -> TemporaryCredentials:
        with self._lock:
            held = self._current
            now = self._now()
            if held is not None and not refresh_due(held, now):
                return held
            try:
                fresh = self._source()
            except Exception:
                if held is not None and held.expiration > now:
                    return held
                raise
            self._current = fresh
            return fresh
