"""Role handlers: CreateRole, GetRole, ListRoles, UpdateRole, UpdateRoleDescription,
UpdateAssumeRolePolicy, DeleteRole.

https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html and siblings.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import botocore.session
import pytest
from botocore.handlers import json_decode_policies
from botocore.parsers import QueryParser
from roles_support import EC2_TRUST, allow, create_role, role_harness

from harness import Harness
from warden.errors import (
    DeleteConflict,
    EntityAlreadyExists,
    InvalidInput,
    LimitExceeded,
    MalformedPolicyDocument,
    NoSuchEntity,
    ValidationError,
)
from warden.model import ManagedPolicy, PrincipalKind
from warden.protocol import encode_query_response, load_service
from warden.services.iam import roles

ROLE_ARN = "arn:aws:iam::111122223333:role/"


@pytest.fixture
def h(tmp_path: Path) -> Harness:
    return role_harness(tmp_path)


def _trust(**statement: object) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", **statement}]})


def test_create_get_list_delete(h: Harness) -> None:
    """https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html"""
    created = create_role(
        h, "app", Path="/svc/", Description="runs the app", Tags=[{"Key": "team", "Value": "eng"}]
    )
    assert created["Arn"] == ROLE_ARN + "svc/app"
    assert created["RoleId"].startswith("AROA") and len(created["RoleId"]) == 21
    assert created["MaxSessionDuration"] == 3600
    assert created["Tags"] == [{"Key": "team", "Value": "eng"}]
    got = h.call("GetRole", {"RoleName": "APP"})["Role"]
    assert got["RoleName"] == "app" and got["Description"] == "runs the app"
    assert got["RoleLastUsed"] == {} and got["Tags"] == [{"Key": "team", "Value": "eng"}]
    listed = h.call("ListRoles")["Roles"]
    assert [r["RoleName"] for r in listed] == ["app"]
    assert "Tags" not in listed[0] and "RoleLastUsed" not in listed[0]
    assert h.call("ListRoles", {"PathPrefix": "/other/"})["Roles"] == []
    h.call("DeleteRole", {"RoleName": "app"})
    with pytest.raises(NoSuchEntity, match="^The role with name app cannot be found.$"):
        h.call("GetRole", {"RoleName": "app"})


def test_trust_policy_round_trips_through_the_wire_as_botocore_reads_it(h: Harness) -> None:
    """IAM URL-encodes policy documents in responses; botocore un-quotes and loads them.
    https://docs.aws.amazon.com/IAM/latest/APIReference/API_Role.html"""
    document = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "ec2.amazonaws.com"},
                "Action": "sts:AssumeRole",
                "Condition": {"StringLike": {"aws:SourceArn": "arn:aws:s3:::a%2Fb&<c>+ é"}},
            }
        ],
    }
    text = json.dumps(document, indent=2)
    h.call("CreateRole", {"RoleName": "wire", "AssumeRolePolicyDocument": text})
    result = h.call("GetRole", {"RoleName": "wire"})
    assert result["Role"]["AssumeRolePolicyDocument"].startswith("%7B%0A")
    operation = load_service("iam").find_operation("GetRole")
    assert operation is not None
    body = encode_query_response(operation, result, "req-1")
    op_model = botocore.session.get_session().get_service_model("iam").operation_model("GetRole")
    parsed = QueryParser().parse({"body": body, "headers": {}, "status_code": 200}, op_model.output_shape)
    json_decode_policies(parsed, op_model)
    assert parsed["Role"]["AssumeRolePolicyDocument"] == document
    assert parsed["Role"]["RoleName"] == "wire"


def test_role_last_used_is_reported_by_get_role(h: Harness) -> None:
    """https://docs.aws.amazon.com/IAM/latest/APIReference/API_RoleLastUsed.html"""
    role_id = create_role(h, "used")["RoleId"]
    when = datetime(2026, 11, 1, 8, 30, tzinfo=UTC)
    with h.store.transaction() as tx:
        tx.record_role_use(role_id, when, "eu-west-1")
    last = h.call("GetRole", {"RoleName": "used"})["Role"]["RoleLastUsed"]
    assert last["Region"] == "eu-west-1"
    assert last["LastUsedDate"].replace(tzinfo=UTC) == when


def test_names_are_unique_case_insensitively(h: Harness) -> None:
    create_role(h, "dup")
    with pytest.raises(EntityAlreadyExists, match="^Role with name DUP already exists.$"):
        create_role(h, "DUP")


@pytest.mark.parametrize(
    ("document", "message"),
    [
        (_trust(Action="sts:AssumeRole"), "Missing required field Principal"),
        (
            _trust(Principal={"Service": "ec2.amazonaws.com"}, Action="sts:AssumeRole", Resource="*"),
            "Has prohibited field Resource",
        ),
        ("{not json", "Syntax errors in policy."),
    ],
)
def test_malformed_trust_policies_are_refused_with_aws_messages(
    h: Harness, document: str, message: str
) -> None:
    """https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html"""
    with pytest.raises(MalformedPolicyDocument) as refused:
        h.call("CreateRole", {"RoleName": "bad", "AssumeRolePolicyDocument": document})
    assert refused.value.message == message
    with pytest.raises(NoSuchEntity):
        h.call("GetRole", {"RoleName": "bad"})


def test_trust_policy_size_quota(h: Harness) -> None:
    """https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html (role trust policy 2,048)"""
    services = [f"s{i:04d}.amazonaws.com" for i in range(120)]
    document = _trust(Principal={"Service": services}, Action="sts:AssumeRole")
    with pytest.raises(LimitExceeded, match="^Cannot exceed quota for ACLSizePerRole: 2048$"):
        h.call("CreateRole", {"RoleName": "big", "AssumeRolePolicyDocument": document})


def test_trust_policy_principals_of_this_account_must_exist(h: Harness) -> None:
    """IAM resolves user and role ARNs of the account when it saves a trust policy.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html"""
    ghost = "arn:aws:iam::111122223333:user/ghost"
    document = _trust(Principal={"AWS": ghost}, Action="sts:AssumeRole")
    with pytest.raises(MalformedPolicyDocument, match=f'^Invalid principal in policy: "AWS":"{ghost}"$'):
        h.call("CreateRole", {"RoleName": "r", "AssumeRolePolicyDocument": document})
    h.call("CreateUser", {"UserName": "ghost"})
    h.call("CreateRole", {"RoleName": "r", "AssumeRolePolicyDocument": document})
    other_account = _trust(Principal={"AWS": "arn:aws:iam::999988887777:user/x"}, Action="sts:AssumeRole")
    h.call("CreateRole", {"RoleName": "cross", "AssumeRolePolicyDocument": other_account})


def test_max_session_duration_bounds(h: Harness) -> None:
    """https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html (3600 to 43200)"""
    assert create_role(h, "long", MaxSessionDuration=43200)["MaxSessionDuration"] == 43200
    with pytest.raises(ValidationError):
        create_role(h, "short", MaxSessionDuration=3599)
    with pytest.raises(ValidationError):
        h.call("UpdateRole", {"RoleName": "long", "MaxSessionDuration": 43201})


def test_service_role_path_is_reserved(h: Harness) -> None:
    """https://docs.aws.amazon.com/IAM/latest/UserGuide/using-service-linked-roles.html"""
    with pytest.raises(
        InvalidInput, match="^Path prefix '/aws-service-role/' can only be used for AWS Service linked Roles$"
    ):
        create_role(h, "fake", Path="/aws-service-role/ecs.amazonaws.com/")


def test_permissions_boundary_must_exist_and_is_returned(h: Harness) -> None:
    """https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html"""
    missing = "arn:aws:iam::111122223333:policy/nope"
    with pytest.raises(NoSuchEntity, match=f"^Policy {missing} does not exist or is not attachable.$"):
        create_role(h, "bounded", PermissionsBoundary=missing)
    boundary = _make_policy(h, "limit")
    created = create_role(h, "bounded", PermissionsBoundary=boundary)
    assert created["PermissionsBoundary"] == {
        "PermissionsBoundaryType": "Policy",
        "PermissionsBoundaryArn": boundary,
    }
    assert (
        h.call("GetRole", {"RoleName": "bounded"})["Role"]["PermissionsBoundary"]["PermissionsBoundaryArn"]
        == boundary
    )


def _make_policy(h: Harness, name: str) -> str:
    arn = f"arn:aws:iam::111122223333:policy/{name}"
    policy = ManagedPolicy(
        policy_id="ANPAAAAAAAAAAAAAAAAAA",
        account_id=h.account_id,
        name=name,
        path="/",
        arn=arn,
        create_date=h.now,
        update_date=h.now,
    )
    document = {"Version": "2012-10-17", "Statement": [allow("s3:*")]}
    with h.store.transaction() as tx:
        tx.create_policy(policy, json.dumps(document))
    return arn


def test_update_role_and_description(h: Harness) -> None:
    """https://docs.aws.amazon.com/IAM/latest/APIReference/API_UpdateRole.html"""
    create_role(h, "r", Description="old")
    h.call("UpdateRole", {"RoleName": "r", "MaxSessionDuration": 7200})
    got = h.call("GetRole", {"RoleName": "r"})["Role"]
    assert got["MaxSessionDuration"] == 7200 and got["Description"] == "old"
    h.call("UpdateRole", {"RoleName": "r", "Description": ""})
    assert "Description" not in h.call("GetRole", {"RoleName": "r"})["Role"]
    updated = h.call("UpdateRoleDescription", {"RoleName": "r", "Description": "new"})["Role"]
    assert updated["Description"] == "new" and updated["MaxSessionDuration"] == 7200
    for operation, extra in (
        ("UpdateRole", {}),
        ("UpdateRoleDescription", {"Description": "x"}),
        ("UpdateAssumeRolePolicy", {"PolicyDocument": json.dumps(EC2_TRUST)}),
        ("DeleteRole", {}),
    ):
        with pytest.raises(NoSuchEntity, match="^The role with name nobody cannot be found.$"):
            h.call(operation, {"RoleName": "nobody", **extra})


def test_update_assume_role_policy(h: Harness) -> None:
    """https://docs.aws.amazon.com/IAM/latest/APIReference/API_UpdateAssumeRolePolicy.html"""
    create_role(h, "r")
    lambda_trust = _trust(Principal={"Service": "lambda.amazonaws.com"}, Action="sts:AssumeRole")
    h.call("UpdateAssumeRolePolicy", {"RoleName": "r", "PolicyDocument": lambda_trust})
    with h.store.transaction(readonly=True) as tx:
        role = tx.get_role(h.account_id, "r")
    assert role is not None and role.assume_role_policy_document == lambda_trust
    with pytest.raises(MalformedPolicyDocument, match="^Missing required field Principal$"):
        h.call("UpdateAssumeRolePolicy", {"RoleName": "r", "PolicyDocument": _trust(Action="sts:AssumeRole")})
    unreadable = _trust(Principal={"Service": "lambda.amazonaws.com"}, Action="sts:AssumeRole",
                        Condition={"NumericLessThan": {"aws:MultiFactorAuthAge": "an hour"}})
    with pytest.raises(MalformedPolicyDocument, match="^Invalid Condition value 'an hour' for NumericLessThan"):
        h.call("UpdateAssumeRolePolicy", {"RoleName": "r", "PolicyDocument": unreadable})


def test_delete_conflicts_use_aws_messages(h: Harness) -> None:
    """https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_manage_delete.html"""
    create_role(h, "busy")
    h.call("CreateInstanceProfile", {"InstanceProfileName": "p"})
    h.call("AddRoleToInstanceProfile", {"InstanceProfileName": "p", "RoleName": "busy"})
    with pytest.raises(
        DeleteConflict, match="^Cannot delete entity, must remove roles from instance profile first.$"
    ):
        h.call("DeleteRole", {"RoleName": "busy"})
    h.call("RemoveRoleFromInstanceProfile", {"InstanceProfileName": "p", "RoleName": "busy"})
    document = json.dumps({"Version": "2012-10-17", "Statement": [allow("s3:*")]})
    with h.store.transaction() as tx:
        tx.put_inline_policy(h.account_id, PrincipalKind.ROLE, "busy", "inline", document)
    with pytest.raises(DeleteConflict, match="^Cannot delete entity, must delete policies first.$"):
        h.call("DeleteRole", {"RoleName": "busy"})
    with h.store.transaction() as tx:
        tx.delete_inline_policy(h.account_id, PrincipalKind.ROLE, "busy", "inline")
        tx.attach_policy(h.account_id, PrincipalKind.ROLE, "busy", _make_policy_in(tx, h))
    with pytest.raises(DeleteConflict, match="^Cannot delete entity, must detach all policies first.$"):
        h.call("DeleteRole", {"RoleName": "busy"})


def _make_policy_in(tx: object, h: Harness) -> str:
    arn = "arn:aws:iam::111122223333:policy/attached"
    policy = ManagedPolicy(
        policy_id="ANPABBBBBBBBBBBBBBBBB",
        account_id=h.account_id,
        name="attached",
        path="/",
        arn=arn,
        create_date=h.now,
        update_date=h.now,
    )
    tx.create_policy(policy, json.dumps({"Version": "2012-10-17", "Statement": [allow("s3:*")]}))  # type: ignore[attr-defined]
    return arn


def test_roles_per_account_quota(h: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    """https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html (RolesPerAccount)"""
    monkeypatch.setattr(roles, "MAX_ROLES_PER_ACCOUNT", 2)
    create_role(h, "a")
    create_role(h, "b")
    with pytest.raises(LimitExceeded, match="^Cannot exceed quota for RolesPerAccount: 2$"):
        create_role(h, "c")


def test_list_roles_pages(h: Harness) -> None:
    """https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListRoles.html"""
    for name in ("c", "a", "b"):
        create_role(h, name)
    first = h.call("ListRoles", {"MaxItems": 2})
    assert [r["RoleName"] for r in first["Roles"]] == ["a", "b"] and first["IsTruncated"] is True
    rest = h.call("ListRoles", {"MaxItems": 2, "Marker": first["Marker"]})
    assert [r["RoleName"] for r in rest["Roles"]] == ["c"] and rest["IsTruncated"] is False
    with pytest.raises(InvalidInput, match="^Invalid Marker.$"):
        h.call("ListRoles", {"Marker": "garbage"})


@pytest.mark.parametrize("action", ["s3:GetObject", "sts:TagSessions", ["sts:AssumeRole", "iam:PassRole"], "s3:*"])
def test_trust_policy_actions_must_be_sts_assume_role_actions(h: Harness, action: object) -> None:
    """AWS's answer to a trust policy listing sts:TagSessions (a misspelling of sts:TagSession):
    "MalformedPolicyDocument: AssumeRole policy may only specify STS AssumeRole actions."
    (hashicorp/terraform-provider-aws#32872); UpdateAssumeRolePolicy checks the same document."""
    document = _trust(Principal={"Service": "ec2.amazonaws.com"}, Action=action)
    with pytest.raises(MalformedPolicyDocument, match="^AssumeRole policy may only specify STS AssumeRole actions.$"):
        h.call("CreateRole", {"RoleName": "bad", "AssumeRolePolicyDocument": document})
    create_role(h, "good")
    with pytest.raises(MalformedPolicyDocument, match="^AssumeRole policy may only specify STS AssumeRole actions.$"):
        h.call("UpdateAssumeRolePolicy", {"RoleName": "good", "PolicyDocument": document})


@pytest.mark.parametrize(
    "action",
    [
        ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity", "sts:SetContext"],
        "sts:AssumeRoleWithWebIdentity",
        "sts:AssumeRoleWithSAML",
        "sts:Assume*",
    ],
)
def test_trust_policy_accepts_the_session_shaping_sts_actions(h: Harness, action: object) -> None:
    """https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html (sts:TagSession in the
    trust policy) and the STS actions of the Service Authorization Reference."""
    document = _trust(Principal={"Service": "ec2.amazonaws.com"}, Action=action)
    h.call("CreateRole", {"RoleName": "ok", "AssumeRolePolicyDocument": document})
