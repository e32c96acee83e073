"""Revoking a role's active sessions: `warden roles revoke-sessions` puts AWS's
AWSRevokeOlderSessions inline policy, which denies sessions whose aws:TokenIssueTime is older.

https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_revoke-sessions.html
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-tokenissuetime
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from live_server import LiveServer

ACCOUNT = "111122223333"


def _revoke(server: LiveServer, tmp_path: Path, role_name: str, keys: tuple[str, str]) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(HOME=str(tmp_path), AWS_ACCESS_KEY_ID=keys[0], AWS_SECRET_ACCESS_KEY=keys[1],
               AWS_DEFAULT_REGION="us-east-1")
    return subprocess.run(
        [sys.executable, "-m", "warden.cli.main", "roles", "revoke-sessions", role_name,
         "--endpoint-url", server.endpoint],
        check=False, env=env, capture_output=True, text=True, timeout=60,
    )


def _session_iam(server: LiveServer, sts: Any, role_arn: str) -> tuple[Any, str]:
    answer = sts.assume_role(RoleArn=role_arn, RoleSessionName=f"s-{uuid.uuid4().hex[:6]}")
    given = answer["Credentials"]
    iam = boto3.client(
        "iam", endpoint_url=server.endpoint, region_name="us-east-1", aws_access_key_id=given["AccessKeyId"],
        aws_secret_access_key=given["SecretAccessKey"], aws_session_token=given["SessionToken"],
    )
    return iam, answer["AssumedRoleUser"]["Arn"]


def _next_second() -> None:
    """aws:TokenIssueTime has whole seconds; step over one so before and after are distinct."""
    time.sleep(1.1)


def test_sessions_issued_before_revocation_are_denied_new_ones_work(
    server: LiveServer, root_iam: Any, new_user: Callable[..., Any], tmp_path: Path
) -> None:
    role_name = f"r-{uuid.uuid4().hex[:8]}"
    trust = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": "sts:AssumeRole"}]}
    role_arn = root_iam.create_role(RoleName=role_name, AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
    root_iam.put_role_policy(RoleName=role_name, PolicyName="list", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:ListUsers", "Resource": "*"}]}))
    _, _, sts = new_user({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": role_arn}]})
    old_iam, old_arn = _session_iam(server, sts, role_arn)
    old_iam.list_users()
    _next_second()

    done = _revoke(server, tmp_path, role_name, server.root_keys())
    assert done.returncode == 0, done.stderr
    cutoff = done.stdout.strip()
    stored = root_iam.get_role_policy(RoleName=role_name, PolicyName="AWSRevokeOlderSessions")["PolicyDocument"]
    assert stored["Statement"]["Effect"] == "Deny"
    assert stored["Statement"]["Condition"] == {"DateLessThan": {"aws:TokenIssueTime": cutoff}}

    with pytest.raises(ClientError) as caught:
        old_iam.list_users()
    error = caught.value.response["Error"]
    assert error["Code"] == "AccessDenied"
    assert error["Message"].startswith(f"User: {old_arn} is not authorized to perform: iam:ListUsers")
    assert error["Message"].endswith("with an explicit deny in an identity-based policy")

    _next_second()
    new_iam, _ = _session_iam(server, sts, role_arn)
    new_iam.list_users()

    # Revoking again moves the date forward: now the second session is cut off too.
    _next_second()
    again = _revoke(server, tmp_path, role_name, server.root_keys())
    assert again.returncode == 0, again.stderr
    assert again.stdout.strip() > cutoff
    with pytest.raises(ClientError):
        new_iam.list_users()


def test_revoking_needs_put_role_policy(
    server: LiveServer, root_iam: Any, tmp_path: Path
) -> None:
    role_name = f"r-{uuid.uuid4().hex[:8]}"
    trust = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": "sts:AssumeRole"}]}
    root_iam.create_role(RoleName=role_name, AssumeRolePolicyDocument=json.dumps(trust))
    user = f"u-{uuid.uuid4().hex[:8]}"
    root_iam.create_user(UserName=user)
    root_iam.put_user_policy(UserName=user, PolicyName="read", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:GetRole", "Resource": "*"}]}))
    key = root_iam.create_access_key(UserName=user)["AccessKey"]
    done = _revoke(server, tmp_path, role_name, (key["AccessKeyId"], key["SecretAccessKey"]))
    assert done.returncode == 1
    assert "AccessDenied" in done.stderr and "iam:PutRolePolicy" in " ".join(done.stderr.split())
