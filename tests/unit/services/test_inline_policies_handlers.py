"""Inline policies: Put/Get/List/Delete{User,Group,Role}Policy.

https://docs.aws.amazon.com/IAM/latest/APIReference/API_PutUserPolicy.html
https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_managed-vs-inline.html#inline-policies
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest

from harness import Harness, make_harness
from warden.errors import AccessDenied, LimitExceeded, MalformedPolicyDocument, NoSuchEntity
from warden.services import iam
from warden.services.caller import Caller, CallerKind

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


def _doc(action: str | list[str], resource: str = "*", condition: dict[str, Any] | None = None) -> str:
    statement: dict[str, Any] = {"Effect": "Allow", "Action": action, "Resource": resource}
    if condition:
        statement["Condition"] = condition
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def _sized(characters: int) -> str:
    """A valid document of exactly `characters` non-whitespace characters (IAM's measure)."""
    base = "".join(_doc("s3:GetObject", "arn:aws:s3:::").split())
    padding = characters - len(base)
    assert padding >= 0
    return _doc("s3:GetObject", "arn:aws:s3:::" + "b" * padding)


@pytest.fixture
def h(tmp_path: Path) -> Harness:
    harness = make_harness(tmp_path, {"iam": iam.HANDLERS})
    harness.call("CreateUser", {"UserName": "bob", "Tags": [{"Key": "team", "Value": "blue"}]})
    harness.call("CreateUser", {"UserName": "eve"})
    harness.call("CreateGroup", {"GroupName": "devs"})
    harness.call("CreateRole", {"RoleName": "app", "AssumeRolePolicyDocument": TRUST})
    return harness


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
def test_put_get_list_delete(h: Harness, kind: str, name: str) -> None:
    """Putting a policy under an existing name replaces it.
    https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetUserPolicy.html"""
    member = f"{kind}Name"
    first, second = _doc("s3:GetObject"), _doc("s3:PutObject")
    h.call(f"Put{kind}Policy", {member: name, "PolicyName": "b", "PolicyDocument": first})
    h.call(f"Put{kind}Policy", {member: name, "PolicyName": "a", "PolicyDocument": first})
    h.call(f"Put{kind}Policy", {member: name.upper(), "PolicyName": "b", "PolicyDocument": second})
    got = h.call(f"Get{kind}Policy", {member: name, "PolicyName": "b"})
    assert got[member] == name and got["PolicyName"] == "b"
    assert "%22" in got["PolicyDocument"] and unquote(got["PolicyDocument"]) == second
    assert h.call(f"List{kind}Policies", {member: name})["PolicyNames"] == ["a", "b"]
    page = h.call(f"List{kind}Policies", {member: name, "MaxItems": 1})
    assert page["PolicyNames"] == ["a"] and page["IsTruncated"]
    rest = h.call(f"List{kind}Policies", {member: name, "Marker": page["Marker"]})
    assert rest["PolicyNames"] == ["b"] and not rest["IsTruncated"]
    h.call(f"Delete{kind}Policy", {member: name, "PolicyName": "b"})
    assert h.call(f"List{kind}Policies", {member: name})["PolicyNames"] == ["a"]
    for operation in (f"Get{kind}Policy", f"Delete{kind}Policy"):
        with pytest.raises(NoSuchEntity) as raised:
            h.call(operation, {member: name, "PolicyName": "b"})
        assert raised.value.message == f"The {kind.lower()} policy with name b cannot be found."


@pytest.mark.parametrize(("kind", "name"), KINDS)
def test_missing_identity_and_malformed_document(h: Harness, kind: str, name: str) -> None:
    """https://docs.aws.amazon.com/IAM/latest/APIReference/API_PutGroupPolicy.html"""
    member = f"{kind}Name"
    with pytest.raises(NoSuchEntity) as raised:
        h.call(f"Put{kind}Policy", {member: "ghost", "PolicyName": "p", "PolicyDocument": _doc("s3:*")})
    assert raised.value.message == f"The {kind.lower()} with name ghost cannot be found."
    with pytest.raises(NoSuchEntity):
        h.call(f"List{kind}Policies", {member: "ghost"})
    with pytest.raises(MalformedPolicyDocument, match="^Syntax errors in policy.$"):
        h.call(f"Put{kind}Policy", {member: name, "PolicyName": "p", "PolicyDocument": '{"Version": '})
    unknown_effect = json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Maybe", "Action": "s3:*", "Resource": "*"}]}
    )
    with pytest.raises(MalformedPolicyDocument):
        h.call(f"Put{kind}Policy", {member: name, "PolicyName": "p", "PolicyDocument": unknown_effect})
    not_a_number = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:*", "Resource": "*", "Condition": {"NumericLessThan": {"s3:max-keys": "ten"}}}]})
    with pytest.raises(MalformedPolicyDocument, match="^Invalid Condition value 'ten' for NumericLessThan"):
        h.call(f"Put{kind}Policy", {member: name, "PolicyName": "p", "PolicyDocument": not_a_number})
    assert h.call(f"List{kind}Policies", {member: name})["PolicyNames"] == []


@pytest.mark.parametrize(
    ("kind", "name", "quota"), [("User", "bob", 2048), ("Group", "devs", 5120), ("Role", "app", 10240)]
)
def test_aggregate_inline_size_quota(h: Harness, kind: str, name: str, quota: int) -> None:
    """The quota is on all of an identity's inline policies together, white space not counted.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html"""
    member = f"{kind}Name"
    half = quota // 2
    h.call(f"Put{kind}Policy", {member: name, "PolicyName": "one", "PolicyDocument": _sized(half)})
    spaced = json.dumps(json.loads(_sized(quota - half)), indent=8)
    h.call(f"Put{kind}Policy", {member: name, "PolicyName": "two", "PolicyDocument": spaced})
    with pytest.raises(LimitExceeded) as raised:
        h.call(f"Put{kind}Policy", {member: name, "PolicyName": "three", "PolicyDocument": _sized(200)})
    assert raised.value.message == f"Maximum policy size of {quota} bytes exceeded for {kind.lower()} {name}"
    h.call(f"Put{kind}Policy", {member: name, "PolicyName": "two", "PolicyDocument": _sized(quota - half)})
    with pytest.raises(LimitExceeded):
        h.call(
            f"Put{kind}Policy",
            {member: name, "PolicyName": "two", "PolicyDocument": _sized(quota - half + 1)},
        )
    h.call(f"Delete{kind}Policy", {member: name, "PolicyName": "one"})
    h.call(f"Put{kind}Policy", {member: name, "PolicyName": "three", "PolicyDocument": _sized(200)})


def test_a_users_inline_policy_allows_and_its_deletion_revokes(h: Harness) -> None:
    """https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html"""
    bob = h.user_caller("bob")
    with pytest.raises(AccessDenied):
        h.call("ListGroups", caller=bob)
    h.call("PutUserPolicy", {"UserName": "bob", "PolicyName": "p", "PolicyDocument": _doc("iam:ListGroups")})
    h.call("ListGroups", caller=bob)
    h.call("DeleteUserPolicy", {"UserName": "bob", "PolicyName": "p"})
    with pytest.raises(AccessDenied):
        h.call("ListGroups", caller=bob)


def test_a_groups_inline_policy_governs_its_members_only(h: Harness) -> None:
    """A group's policies apply to every user in the group.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/id_groups.html"""
    h.call("AddUserToGroup", {"GroupName": "devs", "UserName": "bob"})
    h.call(
        "PutGroupPolicy", {"GroupName": "devs", "PolicyName": "p", "PolicyDocument": _doc("iam:ListRoles")}
    )
    assert [r["RoleName"] for r in h.call("ListRoles", caller=h.user_caller("bob"))["Roles"]] == ["app"]
    with pytest.raises(AccessDenied):
        h.call("ListRoles", caller=h.user_caller("eve"))
    h.call("RemoveUserFromGroup", {"GroupName": "devs", "UserName": "bob"})
    with pytest.raises(AccessDenied):
        h.call("ListRoles", caller=h.user_caller("bob"))


def test_a_roles_inline_policy_governs_its_sessions(h: Harness) -> None:
    """A role session's identity policies are the role's.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles.html"""
    session = _role_session(h, "app")
    with pytest.raises(AccessDenied) as raised:
        h.call("ListUsers", caller=session)
    assert raised.value.message.startswith(
        f"User: arn:aws:sts::{ACCOUNT}:assumed-role/app/s is not authorized to perform: iam:ListUsers"
    )
    h.call("PutRolePolicy", {"RoleName": "app", "PolicyName": "p", "PolicyDocument": _doc("iam:ListUsers")})
    assert {u["UserName"] for u in h.call("ListUsers", caller=session)["Users"]} == {"bob", "eve"}


def test_inline_operations_authorize_on_the_identity(h: Harness) -> None:
    """The resource is the user, group or role; aws:ResourceTag is its tags.
    https://docs.aws.amazon.com/service-authorization/latest/reference/list_identityandaccessmanagementiam.html"""
    eve = h.user_caller("eve")
    with pytest.raises(AccessDenied) as raised:
        h.call(
            "PutUserPolicy",
            {"UserName": "bob", "PolicyName": "p", "PolicyDocument": _doc("s3:*")},
            caller=eve,
        )
    assert raised.value.message == (
        f"User: arn:aws:iam::{ACCOUNT}:user/eve is not authorized to perform: iam:PutUserPolicy on "
        f"resource: arn:aws:iam::{ACCOUNT}:user/bob because no identity-based policy allows the "
        "iam:PutUserPolicy action"
    )
    with pytest.raises(AccessDenied, match=f"on resource: arn:aws:iam::{ACCOUNT}:group/devs because"):
        h.call("ListGroupPolicies", {"GroupName": "devs"}, caller=eve)
    grant = _doc(
        ["iam:PutUserPolicy", "iam:GetUserPolicy"], "*", {"StringEquals": {"aws:ResourceTag/team": "blue"}}
    )
    h.call("PutUserPolicy", {"UserName": "eve", "PolicyName": "admin", "PolicyDocument": grant})
    h.call(
        "PutUserPolicy", {"UserName": "bob", "PolicyName": "p", "PolicyDocument": _doc("s3:*")}, caller=eve
    )
    h.call("GetUserPolicy", {"UserName": "bob", "PolicyName": "p"}, caller=eve)
    with pytest.raises(AccessDenied):
        h.call("GetUserPolicy", {"UserName": "eve", "PolicyName": "admin"}, caller=eve)
    with pytest.raises(AccessDenied):
        h.call("GetUserPolicy", {"UserName": "ghost", "PolicyName": "p"}, caller=eve)
