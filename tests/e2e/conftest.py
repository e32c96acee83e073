"""Fixtures: one live server per session, boto3 clients for root and for fresh users."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from live_server import LiveServer, start_server  # type: ignore[import-not-found]


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    live = start_server(tmp_path_factory.mktemp("warden-data"))
    yield live
    live.stop()


@pytest.fixture(scope="session")
def root_iam(server: LiveServer) -> Any:
    return server.client("iam", *server.root_keys())


@pytest.fixture
def new_user(server: LiveServer, root_iam: Any) -> Callable[..., tuple[str, Any, Any]]:
    """Create a user with an access key (and optional inline policy); returns (name, iam, sts)."""

    def make(policy: dict[str, Any] | None = None) -> tuple[str, Any, Any]:
        name = f"u-{uuid.uuid4().hex[:10]}"
        root_iam.create_user(UserName=name)
        if policy is not None:
            root_iam.put_user_policy(UserName=name, PolicyName="p", PolicyDocument=json.dumps(policy))
        key = root_iam.create_access_key(UserName=name)["AccessKey"]
        return (
            name,
            server.client("iam", key["AccessKeyId"], key["SecretAccessKey"]),
            server.client("sts", key["AccessKeyId"], key["SecretAccessKey"]),
        )

    return make
