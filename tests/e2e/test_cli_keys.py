"""`warden keys rotate` against a live server, credentials and endpoint resolved like the AWS CLI.

https://docs.aws.amazon.com/IAM/latest/UserGuide/id-credentials-access-keys-update.html
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from live_server import LiveServer  # type: ignore[import-not-found]
from typer.testing import CliRunner

from warden.cli.main import app

runner = CliRunner()


@pytest.fixture
def aws_env(server: LiveServer, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Only the server's own shared config and credentials files (profile `default`, with its
    endpoint_url), as `warden serve` writes them."""
    for name in (
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_PROFILE",
        "AWS_ENDPOINT_URL",
        "AWS_ENDPOINT_URL_IAM",
    ):
        monkeypatch.delenv(name, raising=False)
    return {
        "AWS_CONFIG_FILE": str(server.settings.data_dir / "config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(server.settings.data_dir / "credentials"),
    }


def _rotate(env: dict[str, str], *args: str) -> Any:
    return runner.invoke(app, ["keys", "rotate", *args], env=env)


def _keys(root_iam: Any, user: str) -> dict[str, str]:
    return {
        k["AccessKeyId"]: k["Status"] for k in root_iam.list_access_keys(UserName=user)["AccessKeyMetadata"]
    }


def test_rotation_step_by_step(server: LiveServer, root_iam: Any, aws_env: dict[str, str]) -> None:
    """Create the second key, deactivate the old one, then delete it; the new key works."""
    user = f"k-{uuid.uuid4().hex[:8]}"
    root_iam.create_user(UserName=user)
    old = root_iam.create_access_key(UserName=user)["AccessKey"]["AccessKeyId"]

    started = _rotate(aws_env, user, "--profile", "default")
    assert started.exit_code == 0, started.output
    created = json.loads(started.stdout)
    new = created["AccessKeyId"]
    assert created["OldAccessKeyId"] == old and created["SecretAccessKey"]
    assert _keys(root_iam, user) == {old: "Active", new: "Active"}
    sts = server.client("sts", new, created["SecretAccessKey"])
    assert sts.get_caller_identity()["Arn"].endswith(f":user/{user}")  # the new key works

    refused = _rotate(aws_env, user)
    assert refused.exit_code == 1
    assert old in refused.stderr and new in refused.stderr and "already has two access keys" in refused.stderr

    early_delete = _rotate(aws_env, user, "--finish", "--delete-old")
    assert early_delete.exit_code == 1 and "still active" in early_delete.stderr

    finished = _rotate(aws_env, user, "--finish")
    assert finished.exit_code == 0, finished.output
    assert _keys(root_iam, user) == {old: "Inactive", new: "Active"}

    deleted = _rotate(aws_env, user, "--finish", "--delete-old")
    assert deleted.exit_code == 0, deleted.output
    assert _keys(root_iam, user) == {new: "Active"}


def test_rotation_at_once_with_explicit_endpoint(
    server: LiveServer, root_iam: Any, aws_env: dict[str, str]
) -> None:
    user = f"k-{uuid.uuid4().hex[:8]}"
    root_iam.create_user(UserName=user)
    old = root_iam.create_access_key(UserName=user)["AccessKey"]["AccessKeyId"]
    env = {**aws_env, "AWS_CONFIG_FILE": "/nonexistent"}  # no endpoint_url from the config file
    result = _rotate(env, user, "--delete-old", "--endpoint-url", server.endpoint, "--region", "us-east-1")
    assert result.exit_code == 0, result.output
    new = json.loads(result.stdout)["AccessKeyId"]
    assert _keys(root_iam, user) == {new: "Active"} and new != old


def test_errors_from_warden_are_reported(aws_env: dict[str, str]) -> None:
    result = _rotate(aws_env, "no-such-user-here")
    assert result.exit_code == 1
    assert "NoSuchEntity" in result.stderr
