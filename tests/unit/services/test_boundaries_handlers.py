"""Permissions boundaries: Put/Delete{User,Role}PermissionsBoundary and their effect.

https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html
https://docs.aws.amazon.com/IAM/latest/APIReference/API_PutUserPermissionsBoundary.html
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from harness import Harness, make_harness
from warden.errors import AccessDenied, NoSuchEntity
from warden.services import iam
from warden.services.caller import Caller, CallerKind
from warden.services.iam.policies_aws import install_aws_managed_policies

ACCOUNT = "111122223333"
ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"
TRUST = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}
        ],
    }
)
KINDS = [("User", "bob"), ("Role", "app")]


def _doc(action: str | list[str], resource: str = "*", condition: dict[str, Any] | None = None) -> str:
    statement: dict[str, Any] = {"Effect": "Allow", "Action": action, "Resource": resource}
    if condition:
        statement["Condition"] = condition
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


@pytest.fixture
def h(tmp_path: Path) -> Harness:
    harness = make_harness(tmp_path, {"iam": iam.HANDLERS})
    with harness.store.transaction() as tx:
        install_aws_managed_policies(tx, harness.env.ids, harness.now)
    harness.call("CreateUser", {"UserName": "bob"})
    harness.call("CreateRole", {"RoleName": "app", "AssumeRolePolicyDocument": TRUST})
    return harness


def _policy(h: Harness, name: str, action: str | list[str]) -> str:
    return str(h.call("CreatePolicy", {"PolicyName": name, "PolicyDocument": _doc(action)})["Policy"]["Arn"])


def _boundary_of(h: Harness, kind: str, name: str) -> dict[str, Any] | None:
    entity = h.call(f"Get{kind}", {f"{kind}Name": name})[kind]
    found = entity.get("PermissionsBoundary")
    return None if found is None else dict(found)


def _role_session(h: Harness, role: str) -> Caller:
    found = h.call("GetRole", {"RoleName": role})["Role"]
    return Caller(
        kind=CallerKind.ASSUMED_ROLE,
        arn=f"arn:aws:sts::{ACCOUNT}:assumed-role/{role}/s",
        account_id=ACCOUNT,
        principal_id=f"{found['RoleId']}:s",
        access_key_id="ASIAEXAMPLEEXAMPLE12",
        role_arn=found["Arn"],
        role_name=role,
        session_name="s",
    )


@pytest.mark.parametrize(("kind", "name"), KINDS)
def test_put_replace_and_delete_boundary(h: Harness, kind: str, name: str) -> None:
    """The boundary shows on the entity and counts in PermissionsBoundaryUsageCount.
    https://docs.aws.amazon.com/IAM/latest/APIReference/API_AttachedPermissionsBoundary.html"""
    first = _policy(h, "first", "iam:List*")
    member = f"{kind}Name"
    h.call(f"Put{kind}PermissionsBoundary", {member: name, "PermissionsBoundary": first})
    assert _boundary_of(h, kind, name) == {
        "PermissionsBoundaryType": "Policy",
        "PermissionsBoundaryArn": first,
    }
    assert h.call("GetPolicy", {"PolicyArn": first})["Policy"]["PermissionsBoundaryUsageCount"] == 1
    h.call(f"Put{kind}PermissionsBoundary", {member: name, "PermissionsBoundary": ADMIN})
    assert _boundary_of(h, kind, name) == {
        "PermissionsBoundaryType": "Policy",
        "PermissionsBoundaryArn": ADMIN,
    }
    assert h.call("GetPolicy", {"PolicyArn": first})["Policy"]["PermissionsBoundaryUsageCount"] == 0
    h.call(f"Delete{kind}PermissionsBoundary", {member: name})
    assert _boundary_of(h, kind, name) is None


@pytest.mark.parametrize(("kind", "name"), KINDS)
def test_the_boundary_must_be_an_existing_managed_policy(h: Harness, kind: str, name: str) -> None:
    """https://docs.aws.amazon.com/IAM/latest/APIReference/API_PutRolePermissionsBoundary.html"""
    member = f"{kind}Name"
    missing = f"arn:aws:iam::{ACCOUNT}:policy/none"
    with pytest.raises(NoSuchEntity) as raised:
        h.call(f"Put{kind}PermissionsBoundary", {member: name, "PermissionsBoundary": missing})
    assert raised.value.message == f"Policy {missing} does not exist or is not attachable."
    assert _boundary_of(h, kind, name) is None
    with pytest.raises(NoSuchEntity, match=f"^The {kind.lower()} with name ghost cannot be found.$"):
        h.call(f"Put{kind}PermissionsBoundary", {member: "ghost", "PermissionsBoundary": ADMIN})
    with pytest.raises(NoSuchEntity, match=f"^The {kind.lower()} with name ghost cannot be found.$"):
        h.call(f"Delete{kind}PermissionsBoundary", {member: "ghost"})


def test_a_boundary_caps_a_users_permissions(h: Harness) -> None:
    """Effective permissions are the intersection of identity policies and the boundary; the
    boundary alone grants nothing.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html"""
    boundary = _policy(h, "cap", ["iam:ListUsers", "iam:ListRoles"])
    h.call("PutUserPermissionsBoundary", {"UserName": "bob", "PermissionsBoundary": boundary})
    bob = h.user_caller("bob")
    with pytest.raises(
        AccessDenied, match="because no identity-based policy allows the iam:ListUsers action$"
    ):
        h.call("ListUsers", caller=bob)
    h.call("AttachUserPolicy", {"UserName": "bob", "PolicyArn": ADMIN})
    h.call("ListUsers", caller=bob)
    with pytest.raises(AccessDenied) as raised:
        h.call("ListGroups", caller=bob)
    assert raised.value.message == (
        f"User: arn:aws:iam::{ACCOUNT}:user/bob is not authorized to perform: iam:ListGroups on "
        f"resource: arn:aws:iam::{ACCOUNT}:group/ because no permissions boundary allows the "
        "iam:ListGroups action"
    )
    h.call("DeleteUserPermissionsBoundary", {"UserName": "bob"})
    h.call("ListGroups", caller=bob)


def test_a_boundary_caps_a_roles_sessions(h: Harness) -> None:
    """https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html"""
    h.call("AttachRolePolicy", {"RoleName": "app", "PolicyArn": ADMIN})
    session = _role_session(h, "app")
    h.call("ListGroups", caller=session)
    h.call(
        "PutRolePermissionsBoundary",
        {"RoleName": "app", "PermissionsBoundary": _policy(h, "cap", "iam:ListUsers")},
    )
    h.call("ListUsers", caller=session)
    with pytest.raises(
        AccessDenied, match="because no permissions boundary allows the iam:ListGroups action$"
    ):
        h.call("ListGroups", caller=session)


def test_permissions_boundary_condition_key(h: Harness) -> None:
    """iam:PermissionsBoundary lets an administrator set only an approved boundary, and
    DeleteUserPermissionsBoundary is tested against the boundary being removed.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html#access_policies_boundaries-delegate"""
    approved = _policy(h, "approved", "s3:*")
    other = _policy(h, "other", "s3:*")
    h.call("CreateUser", {"UserName": "admin"})
    grant = _doc(
        ["iam:PutUserPermissionsBoundary", "iam:DeleteUserPermissionsBoundary"],
        "*",
        {"StringEquals": {"iam:PermissionsBoundary": approved}},
    )
    h.call("PutUserPolicy", {"UserName": "admin", "PolicyName": "p", "PolicyDocument": grant})
    admin = h.user_caller("admin")
    with pytest.raises(AccessDenied) as raised:
        h.call("PutUserPermissionsBoundary", {"UserName": "bob", "PermissionsBoundary": other}, caller=admin)
    assert raised.value.message == (
        f"User: arn:aws:iam::{ACCOUNT}:user/admin is not authorized to perform: "
        f"iam:PutUserPermissionsBoundary on resource: arn:aws:iam::{ACCOUNT}:user/bob because no "
        "identity-based policy allows the iam:PutUserPermissionsBoundary action"
    )
    h.call("PutUserPermissionsBoundary", {"UserName": "bob", "PermissionsBoundary": approved}, caller=admin)
    h.call("DeleteUserPermissionsBoundary", {"UserName": "bob"}, caller=admin)
    h.call("PutUserPermissionsBoundary", {"UserName": "bob", "PermissionsBoundary": other})
    with pytest.raises(AccessDenied):
        h.call("DeleteUserPermissionsBoundary", {"UserName": "bob"}, caller=admin)
    assert _boundary_of(h, "User", "bob") == {
        "PermissionsBoundaryType": "Policy",
        "PermissionsBoundaryArn": other,
    }


@pytest.mark.parametrize(("kind", "name"), KINDS)
def test_permission_changes_are_tested_against_the_identitys_boundary(h: Harness, kind: str, name: str) -> None:
    """Put/Delete{User,Role}Policy and Attach/Detach{User,Role}Policy offer the boundary the
    identity has as iam:PermissionsBoundary, so an administrator may be allowed to change only
    the permissions of identities that keep an approved boundary (AWS's delegation example).
    https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsidentityandaccessmanagementiam.html
    https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html#access_policies_boundaries-delegate"""
    approved = _policy(h, "approved", "s3:*")
    other = _policy(h, "other", "s3:*")
    managed = _policy(h, "managed", "s3:GetObject")
    h.call("CreateUser", {"UserName": "admin"})
    verbs = ["Put", "Delete", "Attach", "Detach"]
    grant = _doc(
        [f"iam:{verb}{kind}Policy" for verb in verbs], "*", {"StringEquals": {"iam:PermissionsBoundary": approved}}
    )
    h.call("PutUserPolicy", {"UserName": "admin", "PolicyName": "p", "PolicyDocument": grant})
    admin = h.user_caller("admin")
    member = f"{kind}Name"
    inline = {member: name, "PolicyName": "inline", "PolicyDocument": _doc("s3:GetObject")}
    attach = {member: name, "PolicyArn": managed}
    with pytest.raises(AccessDenied):  # no boundary: the key is absent
        h.call(f"Put{kind}Policy", inline, caller=admin)
    h.call(f"Put{kind}PermissionsBoundary", {member: name, "PermissionsBoundary": approved})
    h.call(f"Put{kind}Policy", inline, caller=admin)
    h.call(f"Attach{kind}Policy", attach, caller=admin)
    h.call(f"Detach{kind}Policy", attach, caller=admin)
    h.call(f"Put{kind}PermissionsBoundary", {member: name, "PermissionsBoundary": other})
    for verb, params in (("Delete", {member: name, "PolicyName": "inline"}), ("Attach", attach)):
        with pytest.raises(AccessDenied) as raised:
            h.call(f"{verb}{kind}Policy", params, caller=admin)
        assert f"iam:{verb}{kind}Policy on resource: arn:aws:iam::{ACCOUNT}:{kind.lower()}/{name} " in (
            raised.value.message
        )
    h.call(f"Put{kind}PermissionsBoundary", {member: name, "PermissionsBoundary": approved})
    h.call(f"Delete{kind}Policy", {member: name, "PolicyName": "inline"}, caller=admin)


def test_create_user_with_a_boundary_is_capped_from_the_start(h: Harness) -> None:
    """CreateUser accepts PermissionsBoundary, tested by iam:PermissionsBoundary.
    https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateUser.html"""
    cap = _policy(h, "cap", "iam:ListUsers")
    h.call("CreateUser", {"UserName": "carol", "PermissionsBoundary": cap})
    h.call("AttachUserPolicy", {"UserName": "carol", "PolicyArn": ADMIN})
    carol = h.user_caller("carol")
    h.call("ListUsers", caller=carol)
    with pytest.raises(AccessDenied):
        h.call("CreateUser", {"UserName": "dave"}, caller=carol)
    assert h.call("GetPolicy", {"PolicyArn": cap})["Policy"]["PermissionsBoundaryUsageCount"] == 1


def test_user_listings_leave_out_the_boundary_that_get_user_reports(h: Harness) -> None:
    """ListUsers "does not return the following attributes, even though they are an attribute of
    the returned object: PermissionsBoundary, Tags"; GetUser shows both.
    https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListUsers.html"""
    h.call("PutUserPermissionsBoundary", {"UserName": "bob", "PermissionsBoundary": ADMIN})
    h.call("TagUser", {"UserName": "bob", "Tags": [{"Key": "team", "Value": "a"}]})
    assert _boundary_of(h, "User", "bob") == {"PermissionsBoundaryType": "Policy", "PermissionsBoundaryArn": ADMIN}
    (listed,) = h.call("ListUsers")["Users"]
    assert listed["UserName"] == "bob"
    assert "PermissionsBoundary" not in listed and "Tags" not in listed
    h.call("CreateGroup", {"GroupName": "devs"})
    h.call("AddUserToGroup", {"GroupName": "devs", "UserName": "bob"})
    (member,) = h.call("GetGroup", {"GroupName": "devs"})["Users"]
    assert "PermissionsBoundary" not in member and "Tags" not in member
