"""STS AssumeRole end to end: trust policies, identity side, session policies, boundaries,
chaining, and sealed session tokens.

https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from botocore.exceptions import ClientError
from live_server import LiveServer

from warden.auth.tokens import seal_token

ACCOUNT = "111122223333"


def _trust(principal: dict[str, Any], condition: dict[str, Any] | None = None) -> str:
    statement: dict[str, Any] = {"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}
    if condition:
        statement["Condition"] = condition
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def _allow(action: str, resource: str = "*") -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": action, "Resource": resource}]})


def _role(root_iam: Any, trust: str, **extra: Any) -> str:
    name = f"r-{uuid.uuid4().hex[:8]}"
    arn = root_iam.create_role(RoleName=name, AssumeRolePolicyDocument=trust, **extra)["Role"]["Arn"]
    root_iam.put_role_policy(RoleName=name, PolicyName="list", PolicyDocument=_allow("iam:ListUsers"))
    return arn


def _error(caught: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    return caught.value.response["Error"]["Code"], caught.value.response["Error"]["Message"]


def _session_clients(server: LiveServer, credentials: dict[str, Any]) -> tuple[Any, Any]:
    args = (credentials["AccessKeyId"], credentials["SecretAccessKey"])
    import boto3

    def make(service: str) -> Any:
        return boto3.client(
            service, endpoint_url=server.endpoint, region_name="us-east-1", aws_access_key_id=args[0],
            aws_secret_access_key=args[1], aws_session_token=credentials["SessionToken"],
        )

    return make("iam"), make("sts")


def test_assume_role_and_use_the_session(server: LiveServer, root_iam: Any, new_user: Any) -> None:
    role_arn = _role(root_iam, _trust({"AWS": f"arn:aws:iam::{ACCOUNT}:root"}))
    _, _, sts = new_user({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": role_arn}]})
    answer = sts.assume_role(RoleArn=role_arn, RoleSessionName="build-42")
    credentials = answer["Credentials"]
    assert credentials["AccessKeyId"].startswith("ASIA")
    role_name = role_arn.rsplit("/", 1)[1]
    session_arn = f"arn:aws:sts::{ACCOUNT}:assumed-role/{role_name}/build-42"
    assert answer["AssumedRoleUser"]["Arn"] == session_arn
    assert answer["AssumedRoleUser"]["AssumedRoleId"].startswith("AROA") and answer["AssumedRoleUser"]["AssumedRoleId"].endswith(":build-42")
    iam, session_sts = _session_clients(server, credentials)
    assert session_sts.get_caller_identity()["Arn"] == session_arn
    iam.list_users()
    with pytest.raises(ClientError) as caught:
        iam.create_user(UserName="nope")
    assert _error(caught) == ("AccessDenied", (
        f"User: {session_arn} is not authorized to perform: iam:CreateUser on resource: "
        f"arn:aws:iam::{ACCOUNT}:user/nope because no identity-based policy allows the iam:CreateUser action"))
    last_used = root_iam.get_role(RoleName=role_name)["Role"].get("RoleLastUsed", {})
    assert "LastUsedDate" in last_used


def test_account_trust_needs_an_identity_allow_but_a_named_user_does_not(
    server: LiveServer, root_iam: Any, new_user: Any
) -> None:
    delegated = _role(root_iam, _trust({"AWS": f"arn:aws:iam::{ACCOUNT}:root"}))
    name, _, sts = new_user()
    with pytest.raises(ClientError) as caught:
        sts.assume_role(RoleArn=delegated, RoleSessionName="s1")
    assert _error(caught)[0] == "AccessDenied"
    direct = _role(root_iam, _trust({"AWS": f"arn:aws:iam::{ACCOUNT}:user/{name}"}))
    assert sts.assume_role(RoleArn=direct, RoleSessionName="s1")["Credentials"]["AccessKeyId"]


def test_external_id_condition(server: LiveServer, root_iam: Any, new_user: Any) -> None:
    name, _, sts = new_user()
    role = _role(root_iam, _trust({"AWS": f"arn:aws:iam::{ACCOUNT}:user/{name}"},
                                  {"StringEquals": {"sts:ExternalId": "s3cret-partner-id"}}))
    for attempt in ({}, {"ExternalId": "wrong"}):
        with pytest.raises(ClientError):
            sts.assume_role(RoleArn=role, RoleSessionName="s1", **attempt)
    sts.assume_role(RoleArn=role, RoleSessionName="s1", ExternalId="s3cret-partner-id")


def test_session_policy_narrows_and_boundary_caps(server: LiveServer, root_iam: Any, new_user: Any) -> None:
    name, _, sts = new_user()
    role = _role(root_iam, _trust({"AWS": f"arn:aws:iam::{ACCOUNT}:user/{name}"}))
    narrowed = sts.assume_role(RoleArn=role, RoleSessionName="s1", Policy=_allow("iam:GetUser"))
    assert narrowed["PackedPolicySize"] > 0
    iam, _ = _session_clients(server, narrowed["Credentials"])
    with pytest.raises(ClientError) as caught:
        iam.list_users()
    assert "because no session policy allows the iam:ListUsers action" in _error(caught)[1]
    boundary = root_iam.create_policy(PolicyName=f"b-{uuid.uuid4().hex[:6]}", PolicyDocument=_allow("iam:GetRole"))
    role_name = role.rsplit("/", 1)[1]
    root_iam.put_role_permissions_boundary(RoleName=role_name, PermissionsBoundary=boundary["Policy"]["Arn"])
    capped = sts.assume_role(RoleArn=role, RoleSessionName="s1")
    iam, _ = _session_clients(server, capped["Credentials"])
    with pytest.raises(ClientError) as caught:
        iam.list_users()
    assert "because no permissions boundary allows the iam:ListUsers action" in _error(caught)[1]


def test_duration_limits_and_role_chaining(server: LiveServer, root_iam: Any, new_user: Any) -> None:
    name, _, sts = new_user()
    first = _role(root_iam, _trust({"AWS": f"arn:aws:iam::{ACCOUNT}:user/{name}"}), MaxSessionDuration=7200)
    with pytest.raises(ClientError) as caught:
        sts.assume_role(RoleArn=first, RoleSessionName="s1", DurationSeconds=10800)
    assert _error(caught) == ("ValidationError",
                              "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")
    hop = sts.assume_role(RoleArn=first, RoleSessionName="hop", DurationSeconds=7200)["Credentials"]
    first_session = f"arn:aws:sts::{ACCOUNT}:assumed-role/{first.rsplit('/', 1)[1]}/hop"
    second = _role(root_iam, _trust({"AWS": first_session}))
    _, hop_sts = _session_clients(server, hop)
    with pytest.raises(ClientError) as caught:
        hop_sts.assume_role(RoleArn=second, RoleSessionName="s22", DurationSeconds=7200)
    assert "1 hour session limit for roles assumed by role chaining" in _error(caught)[1]
    assert hop_sts.assume_role(RoleArn=second, RoleSessionName="s22", DurationSeconds=3600)["Credentials"]


def test_tampered_and_expired_tokens_are_rejected(server: LiveServer, root_iam: Any, new_user: Any) -> None:
    name, _, sts = new_user()
    role = _role(root_iam, _trust({"AWS": f"arn:aws:iam::{ACCOUNT}:user/{name}"}))
    credentials = dict(sts.assume_role(RoleArn=role, RoleSessionName="s1")["Credentials"])
    token = credentials["SessionToken"]
    credentials["SessionToken"] = token[:-6] + ("A" if token[-6] != "A" else "B") + token[-5:]
    _, tampered = _session_clients(server, credentials)
    with pytest.raises(ClientError) as caught:
        tampered.get_caller_identity()
    assert _error(caught)[0] == "InvalidClientTokenId"
    past = datetime.now(UTC) - timedelta(hours=2)
    expired_token = seal_token(
        {"v": 1, "ak": credentials["AccessKeyId"]}, server.runtime.env.tokens,
        issued_at=past, expires_at=past + timedelta(hours=1),
    )
    credentials["SessionToken"] = expired_token
    _, expired = _session_clients(server, credentials)
    with pytest.raises(ClientError) as caught:
        expired.get_caller_identity()
    assert _error(caught) == ("ExpiredToken", "The security token included in the request is expired")


def test_root_and_unknown_roles_are_refused_alike(server: LiveServer, root_iam: Any) -> None:
    root_sts = server.client("sts", *server.root_keys())
    role = _role(root_iam, _trust({"AWS": f"arn:aws:iam::{ACCOUNT}:root"}))
    for arn in (role, f"arn:aws:iam::{ACCOUNT}:role/does-not-exist"):
        with pytest.raises(ClientError) as caught:
            root_sts.assume_role(RoleArn=arn, RoleSessionName="s1")
        assert _error(caught)[0] == "AccessDenied"
