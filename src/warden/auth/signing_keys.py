"""SigV4 signing keys: the four-step HMAC chain, and a bounded cache of its results.

Deriving a key costs four HMACs; a busy client reuses the same (date, region, service) for a
whole day, so caching the derived key makes verification one HMAC plus two hashes.
"""

from __future__ import annotations

import hashlib
import hmac
import threading
from collections import OrderedDict

__all__ = ["SigningKeyCache", "derive_signing_key"]

_TERMINATOR = b"aws4_request"


def derive_signing_key(secret_key: bytes, date: str, region: str, service: str) -> bytes:
    """kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request").

    https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html
    """
    k_date = hmac.digest(b"AWS4" + secret_key, date.encode("utf-8"), hashlib.sha256)
    k_region = hmac.digest(k_date, region.encode("utf-8"), hashlib.sha256)
    k_service = hmac.digest(k_region, service.encode("utf-8"), hashlib.sha256)
    return hmac.digest(k_service, _TERMINATOR, hashlib.sha256)


class SigningKeyCache:
    """LRU of derived signing keys keyed by (secret id, date, region, service).

    Each entry remembers the secret it was derived from and is only reused when the caller
    presents the same secret (compared in constant time), so a wrong secret can never be
    answered from the cache. It also keeps an HMAC already keyed with the signing key: copying
    it skips the key set-up that a fresh HMAC repeats for every request.
    """

    __slots__ = ("_entries", "_lock", "_max_entries")

    def __init__(self, max_entries: int = 4096) -> None:
        if max_entries < 1:
            raise ValueError(f"max_entries must be at least 1, not {max_entries}")
        self._max_entries = max_entries
        self._entries: OrderedDict[tuple[str, str, str, str], tuple[bytes, bytes, hmac.HMAC]] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._entries)

    def _entry(self, secret_id: str, secret_key: bytes, date: str, region: str, service: str) -> tuple[bytes, bytes, hmac.HMAC]:
        cache_key = (secret_id, date, region, service)
        with self._lock:
            entry = self._entries.get(cache_key)
            if entry is not None and hmac.compare_digest(entry[0], secret_key):
                self._entries.move_to_end(cache_key)
                return entry
        derived = derive_signing_key(secret_key, date, region, service)
        entry = (secret_key, derived, hmac.new(derived, digestmod=hashlib.sha256))
        with self._lock:
            self._entries[cache_key] = entry
            self._entries.move_to_end(cache_key)
            while len(self._entries) > self._max_entries:
                self._entries.popitem(last=False)
        return entry

    def signing_key(self, secret_id: str, secret_key: bytes, date: str, region: str, service: str) -> bytes:
        """The signing key for this scope, derived at most once per (secret, scope) while cached."""
        return self._entry(secret_id, secret_key, date, region, service)[1]

    def signer(self, secret_id: str, secret_key: bytes, date: str, region: str, service: str) -> hmac.HMAC:
        """A fresh HMAC-SHA256 keyed with this scope's signing key, for one string to sign."""
        return self._entry(secret_id, secret_key, date, region, service)[2].copy()

    def forget(self, secret_id: str) -> None:
        """Drop every key derived from `secret_id` (call when an access key is deleted)."""
        with self._lock:
            for cache_key in [k for k in self._entries if k[0] == secret_id]:
                del self._entries[cache_key]
