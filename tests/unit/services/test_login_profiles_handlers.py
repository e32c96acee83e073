"""Login profiles (console passwords) through the in-process harness.

https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateLoginProfile.html and siblings.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from identity_grants import allow, denial, grant, identity_harness

from harness import ACCOUNT_ID, Harness
from warden.auth.passwords import PasswordMismatch
from warden.errors import (
    AccessDenied,
    EntityAlreadyExists,
    NoSuchEntity,
    PasswordPolicyViolation,
    ValidationError,
)
from warden.model import PasswordPolicy
from warden.services.iam.password_check import check_password

USER_ARN = f"arn:aws:iam::{ACCOUNT_ID}:user"
GOOD = "Corr3ct-Horse"


@pytest.fixture
def h(tmp_path: Path) -> Harness:
    harness = identity_harness(tmp_path)
    harness.call("CreateUser", {"UserName": "bob", "Tags": [{"Key": "team", "Value": "eng"}]})
    return harness


def _stored_hash(h: Harness, user: str) -> str:
    with h.store.transaction(readonly=True) as tx:
        profile = tx.get_login_profile(h.account_id, user)
    assert profile is not None
    return profile.password_hash


def test_create_get_update_delete(h: Harness) -> None:
    """https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateLoginProfile.html"""
    created = h.call(
        "CreateLoginProfile", {"UserName": "BOB", "Password": GOOD, "PasswordResetRequired": True}
    )
    assert created == {
        "LoginProfile": {"UserName": "bob", "CreateDate": h.now, "PasswordResetRequired": True}
    }
    assert GOOD not in repr(created)
    stored = _stored_hash(h, "bob")
    assert stored.startswith("$argon2id$") and GOOD not in stored
    h.env.passwords.verify(stored, GOOD)
    assert h.call("GetLoginProfile", {"UserName": "bob"})["LoginProfile"]["PasswordResetRequired"] is True
    h.call("UpdateLoginProfile", {"UserName": "bob", "PasswordResetRequired": False})
    assert h.call("GetLoginProfile", {"UserName": "bob"})["LoginProfile"]["PasswordResetRequired"] is False
    assert _stored_hash(h, "bob") == stored  # no new password: the hash is kept
    h.call("UpdateLoginProfile", {"UserName": "bob", "Password": "N3w-Password"})
    h.env.passwords.verify(_stored_hash(h, "bob"), "N3w-Password")
    with pytest.raises(PasswordMismatch):
        h.env.passwords.verify(_stored_hash(h, "bob"), GOOD)
    h.call("DeleteLoginProfile", {"UserName": "bob"})
    with pytest.raises(NoSuchEntity, match="^Login Profile for User bob cannot be found.$"):
        h.call("GetLoginProfile", {"UserName": "bob"})


def test_errors(h: Harness) -> None:
    h.call("CreateLoginProfile", {"UserName": "bob", "Password": GOOD})
    with pytest.raises(EntityAlreadyExists, match="^Login Profile for user bob already exists.$"):
        h.call("CreateLoginProfile", {"UserName": "bob", "Password": GOOD})
    with pytest.raises(NoSuchEntity, match="^The user with name ghost cannot be found.$"):
        h.call("CreateLoginProfile", {"UserName": "ghost", "Password": GOOD})
    h.call("CreateUser", {"UserName": "carol"})
    for operation, params in (
        ("UpdateLoginProfile", {"UserName": "carol", "Password": GOOD}),
        ("DeleteLoginProfile", {"UserName": "carol"}),
        ("GetLoginProfile", {"UserName": "carol"}),
    ):
        with pytest.raises(NoSuchEntity, match="^Login Profile for User carol cannot be found.$"):
            h.call(operation, params)
    with pytest.raises(ValidationError):
        h.call("CreateLoginProfile", {"UserName": "carol"})


def test_default_policy_is_enforced_without_an_account_policy(h: Harness) -> None:
    """https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_passwords_account-policy.html"""
    with pytest.raises(PasswordPolicyViolation, match="^Password should have a minimum length of 8$"):
        h.call("CreateLoginProfile", {"UserName": "bob", "Password": "Ab1!"})
    with pytest.raises(PasswordPolicyViolation) as violation:
        h.call("CreateLoginProfile", {"UserName": "bob", "Password": "alllowercase1"})
    assert violation.value.message == (
        "Password should meet 1 more of the following requirements: "
        "Password should have at least one uppercase letter, Password should have at least one symbol"
    )
    assert "alllowercase1" not in violation.value.message
    h.call("CreateLoginProfile", {"UserName": "bob", "Password": "Lower-and-upper"})


def test_account_password_policy_is_enforced(h: Harness) -> None:
    """https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_passwords_account-policy.html"""
    policy = PasswordPolicy(minimum_password_length=14, require_numbers=True, require_symbols=True)
    with h.store.transaction() as tx:
        tx.put_password_policy(h.account_id, policy)
    with pytest.raises(PasswordPolicyViolation) as violation:
        h.call("CreateLoginProfile", {"UserName": "bob", "Password": "short"})
    assert violation.value.message == (
        "Password should have a minimum length of 14, Password should have at least one number, "
        "Password should have at least one symbol"
    )
    h.call("CreateLoginProfile", {"UserName": "bob", "Password": "longenough-123"})
    with pytest.raises(PasswordPolicyViolation, match="^Password should have at least one number$"):
        h.call("UpdateLoginProfile", {"UserName": "bob", "Password": "longenough-abc"})


@pytest.mark.parametrize(
    ("password", "policy", "ok"),
    [
        ("abcdefgh", PasswordPolicy(minimum_password_length=6), True),
        ("ABCDEFGH", PasswordPolicy(require_lowercase_characters=True), False),
        ("abcdefgh", PasswordPolicy(require_uppercase_characters=True), False),
        ("abc'defgh", PasswordPolicy(require_symbols=True), True),
        ("abc~defgh", PasswordPolicy(require_symbols=True), False),  # ~ is not one of IAM's symbols
        ("Abcdefg1", None, True),
        ("abcdefg1", None, False),
    ],
)
def test_character_classes(password: str, policy: PasswordPolicy | None, ok: bool) -> None:
    """https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_passwords_account-policy.html"""
    if ok:
        check_password(password, policy)
    else:
        with pytest.raises(PasswordPolicyViolation):
            check_password(password, policy)


def test_a_user_manages_their_own_profile_without_user_name(h: Harness) -> None:
    grant(h, "bob", allow("iam:*LoginProfile", "arn:aws:iam::*:user/${aws:username}"))
    bob = h.user_caller("bob")
    h.call("CreateLoginProfile", {"Password": GOOD}, caller=bob)
    assert h.call("GetLoginProfile", caller=bob)["LoginProfile"]["UserName"] == "bob"
    h.call("DeleteLoginProfile", caller=bob)
    with pytest.raises(
        ValidationError, match="^Must specify userName when calling with non-User credentials$"
    ):
        h.call("GetLoginProfile")  # as root


def test_a_user_without_policies_is_denied(h: Harness) -> None:
    """https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html"""
    h.call("CreateUser", {"UserName": "alice"})
    alice = h.user_caller("alice")
    bob_arn = f"{USER_ARN}/bob"
    for operation, params in (
        ("CreateLoginProfile", {"UserName": "bob", "Password": GOOD}),
        ("GetLoginProfile", {"UserName": "bob"}),
        ("UpdateLoginProfile", {"UserName": "bob", "Password": GOOD}),
        ("DeleteLoginProfile", {"UserName": "bob"}),
    ):
        with pytest.raises(AccessDenied) as denied:
            h.call(operation, params, caller=alice)
        assert denied.value.message == denial(f"{USER_ARN}/alice", f"iam:{operation}", bob_arn)


def test_resource_tag_conditions_are_honoured(h: Harness) -> None:
    """https://docs.aws.amazon.com/IAM/latest/UserGuide/access_iam-tags.html"""
    h.call("CreateUser", {"UserName": "alice"})
    h.call("CreateUser", {"UserName": "olga", "Tags": [{"Key": "team", "Value": "ops"}]})
    grant(h, "alice", allow("iam:CreateLoginProfile", "*", {"StringEquals": {"aws:ResourceTag/team": "eng"}}))
    alice = h.user_caller("alice")
    h.call("CreateLoginProfile", {"UserName": "bob", "Password": GOOD}, caller=alice)
    with pytest.raises(AccessDenied):
        h.call("CreateLoginProfile", {"UserName": "olga", "Password": GOOD}, caller=alice)
