"""Role "last used" (date, region) for GetRole's RoleLastUsed, written at most once a minute per
role and region.

A role is used when its session credentials sign a request (AssumeRole itself also records a
use, in its own transaction). Writing on every request would put the store on the hot path,
so uses are coalesced as access-key uses are.
https://docs.aws.amazon.com/IAM/latest/APIReference/API_RoleLastUsed.html
"""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

from warden.services.caller import Caller, CallerKind
from warden.store import Store

__all__ = ["RoleUsageRecorder", "session_role_id"]

_INTERVAL = timedelta(minutes=1)


def session_role_id(caller: Caller) -> str | None:
    """The AROA id of the role behind a role session (`aws:userid` is "AROA...:session")."""
    if caller.kind is not CallerKind.ASSUMED_ROLE or caller.role_arn is None:
        return None
    role_id = caller.principal_id.split(":", 1)[0]
    return role_id or None


class RoleUsageRecorder:
    def __init__(self, store: Store) -> None:
        self._store = store
        self._last: dict[tuple[str, str], datetime] = {}
        self._lock = threading.Lock()

    def due(self, role_id: str, region: str, now: datetime) -> bool:
        """Whether this use should be written (the first in a minute for role and region)."""
        key = (role_id, region)
        with self._lock:
            previous = self._last.get(key)
            if previous is not None and now - previous < _INTERVAL:
                return False
            self._last[key] = now
            if len(self._last) > 100_000:
                self._last.clear()
            return True

    def record(self, role_id: str, region: str, now: datetime) -> None:
        with self._store.transaction() as tx:
            tx.record_role_use(role_id, now, region)
