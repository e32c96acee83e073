"""Instance profile handlers and their authorization.

https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateInstanceProfile.html and siblings.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from roles_support import ACCOUNT, allow, create_role, denial, role_harness, user_with_policy

from harness import Harness
from warden.errors import (
    AccessDenied,
    DeleteConflict,
    EntityAlreadyExists,
    InvalidInput,
    LimitExceeded,
    NoSuchEntity,
)
from warden.services.iam import instance_profiles

PROFILE_ARN = "arn:aws:iam::111122223333:instance-profile/"
ROLE_ARN = "arn:aws:iam::111122223333:role/"


@pytest.fixture
def h(tmp_path: Path) -> Harness:
    return role_harness(tmp_path)


def test_create_get_list_delete(h: Harness) -> None:
    """https://docs.aws.amazon.com/IAM/latest/APIReference/API_InstanceProfile.html"""
    tags = [{"Key": "env", "Value": "prod"}]
    created = h.call("CreateInstanceProfile", {"InstanceProfileName": "web", "Path": "/ec2/", "Tags": tags})
    profile = created["InstanceProfile"]
    assert profile["Arn"] == PROFILE_ARN + "ec2/web"
    assert profile["InstanceProfileId"].startswith("AIPA") and len(profile["InstanceProfileId"]) == 21
    assert profile["Roles"] == [] and profile["Tags"] == tags
    got = h.call("GetInstanceProfile", {"InstanceProfileName": "WEB"})["InstanceProfile"]
    assert got["InstanceProfileName"] == "web" and got["Tags"] == tags
    assert [p["InstanceProfileName"] for p in h.call("ListInstanceProfiles")["InstanceProfiles"]] == ["web"]
    assert h.call("ListInstanceProfiles", {"PathPrefix": "/other/"})["InstanceProfiles"] == []
    with pytest.raises(EntityAlreadyExists, match="^Instance Profile Web already exists.$"):
        h.call("CreateInstanceProfile", {"InstanceProfileName": "Web"})
    h.call("DeleteInstanceProfile", {"InstanceProfileName": "web"})
    for operation in ("GetInstanceProfile", "DeleteInstanceProfile"):
        with pytest.raises(NoSuchEntity, match="^Instance Profile web cannot be found.$"):
            h.call(operation, {"InstanceProfileName": "web"})


def test_roles_in_a_profile(h: Harness) -> None:
    """https://docs.aws.amazon.com/IAM/latest/APIReference/API_AddRoleToInstanceProfile.html"""
    role = create_role(h, "app", Tags=[{"Key": "t", "Value": "v"}])
    create_role(h, "spare")
    h.call("CreateInstanceProfile", {"InstanceProfileName": "web"})
    h.call("AddRoleToInstanceProfile", {"InstanceProfileName": "web", "RoleName": "app"})
    roles_in = h.call("GetInstanceProfile", {"InstanceProfileName": "web"})["InstanceProfile"]["Roles"]
    assert [r["RoleId"] for r in roles_in] == [role["RoleId"]]
    assert roles_in[0]["AssumeRolePolicyDocument"].startswith("%7B") and "Tags" not in roles_in[0]
    quota = "^Cannot exceed quota for InstanceSessionsPerInstanceProfile: 1$"
    for again in ("app", "spare"):
        with pytest.raises(LimitExceeded, match=quota):
            h.call("AddRoleToInstanceProfile", {"InstanceProfileName": "web", "RoleName": again})
    listed = h.call("ListInstanceProfilesForRole", {"RoleName": "app"})["InstanceProfiles"]
    assert [p["InstanceProfileName"] for p in listed] == ["web"]
    assert h.call("ListInstanceProfilesForRole", {"RoleName": "spare"})["InstanceProfiles"] == []
    with pytest.raises(
        DeleteConflict, match="^Cannot delete entity, must remove roles from instance profile first.$"
    ):
        h.call("DeleteInstanceProfile", {"InstanceProfileName": "web"})
    with pytest.raises(NoSuchEntity, match="^The role with name spare cannot be found.$"):
        h.call("RemoveRoleFromInstanceProfile", {"InstanceProfileName": "web", "RoleName": "spare"})
    h.call("RemoveRoleFromInstanceProfile", {"InstanceProfileName": "web", "RoleName": "app"})
    assert h.call("GetInstanceProfile", {"InstanceProfileName": "web"})["InstanceProfile"]["Roles"] == []
    h.call("DeleteInstanceProfile", {"InstanceProfileName": "web"})


def test_missing_entities(h: Harness) -> None:
    h.call("CreateInstanceProfile", {"InstanceProfileName": "web"})
    with pytest.raises(NoSuchEntity, match="^The role with name ghost cannot be found.$"):
        h.call("AddRoleToInstanceProfile", {"InstanceProfileName": "web", "RoleName": "ghost"})
    create_role(h, "app")
    with pytest.raises(NoSuchEntity, match="^Instance Profile none cannot be found.$"):
        h.call("AddRoleToInstanceProfile", {"InstanceProfileName": "none", "RoleName": "app"})
    with pytest.raises(NoSuchEntity, match="^The role with name ghost cannot be found.$"):
        h.call("ListInstanceProfilesForRole", {"RoleName": "ghost"})


def test_instance_profiles_per_account_quota(h: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    """https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html (InstanceProfilesPerAccount)"""
    monkeypatch.setattr(instance_profiles, "MAX_INSTANCE_PROFILES_PER_ACCOUNT", 1)
    h.call("CreateInstanceProfile", {"InstanceProfileName": "one"})
    with pytest.raises(LimitExceeded, match="^Cannot exceed quota for InstanceProfilesPerAccount: 1$"):
        h.call("CreateInstanceProfile", {"InstanceProfileName": "two"})


def test_list_pages_and_bad_marker(h: Harness) -> None:
    for name in ("b", "a"):
        h.call("CreateInstanceProfile", {"InstanceProfileName": name})
    first = h.call("ListInstanceProfiles", {"MaxItems": 1})
    assert first["IsTruncated"] is True and first["InstanceProfiles"][0]["InstanceProfileName"] == "a"
    second = h.call("ListInstanceProfiles", {"MaxItems": 1, "Marker": first["Marker"]})
    assert second["IsTruncated"] is False and second["InstanceProfiles"][0]["InstanceProfileName"] == "b"
    with pytest.raises(InvalidInput, match="^Invalid Marker.$"):
        h.call("ListInstanceProfiles", {"Marker": "nope"})


def test_a_user_without_policies_is_denied(h: Harness) -> None:
    """https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsidentityandaccessmanagementiam.html"""
    create_role(h, "app")
    h.call("CreateInstanceProfile", {"InstanceProfileName": "web", "Path": "/ec2/"})
    bob = user_with_policy(h, "bob")
    cases = [
        ("CreateInstanceProfile", {"InstanceProfileName": "x"}, PROFILE_ARN + "x"),
        ("GetInstanceProfile", {"InstanceProfileName": "web"}, PROFILE_ARN + "ec2/web"),
        ("GetInstanceProfile", {"InstanceProfileName": "ghost"}, PROFILE_ARN + "ghost"),
        ("ListInstanceProfiles", {}, PROFILE_ARN),
        ("ListInstanceProfilesForRole", {"RoleName": "app"}, ROLE_ARN + "app"),
        (
            "AddRoleToInstanceProfile",
            {"InstanceProfileName": "web", "RoleName": "app"},
            PROFILE_ARN + "ec2/web",
        ),
        (
            "RemoveRoleFromInstanceProfile",
            {"InstanceProfileName": "web", "RoleName": "app"},
            PROFILE_ARN + "ec2/web",
        ),
        ("DeleteInstanceProfile", {"InstanceProfileName": "web"}, PROFILE_ARN + "ec2/web"),
    ]
    for operation, params, resource in cases:
        with pytest.raises(AccessDenied) as denied:
            h.call(operation, params, caller=bob)
        assert denied.value.message == denial("bob", f"iam:{operation}", resource)


def test_adding_a_role_also_needs_pass_role(h: Harness) -> None:
    """ "The caller of this operation must be granted the PassRole permission on the IAM role."
    https://docs.aws.amazon.com/IAM/latest/APIReference/API_AddRoleToInstanceProfile.html"""
    create_role(h, "app")
    h.call("CreateInstanceProfile", {"InstanceProfileName": "web"})
    add = {"InstanceProfileName": "web", "RoleName": "app"}
    carol = user_with_policy(h, "carol", allow("iam:AddRoleToInstanceProfile", PROFILE_ARN + "web"))
    with pytest.raises(AccessDenied) as denied:
        h.call("AddRoleToInstanceProfile", add, caller=carol)
    assert denied.value.message == denial("carol", "iam:PassRole", ROLE_ARN + "app")
    passed_to = {"StringEquals": {"iam:PassedToService": "ec2.amazonaws.com"}}
    dave = user_with_policy(
        h,
        "dave",
        allow("iam:AddRoleToInstanceProfile", PROFILE_ARN + "web"),
        allow("iam:PassRole", ROLE_ARN + "app", passed_to),
    )
    h.call("AddRoleToInstanceProfile", add, caller=dave)


def test_pass_role_offers_the_associated_instances(h: Harness) -> None:
    """iam:AssociatedResourceArn: "special considerations apply if the policy is meant to define
    access for the AddRoleToInstanceProfile action ... The ARN value must be
    arn:aws:ec2:*:CallerAccountId:instance/*."
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html"""
    create_role(h, "app")
    h.call("CreateInstanceProfile", {"InstanceProfileName": "web"})
    associated = {"ArnLike": {"iam:AssociatedResourceArn": f"arn:aws:ec2:*:{ACCOUNT}:instance/*"}}
    frank = user_with_policy(
        h,
        "frank",
        allow("iam:AddRoleToInstanceProfile", PROFILE_ARN + "web"),
        allow("iam:PassRole", ROLE_ARN + "app", associated),
    )
    h.call("AddRoleToInstanceProfile", {"InstanceProfileName": "web", "RoleName": "app"}, caller=frank)
    assert h.call("GetInstanceProfile", {"InstanceProfileName": "web"})["InstanceProfile"]["Roles"][0]["RoleName"] == "app"


def test_resource_and_request_tag_conditions(h: Harness) -> None:
    """https://docs.aws.amazon.com/IAM/latest/UserGuide/access_iam-tags.html"""
    h.call(
        "CreateInstanceProfile", {"InstanceProfileName": "prod", "Tags": [{"Key": "env", "Value": "prod"}]}
    )
    h.call("CreateInstanceProfile", {"InstanceProfileName": "dev", "Tags": [{"Key": "env", "Value": "dev"}]})
    erin = user_with_policy(
        h,
        "erin",
        allow("iam:DeleteInstanceProfile", condition={"StringEquals": {"aws:ResourceTag/env": "dev"}}),
        allow("iam:CreateInstanceProfile", condition={"StringEquals": {"aws:RequestTag/env": "dev"}}),
        # Creating with tags also needs iam:TagInstanceProfile, as in AWS's example policy:
        # https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_examples_iam-new-user-tag.html
        allow("iam:TagInstanceProfile", condition={"StringEquals": {"aws:RequestTag/env": "dev"}}),
    )
    with pytest.raises(AccessDenied):
        h.call("DeleteInstanceProfile", {"InstanceProfileName": "prod"}, caller=erin)
    h.call("DeleteInstanceProfile", {"InstanceProfileName": "dev"}, caller=erin)
    with pytest.raises(AccessDenied):
        h.call("CreateInstanceProfile", {"InstanceProfileName": "new"}, caller=erin)
    h.call(
        "CreateInstanceProfile",
        {"InstanceProfileName": "new", "Tags": [{"Key": "env", "Value": "dev"}]},
        caller=erin,
    )
