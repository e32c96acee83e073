"""Who may do what to roles: the action, the role's ARN and the condition keys AWS supplies.

https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsidentityandaccessmanagementiam.html
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from roles_support import EC2_TRUST, allow, create_role, denial, role_harness, user_with_policy

from harness import Harness
from warden.errors import AccessDenied, NoSuchEntity

ROLE_ARN = "arn:aws:iam::111122223333:role/"
TRUST = json.dumps(EC2_TRUST)


@pytest.fixture
def h(tmp_path: Path) -> Harness:
    return role_harness(tmp_path)


def test_a_user_without_policies_is_denied_with_aws_message(h: Harness) -> None:
    """https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html"""
    create_role(h, "app", Path="/svc/")
    bob = user_with_policy(h, "bob")
    cases = [
        ("CreateRole", {"RoleName": "x", "Path": "/p/", "AssumeRolePolicyDocument": TRUST}, ROLE_ARN + "p/x"),
        ("GetRole", {"RoleName": "app"}, ROLE_ARN + "svc/app"),
        ("ListRoles", {}, ROLE_ARN),
        ("UpdateRole", {"RoleName": "app"}, ROLE_ARN + "svc/app"),
        ("UpdateRoleDescription", {"RoleName": "app", "Description": "d"}, ROLE_ARN + "svc/app"),
        ("UpdateAssumeRolePolicy", {"RoleName": "app", "PolicyDocument": TRUST}, ROLE_ARN + "svc/app"),
        ("DeleteRole", {"RoleName": "app"}, ROLE_ARN + "svc/app"),
    ]
    for operation, params, resource in cases:
        with pytest.raises(AccessDenied) as denied:
            h.call(operation, params, caller=bob)
        assert denied.value.message == denial("bob", f"iam:{operation}", resource)


def test_authorization_comes_before_not_found(h: Harness) -> None:
    """A caller who may not read a role learns nothing about whether it exists."""
    bob = user_with_policy(h, "bob")
    with pytest.raises(AccessDenied) as denied:
        h.call("GetRole", {"RoleName": "ghost"}, caller=bob)
    assert denied.value.message == denial("bob", "iam:GetRole", ROLE_ARN + "ghost")


def test_an_allow_on_the_role_arn_lets_the_call_through(h: Harness) -> None:
    create_role(h, "app", Path="/svc/")
    create_role(h, "other")
    alice = user_with_policy(h, "alice", allow("iam:GetRole", ROLE_ARN + "svc/*"))
    assert h.call("GetRole", {"RoleName": "app"}, caller=alice)["Role"]["RoleName"] == "app"
    with pytest.raises(AccessDenied):
        h.call("GetRole", {"RoleName": "other"}, caller=alice)


def test_resource_tags_are_tested_by_conditions(h: Harness) -> None:
    """https://docs.aws.amazon.com/IAM/latest/UserGuide/access_iam-tags.html#access_iam-tags_control-resources"""
    create_role(h, "eng", Tags=[{"Key": "team", "Value": "eng"}])
    create_role(h, "ops", Tags=[{"Key": "team", "Value": "ops"}])
    condition = {"StringEquals": {"aws:ResourceTag/team": "eng"}}
    carol = user_with_policy(h, "carol", allow("iam:DeleteRole", condition=condition))
    with pytest.raises(AccessDenied):
        h.call("DeleteRole", {"RoleName": "ops"}, caller=carol)
    h.call("DeleteRole", {"RoleName": "eng"}, caller=carol)
    with pytest.raises(NoSuchEntity):
        h.call("GetRole", {"RoleName": "eng"})


def test_request_tags_are_tested_by_conditions(h: Harness) -> None:
    """https://docs.aws.amazon.com/IAM/latest/UserGuide/access_iam-tags.html#access_iam-tags_control-requests"""
    condition = {
        "StringEquals": {"aws:RequestTag/team": "eng"},
        "ForAllValues:StringEquals": {"aws:TagKeys": ["team"]},
    }
    # Creating with tags also needs iam:TagRole, as in AWS's example policy:
    # https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_examples_iam-new-user-tag.html
    dave = user_with_policy(
        h, "dave", allow("iam:CreateRole", condition=condition), allow("iam:TagRole", condition=condition)
    )
    with pytest.raises(AccessDenied):
        h.call("CreateRole", {"RoleName": "untagged", "AssumeRolePolicyDocument": TRUST}, caller=dave)
    tags = [{"Key": "team", "Value": "eng"}]
    h.call("CreateRole", {"RoleName": "tagged", "AssumeRolePolicyDocument": TRUST, "Tags": tags}, caller=dave)


def test_permissions_boundary_condition_key(h: Harness) -> None:
    """https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#ck_PermissionsBoundary"""
    boundary = "arn:aws:iam::111122223333:policy/Boundary"
    condition = {"StringEquals": {"iam:PermissionsBoundary": boundary}}
    erin = user_with_policy(h, "erin", allow("iam:CreateRole", condition=condition))
    with pytest.raises(AccessDenied):
        h.call("CreateRole", {"RoleName": "free", "AssumeRolePolicyDocument": TRUST}, caller=erin)
    # Authorized now; the boundary policy itself does not exist, which IAM reports next.
    with pytest.raises(NoSuchEntity, match="does not exist or is not attachable"):
        h.call(
            "CreateRole",
            {"RoleName": "bound", "AssumeRolePolicyDocument": TRUST, "PermissionsBoundary": boundary},
            caller=erin,
        )
