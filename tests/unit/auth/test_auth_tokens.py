"""Sealed session tokens: tamper, foreign key, expiry, rotation.

Error texts: https://docs.aws.amazon.com/STS/latest/APIReference/CommonErrors.html
"""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta

import pytest

from warden.auth.aead import AeadKey
from warden.auth.tokens import TokenKeyring, open_token, seal_token
from warden.errors import ExpiredToken, InvalidClientTokenId

T0 = datetime(2026, 1, 1, tzinfo=UTC)
CLAIMS = {"arn": "arn:aws:sts::123456789012:assumed-role/Admin/alice", "mfa": True, "tags": {"team": "ops"}}


def sealed(keyring: TokenKeyring, hours: int = 1) -> str:
    return seal_token(CLAIMS, keyring, issued_at=T0, expires_at=T0 + timedelta(hours=hours))


def test_round_trip() -> None:
    keyring = TokenKeyring([AeadKey.generate()])
    opened = open_token(sealed(keyring), keyring, T0 + timedelta(minutes=59))
    assert dict(opened.claims) == CLAIMS
    assert (opened.issued_at, opened.expires_at) == (T0, T0 + timedelta(hours=1))
    assert opened.key_id == keyring.primary.key_id_text


def test_expired_at_and_after_expiry() -> None:
    keyring = TokenKeyring([AeadKey.generate()])
    token = sealed(keyring)
    for moment in (T0 + timedelta(hours=1), T0 + timedelta(days=3)):
        with pytest.raises(ExpiredToken) as caught:
            open_token(token, keyring, moment)
        assert caught.value.message == "The security token included in the request is expired"
        assert caught.value.code == "ExpiredToken"


def _flip(token: str, position: int) -> str:
    raw = bytearray(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    raw[position] ^= 0x01
    return base64.urlsafe_b64encode(bytes(raw)).rstrip(b"=").decode()


@pytest.mark.parametrize("position", [0, 1, 12, 25, -1])
def test_any_flipped_bit_is_invalid(position: int) -> None:
    keyring = TokenKeyring([AeadKey.generate()])
    with pytest.raises(InvalidClientTokenId) as caught:
        open_token(_flip(sealed(keyring), position), keyring, T0)
    assert caught.value.message == "The security token included in the request is invalid."
    assert caught.value.http_status == 403


@pytest.mark.parametrize("token", ["", "not a token", "é", "AAAA", "x" * 500])
def test_malformed_tokens_are_invalid(token: str) -> None:
    keyring = TokenKeyring([AeadKey.generate()])
    with pytest.raises(InvalidClientTokenId):
        open_token(token, keyring, T0)


def test_foreign_key_is_invalid() -> None:
    ours, theirs = TokenKeyring([AeadKey.generate()]), TokenKeyring([AeadKey.generate()])
    with pytest.raises(InvalidClientTokenId):
        open_token(sealed(theirs), ours, T0)


def test_rotation_keeps_live_tokens_valid() -> None:
    old, new = AeadKey.generate(), AeadKey.generate()
    before = TokenKeyring([old])
    token = sealed(before)
    after = TokenKeyring([new, old])
    assert open_token(token, after, T0).key_id == old.key_id_text
    assert open_token(sealed(after), after, T0).key_id == new.key_id_text
    with pytest.raises(InvalidClientTokenId):  # once the old key is retired, its tokens die
        open_token(token, TokenKeyring([new]), T0)


def test_reserved_claims_and_lifetime_are_checked() -> None:
    keyring = TokenKeyring([AeadKey.generate()])
    with pytest.raises(ValueError, match="reserved"):
        seal_token({"exp": 1}, keyring, issued_at=T0, expires_at=T0 + timedelta(hours=1))
    with pytest.raises(ValueError, match="expire after"):
        seal_token({}, keyring, issued_at=T0, expires_at=T0)


def test_secretbox_ciphertext_is_not_a_token() -> None:
    """Same key, different purpose: the purpose label in the associated data keeps them apart."""
    from warden.auth.secretbox import MasterKey, SecretBox

    key = AeadKey.generate()
    box = SecretBox(MasterKey(key))
    envelope = base64.b64decode(box.seal(b'{"iat":0,"exp":99999999999}', record=""))
    token = base64.urlsafe_b64encode(envelope).rstrip(b"=").decode()
    with pytest.raises(InvalidClientTokenId):
        open_token(token, TokenKeyring([key]), T0)
