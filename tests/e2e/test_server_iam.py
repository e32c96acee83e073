"""IAM through boto3 against the live server: validation, authorization, and policy changes
taking effect on the next request.

https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError
from live_server import LiveServer

ALLOW_LIST_USERS = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "iam:ListUsers", "Resource": "*"}],
}


def _error(excinfo: pytest.ExceptionInfo[ClientError]) -> tuple[str, str, int]:
    error = excinfo.value.response["Error"]
    return error["Code"], error["Message"], excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"]


def test_validation_error_from_the_model(root_iam: Any) -> None:
    with pytest.raises(ClientError) as caught:
        root_iam.create_user(UserName="not a valid name!")
    code, message, status = _error(caught)
    assert (code, status) == ("ValidationError", 400)
    assert message.startswith("1 validation error detected: Value 'not a valid name!' at 'userName'")


def test_user_without_policies_is_denied_with_awss_message(new_user: Any) -> None:
    name, iam, _ = new_user()
    with pytest.raises(ClientError) as caught:
        iam.list_users()
    code, message, status = _error(caught)
    assert (code, status) == ("AccessDenied", 403)
    assert message == (
        f"User: arn:aws:iam::111122223333:user/{name} is not authorized to perform: iam:ListUsers on "
        "resource: arn:aws:iam::111122223333:user/ because no identity-based policy allows the "
        "iam:ListUsers action"
    )


def test_policy_change_takes_effect_on_the_next_request(root_iam: Any, new_user: Any) -> None:
    name, iam, _ = new_user()
    with pytest.raises(ClientError):
        iam.list_users()
    root_iam.put_user_policy(UserName=name, PolicyName="list", PolicyDocument=json.dumps(ALLOW_LIST_USERS))
    assert any(u["UserName"] == name for u in iam.list_users()["Users"])
    root_iam.delete_user_policy(UserName=name, PolicyName="list")
    with pytest.raises(ClientError):
        iam.list_users()


def test_explicit_deny_message(root_iam: Any, new_user: Any) -> None:
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": "iam:*", "Resource": "*"},
            {"Effect": "Deny", "Action": "iam:CreateUser", "Resource": "*"},
        ],
    }
    _, iam, _ = new_user(policy)
    with pytest.raises(ClientError) as caught:
        iam.create_user(UserName="blocked")
    assert _error(caught)[1].endswith("with an explicit deny in an identity-based policy")


def test_paging_with_marker(root_iam: Any) -> None:
    for index in range(5):
        root_iam.create_group(GroupName=f"paging-{index}")
    first = root_iam.list_groups(MaxItems=2)
    assert first["IsTruncated"] and len(first["Groups"]) == 2
    seen = [g["GroupName"] for g in first["Groups"]]
    marker = first["Marker"]
    while marker:
        page = root_iam.list_groups(MaxItems=2, Marker=marker)
        seen += [g["GroupName"] for g in page["Groups"]]
        marker = page.get("Marker")
    assert [n for n in seen if n.startswith("paging-")] == [f"paging-{i}" for i in range(5)]


def test_aws_cli_smoke(server: LiveServer, root_iam: Any) -> None:
    root_iam.create_user(UserName="cli-visible")
    env = dict(os.environ)
    env.update(
        AWS_SHARED_CREDENTIALS_FILE=str(server.settings.data_dir / "credentials"),
        AWS_CONFIG_FILE=str(server.settings.data_dir / "config"),
    )
    env.pop("AWS_PROFILE", None)
    aws = Path(sys.executable).parent / "aws"
    out = subprocess.run(
        [str(aws), "iam", "list-users", "--output", "json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    assert "cli-visible" in out.stdout


def test_access_log_never_holds_secrets(
    server: LiveServer, root_iam: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="warden.access")
    root_iam.create_user(UserName="logged")
    key = root_iam.create_access_key(UserName="logged")["AccessKey"]
    server.client("sts", key["AccessKeyId"], key["SecretAccessKey"]).get_caller_identity()
    _, root_secret = server.root_keys()
    lines = [r.getMessage() for r in caplog.records if r.name == "warden.access"]
    assert any('"action":"CreateAccessKey"' in line for line in lines)
    assert any(key["AccessKeyId"] in line for line in lines)  # key ids are not secret; AWS logs them
    for secret in (root_secret, key["SecretAccessKey"]):
        assert all(secret not in line for line in lines)


def test_access_key_last_used_is_recorded(root_iam: Any, new_user: Any) -> None:
    """https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetAccessKeyLastUsed.html"""
    name, _, sts = new_user()
    sts.get_caller_identity()
    (key,) = root_iam.list_access_keys(UserName=name)["AccessKeyMetadata"]
    last = root_iam.get_access_key_last_used(AccessKeyId=key["AccessKeyId"])
    assert last["UserName"] == name
    assert last["AccessKeyLastUsed"]["ServiceName"] == "sts"
    assert last["AccessKeyLastUsed"]["Region"] == "us-east-1"
    assert "LastUsedDate" in last["AccessKeyLastUsed"]
