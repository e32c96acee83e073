"""`warden run`: a command gets a role's temporary credentials from a loopback
container-credentials endpoint, never the runner's own keys.

https://docs.aws.amazon.com/sdkref/latest/guide/feature-container-credentials.html
https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from live_server import LiveServer

ACCOUNT = "111122223333"
_PRINT_ARN = "import boto3; print(boto3.client('sts').get_caller_identity()['Arn'])"


def _role(root_iam: Any, trusted: str) -> tuple[str, str]:
    name = f"r-{uuid.uuid4().hex[:8]}"
    trust = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": trusted}, "Action": "sts:AssumeRole"}]}
    arn = root_iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
    return name, arn


def _runner(server: LiveServer, root_iam: Any, tmp_path: Path, user_name: str) -> dict[str, str]:
    """The runner's environment: the user's static keys, no ~/.aws of the machine."""
    key = root_iam.create_access_key(UserName=user_name)["AccessKey"]
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        HOME=str(tmp_path), AWS_ACCESS_KEY_ID=key["AccessKeyId"], AWS_SECRET_ACCESS_KEY=key["SecretAccessKey"],
        AWS_ENDPOINT_URL=server.endpoint, AWS_DEFAULT_REGION="us-east-1",
    )
    return env


def _warden_run(env: dict[str, str], *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "warden.cli.main", "run", *args],
        check=False, env=env, capture_output=True, text=True, timeout=timeout,
    )


@pytest.fixture
def allowed_runner(
    server: LiveServer, root_iam: Any, new_user: Callable[..., Any], tmp_path: Path
) -> tuple[str, str, dict[str, str]]:
    """A role trusting a user who may sts:AssumeRole it: (role name, role ARN, runner env)."""
    user_name, _, _ = new_user()
    role_name, role_arn = _role(root_iam, f"arn:aws:iam::{ACCOUNT}:user/{user_name}")
    root_iam.put_user_policy(UserName=user_name, PolicyName="assume", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": role_arn}]}))
    return role_name, role_arn, _runner(server, root_iam, tmp_path, user_name)


def test_command_runs_as_the_assumed_role(allowed_runner: tuple[str, str, dict[str, str]]) -> None:
    role_name, role_arn, env = allowed_runner
    done = _warden_run(env, "--role", role_arn, "--session-name", "job-7", "--", sys.executable, "-c", _PRINT_ARN)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"arn:aws:sts::{ACCOUNT}:assumed-role/{role_name}/job-7"


def test_command_sees_no_runner_keys_and_exit_code_is_forwarded(
    allowed_runner: tuple[str, str, dict[str, str]],
) -> None:
    _, role_arn, env = allowed_runner
    script = (
        "import os, sys, json; names = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', "
        "'AWS_PROFILE']; print(json.dumps({n: os.environ.get(n) for n in names + "
        "['AWS_CONTAINER_CREDENTIALS_FULL_URI', 'AWS_ENDPOINT_URL']})); sys.exit(7)"
    )
    done = _warden_run(env, "--role", role_arn, "--", sys.executable, "-c", script)
    assert done.returncode == 7, done.stderr
    seen = json.loads(done.stdout)
    assert seen["AWS_ACCESS_KEY_ID"] is None and seen["AWS_SECRET_ACCESS_KEY"] is None
    assert seen["AWS_SESSION_TOKEN"] is None and seen["AWS_PROFILE"] is None
    assert seen["AWS_CONTAINER_CREDENTIALS_FULL_URI"].startswith("http://127.0.0.1:")
    assert seen["AWS_ENDPOINT_URL"] == env["AWS_ENDPOINT_URL"]


def test_endpoint_refuses_a_missing_or_wrong_token(allowed_runner: tuple[str, str, dict[str, str]]) -> None:
    _, role_arn, env = allowed_runner
    script = (
        "import os, urllib.request, urllib.error\n"
        "uri = os.environ['AWS_CONTAINER_CREDENTIALS_FULL_URI']\n"
        "def status(headers):\n"
        "    try:\n"
        "        return urllib.request.urlopen(urllib.request.Request(uri, headers=headers)).status\n"
        "    except urllib.error.HTTPError as e:\n"
        "        return e.code\n"
        "good = os.environ['AWS_CONTAINER_AUTHORIZATION_TOKEN']\n"
        "print(status({}), status({'Authorization': good + 'x'}), status({'Authorization': good}))\n"
    )
    done = _warden_run(env, "--role", role_arn, "--", sys.executable, "-c", script)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["401", "403", "200"]


def test_runner_without_assume_role_permission_is_refused_before_the_command(
    server: LiveServer, root_iam: Any, new_user: Callable[..., Any], tmp_path: Path
) -> None:
    # The trust policy delegates to the account, so the user needs an identity policy allowing
    # sts:AssumeRole (id_roles_use_permissions-to-switch.html); this user has none.
    user_name, _, _ = new_user()
    _, role_arn = _role(root_iam, f"arn:aws:iam::{ACCOUNT}:root")
    env = _runner(server, root_iam, tmp_path, user_name)
    marker = tmp_path / "ran"
    done = _warden_run(env, "--role", role_arn, "--", sys.executable, "-c", f"open({str(marker)!r}, 'w')")
    assert done.returncode == 1
    assert not marker.exists()
    message = " ".join(done.stderr.split())
    assert f"cannot assume role {role_arn}" in message
    assert "AccessDenied" in message
    assert f"is not authorized to perform: sts:AssumeRole on resource: {role_arn}" in message


def test_a_signal_to_warden_run_reaches_the_command(allowed_runner: tuple[str, str, dict[str, str]]) -> None:
    _, role_arn, env = allowed_runner
    script = (
        "import signal, sys, time\n"
        "signal.signal(signal.SIGTERM, lambda *a: sys.exit(42))\n"
        "print('ready', flush=True)\n"
        "time.sleep(30)\n"
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "warden.cli.main", "run", "--role", role_arn, "--", sys.executable, "-c", script],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    with process:
        assert process.stdout is not None
        assert process.stdout.readline().strip() == "ready"
        process.terminate()
        try:
            process.communicate(timeout=20)
        finally:
            if process.poll() is None:
                process.kill()
        assert process.returncode == 42
