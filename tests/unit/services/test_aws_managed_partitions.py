"""AWS managed policies seen from another partition (aws-cn): one stored copy, named and shown as
`arn:aws-cn:iam::aws:policy/NAME` everywhere, and an ARN of the wrong partition refused.

https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-arns
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from urllib.parse import unquote

import pytest

from harness import Harness, make_harness
from warden.errors import AccessDenied, NoSuchEntity, ValidationError
from warden.model import PrincipalKind
from warden.services import iam
from warden.services.effective_policies import load_policy_documents
from warden.services.iam.policies_aws import install_aws_managed_policies

CN = "arn:aws-cn:iam::aws:policy/"
GLOBAL = "arn:aws:iam::aws:policy/"


@pytest.fixture
def h(tmp_path: Path) -> Harness:
    harness = make_harness(tmp_path, {"iam": iam.HANDLERS})
    with harness.store.transaction() as tx:
        install_aws_managed_policies(tx, harness.env.ids, harness.now)
    harness.env = dataclasses.replace(harness.env, partition="aws-cn")
    harness.call("CreateUser", {"UserName": "bob"})
    return harness


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for item in value.values() for s in _strings(item)]
    if isinstance(value, list | tuple):
        return [s for item in value for s in _strings(item)]
    return []


def test_get_and_list_show_the_partition(h: Harness) -> None:
    """GetPolicy and ListPolicies (Scope=AWS) name AWS managed policies in the caller's partition."""
    policy = h.call("GetPolicy", {"PolicyArn": CN + "ReadOnlyAccess"})["Policy"]
    assert policy["Arn"] == CN + "ReadOnlyAccess"
    listed = h.call("ListPolicies", {"Scope": "AWS"})["Policies"]
    assert listed and all(p["Arn"].startswith(CN) for p in listed)


def test_documents_name_the_partition(h: Harness) -> None:
    """AWS publishes each partition's managed policies with that partition's ARNs inside."""
    version = h.call("GetPolicyVersion", {"PolicyArn": CN + "IAMUserChangePassword", "VersionId": "v1"})
    document = unquote(version["PolicyVersion"]["Document"])
    assert "arn:aws-cn:iam::*:user/${aws:username}" in document and "arn:aws:" not in document


def test_attach_list_and_detach_in_the_partition(h: Harness) -> None:
    """https://docs.aws.amazon.com/IAM/latest/APIReference/API_AttachUserPolicy.html"""
    h.call("AttachUserPolicy", {"UserName": "bob", "PolicyArn": CN + "ReadOnlyAccess"})
    attached = h.call("ListAttachedUserPolicies", {"UserName": "bob"})["AttachedPolicies"]
    assert attached == [{"PolicyName": "ReadOnlyAccess", "PolicyArn": CN + "ReadOnlyAccess"}]
    assert h.call("GetPolicy", {"PolicyArn": CN + "ReadOnlyAccess"})["Policy"]["AttachmentCount"] == 1
    attached_only = h.call("ListPolicies", {"OnlyAttached": True})["Policies"]
    assert [p["Arn"] for p in attached_only] == [CN + "ReadOnlyAccess"]
    h.call("DetachUserPolicy", {"UserName": "bob", "PolicyArn": CN + "ReadOnlyAccess"})
    assert h.call("ListAttachedUserPolicies", {"UserName": "bob"})["AttachedPolicies"] == []


def test_wrong_partition_is_refused(h: Harness) -> None:
    """An ARN of another partition is refused with `ValidationError: Invalid ARN partition`, as IAM
    answers AttachRolePolicy with an `arn:aws:` policy in a China region."""
    for operation, params in (
        ("GetPolicy", {"PolicyArn": GLOBAL + "ReadOnlyAccess"}),
        ("AttachUserPolicy", {"UserName": "bob", "PolicyArn": GLOBAL + "ReadOnlyAccess"}),
        ("DetachUserPolicy", {"UserName": "bob", "PolicyArn": GLOBAL + "ReadOnlyAccess"}),
        ("PutUserPermissionsBoundary", {"UserName": "bob", "PermissionsBoundary": GLOBAL + "ReadOnlyAccess"}),
        ("CreateUser", {"UserName": "eve", "PermissionsBoundary": GLOBAL + "ReadOnlyAccess"}),
    ):
        with pytest.raises(ValidationError, match="^Invalid ARN partition$"):
            h.call(operation, params)
    with pytest.raises(NoSuchEntity):
        h.call("GetPolicy", {"PolicyArn": CN + "NoSuchManagedPolicy"})


def test_permissions_boundaries_in_the_partition(h: Harness) -> None:
    """https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html"""
    trust = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Service": "ec2.amazonaws.com.cn"},
                    "Action": "sts:AssumeRole",
                }
            ],
        }
    )
    h.call(
        "CreateRole",
        {"RoleName": "r", "AssumeRolePolicyDocument": trust, "PermissionsBoundary": CN + "PowerUserAccess"},
    )
    h.call("PutUserPermissionsBoundary", {"UserName": "bob", "PermissionsBoundary": CN + "PowerUserAccess"})
    user = h.call("GetUser", {"UserName": "bob"})["User"]
    role = h.call("GetRole", {"RoleName": "r"})["Role"]
    for entity in (user, role):
        assert entity["PermissionsBoundary"]["PermissionsBoundaryArn"] == CN + "PowerUserAccess"
    policy = h.call("GetPolicy", {"PolicyArn": CN + "PowerUserAccess"})["Policy"]
    assert policy["PermissionsBoundaryUsageCount"] == 2
    h.call("DeleteUserPermissionsBoundary", {"UserName": "bob"})
    assert "PermissionsBoundary" not in h.call("GetUser", {"UserName": "bob"})["User"]


def test_authorization_details_show_no_other_partition(h: Harness) -> None:
    """https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetAccountAuthorizationDetails.html"""
    h.call("AttachUserPolicy", {"UserName": "bob", "PolicyArn": CN + "IAMUserChangePassword"})
    h.call("PutUserPermissionsBoundary", {"UserName": "bob", "PermissionsBoundary": CN + "IAMFullAccess"})
    details = h.call("GetAccountAuthorizationDetails", {})
    texts = [unquote(s) for s in _strings(details)]
    assert not [t for t in texts if "arn:aws:" in t]
    assert any(t == CN + "IAMUserChangePassword" for t in texts)


def test_engine_grants_what_the_partition_document_says(h: Harness) -> None:
    """IAMUserChangePassword names `arn:aws-cn:iam::*:user/${aws:username}` in aws-cn, so a China
    user may change their own password, and both the simulator and the authorizer read it so.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_passwords_enable-user-change.html"""
    bob_arn = "arn:aws-cn:iam::111122223333:user/bob"
    h.call("AttachUserPolicy", {"UserName": "bob", "PolicyArn": CN + "IAMUserChangePassword"})
    result = h.call(
        "SimulatePrincipalPolicy",
        {"PolicySourceArn": bob_arn, "ActionNames": ["iam:ChangePassword"], "ResourceArns": [bob_arn]},
    )
    assert [r["EvalDecision"] for r in result["EvaluationResults"]] == ["allowed"]
    with h.store.transaction(readonly=True) as tx:
        documents = load_policy_documents(tx, h.account_id, PrincipalKind.USER, "bob", "aws-cn")
    assert documents is not None
    [(label, text)] = documents.identity
    assert label == f"managed policy {CN}IAMUserChangePassword" and "arn:aws-cn:iam::*:user/" in text


def test_policy_arn_condition_sees_the_partition(h: Harness) -> None:
    """`iam:PolicyARN` carries the ARN as the caller named it.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#ck_policyarn"""
    h.call("CreateUser", {"UserName": "delegate"})
    statement = {
        "Effect": "Allow",
        "Action": "iam:AttachUserPolicy",
        "Resource": "*",
        "Condition": {"ArnEquals": {"iam:PolicyARN": CN + "ReadOnlyAccess"}},
    }
    h.call(
        "PutUserPolicy",
        {
            "UserName": "delegate",
            "PolicyName": "p",
            "PolicyDocument": json.dumps({"Version": "2012-10-17", "Statement": [statement]}),
        },
    )
    delegate = h.user_caller("delegate")
    h.call("AttachUserPolicy", {"UserName": "bob", "PolicyArn": CN + "ReadOnlyAccess"}, caller=delegate)
    with pytest.raises(AccessDenied):
        h.call("AttachUserPolicy", {"UserName": "bob", "PolicyArn": CN + "IAMFullAccess"}, caller=delegate)
