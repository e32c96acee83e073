"""Restart keeps data and keys; mock mode for local development.

The issue's local-development mode mirrors moto's server mode:
https://docs.getmoto.org/en/latest/docs/server_mode.html
"""

from __future__ import annotations

import os
from pathlib import Path

import boto3
import httpx
import pytest
from botocore.exceptions import ClientError
from live_server import REGION, start_server


def test_restart_keeps_data_and_keys(tmp_path: Path) -> None:
    first = start_server(tmp_path)
    try:
        keys = first.root_keys()
        first.client("iam", *keys).create_user(UserName="survivor")
        credentials_before = (tmp_path / "credentials").read_text()
    finally:
        first.stop()
    second = start_server(tmp_path)
    try:
        assert (tmp_path / "credentials").read_text() == credentials_before
        iam = second.client("iam", *keys)
        assert iam.get_user(UserName="survivor")["User"]["UserName"] == "survivor"
        assert oct(os.stat(tmp_path / "credentials").st_mode & 0o777) == "0o600"
    finally:
        second.stop()


def test_mock_mode(tmp_path: Path) -> None:
    live = start_server(tmp_path, mock=True)
    try:
        unsigned = httpx.post(
            live.endpoint + "/",
            content="Action=GetCallerIdentity&Version=2011-06-15",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        assert unsigned.status_code == 200 and "arn:aws:iam::123456789012:root" in unsigned.text
        iam = boto3.client("iam", endpoint_url=live.endpoint, region_name=REGION,
                           aws_access_key_id="AKIAANYTHING", aws_secret_access_key="whatever")
        iam.create_user(UserName="mocked")
        key = iam.create_access_key(UserName="mocked")["AccessKey"]
        sts = boto3.client("sts", endpoint_url=live.endpoint, region_name=REGION,
                           aws_access_key_id=key["AccessKeyId"], aws_secret_access_key="wrong-secret-ignored")
        assert sts.get_caller_identity()["Arn"] == "arn:aws:iam::123456789012:user/mocked"
        with_token = boto3.client("sts", endpoint_url=live.endpoint, region_name=REGION,
                                  aws_access_key_id=key["AccessKeyId"], aws_secret_access_key="ignored",
                                  aws_session_token="testing")  # as moto's suggested environment sets
        assert with_token.get_caller_identity()["Arn"] == "arn:aws:iam::123456789012:user/mocked"
        china = boto3.client("iam", endpoint_url=live.endpoint, region_name="cn-north-1",
                             aws_access_key_id="AKIAANYTHING", aws_secret_access_key="whatever")
        assert china.create_user(UserName="in-china")["User"]["Arn"].startswith("arn:aws-cn:iam::123456789012:")
        # Permissions are not checked: the stand-in for unknown keys (the root user) may
        # assume a role, as code tested under moto does; a role that does not exist is still
        # refused as AWS refuses it.
        trust = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}'
        role = iam.create_role(RoleName="app", AssumeRolePolicyDocument=trust)["Role"]
        anyone = boto3.client("sts", endpoint_url=live.endpoint, region_name=REGION,
                              aws_access_key_id="AKIAANYTHING", aws_secret_access_key="whatever")
        session = anyone.assume_role(RoleArn=role["Arn"], RoleSessionName="under-test")["Credentials"]
        as_role = boto3.client("sts", endpoint_url=live.endpoint, region_name=REGION,
                               aws_access_key_id=session["AccessKeyId"], aws_secret_access_key=session["SecretAccessKey"],
                               aws_session_token=session["SessionToken"])
        assert as_role.get_caller_identity()["Arn"] == "arn:aws:sts::123456789012:assumed-role/app/under-test"
        with pytest.raises(ClientError) as missing:
            anyone.assume_role(RoleArn="arn:aws:iam::123456789012:role/none", RoleSessionName="under-test")
        assert missing.value.response["Error"]["Code"] == "AccessDenied"
        assert httpx.post(live.endpoint + "/moto-api/reset").status_code == 200
        assert iam.list_users()["Users"] == []
    finally:
        live.stop()


def test_master_key_rotation_keeps_keys_sessions_and_the_trail_valid(tmp_path: Path) -> None:
    """A new WARDEN_MASTER_KEY with the old one in WARDEN_MASTER_KEY_PREVIOUS: access keys and live
    session tokens sealed under the old key keep working, new tokens are sealed under the new key,
    and digests signed before the rotation still verify."""
    import base64
    import json

    from warden.audit import verify_trail

    old_key, new_key = (base64.b64encode(bytes([n]) * 32).decode() for n in (1, 2))
    first = start_server(tmp_path, master_key=old_key)
    try:
        keys = first.root_keys()
        iam = first.client("iam", *keys)
        iam.create_role(
            RoleName="rotating",
            AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "sts:AssumeRole"}]}),
        )
        iam.create_user(UserName="assumer")
        iam.put_user_policy(UserName="assumer", PolicyName="p", PolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}]}))
        user_key = iam.create_access_key(UserName="assumer")["AccessKey"]
        session = first.client("sts", user_key["AccessKeyId"], user_key["SecretAccessKey"]).assume_role(
            RoleArn="arn:aws:iam::111122223333:role/rotating", RoleSessionName="before"
        )["Credentials"]
        assert first.runtime.audit.seal() > 0
    finally:
        first.stop()
    second = start_server(tmp_path, master_key=new_key, previous_master_keys=old_key)
    try:
        assert second.client("iam", *keys).get_user(UserName="assumer")["User"]["UserName"] == "assumer"
        old_session = boto3.client(
            "sts", endpoint_url=second.endpoint, region_name=REGION,
            aws_access_key_id=session["AccessKeyId"], aws_secret_access_key=session["SecretAccessKey"],
            aws_session_token=session["SessionToken"],
        )
        assert old_session.get_caller_identity()["Arn"].endswith(":assumed-role/rotating/before")
        result = verify_trail(second.runtime.store, second.runtime.audit.signer)
        assert result.ok and result.digests >= 1, result.findings
    finally:
        second.stop()
    third = start_server(tmp_path, master_key=new_key)  # the old key forgotten: its tokens die
    try:
        old_session = boto3.client(
            "sts", endpoint_url=third.endpoint, region_name=REGION,
            aws_access_key_id=session["AccessKeyId"], aws_secret_access_key=session["SecretAccessKey"],
            aws_session_token=session["SessionToken"],
        )
        try:
            old_session.get_caller_identity()
            raise AssertionError("a token sealed under a forgotten key was accepted")
        except old_session.exceptions.ClientError as error:
            assert error.response["Error"]["Code"] == "InvalidClientTokenId"
    finally:
        third.runtime.audit.flush()
        third.server.should_exit = True
        third.thread.join(timeout=10)
        third.runtime.close()  # its store holds secrets sealed under the forgotten key: no scan


def test_mock_mode_routes_unsigned_json_requests_by_their_target(tmp_path: Path) -> None:
    """An unsigned CloudTrail call in mock mode is routed by its X-Amz-Target prefix."""
    live = start_server(tmp_path, mock=True)
    try:
        answer = httpx.post(
            f"{live.endpoint}/",
            headers={
                "X-Amz-Target": "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents",
                "Content-Type": "application/x-amz-json-1.1",
            },
            content=b'{"MaxResults": 1}',
        )
        assert answer.status_code == 200, answer.text
        assert "Events" in answer.json()
    finally:
        live.stop()
