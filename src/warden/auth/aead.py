"""The sealed-envelope format shared by secrets at rest and session tokens.

    envelope = version (1 byte) || key id (8 bytes) || nonce (12 bytes) || AES-256-GCM(ciphertext || tag)

The version byte and key id travel in clear so the right key can be found during rotation;
both are also authenticated, together with a purpose label and the caller's context, so an
envelope cannot be re-labelled, moved to another purpose or swapped to another record.
"""

from __future__ import annotations

import base64
import hashlib
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

__all__ = [
    "KEY_BYTES",
    "KEY_ID_BYTES",
    "VERSION",
    "AeadKey",
    "EnvelopeError",
    "open_envelope",
    "seal_envelope",
]

VERSION = 1
KEY_BYTES = 32
KEY_ID_BYTES = 8
_NONCE_BYTES = 12
_HEADER_BYTES = 1 + KEY_ID_BYTES + _NONCE_BYTES
_TAG_BYTES = 16


class EnvelopeError(Exception):
    """An envelope that is malformed, sealed under an unknown key, or not authentic."""


@dataclass(frozen=True, slots=True)
class AeadKey:
    """A 256-bit AES-GCM key and its public 8-byte id (derived from the key, so ids never clash)."""

    material: bytes = field(repr=False)
    key_id: bytes = field(init=False)

    def __post_init__(self) -> None:
        if len(self.material) != KEY_BYTES:
            raise ValueError(f"an AES-256 key is {KEY_BYTES} bytes, not {len(self.material)}")
        digest = hashlib.sha256(b"warden key id\x00" + self.material).digest()
        object.__setattr__(self, "key_id", digest[:KEY_ID_BYTES])

    @classmethod
    def generate(cls) -> AeadKey:
        return cls(os.urandom(KEY_BYTES))

    @classmethod
    def from_base64(cls, text: str) -> AeadKey:
        try:
            material = base64.b64decode(text.strip(), validate=True)
        except ValueError as exc:
            raise ValueError("key is not valid base64") from exc
        return cls(material)

    def to_base64(self) -> str:
        return base64.b64encode(self.material).decode("ascii")

    @property
    def key_id_text(self) -> str:
        return self.key_id.hex()


def _associated_data(header: bytes, purpose: bytes, context: bytes) -> bytes:
    # Length-prefix the purpose so (purpose, context) pairs cannot collide by shifting bytes.
    return header[: 1 + KEY_ID_BYTES] + len(purpose).to_bytes(2, "big") + purpose + context


def seal_envelope(key: AeadKey, plaintext: bytes, *, purpose: bytes, context: bytes = b"") -> bytes:
    """Encrypt and authenticate `plaintext`, bound to `purpose` and `context`."""
    nonce = os.urandom(_NONCE_BYTES)
    header = bytes([VERSION]) + key.key_id + nonce
    return header + AESGCM(key.material).encrypt(nonce, plaintext, _associated_data(header, purpose, context))


def open_envelope(
    keys: Mapping[bytes, AeadKey] | Iterable[AeadKey],
    envelope: bytes,
    *,
    purpose: bytes,
    context: bytes = b"",
) -> tuple[bytes, AeadKey]:
    """Decrypt `envelope`, returning the plaintext and the key that opened it; raises `EnvelopeError`."""
    if len(envelope) < _HEADER_BYTES + _TAG_BYTES:
        raise EnvelopeError("envelope is too short")
    if envelope[0] != VERSION:
        raise EnvelopeError(f"unsupported envelope version {envelope[0]}")
    key_id = envelope[1 : 1 + KEY_ID_BYTES]
    by_id = keys if isinstance(keys, Mapping) else {key.key_id: key for key in keys}
    key = by_id.get(key_id)
    if key is None:
        raise EnvelopeError(f"no key with id {key_id.hex()}")
    header = envelope[:_HEADER_BYTES]
    nonce = envelope[1 + KEY_ID_BYTES : _HEADER_BYTES]
    try:
        plaintext = AESGCM(key.material).decrypt(
            nonce, envelope[_HEADER_BYTES:], _associated_data(header, purpose, context)
        )
    except InvalidTag:
        raise EnvelopeError("envelope failed authentication") from None
    return plaintext, key
