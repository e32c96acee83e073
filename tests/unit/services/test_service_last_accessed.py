"""Service last accessed reports computed from the audit trail: which services, whose use counts,
the tracking period, action-level detail, and the errors.

https://docs.aws.amazon.com/IAM/latest/APIReference/API_GenerateServiceLastAccessedDetails.html
https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetServiceLastAccessedDetails.html
https://docs.aws.amazon.com/IAM/latest/APIReference/API_ServiceLastAccessed.html
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from harness import ACCOUNT_ID, Harness, make_harness
from warden.errors import AccessDenied, InvalidInput, NoSuchEntity
from warden.model import AuditEvent
from warden.services import iam, sts

ACCOUNT_ARN = f"arn:aws:iam::{ACCOUNT_ID}"
TRUST = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"AWS": f"{ACCOUNT_ARN}:root"}, "Action": "sts:AssumeRole"}]})


def _doc(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def _allow(action: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": "*"}


@pytest.fixture
def h(tmp_path: Path) -> Harness:
    return make_harness(tmp_path, {"iam": iam.HANDLERS, "sts": sts.HANDLERS})


def _event(h: Harness, principal: str, source: str, name: str, when: datetime, *,
           region: str = "us-east-1", error: str | None = None) -> None:
    record = json.dumps({"awsRegion": region, "eventSource": source, "eventName": name})
    with h.store.transaction() as tx:
        tx.append_audit_events([AuditEvent(
            event_id=str(uuid.uuid4()), account_id=ACCOUNT_ID, event_time=when, event_source=source,
            event_name=name, read_only=True, username=None, access_key_id=None, identity_type=None,
            principal_arn=principal, error_code=error, record=record, record_hash="0" * 64,
        )])


def _report(h: Harness, arn: str, granularity: str | None = None) -> dict[str, Mapping[str, Any]]:
    params = {"Arn": arn} | ({"Granularity": granularity} if granularity else {})
    job = h.call("GenerateServiceLastAccessedDetails", params)["JobId"]
    got = h.call("GetServiceLastAccessedDetails", {"JobId": job})
    assert got["JobStatus"] == "COMPLETED"
    return {row["ServiceNamespace"]: row for row in got["ServicesLastAccessed"]}


def test_a_user_report_lists_allowed_services_with_the_users_latest_use(h: Harness) -> None:
    h.call("CreateUser", {"UserName": "alice"})
    h.call("PutUserPolicy", {"UserName": "alice", "PolicyName": "p",
                             "PolicyDocument": _doc(_allow(["iam:Get*", "sts:GetCallerIdentity", "s3:GetObject"]))})
    alice = f"{ACCOUNT_ARN}:user/alice"
    _event(h, alice, "iam.amazonaws.com", "GetUser", h.now - timedelta(days=3), region="eu-west-1")
    _event(h, alice, "iam.amazonaws.com", "ListUsers", h.now - timedelta(days=1), region="eu-west-2")
    _event(h, f"{ACCOUNT_ARN}:user/bob", "sts.amazonaws.com", "GetCallerIdentity", h.now)  # someone else
    rows = _report(h, alice)
    assert sorted(rows) == ["iam", "s3", "sts"]
    assert rows["iam"]["ServiceName"] == "AWS Identity and Access Management"
    assert rows["iam"]["LastAuthenticated"] == h.now - timedelta(days=1)
    assert rows["iam"]["LastAuthenticatedEntity"] == alice
    assert rows["iam"]["LastAuthenticatedRegion"] == "eu-west-2"
    assert rows["iam"]["TotalAuthenticatedEntities"] == 1
    for unused in ("sts", "s3"):
        assert "LastAuthenticated" not in rows[unused]
        assert rows[unused]["TotalAuthenticatedEntities"] == 0


def test_denied_attempts_count_but_unauthenticated_requests_and_old_ones_do_not(h: Harness) -> None:
    """AWS: the data "includes all attempts ... not just the successful ones"; it does not report
    unauthenticated requests; activity is reported for the last 400 days."""
    h.call("CreateUser", {"UserName": "alice"})
    h.call("PutUserPolicy", {"UserName": "alice", "PolicyName": "p", "PolicyDocument": _doc(_allow("*"))})
    alice = f"{ACCOUNT_ARN}:user/alice"
    _event(h, alice, "iam.amazonaws.com", "CreateUser", h.now - timedelta(days=2), error="AccessDenied")
    _event(h, alice, "sts.amazonaws.com", "GetCallerIdentity", h.now, error="SignatureDoesNotMatch")
    _event(h, alice, "cloudtrail.amazonaws.com", "LookupEvents", h.now - timedelta(days=401))
    rows = _report(h, alice)
    assert sorted(rows) == ["cloudtrail", "iam", "sts"]  # "*": the services warden serves
    assert rows["iam"]["LastAuthenticated"] == h.now - timedelta(days=2)
    assert "LastAuthenticated" not in rows["sts"]
    assert "LastAuthenticated" not in rows["cloudtrail"]


def test_a_role_report_counts_its_sessions_and_names_the_role(h: Harness) -> None:
    h.call("CreateRole", {"RoleName": "app", "AssumeRolePolicyDocument": TRUST})
    h.call("PutRolePolicy", {"RoleName": "app", "PolicyName": "p", "PolicyDocument": _doc(_allow("iam:*"))})
    role = f"{ACCOUNT_ARN}:role/app"
    _event(h, f"arn:aws:sts::{ACCOUNT_ID}:assumed-role/app/one", "iam.amazonaws.com", "GetRole", h.now, region="ap-south-1")
    _event(h, f"arn:aws:sts::{ACCOUNT_ID}:assumed-role/app/two", "iam.amazonaws.com", "ListRoles", h.now - timedelta(hours=1))
    _event(h, f"arn:aws:sts::{ACCOUNT_ID}:assumed-role/app-other/x", "iam.amazonaws.com", "GetUser", h.now + timedelta(hours=1))
    rows = _report(h, role)
    assert rows["iam"]["LastAuthenticated"] == h.now
    assert rows["iam"]["LastAuthenticatedEntity"] == role
    assert rows["iam"]["LastAuthenticatedRegion"] == "ap-south-1"
    assert rows["iam"]["TotalAuthenticatedEntities"] == 1


def test_group_and_policy_reports_count_every_entity_and_list_them(h: Harness) -> None:
    policy = h.call("CreatePolicy", {"PolicyName": "read", "PolicyDocument": _doc(_allow("iam:List*"))})["Policy"]["Arn"]
    for name in ("u1", "u2", "u3"):
        h.call("CreateUser", {"UserName": name})
    h.call("CreateGroup", {"GroupName": "devs"})
    h.call("AddUserToGroup", {"GroupName": "devs", "UserName": "u1"})
    h.call("AddUserToGroup", {"GroupName": "devs", "UserName": "u2"})
    h.call("AttachGroupPolicy", {"GroupName": "devs", "PolicyArn": policy})
    h.call("CreateRole", {"RoleName": "app", "AssumeRolePolicyDocument": TRUST})
    h.call("AttachRolePolicy", {"RoleName": "app", "PolicyArn": policy})
    _event(h, f"{ACCOUNT_ARN}:user/u1", "iam.amazonaws.com", "ListUsers", h.now - timedelta(days=5))
    _event(h, f"{ACCOUNT_ARN}:user/u2", "iam.amazonaws.com", "ListUsers", h.now - timedelta(days=4))
    _event(h, f"{ACCOUNT_ARN}:user/u3", "iam.amazonaws.com", "ListUsers", h.now)  # not a member
    _event(h, f"arn:aws:sts::{ACCOUNT_ID}:assumed-role/app/s", "iam.amazonaws.com", "ListRoles", h.now - timedelta(days=1))

    group = _report(h, f"{ACCOUNT_ARN}:group/devs")["iam"]
    assert group["LastAuthenticatedEntity"] == f"{ACCOUNT_ARN}:user/u2"
    assert group["TotalAuthenticatedEntities"] == 2

    job = h.call("GenerateServiceLastAccessedDetails", {"Arn": policy})["JobId"]
    rows = h.call("GetServiceLastAccessedDetails", {"JobId": job})["ServicesLastAccessed"]
    assert [r["ServiceNamespace"] for r in rows] == ["iam"]
    assert rows[0]["LastAuthenticatedEntity"] == f"{ACCOUNT_ARN}:role/app"
    assert rows[0]["TotalAuthenticatedEntities"] == 3
    entities = h.call("GetServiceLastAccessedDetailsWithEntities", {"JobId": job, "ServiceNamespace": "iam"})
    assert [(e["EntityInfo"]["Type"], e["EntityInfo"]["Name"]) for e in entities["EntityDetailsList"]] == [
        ("ROLE", "app"), ("USER", "u2"), ("USER", "u1")]
    none = h.call("GetServiceLastAccessedDetailsWithEntities", {"JobId": job, "ServiceNamespace": "sts"})
    assert none["EntityDetailsList"] == []


def test_action_level_reports_tracked_iam_actions(h: Harness) -> None:
    h.call("CreateUser", {"UserName": "alice"})
    h.call("PutUserPolicy", {"UserName": "alice", "PolicyName": "p",
                             "PolicyDocument": _doc(_allow(["iam:GetUser", "iam:ListRoles", "sts:*"]))})
    alice = f"{ACCOUNT_ARN}:user/alice"
    _event(h, alice, "iam.amazonaws.com", "GetUser", h.now, region="eu-central-1")
    rows = _report(h, alice, "ACTION_LEVEL")
    tracked = {a["ActionName"]: a for a in rows["iam"]["TrackedActionsLastAccessed"]}
    assert sorted(tracked) == ["GetUser", "ListRoles"]
    assert tracked["GetUser"]["LastAccessedTime"] == h.now
    assert tracked["GetUser"]["LastAccessedRegion"] == "eu-central-1"
    assert tracked["GetUser"]["LastAccessedEntity"] == alice
    assert "LastAccessedTime" not in tracked["ListRoles"]
    assert "TrackedActionsLastAccessed" not in rows["sts"]
    assert "TrackedActionsLastAccessed" not in _report(h, alice)["iam"]


def test_not_action_allows_every_other_service(h: Harness) -> None:
    h.call("CreateUser", {"UserName": "alice"})
    h.call("PutUserPolicy", {"UserName": "alice", "PolicyName": "p", "PolicyDocument": _doc(
        {"Effect": "Allow", "NotAction": ["iam:*", "s3:GetObject"], "Resource": "*"})})
    assert sorted(_report(h, f"{ACCOUNT_ARN}:user/alice")) == ["cloudtrail", "s3", "sts"]


def test_services_are_listed_in_service_namespace_order(h: Harness) -> None:
    """AWS: "By default, the list is sorted by service namespace" (not by service name: "Amazon
    S3" would come before "AWS Identity and Access Management", s3 comes after iam).
    https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetServiceLastAccessedDetails.html"""
    h.call("CreateUser", {"UserName": "alice"})
    h.call("PutUserPolicy", {"UserName": "alice", "PolicyName": "p", "PolicyDocument": _doc(
        _allow(["sts:*", "s3:GetObject", "iam:GetUser", "dynamodb:GetItem", "ec2:DescribeInstances", "lambda:*"]))})
    job = h.call("GenerateServiceLastAccessedDetails", {"Arn": f"{ACCOUNT_ARN}:user/alice"})["JobId"]
    rows = h.call("GetServiceLastAccessedDetails", {"JobId": job})["ServicesLastAccessed"]
    assert [r["ServiceNamespace"] for r in rows] == ["dynamodb", "ec2", "iam", "lambda", "s3", "sts"]


def test_get_pages_and_the_job_details(h: Harness) -> None:
    h.call("CreateUser", {"UserName": "alice"})
    h.call("PutUserPolicy", {"UserName": "alice", "PolicyName": "p", "PolicyDocument": _doc(_allow("*"))})
    job = h.call("GenerateServiceLastAccessedDetails", {"Arn": f"{ACCOUNT_ARN}:user/alice"})["JobId"]
    assert len(job) == 36 and str(uuid.UUID(job)) == job
    first = h.call("GetServiceLastAccessedDetails", {"JobId": job, "MaxItems": 2})
    assert first["IsTruncated"] and len(first["ServicesLastAccessed"]) == 2
    assert first["JobType"] == "SERVICE_LEVEL"
    assert first["JobCreationDate"] == first["JobCompletionDate"] == h.now
    rest = h.call("GetServiceLastAccessedDetails", {"JobId": job, "Marker": first["Marker"]})
    assert not rest["IsTruncated"] and len(rest["ServicesLastAccessed"]) == 1


def test_unknown_entities_jobs_and_bad_arns(h: Harness) -> None:
    with pytest.raises(NoSuchEntity):
        h.call("GenerateServiceLastAccessedDetails", {"Arn": f"{ACCOUNT_ARN}:user/ghost"})
    with pytest.raises(NoSuchEntity):
        h.call("GenerateServiceLastAccessedDetails", {"Arn": f"{ACCOUNT_ARN}:policy/ghost"})
    with pytest.raises(NoSuchEntity):
        h.call("GetServiceLastAccessedDetails", {"JobId": "a2b3c4d5-0000-4000-8000-000000000000"})
    with pytest.raises(InvalidInput):
        h.call("GenerateServiceLastAccessedDetails", {"Arn": f"{ACCOUNT_ARN}:instance-profile/x"})
    with pytest.raises(InvalidInput):
        h.call("GenerateServiceLastAccessedDetails", {"Arn": "not-an-arn-but-long-enough"})


def test_only_the_principal_that_generated_a_job_can_read_it(h: Harness) -> None:
    """AWS: "The JobId returned by GenerateServiceLastAccessedDetail must be used by the same role
    within a session, or by the same user when used to call GetServiceLastAccessedDetail." To
    anyone else of the account, even one allowed every action, the job is unknown.
    https://docs.aws.amazon.com/IAM/latest/APIReference/API_GenerateServiceLastAccessedDetails.html"""
    for name in ("auditor", "other"):
        h.call("CreateUser", {"UserName": name})
        h.call("PutUserPolicy", {"UserName": name, "PolicyName": "p", "PolicyDocument": _doc(_allow("iam:*"))})
    auditor, other = h.user_caller("auditor"), h.user_caller("other")
    job = h.call("GenerateServiceLastAccessedDetails", {"Arn": f"{ACCOUNT_ARN}:user/other"}, caller=auditor)["JobId"]
    assert h.call("GetServiceLastAccessedDetails", {"JobId": job}, caller=auditor)["JobStatus"] == "COMPLETED"
    assert h.call("GetServiceLastAccessedDetailsWithEntities", {"JobId": job, "ServiceNamespace": "iam"},
                  caller=auditor)["JobStatus"] == "COMPLETED"
    for stranger in (other, h.root):
        with pytest.raises(NoSuchEntity):
            h.call("GetServiceLastAccessedDetails", {"JobId": job}, caller=stranger)
        with pytest.raises(NoSuchEntity):
            h.call("GetServiceLastAccessedDetailsWithEntities", {"JobId": job, "ServiceNamespace": "iam"},
                   caller=stranger)


def test_generate_authorizes_on_the_entity_and_get_on_star(h: Harness) -> None:
    """Service Authorization Reference: GenerateServiceLastAccessedDetails acts on user, group,
    role and policy resources; GetServiceLastAccessedDetails on "*"."""
    h.call("CreateUser", {"UserName": "auditor"})
    h.call("CreateUser", {"UserName": "alice"})
    h.call("PutUserPolicy", {"UserName": "auditor", "PolicyName": "p", "PolicyDocument": _doc(
        {"Effect": "Allow", "Action": "iam:GenerateServiceLastAccessedDetails", "Resource": f"{ACCOUNT_ARN}:user/alice"})})
    auditor = h.user_caller("auditor")
    job = h.call("GenerateServiceLastAccessedDetails", {"Arn": f"{ACCOUNT_ARN}:user/alice"}, caller=auditor)["JobId"]
    with pytest.raises(AccessDenied):
        h.call("GenerateServiceLastAccessedDetails", {"Arn": f"{ACCOUNT_ARN}:user/auditor"}, caller=auditor)
    with pytest.raises(AccessDenied):
        h.call("GetServiceLastAccessedDetails", {"JobId": job}, caller=auditor)


def test_generate_offers_the_entitys_tags_as_resource_tags(h: Harness) -> None:
    """The user, role and policy resource types GenerateServiceLastAccessedDetails acts on carry
    aws:ResourceTag/${TagKey} (groups have no tags).
    https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsidentityandaccessmanagementiam.html"""
    team = [{"Key": "team", "Value": "blue"}]
    h.call("CreateUser", {"UserName": "auditor"})
    h.call("CreateUser", {"UserName": "alice", "Tags": team})
    h.call("CreateUser", {"UserName": "bob"})
    h.call("CreateRole", {"RoleName": "app", "AssumeRolePolicyDocument": TRUST, "Tags": team})
    policy = h.call("CreatePolicy", {"PolicyName": "p", "PolicyDocument": _doc(_allow("s3:*")), "Tags": team})
    h.call("PutUserPolicy", {"UserName": "auditor", "PolicyName": "p", "PolicyDocument": _doc(
        {"Effect": "Allow", "Action": "iam:GenerateServiceLastAccessedDetails", "Resource": "*",
         "Condition": {"StringEquals": {"aws:ResourceTag/team": "blue"}}})})
    auditor = h.user_caller("auditor")
    for arn in (f"{ACCOUNT_ARN}:user/alice", f"{ACCOUNT_ARN}:role/app", policy["Policy"]["Arn"]):
        assert h.call("GenerateServiceLastAccessedDetails", {"Arn": arn}, caller=auditor)["JobId"]
    with pytest.raises(AccessDenied):
        h.call("GenerateServiceLastAccessedDetails", {"Arn": f"{ACCOUNT_ARN}:user/bob"}, caller=auditor)
