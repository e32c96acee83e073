"""Identifiers in the shapes AWS issues them, from one injectable source of randomness.

AWS's unique ids are a four-letter prefix naming the kind of entity followed by characters of
the RFC 4648 base32 alphabet (`A-Z2-7`): 21 characters in all for users, groups, roles,
policies and instance profiles (`AIDACKCEVSQ6C2EXAMPLE`), 20 for access key ids
(`AKIAIOSFODNN7EXAMPLE`). Secret access keys are 40 characters of the base64 alphabet.
See https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-unique-ids
"""

from __future__ import annotations

import base64
import os
import random
import threading
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


# How many times this process is a forked child; os.getpid() per call is a system call.
_forks = [0]


def _count_fork() -> None:
    _forks[0] += 1


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_count_fork)


class SystemRandomSource:
    """Cryptographically secure randomness from the operating system, read ahead in blocks.

    Every request draws two ids; one `os.urandom` call per id is a system call that also
    releases the GIL, which on a busy server hands the interpreter to a background thread in
    the middle of the request. Reading `block` bytes at a time keeps the bytes exactly as
    random (they still come from the OS) at a fraction of the cost. A forked child drops the
    bytes it inherited, so parent and child never hand out the same ones.
    """

    __slots__ = ("_block", "_buffer", "_forks", "_lock", "_offset")

    def __init__(self, block: int = 4096) -> None:
        if block < 1:
            raise ValueError(f"block must be at least 1, not {block}")
        self._block = block
        self._buffer = b""
        self._offset = 0
        self._forks = _forks[0]
        self._lock = threading.Lock()

    def token_bytes(self, count: int) -> bytes:
        if count > self._block:
            return os.urandom(count)
        if self._forks != _forks[0]:  # a forked child: the read-ahead bytes are the parent's
            self._lock, self._buffer, self._offset, self._forks = threading.Lock(), b"", 0, _forks[0]
        with self._lock:
            start = self._offset
            if start + count > len(self._buffer):
                self._buffer, start = os.urandom(self._block), 0
            self._offset = start + count
            return self._buffer[start : start + count]


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
        # What str(uuid.UUID(bytes=..., version=4)) gives, without building the UUID object.
        raw = bytearray(self._source.token_bytes(16))
        raw[6] = (raw[6] & 0x0F) | 0x40  # version 4
        raw[8] = (raw[8] & 0x3F) | 0x80  # RFC 4122 variant
        text = raw.hex()
        return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"

    def account_id(self) -> str:
        """Twelve decimal digits; leading zeros are allowed, as in AWS."""
        # 6 bytes give 2**48 values; reduce modulo 10**12 (bias below 0.4 %, irrelevant for ids).
        number = int.from_bytes(self._source.token_bytes(6), "big") % 10**12
        return f"{number:012d}"

    def token_bytes(self, count: int) -> bytes:
        """Raw random bytes from the same source (nonces, key material in tests)."""
        return self._source.token_bytes(count)
