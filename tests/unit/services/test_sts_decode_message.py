"""DecodeAuthorizationMessage round-trips the encoded message warden attaches to a denial, and
refuses messages it did not produce or that were altered.

https://docs.aws.amazon.com/STS/latest/APIReference/API_DecodeAuthorizationMessage.html
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sts_support import ACCOUNT, allow, sts_harness, user

from harness import Harness
from warden.auth.authorization_messages import authorization_message_keyring_for, seal_authorization_message
from warden.auth.secretbox import MasterKey
from warden.errors import AccessDenied, InvalidAuthorizationMessageException


@pytest.fixture
def h(tmp_path: Path) -> Harness:
    return sts_harness(tmp_path)


def _denied(h: Harness, operation: str, params: dict[str, object], caller: object) -> AccessDenied:
    with pytest.raises(AccessDenied) as caught:
        h.call(operation, params, caller=caller)  # type: ignore[arg-type]
    return caught.value


def test_round_trip_of_an_implicit_deny(h: Harness) -> None:
    bob = user(h, "bob")
    decoder = user(h, "decoder", allow("sts:DecodeAuthorizationMessage"))
    denied = _denied(h, "GetUser", {"UserName": "bob"}, bob)
    assert denied.message == (f"User: arn:aws:iam::{ACCOUNT}:user/bob is not authorized to perform: iam:GetUser on "
                              f"resource: arn:aws:iam::{ACCOUNT}:user/bob because no identity-based policy allows "
                              "the iam:GetUser action")  # IAM's text is unchanged
    assert denied.encoded_authorization_message
    answer = h.call("DecodeAuthorizationMessage", {"EncodedMessage": denied.encoded_authorization_message},
                    caller=decoder, service="sts")
    decoded = json.loads(answer["DecodedMessage"])
    assert decoded["allowed"] is False and decoded["explicitDeny"] is False
    assert decoded["matchedStatements"] == {"items": []}
    assert decoded["failures"] == {"items": []}
    context = decoded["context"]
    assert context["principal"] == {"id": bob.principal_id, "arn": bob.arn, "name": "bob"}
    assert context["action"] == "iam:GetUser"
    assert context["resource"] == f"arn:aws:iam::{ACCOUNT}:user/bob"
    conditions = {item["key"]: [v["value"] for v in item["values"]["items"]] for item in context["conditions"]["items"]}
    assert conditions["aws:username"] == ["bob"]
    assert conditions["aws:SourceIp"] == ["198.51.100.7"]


def test_an_explicit_deny_names_the_statement(h: Harness) -> None:
    carol = user(h, "carol", allow("iam:*"), {"Sid": "NoDeletes", "Effect": "Deny", "Action": "iam:DeleteUser",
                                               "Resource": "*"})
    denied = _denied(h, "DeleteUser", {"UserName": "carol"}, carol)
    decoded = json.loads(h.call("DecodeAuthorizationMessage", {"EncodedMessage": denied.encoded_authorization_message},
                                service="sts")["DecodedMessage"])
    assert decoded["explicitDeny"] is True
    assert [s["statementId"] for s in decoded["matchedStatements"]["items"]] == ["NoDeletes"]
    assert decoded["matchedStatements"]["items"][0]["effect"] == "DENY"


def test_tampered_and_foreign_messages_are_rejected(h: Harness) -> None:
    bob = user(h, "bob")
    encoded = _denied(h, "GetUser", {"UserName": "bob"}, bob).encoded_authorization_message
    assert encoded is not None
    flipped = encoded[:-3] + ("A" if encoded[-3] != "A" else "B") + encoded[-2:]
    foreign = seal_authorization_message({"allowed": False}, authorization_message_keyring_for(MasterKey.generate()))
    token_keyed = h.env.tokens  # a session-token key must not open it either: distinct HKDF info
    from warden.auth.tokens import seal_token

    token = seal_token({"v": 1}, token_keyed, issued_at=h.now, expires_at=h.now.replace(year=2030))
    for bad in (flipped, foreign, token, "not-a-message"):
        with pytest.raises(InvalidAuthorizationMessageException):
            h.call("DecodeAuthorizationMessage", {"EncodedMessage": bad}, service="sts")


def test_decoding_needs_permission(h: Harness) -> None:
    bob = user(h, "bob")
    encoded = _denied(h, "GetUser", {"UserName": "bob"}, bob).encoded_authorization_message
    with pytest.raises(AccessDenied) as caught:
        h.call("DecodeAuthorizationMessage", {"EncodedMessage": encoded}, caller=bob, service="sts")
    assert "sts:DecodeAuthorizationMessage" in caught.value.message
