"""argon2id passwords and access key pairs."""

from __future__ import annotations

import re

import pytest

from warden.auth.keys import new_access_key
from warden.auth.passwords import InvalidPasswordHash, PasswordHasher, PasswordMismatch
from warden.ids import IdGenerator, SeededRandomSource

FAST = {"time_cost": 1, "memory_cost": 256, "parallelism": 1}


def test_hash_is_argon2id_and_verifies() -> None:
    hasher = PasswordHasher(**FAST)
    stored = hasher.hash("correct horse")
    assert stored.startswith("$argon2id$")
    hasher.verify(stored, "correct horse")


def test_wrong_password_raises() -> None:
    hasher = PasswordHasher(**FAST)
    with pytest.raises(PasswordMismatch):
        hasher.verify(hasher.hash("correct horse"), "battery staple")


def test_invalid_hash_raises() -> None:
    with pytest.raises(InvalidPasswordHash):
        PasswordHasher(**FAST).verify("plaintext", "plaintext")


def test_needs_rehash_when_parameters_rise() -> None:
    weak = PasswordHasher(**FAST).hash("pw")
    assert not PasswordHasher(**FAST).needs_rehash(weak)
    assert PasswordHasher(time_cost=2, memory_cost=512, parallelism=1).needs_rehash(weak)
    assert PasswordHasher(**FAST).needs_rehash("garbage")


def test_access_key_pairs() -> None:
    ids = IdGenerator(SeededRandomSource(7))
    pair = new_access_key(ids)
    assert re.fullmatch(r"AKIA[A-Z2-7]{16}", pair.access_key_id) and not pair.temporary
    assert re.fullmatch(r"[A-Za-z0-9+/]{40}", pair.secret_access_key)
    assert pair.secret_access_key not in repr(pair)
    temporary = new_access_key(ids, temporary=True)
    assert temporary.access_key_id.startswith("ASIA") and temporary.temporary
