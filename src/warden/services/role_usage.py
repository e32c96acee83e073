"""Role "last used" (date, region) for GetRole's RoleLastUsed, written at most once a minute per
role and region.

A role is used when its session credentials sign a request (AssumeRole itself also records a
use, in its own transaction). Writing on every request would put the store on the hot path,
so uses are coalesced as access-key uses are.
https://docs.aws.amazon.com/IAM/latest/APIReference/API_RoleLastUsed.html
"""

from __future__ import annotations

from datetime import datetime

from warden.services.caller import Caller, CallerKind
from warden.services.coalesce import Coalescer
from warden.store import Store

__all__ = ["RoleUsageRecorder", "session_role_id"]

def session_role_id(caller: Caller) -> str | None:
    """The AROA id of the role behind a role session (`aws:userid` is "AROA...:session")."""
    if caller.kind is not CallerKind.ASSUMED_ROLE or caller.role_arn is None:
        return None
    role_id = caller.principal_id.split(":", 1)[0]
    return role_id or None


class RoleUsageRecorder:
    def __init__(self, store: Store) -> None:
        self._store = store
        self._coalescer = Coalescer()

    def due(self, role_id: str, region: str, now: datetime) -> bool:
        """Whether this use should be written (the first in a minute for role and region)."""
        return self._coalescer.due((role_id, region), now)

    def record(self, role_id: str, region: str, now: datetime) -> None:
        with self._store.transaction() as tx:
            tx.record_role_use(role_id, now, region)
