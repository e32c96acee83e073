"""Token keys derive deterministically from the master key (RFC 5869 HKDF), so nodes agree."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from warden.auth.secretbox import MasterKey
from warden.auth.token_keys import token_keyring_for
from warden.auth.tokens import open_token, seal_token
from warden.errors import InvalidClientTokenId

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def test_same_master_key_same_token_key_and_different_from_the_master() -> None:
    master = MasterKey.generate()
    first, second = token_keyring_for(master), token_keyring_for(master)
    assert first.primary.key_id == second.primary.key_id
    assert first.primary.material != master.key.material
    token = seal_token({"a": 1}, first, issued_at=NOW, expires_at=NOW + timedelta(hours=1))
    assert open_token(token, second, NOW).claims["a"] == 1


def test_another_master_key_cannot_open_and_rotation_keeps_old_tokens() -> None:
    old, new = MasterKey.generate(), MasterKey.generate()
    token = seal_token({"a": 1}, token_keyring_for(old), issued_at=NOW, expires_at=NOW + timedelta(hours=1))
    with pytest.raises(InvalidClientTokenId):
        open_token(token, token_keyring_for(new), NOW)
    assert open_token(token, token_keyring_for(new, old), NOW).claims["a"] == 1
