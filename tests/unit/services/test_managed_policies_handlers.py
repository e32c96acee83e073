"""Customer managed policies: CreatePolicy, GetPolicy, ListPolicies and DeletePolicy.

https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreatePolicy.html
https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListPolicies.html
https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeletePolicy.html
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from harness import Harness, make_harness, root_caller
from warden.errors import (
    AccessDenied,
    DeleteConflict,
    EntityAlreadyExists,
    InvalidInput,
    LimitExceeded,
    MalformedPolicyDocument,
    NoSuchEntity,
)
from warden.model import Account
from warden.services import iam
from warden.services.iam.policies_aws import install_aws_managed_policies

ACCOUNT = "111122223333"
POLICY_PREFIX = f"arn:aws:iam::{ACCOUNT}:policy"


def _doc(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def _allow(
    action: str | list[str], resource: str = "*", condition: dict[str, Any] | None = None
) -> dict[str, Any]:
    statement: dict[str, Any] = {"Effect": "Allow", "Action": action, "Resource": resource}
    if condition:
        statement["Condition"] = condition
    return statement


@pytest.fixture
def h(tmp_path: Path) -> Harness:
    harness = make_harness(tmp_path, {"iam": iam.HANDLERS})
    with harness.store.transaction() as tx:
        install_aws_managed_policies(tx, harness.env.ids, harness.now)
    harness.call("CreateUser", {"UserName": "bob"})
    return harness


def _create(h: Harness, name: str, **extra: Any) -> dict[str, Any]:
    params = {"PolicyName": name, "PolicyDocument": _doc(_allow("s3:GetObject")), **extra}
    return dict(h.call("CreatePolicy", params)["Policy"])


def test_create_policy_returns_aws_shape(h: Harness) -> None:
    """https://docs.aws.amazon.com/IAM/latest/APIReference/API_Policy.html"""
    policy = _create(h, "reader", Path="/team/", Description="read", Tags=[{"Key": "env", "Value": "prod"}])
    assert policy["Arn"] == f"{POLICY_PREFIX}/team/reader"
    assert policy["PolicyId"].startswith("ANPA") and len(policy["PolicyId"]) == 21
    assert policy["DefaultVersionId"] == "v1" and policy["IsAttachable"] is True
    assert policy["AttachmentCount"] == 0 and policy["PermissionsBoundaryUsageCount"] == 0
    assert policy["Tags"] == [{"Key": "env", "Value": "prod"}]
    got = h.call("GetPolicy", {"PolicyArn": policy["Arn"]})["Policy"]
    assert got["PolicyId"] == policy["PolicyId"] and got["Description"] == "read"
    # Description: "It is not included in the response to the ListPolicies operation."
    (listed,) = h.call("ListPolicies", {"Scope": "Local"})["Policies"]
    assert listed["PolicyId"] == policy["PolicyId"] and "Description" not in listed and "Tags" not in listed


def test_policy_names_are_unique_case_insensitively(h: Harness) -> None:
    """https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html#reference_iam-quotas-names"""
    _create(h, "Reader")
    with pytest.raises(EntityAlreadyExists) as raised:
        _create(h, "reader", Path="/other/")
    assert raised.value.message == "A policy called reader already exists. Duplicate names are not allowed."


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ("{not json", "Syntax errors in policy."),
        (
            _doc({"Effect": "Allow", "Principal": "*", "Action": "s3:*", "Resource": "*"}),
            "Policy document should not specify a principal.",
        ),
        (  # stored, it would have failed every request of every principal it is attached to
            _doc({"Effect": "Allow", "Action": "s3:*", "Resource": "*",
                  "Condition": {"DateLessThan": {"aws:CurrentTime": "99999-99-99"}}}),
            (
                "Invalid Condition value '99999-99-99' for DateLessThan on key aws:CurrentTime: "
                "expected an ISO 8601 date or epoch seconds."
            ),
        ),
    ],
)
def test_malformed_documents_are_refused(h: Harness, document: str, message: str) -> None:
    """https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_policies.html"""
    with pytest.raises(MalformedPolicyDocument) as raised:
        h.call("CreatePolicy", {"PolicyName": "bad", "PolicyDocument": document})
    assert raised.value.message == message
    with pytest.raises(NoSuchEntity):
        h.call("GetPolicy", {"PolicyArn": f"{POLICY_PREFIX}/bad"})


def test_managed_policy_size_quota_ignores_whitespace(h: Harness) -> None:
    """Managed policy documents may hold 6,144 characters, white space not counted.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html"""
    actions = [f"s3:GetObject{i:04d}" for i in range(400)]
    with pytest.raises(LimitExceeded, match="^Cannot exceed quota for PolicySize: 6144$"):
        h.call("CreatePolicy", {"PolicyName": "big", "PolicyDocument": _doc(_allow(actions))})
    padded = json.dumps(json.loads(_doc(_allow("s3:GetObject"))), indent=4) + " " * 7000
    h.call("CreatePolicy", {"PolicyName": "padded", "PolicyDocument": padded})


def test_list_policies_filters(h: Harness) -> None:
    """Scope, OnlyAttached, PathPrefix and PolicyUsageFilter.
    https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListPolicies.html"""
    attached = _create(h, "attached", Path="/team/")["Arn"]
    boundary = _create(h, "boundary")["Arn"]
    _create(h, "idle")
    h.call("AttachUserPolicy", {"UserName": "bob", "PolicyArn": attached})
    h.call("AttachUserPolicy", {"UserName": "bob", "PolicyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess"})
    h.call("PutUserPermissionsBoundary", {"UserName": "bob", "PermissionsBoundary": boundary})

    def names(**params: Any) -> list[str]:
        return [p["PolicyName"] for p in h.call("ListPolicies", params)["Policies"]]

    assert names(Scope="Local") == ["attached", "boundary", "idle"]
    assert "AdministratorAccess" in names(Scope="AWS") and "idle" not in names(Scope="AWS")
    assert {"attached", "AdministratorAccess"} <= set(names())
    assert names(OnlyAttached=True) == ["attached", "ReadOnlyAccess"]
    assert names(OnlyAttached=True, Scope="Local") == ["attached"]
    assert names(PathPrefix="/team/") == ["attached"]
    assert names(Scope="Local", PolicyUsageFilter="PermissionsBoundary") == ["boundary"]
    assert names(Scope="Local", PolicyUsageFilter="PermissionsPolicy") == ["attached"]


def test_list_policies_pages_and_refuses_foreign_markers(h: Harness) -> None:
    """https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListPolicies.html"""
    for name in ("a", "b", "c"):
        _create(h, name)
    first = h.call("ListPolicies", {"Scope": "Local", "MaxItems": 2})
    assert [p["PolicyName"] for p in first["Policies"]] == ["a", "b"] and first["IsTruncated"]
    rest = h.call("ListPolicies", {"Scope": "Local", "MaxItems": 2, "Marker": first["Marker"]})
    assert [p["PolicyName"] for p in rest["Policies"]] == ["c"] and not rest["IsTruncated"]
    with pytest.raises(InvalidInput):
        h.call("ListPolicies", {"Marker": "not-a-marker"})


def test_delete_policy_conflicts_then_succeeds(h: Harness) -> None:
    """A policy cannot be deleted while attached, used as a boundary, or with extra versions.
    https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeletePolicy.html"""
    arn = _create(h, "ops")["Arn"]
    h.call("AttachUserPolicy", {"UserName": "bob", "PolicyArn": arn})
    with pytest.raises(DeleteConflict, match="^Cannot delete a policy attached to entities.$"):
        h.call("DeletePolicy", {"PolicyArn": arn})
    h.call("DetachUserPolicy", {"UserName": "bob", "PolicyArn": arn})
    h.call("PutUserPermissionsBoundary", {"UserName": "bob", "PermissionsBoundary": arn})
    with pytest.raises(DeleteConflict, match="^Cannot delete a policy attached to entities.$"):
        h.call("DeletePolicy", {"PolicyArn": arn})
    h.call("DeleteUserPermissionsBoundary", {"UserName": "bob"})
    h.call("CreatePolicyVersion", {"PolicyArn": arn, "PolicyDocument": _doc(_allow("s3:PutObject"))})
    with pytest.raises(DeleteConflict) as raised:
        h.call("DeletePolicy", {"PolicyArn": arn})
    assert raised.value.message == (
        "This policy has more than one version. Before you delete a policy, you must delete the "
        "policy's versions. The default version is deleted with the policy."
    )  # IAM's text as the AWS CLI prints it
    h.call("DeletePolicyVersion", {"PolicyArn": arn, "VersionId": "v2"})
    h.call("DeletePolicy", {"PolicyArn": arn})
    with pytest.raises(NoSuchEntity):
        h.call("GetPolicy", {"PolicyArn": arn})
    _create(h, "ops")


def test_a_user_without_policies_cannot_manage_policies(h: Harness) -> None:
    """https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html"""
    arn = _create(h, "ops")["Arn"]
    bob = h.user_caller("bob")
    with pytest.raises(AccessDenied) as raised:
        h.call("CreatePolicy", {"PolicyName": "mine", "PolicyDocument": _doc(_allow("s3:*"))}, caller=bob)
    assert raised.value.message == (
        f"User: arn:aws:iam::{ACCOUNT}:user/bob is not authorized to perform: iam:CreatePolicy on "
        f"resource: {POLICY_PREFIX}/mine because no identity-based policy allows the iam:CreatePolicy action"
    )
    with pytest.raises(AccessDenied, match=f"iam:ListPolicies on resource: {POLICY_PREFIX}/ because"):
        h.call("ListPolicies", caller=bob)
    with pytest.raises(AccessDenied, match=f"iam:DeletePolicy on resource: {arn} because"):
        h.call("DeletePolicy", {"PolicyArn": arn}, caller=bob)
    h.call("GetPolicy", {"PolicyArn": arn})


def test_policy_arn_grants_and_missing_policies_are_authorized_first(h: Harness) -> None:
    """Authorization comes before the existence check, on the ARN the policy would have.
    https://docs.aws.amazon.com/service-authorization/latest/reference/list_identityandaccessmanagementiam.html"""
    h.call(
        "PutUserPolicy",
        {
            "UserName": "bob",
            "PolicyName": "p",
            "PolicyDocument": _doc(_allow("iam:GetPolicy", f"{POLICY_PREFIX}/team/*")),
        },
    )
    bob = h.user_caller("bob")
    team = _create(h, "shared", Path="/team/")["Arn"]
    other = _create(h, "private")["Arn"]
    assert h.call("GetPolicy", {"PolicyArn": team}, caller=bob)["Policy"]["PolicyName"] == "shared"
    with pytest.raises(AccessDenied):
        h.call("GetPolicy", {"PolicyArn": other}, caller=bob)
    with pytest.raises(NoSuchEntity):
        h.call("GetPolicy", {"PolicyArn": f"{POLICY_PREFIX}/team/missing"}, caller=bob)
    with pytest.raises(AccessDenied):
        h.call("GetPolicy", {"PolicyArn": f"{POLICY_PREFIX}/missing"}, caller=bob)


def test_request_tags_and_resource_tags_are_condition_keys(h: Harness) -> None:
    """CreatePolicy supports aws:RequestTag and aws:TagKeys; policies support aws:ResourceTag.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/access_iam-tags.html"""
    h.call(
        "PutUserPolicy",
        {
            "UserName": "bob",
            "PolicyName": "p",
            "PolicyDocument": _doc(
                # Creating with tags also needs iam:TagPolicy, as in AWS's example policy:
                # https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_examples_iam-new-user-tag.html
                _allow(
                    ["iam:CreatePolicy", "iam:TagPolicy"],
                    condition={
                        "StringEquals": {"aws:RequestTag/team": "blue"},
                        "ForAllValues:StringEquals": {"aws:TagKeys": ["team"]},
                    },
                ),
                _allow("iam:GetPolicy", condition={"StringEquals": {"aws:ResourceTag/team": "blue"}}),
            ),
        },
    )
    bob = h.user_caller("bob")
    document = _doc(_allow("s3:GetObject"))
    with pytest.raises(AccessDenied):
        h.call("CreatePolicy", {"PolicyName": "untagged", "PolicyDocument": document}, caller=bob)
    with pytest.raises(AccessDenied):
        h.call(
            "CreatePolicy",
            {
                "PolicyName": "extra",
                "PolicyDocument": document,
                "Tags": [{"Key": "team", "Value": "blue"}, {"Key": "x", "Value": "y"}],
            },
            caller=bob,
        )
    blue = h.call(
        "CreatePolicy",
        {"PolicyName": "blue", "PolicyDocument": document, "Tags": [{"Key": "team", "Value": "blue"}]},
        caller=bob,
    )["Policy"]["Arn"]
    red = _create(h, "red", Tags=[{"Key": "team", "Value": "red"}])["Arn"]
    assert h.call("GetPolicy", {"PolicyArn": blue}, caller=bob)["Policy"]["PolicyName"] == "blue"
    with pytest.raises(AccessDenied):
        h.call("GetPolicy", {"PolicyArn": red}, caller=bob)


def test_customer_policies_are_invisible_to_other_accounts(h: Harness) -> None:
    """Each account's customer managed policies are its own.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_managed-vs-inline.html"""
    arn = _create(h, "mine")["Arn"]
    with h.store.transaction() as tx:
        tx.create_account(Account(account_id="444455556666", create_date=h.now))
    other_root = root_caller("444455556666")
    assert [
        p["PolicyName"] for p in h.call("ListPolicies", {"Scope": "Local"}, caller=other_root)["Policies"]
    ] == []
    h.call("CreateUser", {"UserName": "carol"}, caller=other_root)
    with pytest.raises(NoSuchEntity):
        h.call("AttachUserPolicy", {"UserName": "carol", "PolicyArn": arn}, caller=other_root)
    h.call("CreatePolicy", {"PolicyName": "mine", "PolicyDocument": _doc(_allow("s3:*"))}, caller=other_root)


def test_missing_policy_wording_of_get_and_delete_policy(h: Harness) -> None:
    """IAM answers GetPolicy and DeletePolicy for a missing policy with 'Policy ARN was not found.'
    (seen from the real service); 'does not exist or is not attachable' is Attach*'s wording.
    https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetPolicy.html"""
    arn = f"{POLICY_PREFIX}/nope"
    for operation in ("GetPolicy", "DeletePolicy"):
        with pytest.raises(NoSuchEntity) as raised:
            h.call(operation, {"PolicyArn": arn})
        assert raised.value.message == f"Policy {arn} was not found."
