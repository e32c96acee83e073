"""The session-token key, derived from the master key so that every node sharing the master key
opens every node's tokens with no key distribution of its own (HKDF-SHA256, RFC 5869)."""

from __future__ import annotations

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from warden.auth.aead import KEY_BYTES, AeadKey
from warden.auth.secretbox import MasterKey
from warden.auth.tokens import TokenKeyring

__all__ = ["token_keyring_for"]

_INFO = b"warden session tokens v1"


def token_keyring_for(*masters: MasterKey) -> TokenKeyring:
    """A keyring whose first key derives from the first master key (it seals new tokens); the
    others keep tokens sealed before a master-key rotation valid until they expire."""
    keys = [
        AeadKey(HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None, info=_INFO).derive(m.key.material))
        for m in masters
    ]
    return TokenKeyring(keys)
