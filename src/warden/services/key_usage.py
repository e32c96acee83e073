"""Access-key "last used" (date, service, region), written at most once a minute per key.

AWS records the last use of each key for GetAccessKeyLastUsed and the credential report; a
write on every request would put the store on the hot path, so uses are coalesced.
"""

from __future__ import annotations

from datetime import datetime

from warden.services.coalesce import Coalescer
from warden.store import Store

__all__ = ["KeyUsageRecorder"]

class KeyUsageRecorder:
    def __init__(self, store: Store) -> None:
        self._store = store
        self._coalescer = Coalescer()

    def due(self, access_key_id: str, service: str, region: str, now: datetime) -> bool:
        """Whether this use should be written (the first in a minute for key, service, region)."""
        return self._coalescer.due((access_key_id, service, region), now)

    def record(self, access_key_id: str, service: str, region: str, now: datetime) -> None:
        with self._store.transaction() as tx:
            tx.record_access_key_use(access_key_id, now, service, region)
