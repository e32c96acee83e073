"""Service last accessed reports over HTTP: what a user and a role session really called, from the
audit trail, with when, where and by whom; an allowed service never used has no last access.

https://docs.aws.amazon.com/IAM/latest/APIReference/API_GenerateServiceLastAccessedDetails.html
https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetServiceLastAccessedDetails.html
https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_last-accessed.html
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from live_server import LiveServer  # type: ignore[import-not-found]

ACCOUNT = "111122223333"


def _report(server: LiveServer, root_iam: Any, arn: str) -> dict[str, dict[str, Any]]:
    server.runtime.audit.flush()
    job = root_iam.generate_service_last_accessed_details(Arn=arn)["JobId"]
    got = root_iam.get_service_last_accessed_details(JobId=job)
    assert got["JobStatus"] == "COMPLETED"
    assert got["JobType"] == "SERVICE_LEVEL"
    return {row["ServiceNamespace"]: row for row in got["ServicesLastAccessed"]}


def test_a_users_report_shows_the_services_it_used(
    server: LiveServer, root_iam: Any, new_user: Callable[..., Any]
) -> None:
    started = datetime.now(UTC) - timedelta(seconds=5)
    name, _, sts = new_user({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Resource": "*", "Action": [
        "iam:ListUsers", "sts:GetCallerIdentity", "s3:GetObject"]}]})
    user_arn = f"arn:aws:iam::{ACCOUNT}:user/{name}"
    key = root_iam.create_access_key(UserName=name)["AccessKey"]
    server.client("iam", key["AccessKeyId"], key["SecretAccessKey"], region="eu-west-1").list_users()
    sts.get_caller_identity()

    rows = _report(server, root_iam, user_arn)
    assert sorted(rows) == ["iam", "s3", "sts"]
    assert rows["iam"]["ServiceName"] == "AWS Identity and Access Management"
    assert rows["iam"]["LastAuthenticated"] >= started
    assert rows["iam"]["LastAuthenticatedEntity"] == user_arn
    # IAM is global: its calls are recorded in us-east-1, whatever region the client signed for.
    assert rows["iam"]["LastAuthenticatedRegion"] == "us-east-1"
    assert rows["iam"]["TotalAuthenticatedEntities"] == 1
    assert rows["sts"]["LastAuthenticatedRegion"] == "us-east-1"
    assert rows["sts"]["LastAuthenticated"] >= started
    assert "LastAuthenticated" not in rows["s3"]
    assert rows["s3"]["TotalAuthenticatedEntities"] == 0


def test_a_role_sessions_use_counts_for_the_role(
    server: LiveServer, root_iam: Any, new_user: Callable[..., Any]
) -> None:
    role_name = f"r-{uuid.uuid4().hex[:8]}"
    trust = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": "sts:AssumeRole"}]}
    role = root_iam.create_role(RoleName=role_name, AssumeRolePolicyDocument=json.dumps(trust))["Role"]
    root_iam.put_role_policy(RoleName=role_name, PolicyName="p", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["iam:ListRoles", "sts:*"], "Resource": "*"}]}))
    _, _, sts = new_user({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": role["Arn"]}]})
    given = sts.assume_role(RoleArn=role["Arn"], RoleSessionName="job")["Credentials"]
    boto3.client(
        "iam", endpoint_url=server.endpoint, region_name="ap-southeast-2", aws_access_key_id=given["AccessKeyId"],
        aws_secret_access_key=given["SecretAccessKey"], aws_session_token=given["SessionToken"],
    ).list_roles()

    rows = _report(server, root_iam, role["Arn"])
    assert rows["iam"]["LastAuthenticatedEntity"] == role["Arn"]
    assert rows["iam"]["LastAuthenticatedRegion"] == "us-east-1"  # IAM's region, not the signed one
    assert rows["iam"]["TotalAuthenticatedEntities"] == 1
    assert "LastAuthenticated" not in rows["sts"]  # the session never called STS


def test_an_unknown_job_or_entity_is_no_such_entity(root_iam: Any) -> None:
    with pytest.raises(ClientError) as job:
        root_iam.get_service_last_accessed_details(JobId=str(uuid.uuid4()))
    assert job.value.response["Error"]["Code"] == "NoSuchEntity"
    assert job.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404
    with pytest.raises(ClientError) as entity:
        root_iam.generate_service_last_accessed_details(Arn=f"arn:aws:iam::{ACCOUNT}:role/no-such-role")
    assert entity.value.response["Error"]["Code"] == "NoSuchEntity"
