"""Console passwords hashed with argon2id (argon2-cffi); verification raises on mismatch."""

from __future__ import annotations

import argon2
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

__all__ = ["InvalidPasswordHash", "PasswordHasher", "PasswordMismatch"]


class PasswordMismatch(Exception):
    """The password does not match the stored hash."""


class InvalidPasswordHash(ValueError):
    """The stored value is not an argon2 hash (a data problem, not a wrong password)."""


class PasswordHasher:
    """argon2id with argon2-cffi's recommended (RFC 9106 low-memory) parameters unless told otherwise.

    Tests pass small `memory_cost`/`time_cost` to stay fast; `needs_rehash` tells callers to
    re-hash on the next successful login when the parameters have since been raised.
    """

    __slots__ = ("_hasher",)

    def __init__(
        self, *, time_cost: int | None = None, memory_cost: int | None = None, parallelism: int | None = None
    ) -> None:
        defaults = argon2.PasswordHasher()
        self._hasher = argon2.PasswordHasher(
            time_cost=time_cost if time_cost is not None else defaults.time_cost,
            memory_cost=memory_cost if memory_cost is not None else defaults.memory_cost,
            parallelism=parallelism if parallelism is not None else defaults.parallelism,
            type=argon2.Type.ID,
        )

    def hash(self, password: str) -> str:
        return self._hasher.hash(password)

    def verify(self, stored_hash: str, password: str) -> None:
        """Return only if `password` matches `stored_hash` (argon2 compares in constant time)."""
        try:
            self._hasher.verify(stored_hash, password)
        except VerifyMismatchError:
            raise PasswordMismatch("password does not match") from None
        except InvalidHashError:
            raise InvalidPasswordHash("stored password hash is not a valid argon2 hash") from None
        except VerificationError:
            raise PasswordMismatch("password does not match") from None

    def needs_rehash(self, stored_hash: str) -> bool:
        """Whether `stored_hash` used weaker parameters or another variant than this hasher."""
        try:
            return self._hasher.check_needs_rehash(stored_hash)
        except (InvalidHashError, ValueError):
            return True
