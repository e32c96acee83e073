"""IAM groups and membership through the in-process harness.

https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateGroup.html and siblings.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from identity_grants import allow, denial, grant, identity_harness

from harness import ACCOUNT_ID, Harness
from warden.errors import (
    AccessDenied,
    DeleteConflict,
    EntityAlreadyExists,
    InvalidInput,
    LimitExceeded,
    NoSuchEntity,
)
from warden.model import PrincipalKind
from warden.services.iam import groups

GROUP_ARN = f"arn:aws:iam::{ACCOUNT_ID}:group"


@pytest.fixture
def h(tmp_path: Path) -> Harness:
    return identity_harness(tmp_path)


def test_create_get_list_update_delete(h: Harness) -> None:
    """https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateGroup.html"""
    created = h.call("CreateGroup", {"GroupName": "Devs", "Path": "/eng/"})["Group"]
    assert created["Arn"] == f"{GROUP_ARN}/eng/Devs"
    assert created["GroupId"].startswith("AGPA") and len(created["GroupId"]) == 21
    assert created["CreateDate"] == h.now
    got = h.call("GetGroup", {"GroupName": "devs"})
    assert got["Group"]["GroupName"] == "Devs" and got["Users"] == [] and got["IsTruncated"] is False
    h.call("CreateGroup", {"GroupName": "ops"})
    assert [g["GroupName"] for g in h.call("ListGroups")["Groups"]] == ["Devs", "ops"]
    assert [g["GroupName"] for g in h.call("ListGroups", {"PathPrefix": "/eng/"})["Groups"]] == ["Devs"]
    h.call("UpdateGroup", {"GroupName": "Devs", "NewGroupName": "builders", "NewPath": "/b/"})
    assert h.call("GetGroup", {"GroupName": "builders"})["Group"]["Arn"] == f"{GROUP_ARN}/b/builders"
    with pytest.raises(NoSuchEntity, match="^The group with name Devs cannot be found.$"):
        h.call("GetGroup", {"GroupName": "Devs"})
    h.call("DeleteGroup", {"GroupName": "builders"})
    assert [g["GroupName"] for g in h.call("ListGroups")["Groups"]] == ["ops"]


def test_create_group_conflicts_case_insensitively(h: Harness) -> None:
    h.call("CreateGroup", {"GroupName": "admins"})
    with pytest.raises(EntityAlreadyExists, match="^Group with name Admins already exists.$"):
        h.call("CreateGroup", {"GroupName": "Admins"})
    h.call("CreateGroup", {"GroupName": "other"})
    with pytest.raises(EntityAlreadyExists, match="^Group with name ADMINS already exists.$"):
        h.call("UpdateGroup", {"GroupName": "other", "NewGroupName": "ADMINS"})


def test_groups_per_account_quota(h: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    """https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html"""
    monkeypatch.setattr(groups, "MAX_GROUPS_PER_ACCOUNT", 2)
    h.call("CreateGroup", {"GroupName": "a"})
    h.call("CreateGroup", {"GroupName": "b"})
    with pytest.raises(LimitExceeded, match="^Cannot exceed quota for GroupsPerAccount: 2$"):
        h.call("CreateGroup", {"GroupName": "c"})


def test_membership(h: Harness) -> None:
    """https://docs.aws.amazon.com/IAM/latest/APIReference/API_AddUserToGroup.html"""
    h.call("CreateGroup", {"GroupName": "devs"})
    h.call("CreateGroup", {"GroupName": "ops"})
    for name in ("carol", "bob"):
        h.call("CreateUser", {"UserName": name})
    h.call("AddUserToGroup", {"GroupName": "devs", "UserName": "bob"})
    h.call("AddUserToGroup", {"GroupName": "devs", "UserName": "BOB"})  # idempotent
    h.call("AddUserToGroup", {"GroupName": "devs", "UserName": "carol"})
    h.call("AddUserToGroup", {"GroupName": "ops", "UserName": "bob"})
    assert [u["UserName"] for u in h.call("GetGroup", {"GroupName": "devs"})["Users"]] == ["bob", "carol"]
    assert [g["GroupName"] for g in h.call("ListGroupsForUser", {"UserName": "bob"})["Groups"]] == [
        "devs",
        "ops",
    ]
    h.call("RemoveUserFromGroup", {"GroupName": "devs", "UserName": "bob"})
    assert [u["UserName"] for u in h.call("GetGroup", {"GroupName": "devs"})["Users"]] == ["carol"]
    with pytest.raises(NoSuchEntity, match="^The user with name bob cannot be found.$"):
        h.call("RemoveUserFromGroup", {"GroupName": "devs", "UserName": "bob"})
    with pytest.raises(NoSuchEntity, match="^The user with name nobody cannot be found.$"):
        h.call("AddUserToGroup", {"GroupName": "devs", "UserName": "nobody"})
    with pytest.raises(NoSuchEntity, match="^The group with name nogroup cannot be found.$"):
        h.call("AddUserToGroup", {"GroupName": "nogroup", "UserName": "bob"})
    with pytest.raises(NoSuchEntity, match="^The user with name nobody cannot be found.$"):
        h.call("ListGroupsForUser", {"UserName": "nobody"})


def test_groups_per_user_quota(h: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    """https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html"""
    monkeypatch.setattr(groups, "MAX_GROUPS_PER_USER", 2)
    h.call("CreateUser", {"UserName": "bob"})
    for name in ("a", "b", "c"):
        h.call("CreateGroup", {"GroupName": name})
    h.call("AddUserToGroup", {"GroupName": "a", "UserName": "bob"})
    h.call("AddUserToGroup", {"GroupName": "b", "UserName": "bob"})
    h.call("AddUserToGroup", {"GroupName": "b", "UserName": "bob"})  # already a member: no quota check
    with pytest.raises(LimitExceeded, match="^Cannot exceed quota for GroupsPerUser: 2$"):
        h.call("AddUserToGroup", {"GroupName": "c", "UserName": "bob"})


def test_get_group_pages_its_members(h: Harness) -> None:
    """https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetGroup.html"""
    h.call("CreateGroup", {"GroupName": "devs"})
    for name in ("u1", "u2", "u3"):
        h.call("CreateUser", {"UserName": name})
        h.call("AddUserToGroup", {"GroupName": "devs", "UserName": name})
    first = h.call("GetGroup", {"GroupName": "devs", "MaxItems": 2})
    assert [u["UserName"] for u in first["Users"]] == ["u1", "u2"] and first["IsTruncated"] is True
    rest = h.call("GetGroup", {"GroupName": "devs", "MaxItems": 2, "Marker": first["Marker"]})
    assert [u["UserName"] for u in rest["Users"]] == ["u3"] and rest["IsTruncated"] is False
    assert "Marker" not in rest
    with pytest.raises(InvalidInput):
        h.call("GetGroup", {"GroupName": "devs", "Marker": "not-a-marker"})
    with pytest.raises(InvalidInput):
        h.call("ListGroups", {"Marker": "bm90LWEtbWFya2Vy"})


def test_delete_conflicts(h: Harness) -> None:
    """https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeleteGroup.html"""
    h.call("CreateGroup", {"GroupName": "devs"})
    h.call("CreateUser", {"UserName": "bob"})
    h.call("AddUserToGroup", {"GroupName": "devs", "UserName": "bob"})
    with pytest.raises(DeleteConflict, match="^Cannot delete entity, must remove users from group first.$"):
        h.call("DeleteGroup", {"GroupName": "devs"})
    h.call("RemoveUserFromGroup", {"GroupName": "devs", "UserName": "bob"})
    with h.store.transaction() as tx:
        tx.put_inline_policy(
            h.account_id, PrincipalKind.GROUP, "devs", "p", '{"Version":"2012-10-17","Statement":[]}'
        )
    with pytest.raises(DeleteConflict, match="^Cannot delete entity, must delete policies first.$"):
        h.call("DeleteGroup", {"GroupName": "devs"})
    with pytest.raises(NoSuchEntity, match="^The group with name gone cannot be found.$"):
        h.call("DeleteGroup", {"GroupName": "gone"})


def test_a_user_without_policies_is_denied(h: Harness) -> None:
    """https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html"""
    h.call("CreateUser", {"UserName": "alice"})
    h.call("CreateGroup", {"GroupName": "devs"})
    alice = h.user_caller("alice")
    user_arn = f"arn:aws:iam::{ACCOUNT_ID}:user/alice"
    cases = [
        ("CreateGroup", {"GroupName": "x"}, "iam:CreateGroup", f"{GROUP_ARN}/x"),
        ("GetGroup", {"GroupName": "devs"}, "iam:GetGroup", f"{GROUP_ARN}/devs"),
        ("ListGroups", {}, "iam:ListGroups", f"{GROUP_ARN}/"),
        ("UpdateGroup", {"GroupName": "devs", "NewPath": "/p/"}, "iam:UpdateGroup", f"{GROUP_ARN}/devs"),
        ("DeleteGroup", {"GroupName": "devs"}, "iam:DeleteGroup", f"{GROUP_ARN}/devs"),
        (
            "AddUserToGroup",
            {"GroupName": "devs", "UserName": "alice"},
            "iam:AddUserToGroup",
            f"{GROUP_ARN}/devs",
        ),
        (
            "RemoveUserFromGroup",
            {"GroupName": "devs", "UserName": "alice"},
            "iam:RemoveUserFromGroup",
            f"{GROUP_ARN}/devs",
        ),
        ("ListGroupsForUser", {"UserName": "alice"}, "iam:ListGroupsForUser", user_arn),
        # A missing group is authorized on the ARN it would have, before NoSuchEntity.
        ("GetGroup", {"GroupName": "ghost"}, "iam:GetGroup", f"{GROUP_ARN}/ghost"),
    ]
    for operation, params, action, resource in cases:
        with pytest.raises(AccessDenied) as denied:
            h.call(operation, params, caller=alice)
        assert denied.value.message == denial(user_arn, action, resource)


def test_an_allow_on_the_group_arn_lets_the_call_through(h: Harness) -> None:
    h.call("CreateUser", {"UserName": "alice"})
    h.call("CreateGroup", {"GroupName": "devs"})
    h.call("CreateGroup", {"GroupName": "ops"})
    grant(
        h, "alice", allow("iam:AddUserToGroup", f"{GROUP_ARN}/devs"), allow("iam:GetGroup", f"{GROUP_ARN}/*")
    )
    alice = h.user_caller("alice")
    h.call("AddUserToGroup", {"GroupName": "devs", "UserName": "alice"}, caller=alice)
    assert h.call("GetGroup", {"GroupName": "devs"}, caller=alice)["Users"][0]["UserName"] == "alice"
    with pytest.raises(AccessDenied):
        h.call("AddUserToGroup", {"GroupName": "ops", "UserName": "alice"}, caller=alice)
    with pytest.raises(NoSuchEntity):
        h.call("GetGroup", {"GroupName": "ghost"}, caller=alice)


def test_rename_needs_permission_on_source_and_target(h: Harness) -> None:
    """https://docs.aws.amazon.com/IAM/latest/APIReference/API_UpdateGroup.html"""
    h.call("CreateUser", {"UserName": "alice"})
    h.call("CreateGroup", {"GroupName": "Managers"})
    grant(h, "alice", allow("iam:UpdateGroup", f"{GROUP_ARN}/Managers"))
    alice = h.user_caller("alice")
    with pytest.raises(AccessDenied) as denied:
        h.call("UpdateGroup", {"GroupName": "Managers", "NewGroupName": "MGRs"}, caller=alice)
    assert f"on resource: {GROUP_ARN}/MGRs" in denied.value.message
    grant(h, "alice", allow("iam:UpdateGroup", f"{GROUP_ARN}/M*"))
    h.call("UpdateGroup", {"GroupName": "Managers", "NewGroupName": "MGRs"}, caller=alice)
    assert h.call("GetGroup", {"GroupName": "MGRs"})["Group"]["GroupName"] == "MGRs"


def test_list_groups_for_user_honours_resource_tags(h: Harness) -> None:
    """https://docs.aws.amazon.com/IAM/latest/UserGuide/access_iam-tags.html"""
    h.call("CreateUser", {"UserName": "alice"})
    h.call("CreateUser", {"UserName": "eng1", "Tags": [{"Key": "team", "Value": "eng"}]})
    h.call("CreateUser", {"UserName": "ops1", "Tags": [{"Key": "team", "Value": "ops"}]})
    grant(h, "alice", allow("iam:ListGroupsForUser", "*", {"StringEquals": {"aws:ResourceTag/team": "eng"}}))
    alice = h.user_caller("alice")
    assert h.call("ListGroupsForUser", {"UserName": "eng1"}, caller=alice)["Groups"] == []
    with pytest.raises(AccessDenied):
        h.call("ListGroupsForUser", {"UserName": "ops1"}, caller=alice)
