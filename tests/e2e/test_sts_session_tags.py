"""AssumeRole session tags and SourceIdentity end to end with boto3: tags become aws:PrincipalTag
values, sts:TagSession is required, transitive tags survive a role chain and cannot be
overridden, and SourceIdentity cannot change down a chain.

https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html
https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_control-access_monitor.html
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from live_server import LiveServer

ACCOUNT = "111122223333"
BLUE_ONLY = {"StringEquals": {"aws:PrincipalTag/team": "blue"}}


def _doc(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def _role(root_iam: Any, principal: str, actions: list[str], *statements: dict[str, Any]) -> tuple[str, str]:
    name = f"r-{uuid.uuid4().hex[:8]}"
    trust = _doc({"Effect": "Allow", "Principal": {"AWS": principal}, "Action": actions})
    arn = root_iam.create_role(RoleName=name, AssumeRolePolicyDocument=trust)["Role"]["Arn"]
    if statements:
        root_iam.put_role_policy(RoleName=name, PolicyName="p", PolicyDocument=_doc(*statements))
    return name, arn


def _clients(server: LiveServer, credentials: dict[str, Any]) -> tuple[Any, Any]:
    def make(service: str) -> Any:
        return boto3.client(service, endpoint_url=server.endpoint, region_name="us-east-1",
                            aws_access_key_id=credentials["AccessKeyId"],
                            aws_secret_access_key=credentials["SecretAccessKey"],
                            aws_session_token=credentials["SessionToken"])
    return make("iam"), make("sts")


def _code(caught: pytest.ExceptionInfo[ClientError]) -> str:
    return str(caught.value.response["Error"]["Code"])


def test_session_tags_drive_principal_tag_conditions(server: LiveServer, root_iam: Any, new_user: Any) -> None:
    name, _, sts = new_user()
    user_arn = f"arn:aws:iam::{ACCOUNT}:user/{name}"
    _, role = _role(root_iam, user_arn, ["sts:AssumeRole", "sts:TagSession"],
                    {"Effect": "Allow", "Action": "iam:ListUsers", "Resource": "*", "Condition": BLUE_ONLY})
    blue = sts.assume_role(RoleArn=role, RoleSessionName="blue", Tags=[{"Key": "team", "Value": "blue"}])
    assert blue["PackedPolicySize"] >= 1
    iam, _ = _clients(server, blue["Credentials"])
    iam.list_users()
    red = sts.assume_role(RoleArn=role, RoleSessionName="red", Tags=[{"Key": "team", "Value": "red"}])
    iam, _ = _clients(server, red["Credentials"])
    with pytest.raises(ClientError) as caught:
        iam.list_users()
    assert _code(caught) == "AccessDenied"


def test_tags_without_tag_session_are_denied(server: LiveServer, root_iam: Any, new_user: Any) -> None:
    name, _, sts = new_user()
    _, role = _role(root_iam, f"arn:aws:iam::{ACCOUNT}:user/{name}", ["sts:AssumeRole"])
    with pytest.raises(ClientError) as caught:
        sts.assume_role(RoleArn=role, RoleSessionName="s1", Tags=[{"Key": "team", "Value": "blue"}])
    assert _code(caught) == "AccessDenied"
    assert "sts:TagSession" in caught.value.response["Error"]["Message"]
    with pytest.raises(ClientError) as caught:
        sts.assume_role(RoleArn=role, RoleSessionName="s1",
                        Tags=[{"Key": "a", "Value": "1"}, {"Key": "A", "Value": "2"}])
    assert caught.value.response["Error"] == {
        "Type": "Sender", "Code": "InvalidParameterValue",
        "Message": "Duplicate tag keys found. Please note that Tag keys are case insensitive."}


def test_transitive_tags_survive_a_chain(server: LiveServer, root_iam: Any, new_user: Any) -> None:
    name, _, sts = new_user()
    first_name, first = _role(root_iam, f"arn:aws:iam::{ACCOUNT}:user/{name}", ["sts:AssumeRole", "sts:TagSession"],
                              {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"})
    hop_arn = f"arn:aws:sts::{ACCOUNT}:assumed-role/{first_name}/hop"
    _, second = _role(root_iam, hop_arn, ["sts:AssumeRole", "sts:TagSession"],
                      {"Effect": "Allow", "Action": "iam:ListUsers", "Resource": "*", "Condition": BLUE_ONLY})
    hop = sts.assume_role(RoleArn=first, RoleSessionName="hop", Tags=[{"Key": "team", "Value": "blue"}],
                          TransitiveTagKeys=["team"])
    _, hop_sts = _clients(server, hop["Credentials"])
    chained = hop_sts.assume_role(RoleArn=second, RoleSessionName="two")
    iam, _ = _clients(server, chained["Credentials"])
    iam.list_users()  # allowed only because the transitive team=blue came along
    with pytest.raises(ClientError) as caught:
        hop_sts.assume_role(RoleArn=second, RoleSessionName="two", Tags=[{"Key": "Team", "Value": "red"}])
    assert _code(caught) == "InvalidParameterValue"
    assert "conflicts with a transitive tag key from the calling session" in caught.value.response["Error"]["Message"]


def test_source_identity_is_immutable_down_a_chain(server: LiveServer, root_iam: Any, new_user: Any) -> None:
    name, _, sts = new_user()
    first_name, first = _role(root_iam, f"arn:aws:iam::{ACCOUNT}:user/{name}",
                              ["sts:AssumeRole", "sts:SetSourceIdentity"],
                              {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"})
    _, second = _role(root_iam, f"arn:aws:sts::{ACCOUNT}:assumed-role/{first_name}/hop",
                      ["sts:AssumeRole", "sts:SetSourceIdentity"])
    hop = sts.assume_role(RoleArn=first, RoleSessionName="hop", SourceIdentity="alice@example.com")
    assert hop["SourceIdentity"] == "alice@example.com"
    _, hop_sts = _clients(server, hop["Credentials"])
    with pytest.raises(ClientError) as caught:
        hop_sts.assume_role(RoleArn=second, RoleSessionName="two", SourceIdentity="mallory")
    assert _code(caught) == "AccessDenied"
    kept = hop_sts.assume_role(RoleArn=second, RoleSessionName="two")
    assert kept["SourceIdentity"] == "alice@example.com"
