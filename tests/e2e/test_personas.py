"""Personas: what a user with a given AWS managed policy can and cannot do, over HTTP.

https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_job-functions.html
"""

from __future__ import annotations

import configparser
import uuid
from typing import Any

import pytest
from botocore.exceptions import ClientError
from live_server import MASTER_KEY, LiveServer
from typer.testing import CliRunner

from warden.cli.main import app


def _user_with(server: LiveServer, root_iam: Any, policy_arn: str) -> Any:
    name = f"p-{uuid.uuid4().hex[:8]}"
    root_iam.create_user(UserName=name)
    root_iam.attach_user_policy(UserName=name, PolicyArn=policy_arn)
    key = root_iam.create_access_key(UserName=name)["AccessKey"]
    return server.client("iam", key["AccessKeyId"], key["SecretAccessKey"])


def _denied(call: Any, **kwargs: Any) -> str:
    with pytest.raises(ClientError) as caught:
        call(**kwargs)
    assert caught.value.response["Error"]["Code"] == "AccessDenied"
    return str(caught.value.response["Error"]["Message"])


def test_iam_read_only_reads_but_cannot_write(server: LiveServer, root_iam: Any) -> None:
    iam = _user_with(server, root_iam, "arn:aws:iam::aws:policy/IAMReadOnlyAccess")
    assert iam.list_users()["Users"]
    iam.list_policies(Scope="AWS")
    _denied(iam.create_user, UserName="nope")
    _denied(iam.create_group, GroupName="nope")
    _denied(iam.attach_user_policy, UserName="nope", PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")


def test_iam_full_access_administers_iam(server: LiveServer, root_iam: Any) -> None:
    iam = _user_with(server, root_iam, "arn:aws:iam::aws:policy/IAMFullAccess")
    iam.create_group(GroupName=f"g-{uuid.uuid4().hex[:8]}")
    created = iam.create_user(UserName=f"made-{uuid.uuid4().hex[:8]}")["User"]["UserName"]
    iam.delete_user(UserName=created)


def test_power_user_is_kept_out_of_iam(server: LiveServer, root_iam: Any) -> None:
    iam = _user_with(server, root_iam, "arn:aws:iam::aws:policy/PowerUserAccess")
    iam.list_roles()  # PowerUserAccess allows iam:ListRoles explicitly
    message = _denied(iam.list_users)
    assert "because no identity-based policy allows the iam:ListUsers action" in message


def test_iam_user_change_password_scopes_to_self(server: LiveServer, root_iam: Any) -> None:
    iam = _user_with(server, root_iam, "arn:aws:iam::aws:policy/IAMUserChangePassword")
    _denied(iam.list_users)


def test_account_create_makes_an_isolated_account(server: LiveServer, root_iam: Any) -> None:
    root_iam.create_user(UserName="only-in-first-account")
    result = CliRunner().invoke(
        app,
        ["account", "create", "--data", str(server.settings.data_dir), "--account-id", "444455556666",
         "--endpoint-url", server.endpoint],
        env={"WARDEN_MASTER_KEY": MASTER_KEY},
    )
    assert result.exit_code == 0, result.output
    credentials = configparser.ConfigParser()
    credentials.read(server.settings.data_dir / "credentials")
    profile = credentials["444455556666"]
    other = server.client("iam", profile["aws_access_key_id"], profile["aws_secret_access_key"])
    other_sts = server.client("sts", profile["aws_access_key_id"], profile["aws_secret_access_key"])
    assert other_sts.get_caller_identity()["Account"] == "444455556666"
    assert all(u["UserName"] != "only-in-first-account" for u in other.list_users()["Users"])
    with pytest.raises(ClientError) as caught:
        other.get_user(UserName="only-in-first-account")
    assert caught.value.response["Error"]["Code"] == "NoSuchEntity"
    again = CliRunner().invoke(
        app, ["account", "create", "--data", str(server.settings.data_dir), "--account-id", "444455556666"],
        env={"WARDEN_MASTER_KEY": MASTER_KEY},
    )
    assert again.exit_code == 1
