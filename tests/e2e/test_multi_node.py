"""Two warden nodes over one PostgreSQL database: a change made through one node takes effect
on the other at its next request (LISTEN/NOTIFY invalidates the other node's caches).
Skipped, with the reason shown, when PostgreSQL is not reachable."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from botocore.exceptions import ClientError
from live_server import start_server

from pg_support import postgres_schema


@pytest.fixture
def pg_schema_url(tmp_path: Path) -> Iterator[str]:
    with postgres_schema(tmp_path) as url:
        yield url


@pytest.mark.postgres
def test_a_change_through_one_node_takes_effect_on_the_other(tmp_path: Path, pg_schema_url: str) -> None:
    node_a = start_server(tmp_path / "a", database_url=pg_schema_url)
    node_b = start_server(tmp_path / "b", database_url=pg_schema_url)
    try:
        root_a = node_a.client("iam", *node_a.root_keys())
        root_a.create_user(UserName="roaming")
        key = root_a.create_access_key(UserName="roaming")["AccessKey"]
        user_b = node_b.client("iam", key["AccessKeyId"], key["SecretAccessKey"])
        with pytest.raises(ClientError):
            user_b.list_users()  # node B now caches the user's (empty) policies
        policy = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:ListUsers", "Resource": "*"}]}
        root_a.put_user_policy(UserName="roaming", PolicyName="list", PolicyDocument=json.dumps(policy))
        deadline = time.monotonic() + 5
        while True:
            try:
                assert user_b.list_users()["Users"]
                break
            except ClientError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
    finally:
        node_b.stop()
        node_a.stop()
