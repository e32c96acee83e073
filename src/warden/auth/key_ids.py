"""The account id that AWS's access key id format carries, and key ids minted in that format.

After the four-letter prefix (AKIA, ASIA) an access key id is 16 base32 characters, ten bytes.
Bits 7 to 46 of the first six bytes hold the owning account's id; the rest is random. This is how
STS GetAccessKeyInfo answers for keys it holds no record of. Test vectors: AWS's documentation
example key AKIAIOSFODNN7EXAMPLE decodes to 581039954779.
https://docs.aws.amazon.com/STS/latest/APIReference/API_GetAccessKeyInfo.html
"""

from __future__ import annotations

import base64
import binascii

__all__ = ["account_of_key_id", "key_id_for_account"]

_ACCOUNT_MASK = 0x7FFF_FFFF_FF80
_PREFIX_LENGTH = 4
_BODY_CHARS = 16
_RANDOM_BYTES = 5


def account_of_key_id(key_id: str) -> str | None:
    """The twelve-digit account id encoded in `key_id`, or None when it is not of that format."""
    body = key_id[_PREFIX_LENGTH:]
    if len(body) != _BODY_CHARS:
        return None
    try:
        raw = base64.b32decode(body)
    except (binascii.Error, ValueError):
        return None
    account = (int.from_bytes(raw[:6], "big") & _ACCOUNT_MASK) >> 7
    return f"{account:012d}" if account < 10**12 else None


def key_id_for_account(prefix: str, account_id: str, random: bytes) -> str:
    """A key id with `prefix` that decodes to `account_id`; `random` (5 bytes) fills the rest."""
    if len(prefix) != _PREFIX_LENGTH or len(random) != _RANDOM_BYTES:
        raise ValueError("a key id needs a four-letter prefix and five random bytes")
    account = int(account_id)
    if not 0 <= account < 10**12 or len(account_id) != 12:
        raise ValueError(f"{account_id!r} is not a twelve-digit account id")
    head = ((random[0] & 0x80) << 40) | (account << 7) | (random[0] & 0x7F)
    raw = head.to_bytes(6, "big") + random[1:]
    return prefix + base64.b32encode(raw).decode("ascii")
