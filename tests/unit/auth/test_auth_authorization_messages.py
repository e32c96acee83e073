"""Encoded authorization messages: sealed under a key of their own, derived from the master key."""

from __future__ import annotations

import json

import pytest

from warden.auth.authorization_messages import (
    InvalidAuthorizationMessage,
    authorization_message_keyring_for,
    open_authorization_message,
    seal_authorization_message,
)
from warden.auth.secretbox import MasterKey
from warden.auth.token_keys import token_keyring_for


def test_round_trip_and_key_separation() -> None:
    master = MasterKey.generate()
    keyring = authorization_message_keyring_for(master)
    assert keyring.primary.key_id != token_keyring_for(master).primary.key_id
    body = {"allowed": False, "context": {"action": "iam:GetUser"}}
    sealed = seal_authorization_message(body, keyring)
    assert json.loads(open_authorization_message(sealed, authorization_message_keyring_for(master))) == body
    with pytest.raises(InvalidAuthorizationMessage):
        open_authorization_message(sealed, token_keyring_for(master))


def test_a_rotated_master_key_still_opens_old_messages() -> None:
    old, new = MasterKey.generate(), MasterKey.generate()
    sealed = seal_authorization_message({"allowed": False}, authorization_message_keyring_for(old))
    assert open_authorization_message(sealed, authorization_message_keyring_for(new, old))
    with pytest.raises(InvalidAuthorizationMessage):
        open_authorization_message(sealed, authorization_message_keyring_for(new))


@pytest.mark.parametrize("text", ["", "@@@", "AAAA", "x" * 400])
def test_garbage_is_rejected(text: str) -> None:
    with pytest.raises(InvalidAuthorizationMessage):
        open_authorization_message(text, authorization_message_keyring_for(MasterKey.generate()))
