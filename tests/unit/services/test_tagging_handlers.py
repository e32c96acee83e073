"""Tag*/Untag*/List*Tags on users, roles, managed policies and instance profiles.

https://docs.aws.amazon.com/IAM/latest/UserGuide/id_tags.html
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from identity_grants import allow, denial, grant, identity_harness

from harness import ACCOUNT_ID, Harness
from warden.errors import AccessDenied, InvalidInput, LimitExceeded, NoSuchEntity
from warden.model import InstanceProfile, ManagedPolicy, Role

ARN = f"arn:aws:iam::{ACCOUNT_ID}"
POLICY_ARN = f"{ARN}:policy/p"
AWS_POLICY_ARN = "arn:aws:iam::aws:policy/ReadOnlyAccess"
TRUST = '{"Version":"2012-10-17","Statement":[]}'

# (operation stem, request member, name in requests, resource ARN)
KINDS = [
    ("User", "UserName", "bob", f"{ARN}:user/bob"),
    ("Role", "RoleName", "app", f"{ARN}:role/app"),
    ("Policy", "PolicyArn", POLICY_ARN, POLICY_ARN),
    ("InstanceProfile", "InstanceProfileName", "web", f"{ARN}:instance-profile/web"),
]


@pytest.fixture
def h(tmp_path: Path) -> Harness:
    harness = identity_harness(tmp_path)
    harness.call("CreateUser", {"UserName": "bob"})
    harness.call("CreateUser", {"UserName": "alice"})
    with harness.store.transaction() as tx:
        tx.create_role(
            Role(
                role_id="AROAEXAMPLEEXAMPLE123",
                account_id=ACCOUNT_ID,
                name="app",
                path="/",
                arn=f"{ARN}:role/app",
                create_date=harness.now,
                assume_role_policy_document=TRUST,
            )
        )
        policies = (
            ("ANPAEXAMPLEEXAMPLE111", ACCOUNT_ID, POLICY_ARN, "p", False),
            ("ANPAEXAMPLEEXAMPLE222", "aws", AWS_POLICY_ARN, "ReadOnlyAccess", True),
        )
        for policy_id, account, arn, name, managed in policies:
            policy = ManagedPolicy(
                policy_id=policy_id,
                account_id=account,
                name=name,
                path="/",
                arn=arn,
                create_date=harness.now,
                update_date=harness.now,
                aws_managed=managed,
            )
            tx.create_policy(policy, TRUST)
        tx.create_instance_profile(
            InstanceProfile(
                instance_profile_id="AIPAEXAMPLEEXAMPLE123",
                account_id=ACCOUNT_ID,
                name="web",
                path="/",
                arn=f"{ARN}:instance-profile/web",
                create_date=harness.now,
            )
        )
    return harness


def _tags(pairs: Mapping[str, str]) -> list[dict[str, str]]:
    return [{"Key": k, "Value": v} for k, v in pairs.items()]


def _listed(h: Harness, noun: str, member: str, name: str, **extra: Any) -> Mapping[str, Any]:
    return h.call(f"List{noun}Tags", {member: name, **extra})


@pytest.mark.parametrize(("noun", "member", "name", "arn"), KINDS)
def test_tag_list_untag(h: Harness, noun: str, member: str, name: str, arn: str) -> None:
    """https://docs.aws.amazon.com/IAM/latest/APIReference/API_TagUser.html and siblings"""
    h.call(f"Tag{noun}", {member: name, "Tags": _tags({"Team": "eng", "cost": "1"})})
    # A key given again in another case replaces the value and keeps the first spelling.
    h.call(f"Tag{noun}", {member: name, "Tags": _tags({"team": "ops", "zone": ""})})
    listed = _listed(h, noun, member, name)
    assert listed == {"Tags": _tags({"cost": "1", "Team": "ops", "zone": ""}), "IsTruncated": False}
    h.call(f"Untag{noun}", {member: name, "TagKeys": ["TEAM", "absent"]})
    assert _listed(h, noun, member, name)["Tags"] == _tags({"cost": "1", "zone": ""})


@pytest.mark.parametrize(("noun", "member", "name", "arn"), KINDS)
def test_missing_resources(h: Harness, noun: str, member: str, name: str, arn: str) -> None:
    ghost = f"{ARN}:policy/ghost" if noun == "Policy" else "ghost"
    messages = {
        "User": "The user with name ghost cannot be found.",
        "Role": "The role with name ghost cannot be found.",
        "Policy": f"Policy {ghost} was not found.",
        "InstanceProfile": "Instance Profile ghost cannot be found.",
    }
    for operation, params in (
        (f"Tag{noun}", {member: ghost, "Tags": _tags({"a": "b"})}),
        (f"Untag{noun}", {member: ghost, "TagKeys": ["a"]}),
        (f"List{noun}Tags", {member: ghost}),
    ):
        with pytest.raises(NoSuchEntity) as missing:
            h.call(operation, params)
        assert missing.value.message == messages[noun]


def test_the_fifty_tag_quota_counts_existing_tags(h: Harness) -> None:
    """https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html"""
    h.call("TagUser", {"UserName": "bob", "Tags": _tags({f"k{i:02}": "v" for i in range(45)})})
    h.call(
        "TagUser", {"UserName": "bob", "Tags": _tags({"K00": "replaced", **{f"n{i}": "v" for i in range(5)}})}
    )
    with pytest.raises(LimitExceeded, match="^The number of tags has reached the maximum limit of 50.$"):
        h.call("TagUser", {"UserName": "bob", "Tags": _tags({"one-more": "v"})})
    assert len(_listed(h, "User", "UserName", "bob", MaxItems=1000)["Tags"]) == 50


def test_list_tags_pages(h: Harness) -> None:
    """https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListRoleTags.html"""
    h.call("TagRole", {"RoleName": "app", "Tags": _tags({"c": "3", "A": "1", "b": "2"})})
    first = _listed(h, "Role", "RoleName", "app", MaxItems=2)
    assert first["Tags"] == _tags({"A": "1", "b": "2"}) and first["IsTruncated"] is True
    rest = _listed(h, "Role", "RoleName", "app", MaxItems=2, Marker=first["Marker"])
    assert rest == {"Tags": _tags({"c": "3"}), "IsTruncated": False}
    with pytest.raises(InvalidInput, match="^Invalid Marker.$"):
        _listed(h, "Role", "RoleName", "app", Marker="nonsense")


def test_reserved_prefix_and_duplicates(h: Harness) -> None:
    """https://docs.aws.amazon.com/IAM/latest/UserGuide/id_tags.html#id_tags_rules_creating"""
    with pytest.raises(InvalidInput, match="aws:"):
        h.call("TagUser", {"UserName": "bob", "Tags": _tags({"AWS:cost": "x"})})
    with pytest.raises(InvalidInput, match="^Duplicate tag keys found"):
        h.call(
            "TagUser", {"UserName": "bob", "Tags": [{"Key": "a", "Value": "1"}, {"Key": "A", "Value": "2"}]}
        )
    assert _listed(h, "User", "UserName", "bob")["Tags"] == []


def test_aws_managed_policies_cannot_be_tagged(h: Harness) -> None:
    with pytest.raises(InvalidInput, match="AWS managed policy"):
        h.call("TagPolicy", {"PolicyArn": AWS_POLICY_ARN, "Tags": _tags({"a": "b"})})
    assert h.call("ListPolicyTags", {"PolicyArn": AWS_POLICY_ARN})["Tags"] == []


@pytest.mark.parametrize(("noun", "member", "name", "arn"), KINDS)
def test_a_user_without_policies_is_denied(h: Harness, noun: str, member: str, name: str, arn: str) -> None:
    """https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html"""
    alice = h.user_caller("alice")
    for action, params in (
        (f"Tag{noun}", {member: name, "Tags": _tags({"a": "b"})}),
        (f"Untag{noun}", {member: name, "TagKeys": ["a"]}),
        (f"List{noun}Tags", {member: name}),
    ):
        with pytest.raises(AccessDenied) as denied:
            h.call(action, params, caller=alice)
        assert denied.value.message == denial(f"{ARN}:user/alice", f"iam:{action}", arn)


def test_request_tag_and_tag_keys_conditions(h: Harness) -> None:
    """https://docs.aws.amazon.com/IAM/latest/UserGuide/access_iam-tags.html#access_iam-tags_control-tag-keys"""
    grant(
        h,
        "alice",
        allow(
            "iam:TagRole",
            f"{ARN}:role/*",
            {
                "StringEquals": {"aws:RequestTag/env": ["dev", "test"]},
                "ForAllValues:StringEquals": {"aws:TagKeys": ["env", "owner"]},
            },
        ),
        allow("iam:UntagRole", "*", {"ForAllValues:StringEquals": {"aws:TagKeys": ["owner"]}}),
    )
    alice = h.user_caller("alice")
    h.call("TagRole", {"RoleName": "app", "Tags": _tags({"env": "dev", "owner": "alice"})}, caller=alice)
    with pytest.raises(AccessDenied):
        h.call("TagRole", {"RoleName": "app", "Tags": _tags({"env": "prod"})}, caller=alice)
    with pytest.raises(AccessDenied):
        h.call("TagRole", {"RoleName": "app", "Tags": _tags({"env": "dev", "cost": "1"})}, caller=alice)
    h.call("UntagRole", {"RoleName": "app", "TagKeys": ["owner"]}, caller=alice)
    with pytest.raises(AccessDenied):
        h.call("UntagRole", {"RoleName": "app", "TagKeys": ["env"]}, caller=alice)
    assert _listed(h, "Role", "RoleName", "app")["Tags"] == _tags({"env": "dev"})


def test_resource_tag_condition(h: Harness) -> None:
    """https://docs.aws.amazon.com/IAM/latest/UserGuide/access_iam-tags.html#access_iam-tags_control-resources"""
    h.call("TagInstanceProfile", {"InstanceProfileName": "web", "Tags": _tags({"owner": "alice"})})
    h.call("TagUser", {"UserName": "bob", "Tags": _tags({"owner": "bob"})})
    grant(
        h,
        "alice",
        allow("iam:List*Tags", "*", {"StringEquals": {"aws:ResourceTag/owner": "${aws:username}"}}),
    )
    alice = h.user_caller("alice")
    tags = h.call("ListInstanceProfileTags", {"InstanceProfileName": "web"}, caller=alice)["Tags"]
    assert tags == _tags({"owner": "alice"})
    with pytest.raises(AccessDenied):
        h.call("ListUserTags", {"UserName": "bob"}, caller=alice)


def test_iam_resource_tag_condition_on_users_and_roles_only(h: Harness) -> None:
    """IAM's resource types table gives the user and role types both `aws:ResourceTag/${TagKey}`
    and `iam:ResourceTag/${TagKey}`; instance profiles and policies carry only the former.
    https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsidentityandaccessmanagementiam.html#awsidentityandaccessmanagementiam-resources-for-iam-policies
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html"""
    for noun, member, name, _ in KINDS:
        h.call(f"Tag{noun}", {member: name, "Tags": _tags({"owner": "alice"})})
    grant(h, "alice", allow("iam:List*Tags", "*", {"StringEquals": {"iam:ResourceTag/owner": "alice"}}))
    alice = h.user_caller("alice")
    for noun, member, name, _ in KINDS[:2]:
        assert h.call(f"List{noun}Tags", {member: name}, caller=alice)["Tags"] == _tags({"owner": "alice"})
    for noun, member, name, arn in KINDS[2:]:
        with pytest.raises(AccessDenied) as denied:
            h.call(f"List{noun}Tags", {member: name}, caller=alice)
        assert denied.value.message == denial(f"{ARN}:user/alice", f"iam:List{noun}Tags", arn)
