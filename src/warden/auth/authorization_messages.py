"""Encoded authorization messages: the details of a denied request, sealed so that only a caller
allowed sts:DecodeAuthorizationMessage can read them.

    message = base64url( envelope( zlib(JSON) ) )   (envelope: see aead.py)

The key derives from the master key with HKDF-SHA256 under its own info label, so it is never a
session-token key and every node sharing the master key decodes every node's messages.
https://docs.aws.amazon.com/STS/latest/APIReference/API_DecodeAuthorizationMessage.html
"""

from __future__ import annotations

import base64
import binascii
import json
import zlib
from collections.abc import Mapping
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from warden.auth.aead import KEY_BYTES, AeadKey, EnvelopeError, open_envelope, seal_envelope
from warden.auth.secretbox import MasterKey
from warden.auth.tokens import TokenKeyring

__all__ = [
    "InvalidAuthorizationMessage",
    "authorization_message_keyring_for",
    "open_authorization_message",
    "seal_authorization_message",
]

_INFO = b"warden authorization messages v1"
_PURPOSE = b"warden authorization message v1"
_MAX_INFLATED = 1 << 20


class InvalidAuthorizationMessage(Exception):
    """A message that is malformed, tampered with, or sealed by a key we do not hold."""


def authorization_message_keyring_for(*masters: MasterKey) -> TokenKeyring:
    """Keys for authorization messages; the first master key's seals, all of them open."""
    keys = [
        AeadKey(HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None, info=_INFO).derive(m.key.material))
        for m in masters
    ]
    return TokenKeyring(keys)


def seal_authorization_message(body: Mapping[str, Any], keyring: TokenKeyring) -> str:
    """Seal a JSON-serialisable decoded message."""
    payload = zlib.compress(json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode("utf-8"), 9)
    envelope = seal_envelope(keyring.primary, payload, purpose=_PURPOSE)
    return base64.urlsafe_b64encode(envelope).rstrip(b"=").decode("ascii")


def open_authorization_message(message: str, keyring: TokenKeyring) -> str:
    """The decoded message (JSON text); raises InvalidAuthorizationMessage."""
    try:
        raw = message.strip().encode("ascii")
        envelope = base64.urlsafe_b64decode(raw + b"=" * (-len(raw) % 4))
        payload, _ = open_envelope(keyring.by_id, envelope, purpose=_PURPOSE)
        inflater = zlib.decompressobj()
        text = inflater.decompress(payload, _MAX_INFLATED)
        if inflater.unconsumed_tail:
            raise InvalidAuthorizationMessage("message is too large")
        json.loads(text)
    except (UnicodeEncodeError, binascii.Error, ValueError, EnvelopeError, zlib.error):
        raise InvalidAuthorizationMessage("not an authorization message of this service") from None
    return text.decode("utf-8")
