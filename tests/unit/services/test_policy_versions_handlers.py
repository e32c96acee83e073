"""Managed policy versions: Create/Get/List/DeletePolicyVersion and SetDefaultPolicyVersion.

https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_managed-versioning.html
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest

from harness import Harness, make_harness
from warden.errors import AccessDenied, DeleteConflict, LimitExceeded, MalformedPolicyDocument, NoSuchEntity
from warden.services import iam
from warden.services.iam.policies_aws import install_aws_managed_policies

ACCOUNT = "111122223333"


def _doc(action: str, resource: str = "*") -> str:
    return json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": action, "Resource": resource}]}
    )


@pytest.fixture
def h(tmp_path: Path) -> Harness:
    harness = make_harness(tmp_path, {"iam": iam.HANDLERS})
    with harness.store.transaction() as tx:
        install_aws_managed_policies(tx, harness.env.ids, harness.now)
    harness.call("CreateUser", {"UserName": "bob"})
    return harness


@pytest.fixture
def arn(h: Harness) -> str:
    return str(
        h.call("CreatePolicy", {"PolicyName": "ops", "PolicyDocument": _doc("iam:ListRoles")})["Policy"][
            "Arn"
        ]
    )


def _version(h: Harness, arn: str, action: str, **extra: Any) -> str:
    params = {"PolicyArn": arn, "PolicyDocument": _doc(action), **extra}
    return str(h.call("CreatePolicyVersion", params)["PolicyVersion"]["VersionId"])


def test_version_ids_keep_counting_after_a_delete(h: Harness, arn: str) -> None:
    """Version identifiers are never reused.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_managed-versioning.html"""
    assert _version(h, arn, "iam:ListUsers") == "v2"
    h.call("DeletePolicyVersion", {"PolicyArn": arn, "VersionId": "v2"})
    assert _version(h, arn, "iam:ListUsers") == "v3"
    listed = h.call("ListPolicyVersions", {"PolicyArn": arn})["Versions"]
    assert [(v["VersionId"], v["IsDefaultVersion"]) for v in listed] == [("v3", False), ("v1", True)]
    assert all("Document" not in v for v in listed)


def test_list_policy_versions_pages_by_max_items(h: Harness, arn: str) -> None:
    """"If additional items exist beyond the maximum you specify, the IsTruncated response
    element is true", and Marker says where the next call starts.
    https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListPolicyVersions.html"""
    for _ in range(2):
        _version(h, arn, "iam:ListUsers")
    first = h.call("ListPolicyVersions", {"PolicyArn": arn, "MaxItems": 2})
    assert [v["VersionId"] for v in first["Versions"]] == ["v3", "v2"] and first["IsTruncated"] is True
    rest = h.call("ListPolicyVersions", {"PolicyArn": arn, "MaxItems": 2, "Marker": first["Marker"]})
    assert [v["VersionId"] for v in rest["Versions"]] == ["v1"] and rest["IsTruncated"] is False
    assert "Marker" not in rest


def test_at_most_five_versions(h: Harness, arn: str) -> None:
    """https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html"""
    for _ in range(4):
        _version(h, arn, "iam:ListUsers")
    with pytest.raises(LimitExceeded) as raised:
        _version(h, arn, "iam:ListUsers")
    assert raised.value.message == (
        "A managed policy can have up to 5 versions. Before you create a new version, you must "
        "delete an existing version."
    )
    h.call("DeletePolicyVersion", {"PolicyArn": arn, "VersionId": "v3"})
    assert _version(h, arn, "iam:ListUsers") == "v6"


def test_get_policy_version_returns_the_url_encoded_document(h: Harness, arn: str) -> None:
    """IAM returns policy documents URL-encoded (RFC 3986); botocore decodes them.
    https://docs.aws.amazon.com/IAM/latest/APIReference/API_PolicyVersion.html"""
    document = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/a b&c=d?"}
            ],
        },
        indent=2,
    )
    h.call("CreatePolicyVersion", {"PolicyArn": arn, "PolicyDocument": document})
    got = h.call("GetPolicyVersion", {"PolicyArn": arn, "VersionId": "v2"})["PolicyVersion"]
    assert got["VersionId"] == "v2" and got["IsDefaultVersion"] is False
    assert " " not in got["Document"] and "&" not in got["Document"] and "\n" not in got["Document"]
    assert unquote(got["Document"]) == document


def test_a_new_default_version_decides_the_next_call(h: Harness, arn: str) -> None:
    """Only the default version is in effect; switching it changes the next decision.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_managed-versioning.html"""
    h.call("AttachUserPolicy", {"UserName": "bob", "PolicyArn": arn})
    bob = h.user_caller("bob")
    h.call("ListRoles", caller=bob)
    _version(h, arn, "iam:ListUsers")
    h.call("ListRoles", caller=bob)
    with pytest.raises(AccessDenied):
        h.call("ListUsers", caller=bob)
    h.call("SetDefaultPolicyVersion", {"PolicyArn": arn, "VersionId": "v2"})
    assert h.call("GetPolicy", {"PolicyArn": arn})["Policy"]["DefaultVersionId"] == "v2"
    h.call("ListUsers", caller=bob)
    with pytest.raises(AccessDenied):
        h.call("ListRoles", caller=bob)
    _version(h, arn, "iam:ListGroups", SetAsDefault=True)
    h.call("ListGroups", caller=bob)
    with pytest.raises(AccessDenied):
        h.call("ListUsers", caller=bob)
    h.call("SetDefaultPolicyVersion", {"PolicyArn": arn, "VersionId": "v1"})
    h.call("ListRoles", caller=bob)


def test_version_errors(h: Harness, arn: str) -> None:
    """https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeletePolicyVersion.html"""
    with pytest.raises(DeleteConflict, match="^Cannot delete the default version of a policy.$"):
        h.call("DeletePolicyVersion", {"PolicyArn": arn, "VersionId": "v1"})
    missing = f"Policy {arn} version v9 does not exist or is not attachable."
    for operation in ("GetPolicyVersion", "DeletePolicyVersion", "SetDefaultPolicyVersion"):
        with pytest.raises(NoSuchEntity) as raised:
            h.call(operation, {"PolicyArn": arn, "VersionId": "v9"})
        assert raised.value.message == missing
    with pytest.raises(MalformedPolicyDocument, match="^Syntax errors in policy.$"):
        h.call("CreatePolicyVersion", {"PolicyArn": arn, "PolicyDocument": "[]]"})
    assert len(h.call("ListPolicyVersions", {"PolicyArn": arn})["Versions"]) == 1
    with pytest.raises(NoSuchEntity):
        h.call(
            "CreatePolicyVersion",
            {"PolicyArn": f"arn:aws:iam::{ACCOUNT}:policy/none", "PolicyDocument": _doc("s3:*")},
        )


def test_aws_managed_policies_have_readable_but_fixed_versions(h: Harness) -> None:
    """Customers cannot change AWS managed policies.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_managed-vs-inline.html#aws-managed-policies"""
    admin = "arn:aws:iam::aws:policy/AdministratorAccess"
    document = json.loads(
        unquote(
            h.call("GetPolicyVersion", {"PolicyArn": admin, "VersionId": "v1"})["PolicyVersion"]["Document"]
        )
    )
    assert document["Statement"][0]["Action"] == "*"
    with pytest.raises(AccessDenied):
        h.call("CreatePolicyVersion", {"PolicyArn": admin, "PolicyDocument": _doc("s3:*")})
    with pytest.raises(AccessDenied):
        h.call("SetDefaultPolicyVersion", {"PolicyArn": admin, "VersionId": "v1"})
    with pytest.raises(AccessDenied):
        h.call("DeletePolicyVersion", {"PolicyArn": admin, "VersionId": "v1"})


def test_version_operations_authorize_on_the_policy_arn(h: Harness, arn: str) -> None:
    """https://docs.aws.amazon.com/service-authorization/latest/reference/list_identityandaccessmanagementiam.html"""
    bob = h.user_caller("bob")
    with pytest.raises(AccessDenied) as raised:
        h.call("CreatePolicyVersion", {"PolicyArn": arn, "PolicyDocument": _doc("s3:*")}, caller=bob)
    assert raised.value.message == (
        f"User: arn:aws:iam::{ACCOUNT}:user/bob is not authorized to perform: iam:CreatePolicyVersion "
        f"on resource: {arn} because no identity-based policy allows the iam:CreatePolicyVersion action"
    )
    grant = _doc("iam:*PolicyVersion*", arn)
    h.call("PutUserPolicy", {"UserName": "bob", "PolicyName": "versions", "PolicyDocument": grant})
    _version(h, arn, "s3:*")
    assert (
        h.call("CreatePolicyVersion", {"PolicyArn": arn, "PolicyDocument": _doc("s3:*")}, caller=bob)[
            "PolicyVersion"
        ]["VersionId"]
        == "v3"
    )
    h.call("SetDefaultPolicyVersion", {"PolicyArn": arn, "VersionId": "v3"}, caller=bob)
    h.call("DeletePolicyVersion", {"PolicyArn": arn, "VersionId": "v2"}, caller=bob)
    assert len(h.call("ListPolicyVersions", {"PolicyArn": arn}, caller=bob)["Versions"]) == 2
    other = h.call("CreatePolicy", {"PolicyName": "other", "PolicyDocument": _doc("s3:*")})["Policy"]["Arn"]
    with pytest.raises(AccessDenied):
        h.call("ListPolicyVersions", {"PolicyArn": other}, caller=bob)
