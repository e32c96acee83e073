"""The audit trail through the wire: every request becomes one CloudTrail-shaped event, and
CloudTrail's LookupEvents finds them with boto3.

https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_LookupEvents.html
https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from live_server import REGION, LiveServer  # type: ignore[import-not-found]


def _trail(server: LiveServer) -> Any:
    return server.client("cloudtrail", *server.root_keys())


def _events(server: LiveServer, key: str, value: str) -> list[dict[str, Any]]:
    pages = _trail(server).get_paginator("lookup_events").paginate(
        LookupAttributes=[{"AttributeKey": key, "AttributeValue": value}]
    )
    return [event for page in pages for event in page["Events"]]


def test_a_change_is_recorded_with_its_resource_and_identity(server: LiveServer, root_iam: Any) -> None:
    name = f"audited-{uuid.uuid4().hex[:8]}"
    root_iam.create_user(UserName=name, Tags=[{"Key": "team", "Value": "red"}])
    events = _events(server, "ResourceName", name)
    assert [e["EventName"] for e in events] == ["CreateUser"]
    event = events[0]
    assert event["ReadOnly"] == "false"
    assert event["EventSource"] == "iam.amazonaws.com"
    assert event["Username"] == "root"
    assert {"ResourceType": "AWS::IAM::User", "ResourceName": name} in event["Resources"]
    record = json.loads(event["CloudTrailEvent"])
    assert record["eventName"] == "CreateUser"
    assert record["userIdentity"]["type"] == "Root"
    assert record["requestParameters"]["userName"] == name
    assert record["responseElements"]["user"]["userName"] == name
    assert record["recipientAccountId"] == record["userIdentity"]["accountId"]
    assert record["eventID"] == event["EventId"]
    assert record["managementEvent"] is True and record["eventType"] == "AwsApiCall"


def test_denied_calls_are_recorded(server: LiveServer, new_user: Callable[..., Any]) -> None:
    name, iam, _ = new_user()
    with pytest.raises(ClientError):
        iam.list_roles()
    denied = [e for e in _events(server, "Username", name) if e["EventName"] == "ListRoles"]
    assert len(denied) == 1
    record = json.loads(denied[0]["CloudTrailEvent"])
    assert record["errorCode"] == "AccessDenied"
    assert "is not authorized to perform: iam:ListRoles" in record["errorMessage"]
    assert record["userIdentity"]["userName"] == name
    assert record["readOnly"] is True


def test_unauthenticated_calls_are_recorded(server: LiveServer) -> None:
    key_id, _ = server.root_keys()
    bad = boto3.client(
        "iam",
        endpoint_url=server.endpoint,
        region_name=REGION,
        aws_access_key_id=key_id,
        aws_secret_access_key="not-the-secret-0000000000000000000000000",
        config=Config(retries={"max_attempts": 1}),
    )
    with pytest.raises(ClientError):
        bad.get_account_summary()
    found = [
        e for e in _events(server, "AccessKeyId", key_id) if e["EventName"] == "GetAccountSummary"
    ]
    records = [json.loads(e["CloudTrailEvent"]) for e in found]
    failed = [r for r in records if r.get("errorCode") == "SignatureDoesNotMatch"]
    assert failed, records
    assert failed[-1]["userIdentity"] == {"type": "Unknown", "accessKeyId": key_id}


def test_secrets_are_hidden(server: LiveServer, root_iam: Any) -> None:
    name = f"secret-{uuid.uuid4().hex[:8]}"
    root_iam.create_user(UserName=name)
    key = root_iam.create_access_key(UserName=name)["AccessKey"]
    root_iam.create_login_profile(UserName=name, Password="Corr3ct-Horse-Battery!")
    events = _events(server, "ResourceName", name)
    text = json.dumps(events, default=str)
    assert key["SecretAccessKey"] not in text
    assert "Corr3ct-Horse-Battery!" not in text
    created = next(json.loads(e["CloudTrailEvent"]) for e in events if e["EventName"] == "CreateAccessKey")
    assert created["responseElements"]["accessKey"]["secretAccessKey"] == "HIDDEN_DUE_TO_SECURITY_REASONS"
    assert created["responseElements"]["accessKey"]["accessKeyId"] == key["AccessKeyId"]


def test_lookup_pages_filters_and_rejects_bad_input(server: LiveServer, root_iam: Any) -> None:
    prefix = f"paged-{uuid.uuid4().hex[:6]}"
    for index in range(7):
        root_iam.create_group(GroupName=f"{prefix}-{index}")
    trail = _trail(server)
    seen: list[str] = []
    token = None
    while True:
        kwargs: dict[str, Any] = {
            "LookupAttributes": [{"AttributeKey": "EventName", "AttributeValue": "CreateGroup"}],
            "MaxResults": 3,
        }
        if token:
            kwargs["NextToken"] = token
        page = trail.lookup_events(**kwargs)
        assert len(page["Events"]) <= 3
        seen.extend(
            r["ResourceName"] for e in page["Events"] for r in e["Resources"] if r["ResourceName"].startswith(prefix)
        )
        token = page.get("NextToken")
        if not token:
            break
    assert sorted(seen) == sorted(f"{prefix}-{i}" for i in range(7))
    # newest first
    assert seen == sorted(seen, reverse=True)
    with pytest.raises(ClientError) as error:
        trail.lookup_events(
            LookupAttributes=[
                {"AttributeKey": "EventName", "AttributeValue": "CreateGroup"},
                {"AttributeKey": "Username", "AttributeValue": "root"},
            ]
        )
    assert error.value.response["Error"]["Code"] == "InvalidLookupAttributesException"
    with pytest.raises(ClientError) as error:
        trail.lookup_events(StartTime=2_000_000_000, EndTime=1_000_000_000)
    assert error.value.response["Error"]["Code"] == "InvalidTimeRangeException"
    with pytest.raises(ClientError) as error:
        trail.lookup_events(NextToken="garbage!")
    assert error.value.response["Error"]["Code"] == "InvalidNextTokenException"


def test_lookup_is_authorized(server: LiveServer, new_user: Callable[..., Any]) -> None:
    name, _, _ = new_user()
    root_iam = server.client("iam", *server.root_keys())
    access = root_iam.create_access_key(UserName=name)["AccessKey"]
    trail = server.client("cloudtrail", access["AccessKeyId"], access["SecretAccessKey"])
    with pytest.raises(ClientError) as error:
        trail.lookup_events()
    assert error.value.response["Error"]["Code"] == "AccessDeniedException"
    root_iam.put_user_policy(
        UserName=name,
        PolicyName="trail",
        PolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "cloudtrail:LookupEvents", "Resource": "*"}]}
        ),
    )
    assert "Events" in trail.lookup_events(MaxResults=1)


def test_console_sign_ins_are_recorded(server: LiveServer, root_iam: Any) -> None:
    """https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-aws-console-sign-in-events.html"""
    import httpx

    name = f"signin-{uuid.uuid4().hex[:8]}"
    root_iam.create_user(UserName=name)
    root_iam.create_login_profile(UserName=name, Password="Sign-1n-Correct-Horse!")
    account = server.client("sts", *server.root_keys()).get_caller_identity()["Account"]
    for password in ("wrong-password-1", "Sign-1n-Correct-Horse!"):
        httpx.post(f"{server.endpoint}/signin", json={"account": account, "username": name, "password": password})
    httpx.post(f"{server.endpoint}/signin", json={"account": account, "username": "nobody-" + name, "password": "x"})
    logins = [json.loads(e["CloudTrailEvent"]) for e in _events(server, "EventName", "ConsoleLogin")]
    mine = [r for r in logins if r["userIdentity"].get("userName") == name]
    assert [r["responseElements"]["ConsoleLogin"] for r in mine] == ["Success", "Failure"]
    assert all(r["eventSource"] == "signin.amazonaws.com" and r["eventType"] == "AwsConsoleSignIn" for r in mine)
    assert "wrong-password-1" not in json.dumps(logins)
    hidden = [r for r in logins if r["userIdentity"]["userName"] == "HIDDEN_DUE_TO_SECURITY_REASONS"]
    assert hidden and hidden[0]["errorMessage"] == "Failed authentication"


@pytest.mark.parametrize(
    "key", ["EventId", "EventName", "ReadOnly", "Username", "ResourceType", "ResourceName", "EventSource", "AccessKeyId"]
)
def test_every_lookup_attribute_finds_the_event(server: LiveServer, new_user: Callable[..., Any], key: str) -> None:
    """Each AttributeKey LookupEvents supports selects events by that attribute."""
    name, iam, _ = new_user()
    with pytest.raises(ClientError):
        iam.get_user(UserName=name)  # denied: the user has no policy
    mine = [e for e in _events(server, "Username", name) if e["EventName"] == "GetUser"]
    assert len(mine) == 1
    event = mine[0]
    value = {
        "EventId": event["EventId"],
        "EventName": "GetUser",
        "ReadOnly": "true",
        "Username": name,
        "ResourceType": "AWS::IAM::User",
        "ResourceName": name,
        "EventSource": "iam.amazonaws.com",
        "AccessKeyId": event["AccessKeyId"],
    }[key]
    found = _events(server, key, value)
    assert event["EventId"] in {e["EventId"] for e in found}
    assert all(
        (e.get(key) == value) if key in ("EventId", "EventName", "ReadOnly", "Username", "EventSource", "AccessKeyId")
        else any(r[key] == value for r in e["Resources"])
        for e in found
    )


def test_aws_cli_lookup_events(server: LiveServer, root_iam: Any) -> None:
    """`aws cloudtrail lookup-events` works against warden unchanged."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    name = f"cli-trail-{uuid.uuid4().hex[:6]}"
    root_iam.create_user(UserName=name)
    env = dict(os.environ)
    env.update(
        AWS_SHARED_CREDENTIALS_FILE=str(server.settings.data_dir / "credentials"),
        AWS_CONFIG_FILE=str(server.settings.data_dir / "config"),
    )
    env.pop("AWS_PROFILE", None)
    out = subprocess.run(
        [str(Path(sys.executable).parent / "aws"), "cloudtrail", "lookup-events", "--output", "json",
         "--lookup-attributes", f"AttributeKey=ResourceName,AttributeValue={name}"],
        env=env, capture_output=True, text=True, timeout=60, check=False,
    )
    assert out.returncode == 0, out.stderr
    events = json.loads(out.stdout)["Events"]
    assert [e["EventName"] for e in events] == ["CreateUser"]


def test_a_next_token_is_refused_with_other_parameters(server: LiveServer, root_iam: Any) -> None:
    """"This token must be passed in with the same parameters that were specified in the
    original call" (API_LookupEvents.html): values sharing a long prefix must not share tokens."""
    for index in range(3):
        root_iam.create_group(GroupName=f"token-{uuid.uuid4().hex[:6]}-{index}")
    trail = _trail(server)
    first = trail.lookup_events(
        LookupAttributes=[{"AttributeKey": "EventName", "AttributeValue": "CreateGroup"}], MaxResults=1
    )
    with pytest.raises(ClientError) as error:
        trail.lookup_events(
            LookupAttributes=[{"AttributeKey": "EventName", "AttributeValue": "CreateGroupX"}],
            MaxResults=1,
            NextToken=first["NextToken"],
        )
    assert error.value.response["Error"]["Code"] == "InvalidNextTokenException"


def test_iam_calls_are_recorded_in_us_east_1_whatever_the_signed_region(server: LiveServer) -> None:
    """IAM is global: CloudTrail records its events in us-east-1; STS calls to a regional endpoint
    keep that region.
    https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-create-and-update-a-trail-by-using-the-aws-cli-update-trail.html
    https://docs.aws.amazon.com/IAM/latest/UserGuide/cloudtrail-integration.html"""
    keys = server.root_keys()
    path = f"/region-{uuid.uuid4().hex[:8]}/"
    server.client("iam", *keys, region="eu-west-1").list_users(PathPrefix=path)
    server.client("sts", *keys, region="eu-west-1").get_caller_identity()
    latest = _trail(server).lookup_events(
        LookupAttributes=[{"AttributeKey": "AccessKeyId", "AttributeValue": keys[0]}], MaxResults=50
    )
    found = [json.loads(e["CloudTrailEvent"]) for e in latest["Events"]]
    listed = next(r for r in found if r["eventName"] == "ListUsers" and r["requestParameters"] == {"pathPrefix": path})
    assert listed["awsRegion"] == "us-east-1"
    asked = next(r for r in found if r["eventName"] == "GetCallerIdentity" and r["awsRegion"] == "eu-west-1")
    assert asked["eventSource"] == "sts.amazonaws.com"


def test_an_assume_role_record_lists_the_role(
    server: LiveServer, root_iam: Any, new_user: Callable[..., Any]
) -> None:
    """https://docs.aws.amazon.com/IAM/latest/UserGuide/cloudtrail-integration.html (AWS STS examples)"""
    role_name = f"assumed-{uuid.uuid4().hex[:8]}"
    account = server.client("sts", *server.root_keys()).get_caller_identity()["Account"]
    trust = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account}:root"}, "Action": "sts:AssumeRole"}]}
    role = root_iam.create_role(RoleName=role_name, AssumeRolePolicyDocument=json.dumps(trust))["Role"]
    name, _, sts = new_user({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": role["Arn"]}]})
    sts.assume_role(RoleArn=role["Arn"], RoleSessionName="audited")
    found = [e for e in _events(server, "Username", name) if e["EventName"] == "AssumeRole"]
    assert len(found) == 1
    record = json.loads(found[0]["CloudTrailEvent"])
    assert record["resources"] == [{"ARN": role["Arn"], "accountId": account, "type": "AWS::IAM::Role"}]
    assert {"ResourceType": "AWS::IAM::Role", "ResourceName": role["Arn"]} in found[0]["Resources"]
    # The secret key is left out of the credentials, as in CloudTrail's examples.
    assert sorted(record["responseElements"]["credentials"]) == ["accessKeyId", "expiration", "sessionToken"]
