"""Access-key "last used" (date, service, region), written at most once a minute per key.

AWS records the last use of each key for GetAccessKeyLastUsed and the credential report; a
write on every request would put the store on the hot path, so uses are coalesced.
"""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

from warden.store import Store

__all__ = ["KeyUsageRecorder"]

_INTERVAL = timedelta(minutes=1)


class KeyUsageRecorder:
    def __init__(self, store: Store) -> None:
        self._store = store
        self._last: dict[tuple[str, str, str], datetime] = {}
        self._lock = threading.Lock()

    def due(self, access_key_id: str, service: str, region: str, now: datetime) -> bool:
        """Whether this use should be written (the first in a minute for key, service, region)."""
        key = (access_key_id, service, region)
        with self._lock:
            previous = self._last.get(key)
            if previous is not None and now - previous < _INTERVAL:
                return False
            self._last[key] = now
            if len(self._last) > 100_000:
                self._last.clear()
            return True

    def record(self, access_key_id: str, service: str, region: str, now: datetime) -> None:
        with self._store.transaction() as tx:
            tx.record_access_key_use(access_key_id, now, service, region)
