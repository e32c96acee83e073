"""Attaching managed policies: Attach/Detach{User,Group,Role}Policy, ListAttached*Policies and
ListEntitiesForPolicy.

https://docs.aws.amazon.com/IAM/latest/APIReference/API_AttachUserPolicy.html
https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListEntitiesForPolicy.html
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from harness import Harness, make_harness
from warden.errors import AccessDenied, LimitExceeded, NoSuchEntity
from warden.services import iam
from warden.services.iam.policies_aws import install_aws_managed_policies

ACCOUNT = "111122223333"
TRUST = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}
        ],
    }
)
KINDS = [("User", "bob"), ("Group", "devs"), ("Role", "app")]


def _doc(action: str, resource: str = "*", condition: dict[str, Any] | None = None) -> str:
    statement: dict[str, Any] = {"Effect": "Allow", "Action": action, "Resource": resource}
    if condition:
        statement["Condition"] = condition
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


@pytest.fixture
def h(tmp_path: Path) -> Harness:
    harness = make_harness(tmp_path, {"iam": iam.HANDLERS})
    with harness.store.transaction() as tx:
        install_aws_managed_policies(tx, harness.env.ids, harness.now)
    harness.call("CreateUser", {"UserName": "bob", "Tags": [{"Key": "team", "Value": "blue"}]})
    harness.call("CreateUser", {"UserName": "eve", "Path": "/ops/"})
    harness.call("CreateGroup", {"GroupName": "devs"})
    harness.call("CreateRole", {"RoleName": "app", "AssumeRolePolicyDocument": TRUST})
    return harness


def _policy(h: Harness, name: str, action: str = "s3:GetObject", path: str = "/") -> str:
    params = {"PolicyName": name, "PolicyDocument": _doc(action), "Path": path}
    return str(h.call("CreatePolicy", params)["Policy"]["Arn"])


@pytest.mark.parametrize(("kind", "name"), KINDS)
def test_attach_list_detach(h: Harness, kind: str, name: str) -> None:
    """https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_manage-attach-detach.html"""
    arn = _policy(h, "reader", path="/team/")
    member = f"{kind}Name"
    h.call(f"Attach{kind}Policy", {member: name, "PolicyArn": arn})
    h.call(f"Attach{kind}Policy", {member: name.upper(), "PolicyArn": arn})
    h.call(f"Attach{kind}Policy", {member: name, "PolicyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess"})
    listed = h.call(f"ListAttached{kind}Policies", {member: name})
    assert sorted(listed["AttachedPolicies"], key=lambda p: p["PolicyName"]) == [
        {"PolicyName": "ReadOnlyAccess", "PolicyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess"},
        {"PolicyName": "reader", "PolicyArn": arn},
    ]
    assert h.call("GetPolicy", {"PolicyArn": arn})["Policy"]["AttachmentCount"] == 1
    team = h.call(f"ListAttached{kind}Policies", {member: name, "PathPrefix": "/team/"})["AttachedPolicies"]
    assert [p["PolicyName"] for p in team] == ["reader"]
    h.call(f"Detach{kind}Policy", {member: name, "PolicyArn": arn})
    assert h.call("GetPolicy", {"PolicyArn": arn})["Policy"]["AttachmentCount"] == 0
    with pytest.raises(NoSuchEntity) as raised:
        h.call(f"Detach{kind}Policy", {member: name, "PolicyArn": arn})
    assert raised.value.message == f"Policy {arn} was not found."


@pytest.mark.parametrize(("kind", "name"), KINDS)
def test_missing_identity_and_missing_policy(h: Harness, kind: str, name: str) -> None:
    """https://docs.aws.amazon.com/IAM/latest/APIReference/API_AttachUserPolicy.html"""
    arn = _policy(h, "reader")
    member = f"{kind}Name"
    with pytest.raises(NoSuchEntity) as raised:
        h.call(f"Attach{kind}Policy", {member: "ghost", "PolicyArn": arn})
    assert raised.value.message == f"The {kind.lower()} with name ghost cannot be found."
    with pytest.raises(NoSuchEntity, match=f"^The {kind.lower()} with name ghost cannot be found.$"):
        h.call(f"ListAttached{kind}Policies", {member: "ghost"})
    missing = f"arn:aws:iam::{ACCOUNT}:policy/none"
    with pytest.raises(NoSuchEntity) as raised:
        h.call(f"Attach{kind}Policy", {member: name, "PolicyArn": missing})
    assert raised.value.message == f"Policy {missing} does not exist or is not attachable."


@pytest.mark.parametrize(("kind", "name"), KINDS)
def test_ten_managed_policies_per_identity(h: Harness, kind: str, name: str) -> None:
    """https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html"""
    arns = [_policy(h, f"p{i}") for i in range(11)]
    member = f"{kind}Name"
    for arn in arns[:10]:
        h.call(f"Attach{kind}Policy", {member: name, "PolicyArn": arn})
    h.call(f"Attach{kind}Policy", {member: name, "PolicyArn": arns[0]})
    with pytest.raises(LimitExceeded) as raised:
        h.call(f"Attach{kind}Policy", {member: name, "PolicyArn": arns[10]})
    assert raised.value.message == f"Cannot exceed quota for PoliciesPer{kind}: 10"


def test_list_entities_for_policy(h: Harness) -> None:
    """EntityFilter and PathPrefix narrow the answer.
    https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListEntitiesForPolicy.html"""
    arn = _policy(h, "shared")
    for kind, name in [*KINDS, ("User", "eve")]:
        h.call(f"Attach{kind}Policy", {f"{kind}Name": name, "PolicyArn": arn})
    everyone = h.call("ListEntitiesForPolicy", {"PolicyArn": arn})
    assert sorted(u["UserName"] for u in everyone["PolicyUsers"]) == ["bob", "eve"]
    assert [g["GroupName"] for g in everyone["PolicyGroups"]] == ["devs"]
    assert [r["RoleName"] for r in everyone["PolicyRoles"]] == ["app"]
    assert everyone["PolicyRoles"][0]["RoleId"].startswith("AROA")
    roles = h.call("ListEntitiesForPolicy", {"PolicyArn": arn, "EntityFilter": "Role"})
    assert roles["PolicyUsers"] == [] and [r["RoleName"] for r in roles["PolicyRoles"]] == ["app"]
    ops = h.call("ListEntitiesForPolicy", {"PolicyArn": arn, "PathPrefix": "/ops/"})
    assert [u["UserName"] for u in ops["PolicyUsers"]] == ["eve"] and ops["PolicyGroups"] == []
    aws_only = h.call("ListEntitiesForPolicy", {"PolicyArn": arn, "EntityFilter": "AWSManagedPolicy"})
    assert aws_only["PolicyUsers"] == []
    with pytest.raises(NoSuchEntity):
        h.call("ListEntitiesForPolicy", {"PolicyArn": f"arn:aws:iam::{ACCOUNT}:policy/none"})


def test_list_entities_for_policy_by_usage(h: Harness) -> None:
    """"To list only the policies used to set permissions boundaries, set the value to
    PermissionsBoundary": the users and roles the policy bounds, not those it is attached to;
    without the filter, both.
    https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListEntitiesForPolicy.html"""
    arn = _policy(h, "cap")
    h.call("AttachUserPolicy", {"UserName": "bob", "PolicyArn": arn})
    h.call("AttachGroupPolicy", {"GroupName": "devs", "PolicyArn": arn})
    h.call("PutUserPermissionsBoundary", {"UserName": "eve", "PermissionsBoundary": arn})
    h.call("PutRolePermissionsBoundary", {"RoleName": "app", "PermissionsBoundary": arn})

    def names(params: dict[str, Any]) -> tuple[list[str], list[str], list[str]]:
        found = h.call("ListEntitiesForPolicy", {"PolicyArn": arn, **params})
        return (
            [u["UserName"] for u in found["PolicyUsers"]],
            [g["GroupName"] for g in found["PolicyGroups"]],
            [r["RoleName"] for r in found["PolicyRoles"]],
        )

    assert names({}) == (["bob", "eve"], ["devs"], ["app"])  # "If it is not included, all ... are returned"
    assert names({"PolicyUsageFilter": "PermissionsPolicy"}) == (["bob"], ["devs"], [])
    assert names({"PolicyUsageFilter": "PermissionsBoundary"}) == (["eve"], [], ["app"])
    assert names({"PolicyUsageFilter": "PermissionsBoundary", "EntityFilter": "Role"}) == ([], [], ["app"])
    assert names({"PolicyUsageFilter": "PermissionsBoundary", "EntityFilter": "Group"}) == ([], [], [])
    assert names({"PolicyUsageFilter": "PermissionsBoundary", "PathPrefix": "/ops/"}) == (["eve"], [], [])


def test_an_attached_managed_policy_allows_its_actions(h: Harness) -> None:
    """Identity-based policies attached to a user, or to a group the user is in, grant access.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html"""
    bob = h.user_caller("bob")
    with pytest.raises(AccessDenied):
        h.call("ListRoles", caller=bob)
    direct = _policy(h, "roles", "iam:ListRoles")
    h.call("AttachUserPolicy", {"UserName": "bob", "PolicyArn": direct})
    assert [r["RoleName"] for r in h.call("ListRoles", caller=bob)["Roles"]] == ["app"]
    with pytest.raises(AccessDenied):
        h.call("ListGroups", caller=bob)
    via_group = _policy(h, "groups", "iam:ListGroups")
    h.call("AttachGroupPolicy", {"GroupName": "devs", "PolicyArn": via_group})
    h.call("AddUserToGroup", {"GroupName": "devs", "UserName": "bob"})
    h.call("ListGroups", caller=bob)
    h.call("DetachUserPolicy", {"UserName": "bob", "PolicyArn": direct})
    with pytest.raises(AccessDenied):
        h.call("ListRoles", caller=bob)


def test_policy_arn_condition_limits_delegated_attachment(h: Harness) -> None:
    """iam:PolicyARN is the policy being attached or detached.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_examples_iam_limit-managed.html"""
    allowed = _policy(h, "allowed")
    other = _policy(h, "other")
    condition = {"ArnEquals": {"iam:PolicyARN": allowed}}
    grant = _doc("iam:*UserPolicy", f"arn:aws:iam::{ACCOUNT}:user/ops/eve", condition)
    h.call("PutUserPolicy", {"UserName": "bob", "PolicyName": "delegate", "PolicyDocument": grant})
    bob = h.user_caller("bob")
    h.call("AttachUserPolicy", {"UserName": "eve", "PolicyArn": allowed}, caller=bob)
    with pytest.raises(AccessDenied) as raised:
        h.call("AttachUserPolicy", {"UserName": "eve", "PolicyArn": other}, caller=bob)
    assert raised.value.message.startswith(
        f"User: arn:aws:iam::{ACCOUNT}:user/bob is not authorized to perform: iam:AttachUserPolicy "
        f"on resource: arn:aws:iam::{ACCOUNT}:user/ops/eve"
    )
    h.call("AttachUserPolicy", {"UserName": "eve", "PolicyArn": other})
    with pytest.raises(AccessDenied):
        h.call("DetachUserPolicy", {"UserName": "eve", "PolicyArn": other}, caller=bob)
    h.call("DetachUserPolicy", {"UserName": "eve", "PolicyArn": allowed}, caller=bob)


def test_resource_tags_of_the_identity_are_honoured(h: Harness) -> None:
    """aws:ResourceTag on AttachUserPolicy is the target user's tags.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/access_iam-tags.html"""
    arn = _policy(h, "reader")
    grant = _doc("iam:AttachUserPolicy", "*", {"StringEquals": {"aws:ResourceTag/team": "blue"}})
    h.call("CreateUser", {"UserName": "admin"})
    h.call("PutUserPolicy", {"UserName": "admin", "PolicyName": "p", "PolicyDocument": grant})
    admin = h.user_caller("admin")
    h.call("AttachUserPolicy", {"UserName": "bob", "PolicyArn": arn}, caller=admin)
    with pytest.raises(AccessDenied):
        h.call("AttachUserPolicy", {"UserName": "eve", "PolicyArn": arn}, caller=admin)


def test_list_attached_pages(h: Harness) -> None:
    """https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListAttachedUserPolicies.html"""
    for i in range(3):
        h.call("AttachUserPolicy", {"UserName": "bob", "PolicyArn": _policy(h, f"p{i}")})
    first = h.call("ListAttachedUserPolicies", {"UserName": "bob", "MaxItems": 2})
    assert len(first["AttachedPolicies"]) == 2 and first["IsTruncated"]
    rest = h.call("ListAttachedUserPolicies", {"UserName": "bob", "Marker": first["Marker"]})
    names = [p["PolicyName"] for p in first["AttachedPolicies"] + rest["AttachedPolicies"]]
    assert names == ["p0", "p1", "p2"] and not rest["IsTruncated"]
