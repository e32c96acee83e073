"""Self-contained STS session tokens: claims sealed with AES-256-GCM, readable by any node.

    token = base64url( version || key id || nonce || AES-GCM(JSON claims + "iat" + "exp") )

No database lookup is needed to validate a token, only the keyring. The keyring holds the
current sealing key first and retired keys after it, so rotating keys keeps live tokens valid.
A token that is malformed, tampered with or sealed by a key we do not hold is answered exactly
as AWS answers a bad token: `InvalidClientTokenId`; a genuine but stale one: `ExpiredToken`.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Any

from warden.auth.aead import AeadKey, EnvelopeError, open_envelope, seal_envelope
from warden.auth.messages import EXPIRED_TOKEN_MESSAGE, INVALID_CLIENT_TOKEN_ID_MESSAGE
from warden.clock import utc
from warden.errors import ExpiredToken, InvalidClientTokenId

__all__ = ["OpenedToken", "TokenKeyring", "open_token", "seal_token"]

_PURPOSE = b"warden session token v1"
_RESERVED = frozenset({"iat", "exp"})


class TokenKeyring:
    """Token keys by id; the first one seals new tokens, every one opens tokens it sealed."""

    __slots__ = ("_by_id", "_primary")

    def __init__(self, keys: Sequence[AeadKey]) -> None:
        if not keys:
            raise ValueError("a token keyring needs at least one key")
        self._primary = keys[0]
        self._by_id = {key.key_id: key for key in keys}

    @property
    def primary(self) -> AeadKey:
        return self._primary

    @property
    def by_id(self) -> Mapping[bytes, AeadKey]:
        return MappingProxyType(self._by_id)


@dataclass(frozen=True, slots=True)
class OpenedToken:
    """A token that opened and is still valid: its claims and lifetime."""

    claims: Mapping[str, Any]
    issued_at: datetime
    expires_at: datetime
    key_id: str


def _epoch(moment: datetime) -> int:
    return int(utc(moment).timestamp())


def seal_token(
    claims: Mapping[str, Any], keyring: TokenKeyring, *, issued_at: datetime, expires_at: datetime
) -> str:
    """Seal JSON-serialisable `claims` valid from `issued_at` until `expires_at` (exclusive)."""
    clash = _RESERVED.intersection(claims)
    if clash:
        raise ValueError(f"claims may not set reserved names: {sorted(clash)}")
    if expires_at <= issued_at:
        raise ValueError("a token must expire after it is issued")
    body = dict(claims)
    body["iat"] = _epoch(issued_at)
    body["exp"] = _epoch(expires_at)
    payload = json.dumps(body, separators=(",", ":"), sort_keys=True, ensure_ascii=False).encode("utf-8")
    envelope = seal_envelope(keyring.primary, payload, purpose=_PURPOSE)
    return base64.urlsafe_b64encode(envelope).rstrip(b"=").decode("ascii")


def _invalid() -> InvalidClientTokenId:
    return InvalidClientTokenId(INVALID_CLIENT_TOKEN_ID_MESSAGE)


def _decode(token: str) -> bytes:
    try:
        raw = token.encode("ascii")
        return base64.urlsafe_b64decode(raw + b"=" * (-len(raw) % 4))
    except (UnicodeEncodeError, binascii.Error, ValueError):
        raise _invalid() from None


def open_token(token: str, keyring: TokenKeyring, now: datetime) -> OpenedToken:
    """Open and check a session token at time `now`; raises `InvalidClientTokenId` or `ExpiredToken`."""
    try:
        payload, key = open_envelope(keyring.by_id, _decode(token), purpose=_PURPOSE)
        body = json.loads(payload)
    except (EnvelopeError, ValueError):
        raise _invalid() from None
    if not isinstance(body, dict):
        raise _invalid()
    issued, expires = body.pop("iat", None), body.pop("exp", None)
    if not isinstance(issued, int) or not isinstance(expires, int):
        raise _invalid()
    if _epoch(now) >= expires:
        raise ExpiredToken(EXPIRED_TOKEN_MESSAGE)
    return OpenedToken(
        claims=MappingProxyType(body),
        issued_at=datetime.fromtimestamp(issued, UTC),
        expires_at=datetime.fromtimestamp(expires, UTC),
        key_id=key.key_id_text,
    )
