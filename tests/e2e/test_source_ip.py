"""`aws:SourceIp` is the connecting address unless the operator names the proxies to believe.

https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-sourceip
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError
from live_server import LiveServer, start_server  # type: ignore[import-not-found]

CLAIMED = "203.0.113.7"
ONLY_FROM_DOCUMENTATION_NET = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": "iam:GetUser",
            "Resource": "*",
            "Condition": {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}},
        }
    ],
}


def _user_claiming_forwarded_address(live: LiveServer) -> tuple[str, Any]:
    """A user allowed GetUser only from 203.0.113.0/24, whose requests claim to come from there
    through an (unsigned) X-Forwarded-For header."""
    root = live.client("iam", *live.root_keys())
    name = f"ip-{uuid.uuid4().hex[:8]}"
    root.create_user(UserName=name)
    root.put_user_policy(UserName=name, PolicyName="p", PolicyDocument=json.dumps(ONLY_FROM_DOCUMENTATION_NET))
    key = root.create_access_key(UserName=name)["AccessKey"]
    iam = live.client("iam", key["AccessKeyId"], key["SecretAccessKey"])

    def claim(request: Any, **_: Any) -> None:
        request.headers["X-Forwarded-For"] = CLAIMED

    iam.meta.events.register("before-send.iam.GetUser", claim)
    return name, iam


def _source_of_last_get_user(live: LiveServer, name: str) -> str:
    trail = live.client("cloudtrail", *live.root_keys())
    events = trail.lookup_events(LookupAttributes=[{"AttributeKey": "Username", "AttributeValue": name}])
    records = [json.loads(e["CloudTrailEvent"]) for e in events["Events"] if e["EventName"] == "GetUser"]
    return str(records[0]["sourceIPAddress"])


@pytest.fixture
def behind_proxy(tmp_path: Path) -> Iterator[LiveServer]:
    live = start_server(tmp_path / "data", forwarded_allow_ips="127.0.0.1")
    yield live
    live.stop()


def test_forwarded_for_is_ignored_by_default(server: LiveServer) -> None:
    name, iam = _user_claiming_forwarded_address(server)
    with pytest.raises(ClientError) as denied:
        iam.get_user(UserName=name)
    assert denied.value.response["Error"]["Code"] == "AccessDenied"
    assert _source_of_last_get_user(server, name) == "127.0.0.1"


def test_forwarded_for_from_a_named_proxy_is_the_source(behind_proxy: LiveServer) -> None:
    name, iam = _user_claiming_forwarded_address(behind_proxy)
    assert iam.get_user(UserName=name)["User"]["UserName"] == name
    assert _source_of_last_get_user(behind_proxy, name) == CLAIMED
