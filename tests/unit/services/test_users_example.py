"""The example handler module (users) through the in-process harness.

https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateUser.html
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness import Harness, make_harness
from warden.errors import AccessDenied, EntityAlreadyExists, NoSuchEntity, ValidationError
from warden.model import PrincipalKind
from warden.services.caller import Caller, CallerKind
from warden.services.iam import users


@pytest.fixture
def h(tmp_path: Path) -> Harness:
    return make_harness(tmp_path, {"iam": users.HANDLERS})


def test_create_get_list_delete(h: Harness) -> None:
    created = h.call("CreateUser", {"UserName": "bob", "Path": "/eng/", "Tags": [{"Key": "team", "Value": "a"}]})
    assert created["User"]["Arn"] == "arn:aws:iam::111122223333:user/eng/bob"
    assert created["User"]["UserId"].startswith("AIDA") and len(created["User"]["UserId"]) == 21
    assert h.call("GetUser", {"UserName": "BOB"})["User"]["UserName"] == "bob"
    assert [u["UserName"] for u in h.call("ListUsers")["Users"]] == ["bob"]
    with pytest.raises(EntityAlreadyExists, match="User with name Bob already exists."):
        h.call("CreateUser", {"UserName": "Bob"})
    h.call("DeleteUser", {"UserName": "bob"})
    with pytest.raises(NoSuchEntity, match="The user with name bob cannot be found."):
        h.call("GetUser", {"UserName": "bob"})


def test_a_user_without_policies_is_denied_and_an_allow_takes_effect_at_once(h: Harness) -> None:
    """https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html"""
    h.call("CreateUser", {"UserName": "alice"})
    alice = h.user_caller("alice")
    with pytest.raises(AccessDenied) as denied:
        h.call("ListUsers", caller=alice)
    assert denied.value.message == (
        "User: arn:aws:iam::111122223333:user/alice is not authorized to perform: iam:ListUsers "
        "on resource: arn:aws:iam::111122223333:user/ because no identity-based policy allows "
        "the iam:ListUsers action"
    )
    document = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:List*", "Resource": "*"}]}
    with h.store.transaction() as tx:
        tx.put_inline_policy(h.account_id, PrincipalKind.USER, "alice", "list", json.dumps(document))
    h.feed.bump()
    assert h.call("ListUsers", caller=alice)["Users"][0]["UserName"] == "alice"


def test_request_tags_are_tested_by_conditions(h: Harness) -> None:
    """https://docs.aws.amazon.com/IAM/latest/UserGuide/access_iam-tags.html"""
    h.call("CreateUser", {"UserName": "admin"})
    document = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                # Creating with tags also needs iam:TagUser, as in AWS's example policy:
                # https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_examples_iam-new-user-tag.html
                "Action": ["iam:CreateUser", "iam:TagUser"],
                "Resource": "*",
                "Condition": {"StringEquals": {"aws:RequestTag/team": "eng"}},
            }
        ],
    }
    with h.store.transaction() as tx:
        tx.put_inline_policy(h.account_id, PrincipalKind.USER, "admin", "tagged", json.dumps(document))
    h.feed.bump()
    admin = h.user_caller("admin")
    with pytest.raises(AccessDenied):
        h.call("CreateUser", {"UserName": "x"}, caller=admin)
    h.call("CreateUser", {"UserName": "y", "Tags": [{"Key": "team", "Value": "eng"}]}, caller=admin)


def test_get_user_without_a_name_from_a_role_session_is_a_validation_error(h: Harness) -> None:
    """GetUser without UserName describes "the IAM user whose access key ID is used to sign the
    request"; a role session has none, and IAM answers ValidationError "Must specify userName when
    calling with non-User credentials" (not NoSuchEntity for an empty name).
    https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetUser.html"""
    role_session = Caller(
        kind=CallerKind.ASSUMED_ROLE,
        arn="arn:aws:sts::111122223333:assumed-role/app/job",
        account_id="111122223333",
        principal_id="AROAEXAMPLEEXAMPLE123:job",
        access_key_id="ASIAEXAMPLEEXAMPLE12",
        role_arn="arn:aws:iam::111122223333:role/app",
        role_name="app",
    )
    with pytest.raises(ValidationError, match="^Must specify userName when calling with non-User credentials$"):
        h.call("GetUser", caller=role_session)
