"""Request objects: validation naming the field, context normalisation, derived keys."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from warden.policy import InvalidAuthorizationRequest, Request

BASE = {"principal": "arn:aws:iam::111122223333:user/dev/alice", "action": "s3:GetObject", "resource": "*"}


def test_context_keys_are_lowercased_and_lists_become_tuples() -> None:
    request = Request.from_dict({**BASE, "context": {"aws:TagKeys": ["a", "b"], "aws:SecureTransport": True}})
    assert request.context["aws:tagkeys"] == ("a", "b")
    assert request.context["aws:securetransport"] == "true"


def test_derived_keys_for_a_user() -> None:
    """https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html"""
    ctx = Request.from_dict(BASE).context
    assert ctx["aws:username"] == "alice"
    assert ctx["aws:principalaccount"] == "111122223333"
    assert ctx["aws:principalarn"] == BASE["principal"]
    assert ctx["aws:principaltype"] == "User"
    assert "aws:currenttime" not in ctx


def test_derived_keys_for_a_session_use_the_role_arn_and_given_keys_win() -> None:
    """https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalarn"""
    session = {**BASE, "principal": "arn:aws:sts::111122223333:assumed-role/app/s"}
    ctx = Request.from_dict(session).context
    assert ctx["aws:principalarn"] == "arn:aws:iam::111122223333:role/app"
    assert ctx["aws:principaltype"] == "AssumedRole" and "aws:username" not in ctx
    given = Request.from_dict({**session, "context": {"aws:PrincipalAccount": "999999999999"}}).context
    assert given["aws:principalaccount"] == "999999999999"


def test_time_keys_come_from_now() -> None:
    now = datetime(2026, 5, 1, 12, 0, 0, tzinfo=UTC)
    ctx = Request.from_dict(BASE, now=now).context
    assert ctx["aws:currenttime"] == "2026-05-01T12:00:00Z"
    assert ctx["aws:epochtime"] == str(int(now.timestamp()))


def test_resource_account_defaults() -> None:
    assert Request.from_dict({**BASE, "resource": "arn:aws:s3:::b"}).resource_account == "111122223333"
    sqs = Request.from_dict({**BASE, "resource": "arn:aws:sqs:us-east-1:444455556666:q"})
    assert sqs.resource_account == "444455556666" and sqs.cross_account
    assert not Request.from_dict({**BASE, "resource_account": "111122223333"}).cross_account


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"action": "s3"}, "action"),
        ({"action": None}, "action"),
        ({"resource": ""}, "resource"),
        ({"principal": "alice"}, "principal"),
        ({"principal": "arn:aws:iam::111122223333:group/g"}, "principal"),
        ({"resource_account": "12"}, "resource_account"),
        ({"context": {"a:b": {"x": 1}}}, "context.a:b"),
        ({"context": {"a:b": ["ok", None]}}, "context.a:b"),
        ({"principal": None}, "principal"),
        ({"context": {"a:B": "1", "A:b": "2"}}, "context.A:b"),
        ({"context": []}, "context"),
        ({"extra": 1}, "extra"),
        ({"id": 5}, "id"),
    ],
)
def test_malformed_requests_name_the_field(change: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidAuthorizationRequest) as info:
        Request.from_dict({**BASE, **change})
    assert info.value.field == field


def test_a_principal_is_read_the_same_however_often_it_is_seen() -> None:
    """Parsed callers are remembered: what varies with the request (the action, a given
    aws:PrincipalArn) must still change the answer, and a bad principal fails every time."""
    session = {**BASE, "principal": "arn:aws:sts::111122223333:assumed-role/app/s"}
    with_path = {**session, "context": {"aws:PrincipalArn": "arn:aws:iam::111122223333:role/team/app"}}
    for _ in range(2):
        assert Request.from_dict(session).caller.role_arns == ("arn:aws:iam::111122223333:role/app",)
        assert Request.from_dict(with_path).caller.role_arns == (
            "arn:aws:iam::111122223333:role/team/app",
            "arn:aws:iam::111122223333:role/app",
        )
        provider = {**BASE, "principal": "accounts.google.com"}
        assert Request.from_dict(provider).caller.kind.value == "Service"
        web = {**provider, "action": "sts:AssumeRoleWithWebIdentity"}
        assert Request.from_dict(web).caller.kind.value == "WebIdentity"
        with pytest.raises(InvalidAuthorizationRequest):
            Request.from_dict({**BASE, "principal": "arn:aws:iam::111122223333:group/g"})
