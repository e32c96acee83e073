"""Restart keeps data and keys; mock mode for local development.

The issue's local-development mode mirrors moto's server mode:
https://docs.getmoto.org/en/latest/docs/server_mode.html
"""

from __future__ import annotations

import os
from pathlib import Path

import boto3
import httpx
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
        china = boto3.client("iam", endpoint_url=live.endpoint, region_name="cn-north-1",
                             aws_access_key_id="AKIAANYTHING", aws_secret_access_key="whatever")
        assert china.create_user(UserName="in-china")["User"]["Arn"].startswith("arn:aws-cn:iam::123456789012:")
        assert httpx.post(live.endpoint + "/moto-api/reset").status_code == 200
        assert iam.list_users()["Users"] == []
    finally:
        live.stop()
