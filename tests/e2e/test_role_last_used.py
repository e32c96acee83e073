"""GetRole's RoleLastUsed: set when the role is assumed and when its session credentials make a
request, with the Region of that request; empty for a role never used.

https://docs.aws.amazon.com/IAM/latest/APIReference/API_RoleLastUsed.html
https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetRole.html
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import Any

import boto3
from live_server import LiveServer

ACCOUNT = "111122223333"


def test_role_last_used_follows_session_use(
    server: LiveServer, root_iam: Any, new_user: Callable[..., Any]
) -> None:
    role_name = f"r-{uuid.uuid4().hex[:8]}"
    trust = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": "sts:AssumeRole"}]}
    role = root_iam.create_role(RoleName=role_name, AssumeRolePolicyDocument=json.dumps(trust))["Role"]
    root_iam.put_role_policy(RoleName=role_name, PolicyName="list", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:ListUsers", "Resource": "*"}]}))
    assert root_iam.get_role(RoleName=role_name)["Role"]["RoleLastUsed"] == {}

    _, _, sts = new_user({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": role["Arn"]}]})
    given = sts.assume_role(RoleArn=role["Arn"], RoleSessionName="job")["Credentials"]
    assumed = root_iam.get_role(RoleName=role_name)["Role"]["RoleLastUsed"]
    assert assumed["Region"] == "us-east-1" and assumed["LastUsedDate"] >= role["CreateDate"]

    session_iam = boto3.client(
        "iam", endpoint_url=server.endpoint, region_name="eu-west-1", aws_access_key_id=given["AccessKeyId"],
        aws_secret_access_key=given["SecretAccessKey"], aws_session_token=given["SessionToken"],
    )
    session_iam.list_users()
    used = root_iam.get_role(RoleName=role_name)["Role"]["RoleLastUsed"]
    assert used["Region"] == "eu-west-1"
    assert used["LastUsedDate"] >= assumed["LastUsedDate"]
