"""Two warden nodes over one PostgreSQL database: a change made through one node takes effect
on the other at its next request (LISTEN/NOTIFY invalidates the other node's caches).
Skipped, with the reason shown, when PostgreSQL is not reachable."""

from __future__ import annotations

import json
import os
import secrets
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from botocore.exceptions import ClientError
from live_server import start_server
from sqlalchemy import create_engine, text
from sqlalchemy.exc import SQLAlchemyError

PG_URL = os.environ.get("WARDEN_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


@pytest.fixture
def pg_schema_url() -> Iterator[str]:
    try:
        engine = create_engine(PG_URL, connect_args={"connect_timeout": 3})
        schema = f"warden_e2e_{secrets.token_hex(6)}"
        with engine.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except (OSError, SQLAlchemyError) as exc:
        pytest.skip(f"PostgreSQL not reachable at WARDEN_TEST_POSTGRES_URL ({PG_URL}): {exc}")
    separator = "&" if "?" in PG_URL else "?"
    yield f"{PG_URL}{separator}options={quote(f'-csearch_path={schema}')}"
    with engine.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    engine.dispose()


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
