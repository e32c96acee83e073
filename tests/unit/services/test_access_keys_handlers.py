"""Access keys through the in-process harness.

https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateAccessKey.html and siblings.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from identity_grants import allow, denial, grant, identity_harness

from harness import ACCOUNT_ID, Harness
from warden.errors import AccessDenied, InvalidInput, LimitExceeded, NoSuchEntity, ValidationError
from warden.services.caller import Caller, CallerKind

USER_ARN = f"arn:aws:iam::{ACCOUNT_ID}:user"


@pytest.fixture
def h(tmp_path: Path) -> Harness:
    harness = identity_harness(tmp_path)
    harness.call("CreateUser", {"UserName": "bob", "Tags": [{"Key": "team", "Value": "eng"}]})
    return harness


def test_create_returns_the_secret_once_and_stores_it_sealed(h: Harness) -> None:
    """https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateAccessKey.html"""
    key = h.call("CreateAccessKey", {"UserName": "BOB"})["AccessKey"]
    assert key["UserName"] == "bob" and key["Status"] == "Active" and key["CreateDate"] == h.now
    assert key["AccessKeyId"].startswith("AKIA") and len(key["AccessKeyId"]) == 20
    secret = key["SecretAccessKey"]
    assert len(secret) == 40
    with h.store.transaction(readonly=True) as tx:
        stored = tx.get_access_key(key["AccessKeyId"])
    assert stored is not None and secret.encode() not in stored.secret_ciphertext
    opened = h.env.secrets.open(stored.secret_ciphertext.decode("ascii"), record=key["AccessKeyId"])
    assert opened == secret.encode()
    listed = h.call("ListAccessKeys", {"UserName": "bob"})
    assert listed["AccessKeyMetadata"] == [
        {"UserName": "bob", "AccessKeyId": key["AccessKeyId"], "Status": "Active", "CreateDate": h.now}
    ]
    assert secret not in repr(listed)


def test_at_most_two_keys_per_user(h: Harness) -> None:
    """https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html"""
    h.call("CreateAccessKey", {"UserName": "bob"})
    h.call("CreateAccessKey", {"UserName": "bob"})
    with pytest.raises(LimitExceeded, match="^Cannot exceed quota for AccessKeysPerUser: 2$"):
        h.call("CreateAccessKey", {"UserName": "bob"})


def test_update_and_delete(h: Harness) -> None:
    """https://docs.aws.amazon.com/IAM/latest/APIReference/API_UpdateAccessKey.html"""
    key_id = h.call("CreateAccessKey", {"UserName": "bob"})["AccessKey"]["AccessKeyId"]
    h.call("UpdateAccessKey", {"UserName": "bob", "AccessKeyId": key_id, "Status": "Inactive"})
    assert h.call("ListAccessKeys", {"UserName": "bob"})["AccessKeyMetadata"][0]["Status"] == "Inactive"
    h.call("UpdateAccessKey", {"UserName": "bob", "AccessKeyId": key_id, "Status": "Inactive"})
    h.call("UpdateAccessKey", {"UserName": "bob", "AccessKeyId": key_id, "Status": "Active"})
    assert h.call("ListAccessKeys", {"UserName": "bob"})["AccessKeyMetadata"][0]["Status"] == "Active"
    h.call("DeleteAccessKey", {"UserName": "bob", "AccessKeyId": key_id})
    assert h.call("ListAccessKeys", {"UserName": "bob"})["AccessKeyMetadata"] == []
    message = f"^The Access Key with id {key_id} cannot be found.$"
    with pytest.raises(NoSuchEntity, match=message):
        h.call("DeleteAccessKey", {"UserName": "bob", "AccessKeyId": key_id})
    with pytest.raises(NoSuchEntity, match=message):
        h.call("UpdateAccessKey", {"UserName": "bob", "AccessKeyId": key_id, "Status": "Active"})


def test_expired_is_not_a_status_a_caller_can_set(h: Harness) -> None:
    """UpdateAccessKey switches a key "from Active to Inactive, or vice versa"; `Expired`, though
    in the model's enum, is refused with InvalidInput (a listed error), not a server failure.
    https://docs.aws.amazon.com/IAM/latest/APIReference/API_UpdateAccessKey.html"""
    key_id = h.call("CreateAccessKey", {"UserName": "bob"})["AccessKey"]["AccessKeyId"]
    with pytest.raises(InvalidInput, match="Status Expired"):
        h.call("UpdateAccessKey", {"UserName": "bob", "AccessKeyId": key_id, "Status": "Expired"})
    assert h.call("ListAccessKeys", {"UserName": "bob"})["AccessKeyMetadata"][0]["Status"] == "Active"


def test_a_key_of_another_user_is_not_found(h: Harness) -> None:
    h.call("CreateUser", {"UserName": "carol"})
    key_id = h.call("CreateAccessKey", {"UserName": "carol"})["AccessKey"]["AccessKeyId"]
    with pytest.raises(NoSuchEntity, match=f"^The Access Key with id {key_id} cannot be found.$"):
        h.call("DeleteAccessKey", {"UserName": "bob", "AccessKeyId": key_id})
    assert len(h.call("ListAccessKeys", {"UserName": "carol"})["AccessKeyMetadata"]) == 1


def test_unknown_user(h: Harness) -> None:
    with pytest.raises(NoSuchEntity, match="^The user with name ghost cannot be found.$"):
        h.call("CreateAccessKey", {"UserName": "ghost"})
    with pytest.raises(NoSuchEntity, match="^The user with name ghost cannot be found.$"):
        h.call("ListAccessKeys", {"UserName": "ghost"})


def test_without_user_name_a_user_manages_their_own_keys(h: Harness) -> None:
    """https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListAccessKeys.html"""
    grant(h, "bob", allow("iam:*AccessKey*", "arn:aws:iam::*:user/${aws:username}"))
    bob = h.user_caller("bob")
    key_id = h.call("CreateAccessKey", caller=bob)["AccessKey"]["AccessKeyId"]
    assert [k["AccessKeyId"] for k in h.call("ListAccessKeys", caller=bob)["AccessKeyMetadata"]] == [key_id]
    h.call("UpdateAccessKey", {"AccessKeyId": key_id, "Status": "Inactive"}, caller=bob)
    h.call("DeleteAccessKey", {"AccessKeyId": key_id}, caller=bob)
    assert h.call("ListAccessKeys", caller=bob)["AccessKeyMetadata"] == []


def test_without_user_name_non_user_credentials_are_refused(h: Harness) -> None:
    role_session = Caller(
        kind=CallerKind.ASSUMED_ROLE,
        arn=f"arn:aws:sts::{ACCOUNT_ID}:assumed-role/r/s",
        account_id=ACCOUNT_ID,
        principal_id="AROAEXAMPLEEXAMPLE123:s",
        access_key_id="ASIAEXAMPLEEXAMPLE12",
        role_arn=f"arn:aws:iam::{ACCOUNT_ID}:role/r",
        role_name="r",
    )
    with pytest.raises(
        ValidationError, match="^Must specify userName when calling with non-User credentials$"
    ):
        h.call("ListAccessKeys", caller=role_session)


def test_list_pages(h: Harness) -> None:
    ids = sorted(h.call("CreateAccessKey", {"UserName": "bob"})["AccessKey"]["AccessKeyId"] for _ in range(2))
    first = h.call("ListAccessKeys", {"UserName": "bob", "MaxItems": 1})
    assert first["IsTruncated"] is True and [k["AccessKeyId"] for k in first["AccessKeyMetadata"]] == ids[:1]
    rest = h.call("ListAccessKeys", {"UserName": "bob", "MaxItems": 1, "Marker": first["Marker"]})
    assert rest["IsTruncated"] is False and [k["AccessKeyId"] for k in rest["AccessKeyMetadata"]] == ids[1:]
    with pytest.raises(InvalidInput, match="^Invalid Marker.$"):
        h.call("ListAccessKeys", {"UserName": "bob", "Marker": "garbage"})


def test_last_used(h: Harness) -> None:
    """https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetAccessKeyLastUsed.html"""
    key_id = h.call("CreateAccessKey", {"UserName": "bob"})["AccessKey"]["AccessKeyId"]
    never = h.call("GetAccessKeyLastUsed", {"AccessKeyId": key_id})
    assert never == {"UserName": "bob", "AccessKeyLastUsed": {"ServiceName": "N/A", "Region": "N/A"}}
    used_at = datetime(2026, 11, 27, 8, 30, tzinfo=UTC)
    with h.store.transaction() as tx:
        tx.record_access_key_use(key_id, used_at, "iam", "us-east-1")
    used = h.call("GetAccessKeyLastUsed", {"AccessKeyId": key_id})["AccessKeyLastUsed"]
    assert used == {"LastUsedDate": used_at, "ServiceName": "iam", "Region": "us-east-1"}
    missing = "AKIAAAAAAAAAAAAAAAAA"
    with pytest.raises(NoSuchEntity, match=f"^The Access Key with id {missing} cannot be found.$"):
        h.call("GetAccessKeyLastUsed", {"AccessKeyId": missing})


def test_a_user_without_policies_is_denied(h: Harness) -> None:
    """https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html"""
    key_id = h.call("CreateAccessKey", {"UserName": "bob"})["AccessKey"]["AccessKeyId"]
    h.call("CreateUser", {"UserName": "alice"})
    alice = h.user_caller("alice")
    alice_arn = f"{USER_ARN}/alice"
    cases = [
        ("CreateAccessKey", {"UserName": "bob"}, "iam:CreateAccessKey", f"{USER_ARN}/bob"),
        ("ListAccessKeys", {}, "iam:ListAccessKeys", alice_arn),
        (
            "UpdateAccessKey",
            {"UserName": "bob", "AccessKeyId": key_id, "Status": "Inactive"},
            "iam:UpdateAccessKey",
            f"{USER_ARN}/bob",
        ),
        (
            "DeleteAccessKey",
            {"UserName": "bob", "AccessKeyId": key_id},
            "iam:DeleteAccessKey",
            f"{USER_ARN}/bob",
        ),
        ("GetAccessKeyLastUsed", {"AccessKeyId": key_id}, "iam:GetAccessKeyLastUsed", f"{USER_ARN}/bob"),
        ("CreateAccessKey", {"UserName": "ghost"}, "iam:CreateAccessKey", f"{USER_ARN}/ghost"),
    ]
    for operation, params, action, resource in cases:
        with pytest.raises(AccessDenied) as denied:
            h.call(operation, params, caller=alice)
        assert denied.value.message == denial(alice_arn, action, resource)


def test_resource_tag_conditions_are_honoured(h: Harness) -> None:
    """https://docs.aws.amazon.com/IAM/latest/UserGuide/access_iam-tags.html"""
    h.call("CreateUser", {"UserName": "alice"})
    h.call("CreateUser", {"UserName": "olga", "Tags": [{"Key": "team", "Value": "ops"}]})
    grant(
        h,
        "alice",
        allow("iam:CreateAccessKey", f"{USER_ARN}/*", {"StringEquals": {"aws:ResourceTag/team": "eng"}}),
    )
    alice = h.user_caller("alice")
    assert h.call("CreateAccessKey", {"UserName": "bob"}, caller=alice)["AccessKey"]["UserName"] == "bob"
    with pytest.raises(AccessDenied):
        h.call("CreateAccessKey", {"UserName": "olga"}, caller=alice)


def test_root_manages_its_own_keys_without_a_user_name(h: Harness) -> None:
    """Without UserName, IAM acts on the signing identity, the root user included.
    https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateAccessKey.html"""
    key = h.call("CreateAccessKey")["AccessKey"]
    assert "UserName" not in key and key["AccessKeyId"].startswith("AKIA")
    listed = h.call("ListAccessKeys")["AccessKeyMetadata"]
    assert [k["AccessKeyId"] for k in listed] == [key["AccessKeyId"]]
    assert h.call("ListAccessKeys", {"UserName": "bob"})["AccessKeyMetadata"] == []
    with pytest.raises(NoSuchEntity):
        h.call("DeleteAccessKey", {"UserName": "bob", "AccessKeyId": key["AccessKeyId"]})
    h.call("UpdateAccessKey", {"AccessKeyId": key["AccessKeyId"], "Status": "Inactive"})
    h.call("DeleteAccessKey", {"AccessKeyId": key["AccessKeyId"]})
    assert h.call("ListAccessKeys")["AccessKeyMetadata"] == []
