"""Managed, inline and AWS managed policies, attachments and boundaries through the harness.

https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_managed-vs-inline.html
https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_managed-versioning.html
https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import unquote

import pytest

from harness import Harness, make_harness
from warden.errors import (
    AccessDenied,
    DeleteConflict,
    EntityAlreadyExists,
    LimitExceeded,
    MalformedPolicyDocument,
    NoSuchEntity,
)
from warden.services import iam
from warden.services.iam.policies_aws import install_aws_managed_policies


def _doc(action: str, effect: str = "Allow", resource: str = "*") -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": effect, "Action": action, "Resource": resource}]})


@pytest.fixture
def h(tmp_path: Path) -> Harness:
    harness = make_harness(tmp_path, {"iam": iam.HANDLERS})
    with harness.store.transaction() as tx:
        install_aws_managed_policies(tx, harness.env.ids, harness.now)
    harness.call("CreateUser", {"UserName": "bob"})
    return harness


def test_inline_policy_round_trip_is_url_encoded_like_aws(h: Harness) -> None:
    document = _doc("iam:ListUsers")
    h.call("PutUserPolicy", {"UserName": "bob", "PolicyName": "list", "PolicyDocument": document})
    got = h.call("GetUserPolicy", {"UserName": "BOB", "PolicyName": "list"})
    assert got["UserName"] == "bob" and unquote(got["PolicyDocument"]) == document
    assert h.call("ListUserPolicies", {"UserName": "bob"})["PolicyNames"] == ["list"]
    h.call("DeleteUserPolicy", {"UserName": "bob", "PolicyName": "list"})
    with pytest.raises(NoSuchEntity, match="The user policy with name list cannot be found."):
        h.call("GetUserPolicy", {"UserName": "bob", "PolicyName": "list"})


def test_inline_policy_grammar_and_aggregate_size(h: Harness) -> None:
    with pytest.raises(MalformedPolicyDocument):
        h.call("PutUserPolicy", {"UserName": "bob", "PolicyName": "bad",
                                 "PolicyDocument": '{"Version": "2012-10-17", "Statement": []}'})
    big = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": [f"s3:GetObject{i:04d}" for i in range(60)], "Resource": "*"}]})
    h.call("PutUserPolicy", {"UserName": "bob", "PolicyName": "one", "PolicyDocument": big})
    with pytest.raises(LimitExceeded, match="Maximum policy size of 2048 bytes exceeded for user bob"):
        h.call("PutUserPolicy", {"UserName": "bob", "PolicyName": "two", "PolicyDocument": big})


def test_group_inline_policy_governs_members(h: Harness) -> None:
    h.call("CreateGroup", {"GroupName": "readers"})
    h.call("AddUserToGroup", {"GroupName": "readers", "UserName": "bob"})
    bob = h.user_caller("bob")
    with pytest.raises(AccessDenied):
        h.call("ListGroups", caller=bob)
    h.call("PutGroupPolicy", {"GroupName": "readers", "PolicyName": "p", "PolicyDocument": _doc("iam:ListGroups")})
    assert h.call("ListGroups", caller=bob)["Groups"][0]["GroupName"] == "readers"


def test_managed_policy_versions_and_default_version_decides(h: Harness) -> None:
    arn = h.call("CreatePolicy", {"PolicyName": "ops", "PolicyDocument": _doc("iam:ListRoles")})["Policy"]["Arn"]
    assert arn == "arn:aws:iam::111122223333:policy/ops"
    with pytest.raises(EntityAlreadyExists, match="A policy called ops already exists"):
        h.call("CreatePolicy", {"PolicyName": "ops", "PolicyDocument": _doc("iam:ListRoles")})
    h.call("AttachUserPolicy", {"UserName": "bob", "PolicyArn": arn})
    bob = h.user_caller("bob")
    h.call("ListRoles", caller=bob)
    with pytest.raises(AccessDenied):
        h.call("ListUsers", caller=bob)
    v2 = h.call("CreatePolicyVersion", {"PolicyArn": arn, "PolicyDocument": _doc("iam:ListUsers"), "SetAsDefault": True})
    assert v2["PolicyVersion"]["VersionId"] == "v2"
    h.call("ListUsers", caller=bob)
    with pytest.raises(AccessDenied):
        h.call("ListRoles", caller=bob)
    for _ in range(3):
        h.call("CreatePolicyVersion", {"PolicyArn": arn, "PolicyDocument": _doc("iam:ListUsers")})
    with pytest.raises(LimitExceeded, match="up to 5 versions"):
        h.call("CreatePolicyVersion", {"PolicyArn": arn, "PolicyDocument": _doc("iam:ListUsers")})
    with pytest.raises(DeleteConflict, match="Cannot delete the default version of a policy."):
        h.call("DeletePolicyVersion", {"PolicyArn": arn, "VersionId": "v2"})
    got = h.call("GetPolicyVersion", {"PolicyArn": arn, "VersionId": "v2"})["PolicyVersion"]
    assert unquote(got["Document"]) == _doc("iam:ListUsers") and got["IsDefaultVersion"]
    versions = h.call("ListPolicyVersions", {"PolicyArn": arn})["Versions"]
    assert versions[0]["VersionId"] == "v5" and len(versions) == 5
    with pytest.raises(DeleteConflict, match="attached to entities"):
        h.call("DeletePolicy", {"PolicyArn": arn})
    entities = h.call("ListEntitiesForPolicy", {"PolicyArn": arn})
    assert [u["UserName"] for u in entities["PolicyUsers"]] == ["bob"]


def test_attachment_quota_and_detach(h: Harness) -> None:
    arns = [h.call("CreatePolicy", {"PolicyName": f"p{i}", "PolicyDocument": _doc("s3:GetObject")})["Policy"]["Arn"]
            for i in range(11)]
    for arn in arns[:10]:
        h.call("AttachUserPolicy", {"UserName": "bob", "PolicyArn": arn})
    with pytest.raises(LimitExceeded, match="Cannot exceed quota for PoliciesPerUser: 10"):
        h.call("AttachUserPolicy", {"UserName": "bob", "PolicyArn": arns[10]})
    h.call("DetachUserPolicy", {"UserName": "bob", "PolicyArn": arns[0]})
    with pytest.raises(NoSuchEntity, match=f"Policy {arns[0]} was not found."):
        h.call("DetachUserPolicy", {"UserName": "bob", "PolicyArn": arns[0]})
    with pytest.raises(NoSuchEntity, match="does not exist or is not attachable"):
        h.call("AttachUserPolicy", {"UserName": "bob", "PolicyArn": "arn:aws:iam::111122223333:policy/nope"})


def test_aws_managed_policies_attach_and_are_read_only(h: Harness) -> None:
    admin = "arn:aws:iam::aws:policy/AdministratorAccess"
    assert h.call("GetPolicy", {"PolicyArn": admin})["Policy"]["PolicyName"] == "AdministratorAccess"
    h.call("AttachUserPolicy", {"UserName": "bob", "PolicyArn": admin})
    h.call("CreateUser", {"UserName": "made-by-bob"}, caller=h.user_caller("bob"))
    with pytest.raises(AccessDenied):
        h.call("DeletePolicy", {"PolicyArn": admin})
    names = {p["PolicyName"] for p in h.call("ListPolicies", {"Scope": "AWS"})["Policies"]}
    assert {"AdministratorAccess", "PowerUserAccess", "ReadOnlyAccess", "IAMFullAccess",
            "IAMReadOnlyAccess", "IAMUserChangePassword"} <= names


def test_permissions_boundary_caps_a_user(h: Harness) -> None:
    boundary = h.call("CreatePolicy", {"PolicyName": "b", "PolicyDocument": _doc("iam:List*")})["Policy"]["Arn"]
    h.call("AttachUserPolicy", {"UserName": "bob", "PolicyArn": "arn:aws:iam::aws:policy/AdministratorAccess"})
    h.call("PutUserPermissionsBoundary", {"UserName": "bob", "PermissionsBoundary": boundary})
    bob = h.user_caller("bob")
    h.call("ListUsers", caller=bob)
    with pytest.raises(AccessDenied, match="because no permissions boundary allows the iam:CreateGroup action"):
        h.call("CreateGroup", {"GroupName": "g"}, caller=bob)
    h.call("DeleteUserPermissionsBoundary", {"UserName": "bob"})
    h.call("CreateGroup", {"GroupName": "g"}, caller=bob)


def test_authorization_of_policy_operations_uses_policy_arn_condition(h: Harness) -> None:
    """iam:PolicyARN limits which policies a delegated administrator may attach.
    https://docs.aws.amazon.com/service-authorization/latest/reference/list_identityandaccessmanagementiam.html"""
    allowed = h.call("CreatePolicy", {"PolicyName": "ok", "PolicyDocument": _doc("s3:*")})["Policy"]["Arn"]
    other = h.call("CreatePolicy", {"PolicyName": "no", "PolicyDocument": _doc("s3:*")})["Policy"]["Arn"]
    delegation = json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Action": "iam:AttachUserPolicy", "Resource": "*",
        "Condition": {"ArnEquals": {"iam:PolicyARN": allowed}}}]})
    h.call("PutUserPolicy", {"UserName": "bob", "PolicyName": "d", "PolicyDocument": delegation})
    bob = h.user_caller("bob")
    h.call("AttachUserPolicy", {"UserName": "bob", "PolicyArn": allowed}, caller=bob)
    with pytest.raises(AccessDenied):
        h.call("AttachUserPolicy", {"UserName": "bob", "PolicyArn": other}, caller=bob)
