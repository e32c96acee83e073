"""Identifiers in the shapes AWS issues them, from one injectable source of randomness.

AWS's unique ids are a four-letter prefix naming the kind of entity followed by characters of
the RFC 4648 base32 alphabet (`A-Z2-7`): 21 characters in all for users, groups, roles,
policies and instance profiles (`AIDACKCEVSQ6C2EXAMPLE`), 20 for access key ids
(`AKIAIOSFODNN7EXAMPLE`). Secret access keys are 40 characters of the base64 alphabet.
See https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-unique-ids
"""

from __future__ import annotations

import base64
import random
import secrets
import uuid
from enum import Enum
from typing import Protocol, runtime_checkable

__all__ = [
    "BASE32_ALPHABET",
    "IdGenerator",
    "IdKind",
    "RandomSource",
    "SeededRandomSource",
    "SystemRandomSource",
]

BASE32_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"


class IdKind(str, Enum):
    """The kinds of unique id warden issues; the value is AWS's prefix."""

    USER = "AIDA"
    GROUP = "AGPA"
    ROLE = "AROA"
    POLICY = "ANPA"
    INSTANCE_PROFILE = "AIPA"
    ACCESS_KEY = "AKIA"
    TEMPORARY_ACCESS_KEY = "ASIA"

    @property
    def length(self) -> int:
        """Total length including the prefix: access key ids are one character shorter."""
        if self in (IdKind.ACCESS_KEY, IdKind.TEMPORARY_ACCESS_KEY):
            return 20
        return 21


@runtime_checkable
class RandomSource(Protocol):
    """Where random bytes come from; swapped for a seeded source in tests."""

    def token_bytes(self, count: int) -> bytes: ...


class SystemRandomSource:
    """Cryptographically secure randomness from the operating system (`secrets`)."""

    __slots__ = ()

    def token_bytes(self, count: int) -> bytes:
        return secrets.token_bytes(count)


class SeededRandomSource:
    """Deterministic bytes for tests: the same seed yields the same ids. Never use for keys."""

    __slots__ = ("_random",)

    def __init__(self, seed: int | str | bytes) -> None:
        self._random = random.Random(seed)

    def token_bytes(self, count: int) -> bytes:
        return self._random.randbytes(count)


class IdGenerator:
    """Makes every id warden hands out, so tests can make them predictable."""

    __slots__ = ("_source",)

    def __init__(self, source: RandomSource | None = None) -> None:
        self._source: RandomSource = source if source is not None else SystemRandomSource()

    def _base32(self, count: int) -> str:
        # Rejection-free: each byte's low five bits pick one of 32 symbols uniformly.
        return "".join(BASE32_ALPHABET[byte & 0x1F] for byte in self._source.token_bytes(count))

    def unique_id(self, kind: IdKind) -> str:
        """A unique id of `kind` (`AIDA...`, `AKIA...`, ...)."""
        return kind.value + self._base32(kind.length - len(kind.value))

    def user_id(self) -> str:
        return self.unique_id(IdKind.USER)

    def group_id(self) -> str:
        return self.unique_id(IdKind.GROUP)

    def role_id(self) -> str:
        return self.unique_id(IdKind.ROLE)

    def policy_id(self) -> str:
        return self.unique_id(IdKind.POLICY)

    def instance_profile_id(self) -> str:
        return self.unique_id(IdKind.INSTANCE_PROFILE)

    def access_key_id(self) -> str:
        return self.unique_id(IdKind.ACCESS_KEY)

    def temporary_access_key_id(self) -> str:
        return self.unique_id(IdKind.TEMPORARY_ACCESS_KEY)

    def secret_access_key(self) -> str:
        """40 characters of base64 (30 random bytes), the length and alphabet AWS uses."""
        return base64.b64encode(self._source.token_bytes(30)).decode("ascii")

    def request_id(self) -> str:
        """A UUID4 in its canonical text form, as AWS request ids look."""
        return str(uuid.UUID(bytes=self._source.token_bytes(16), version=4))

    def account_id(self) -> str:
        """Twelve decimal digits; leading zeros are allowed, as in AWS."""
        # 6 bytes give 2**48 values; reduce modulo 10**12 (bias below 0.4 %, irrelevant for ids).
        number = int.from_bytes(self._source.token_bytes(6), "big") % 10**12
        return f"{number:012d}"

    def token_bytes(self, count: int) -> bytes:
        """Raw random bytes from the same source (nonces, key material in tests)."""
        return self._source.token_bytes(count)
