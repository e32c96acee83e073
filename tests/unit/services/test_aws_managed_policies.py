"""AWS managed policies: installed once, readable and attachable by every account, never changed
by customers, and granting what their documents say.

https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_managed-vs-inline.html#aws-managed-policies
https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_job-functions.html
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from harness import Harness, make_harness, root_caller
from warden.errors import AccessDenied, NoSuchEntity
from warden.model import Account
from warden.model.policies import AWS_MANAGED_ACCOUNT
from warden.services import iam
from warden.services.iam.policies_aws import install_aws_managed_policies

ACCOUNT = "111122223333"
OTHER = "444455556666"
NAMES = [
    "AdministratorAccess",
    "IAMFullAccess",
    "IAMReadOnlyAccess",
    "IAMUserChangePassword",
    "PowerUserAccess",
    "ReadOnlyAccess",
]


def _arn(name: str) -> str:
    return f"arn:aws:iam::aws:policy/{name}"


@pytest.fixture
def h(tmp_path: Path) -> Harness:
    harness = make_harness(tmp_path, {"iam": iam.HANDLERS})
    with harness.store.transaction() as tx:
        install_aws_managed_policies(tx, harness.env.ids, harness.now)
        tx.create_account(Account(account_id=OTHER, create_date=harness.now))
    harness.call("CreateUser", {"UserName": "bob"})
    return harness


def _persona(h: Harness, name: str, policy: str) -> None:
    h.call("CreateUser", {"UserName": name})
    h.call("AttachUserPolicy", {"UserName": name, "PolicyArn": _arn(policy)})


def test_install_is_idempotent(h: Harness) -> None:
    """Installing again (every server start) keeps the same policies and identifiers."""

    def snapshot() -> dict[str, str]:
        with h.store.transaction(readonly=True) as tx:
            page = tx.list_policies(AWS_MANAGED_ACCOUNT, max_items=1000)
        return {p.arn: p.policy_id for p in page.items if p.aws_managed}

    before = snapshot()
    assert sorted(before) == sorted(_arn(n) for n in NAMES)
    with h.store.transaction() as tx:
        install_aws_managed_policies(tx, h.env.ids, h.now)
    assert snapshot() == before


@pytest.mark.parametrize("name", NAMES)
def test_each_policy_has_aws_shape_and_a_valid_default_version(h: Harness, name: str) -> None:
    """https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-arns"""
    policy = h.call("GetPolicy", {"PolicyArn": _arn(name)})["Policy"]
    assert policy["PolicyName"] == name and policy["Path"] == "/" and policy["IsAttachable"]
    assert policy["PolicyId"].startswith("ANPA") and policy["DefaultVersionId"] == "v1"
    assert policy["Description"]
    version = h.call("GetPolicyVersion", {"PolicyArn": _arn(name), "VersionId": "v1"})["PolicyVersion"]
    assert version["IsDefaultVersion"]
    for other_root in (root_caller(ACCOUNT), root_caller(OTHER)):
        assert (
            h.call("GetPolicy", {"PolicyArn": _arn(name)}, caller=other_root)["Policy"]["PolicyName"] == name
        )


def test_every_account_attaches_them_with_its_own_counts(h: Harness) -> None:
    """Attachment counts and ListEntitiesForPolicy are per account.
    https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListEntitiesForPolicy.html"""
    other = root_caller(OTHER)
    h.call("CreateUser", {"UserName": "carol"}, caller=other)
    h.call("AttachUserPolicy", {"UserName": "carol", "PolicyArn": _arn("ReadOnlyAccess")}, caller=other)
    assert (
        h.call("GetPolicy", {"PolicyArn": _arn("ReadOnlyAccess")}, caller=other)["Policy"]["AttachmentCount"]
        == 1
    )
    assert h.call("GetPolicy", {"PolicyArn": _arn("ReadOnlyAccess")})["Policy"]["AttachmentCount"] == 0
    mine = h.call("ListEntitiesForPolicy", {"PolicyArn": _arn("ReadOnlyAccess")})
    assert mine["PolicyUsers"] == []
    theirs = h.call("ListEntitiesForPolicy", {"PolicyArn": _arn("ReadOnlyAccess")}, caller=other)
    assert [u["UserName"] for u in theirs["PolicyUsers"]] == ["carol"]
    attached = h.call("ListPolicies", {"OnlyAttached": True}, caller=other)["Policies"]
    assert [p["PolicyName"] for p in attached] == ["ReadOnlyAccess"]
    assert h.call("ListPolicies", {"OnlyAttached": True})["Policies"] == []


def test_customers_cannot_change_or_delete_them(h: Harness) -> None:
    """https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_managed-vs-inline.html#aws-managed-policies"""
    document = json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
    )
    for operation, params in (
        ("DeletePolicy", {"PolicyArn": _arn("ReadOnlyAccess")}),
        ("CreatePolicyVersion", {"PolicyArn": _arn("ReadOnlyAccess"), "PolicyDocument": document}),
    ):
        with pytest.raises(AccessDenied):
            h.call(operation, params)
    assert h.call("GetPolicy", {"PolicyArn": _arn("ReadOnlyAccess")})["Policy"]["DefaultVersionId"] == "v1"
    with pytest.raises(NoSuchEntity):
        h.call("GetPolicy", {"PolicyArn": _arn("NoSuchManagedPolicy")})


def test_administrator_and_iam_full_access_allow_iam_administration(h: Harness) -> None:
    """https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_job-functions.html"""
    for name, policy in (("admin", "AdministratorAccess"), ("iamadmin", "IAMFullAccess")):
        _persona(h, name, policy)
        caller = h.user_caller(name)
        h.call("CreateUser", {"UserName": f"{name}-made"}, caller=caller)
        h.call("DeleteUser", {"UserName": f"{name}-made"}, caller=caller)


def test_read_only_personas_read_but_do_not_write(h: Harness) -> None:
    """ReadOnlyAccess and IAMReadOnlyAccess grant Get*/List* on IAM, nothing that changes it.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_job-functions.html"""
    for name, policy in (("reader", "ReadOnlyAccess"), ("iamreader", "IAMReadOnlyAccess")):
        _persona(h, name, policy)
        caller = h.user_caller(name)
        assert "bob" in {u["UserName"] for u in h.call("ListUsers", caller=caller)["Users"]}
        h.call("GetUser", {"UserName": "bob"}, caller=caller)
        with pytest.raises(
            AccessDenied, match="because no identity-based policy allows the iam:CreateUser action$"
        ):
            h.call("CreateUser", {"UserName": f"{name}-made"}, caller=caller)


def test_power_user_is_kept_out_of_iam_except_listed_actions(h: Harness) -> None:
    """PowerUserAccess allows everything but IAM, apart from a few actions such as iam:ListRoles.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_job-functions.html"""
    _persona(h, "power", "PowerUserAccess")
    power = h.user_caller("power")
    h.call("ListRoles", caller=power)
    with pytest.raises(AccessDenied):
        h.call("ListUsers", caller=power)


def test_iam_user_change_password_reaches_only_password_actions(h: Harness) -> None:
    """IAMUserChangePassword allows iam:GetAccountPasswordPolicy and the user's own ChangePassword.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_passwords_enable-user-change.html"""
    bob = h.user_caller("bob")
    with pytest.raises(AccessDenied):
        h.call("GetAccountPasswordPolicy", caller=bob)
    h.call("AttachUserPolicy", {"UserName": "bob", "PolicyArn": _arn("IAMUserChangePassword")})
    with pytest.raises(NoSuchEntity):
        h.call("GetAccountPasswordPolicy", caller=bob)
    with pytest.raises(AccessDenied):
        h.call("ListUsers", caller=bob)


def test_aws_managed_arns_follow_the_partition(h: Harness) -> None:
    """In another partition AWS managed policies are arn:PARTITION:iam::aws:policy/NAME.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html"""
    h.env = dataclasses.replace(h.env, partition="aws-cn")
    h.call("CreateUser", {"UserName": "cn-user"})
    arn = "arn:aws-cn:iam::aws:policy/ReadOnlyAccess"
    h.call("AttachUserPolicy", {"UserName": "cn-user", "PolicyArn": arn})
    attached = h.call("ListAttachedUserPolicies", {"UserName": "cn-user"})["AttachedPolicies"]
    assert attached == [{"PolicyName": "ReadOnlyAccess", "PolicyArn": arn}]
