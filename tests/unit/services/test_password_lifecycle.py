"""Password reuse prevention, maximum age and hard expiry, and ChangePassword, in-process.

https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_passwords_account-policy.html
https://docs.aws.amazon.com/IAM/latest/APIReference/API_ChangePassword.html
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from identity_grants import allow, denial, grant, identity_harness

from harness import ACCOUNT_ID, Harness
from warden.errors import AccessDenied, InvalidUserType, NoSuchEntity, PasswordPolicyViolation
from warden.model import LoginProfile, PasswordPolicy
from warden.services.iam import account_settings, change_password
from warden.services.iam.change_password import HARD_EXPIRED_MESSAGE, WRONG_OLD_PASSWORD_MESSAGE
from warden.services.iam.password_lifecycle import (
    HISTORY_LIMIT,
    expires_at,
    is_expired,
    is_hard_expired,
    reuse_message,
)

BOB_ARN = f"arn:aws:iam::{ACCOUNT_ID}:user/bob"
FIRST, SECOND, THIRD = "Corr3ct-Horse", "Batt3ry-Staple", "Tr0ub4dor-And-3"


@pytest.fixture
def h(tmp_path: Path) -> Harness:
    harness = identity_harness(tmp_path)
    harness.handlers["iam"] = {
        **harness.handlers["iam"],
        **account_settings.HANDLERS,
        **change_password.HANDLERS,
    }
    harness.call("CreateUser", {"UserName": "bob"})
    harness.call("CreateLoginProfile", {"UserName": "bob", "Password": FIRST})
    return harness


def _policy(h: Harness, **settings: object) -> None:
    h.call("UpdateAccountPasswordPolicy", {"MinimumPasswordLength": 8, **settings})


def _profile(h: Harness) -> LoginProfile:
    with h.store.transaction(readonly=True) as tx:
        profile = tx.get_login_profile(h.account_id, "bob")
    assert profile is not None
    return profile


def _change(h: Harness, old: str, new: str) -> None:
    h.call("ChangePassword", {"OldPassword": old, "NewPassword": new}, caller=h.user_caller("bob"))


def test_update_login_profile_refuses_a_recent_password(h: Harness) -> None:
    """https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_passwords_account-policy.html"""
    _policy(h, PasswordReusePrevention=2)
    with pytest.raises(PasswordPolicyViolation, match=reuse_message(2)):
        h.call("UpdateLoginProfile", {"UserName": "bob", "Password": FIRST})
    h.call("UpdateLoginProfile", {"UserName": "bob", "Password": SECOND})
    with pytest.raises(PasswordPolicyViolation, match=reuse_message(2)):
        h.call("UpdateLoginProfile", {"UserName": "bob", "Password": FIRST})
    h.call("UpdateLoginProfile", {"UserName": "bob", "Password": THIRD})
    # FIRST is now the third most recent: allowed again under N=2.
    h.call("UpdateLoginProfile", {"UserName": "bob", "Password": FIRST})
    h.env.passwords.verify(_profile(h).password_hash, FIRST)


def test_without_reuse_prevention_a_password_may_be_set_again(h: Harness) -> None:
    """https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_passwords_account-policy.html"""
    _policy(h)
    h.call("UpdateLoginProfile", {"UserName": "bob", "Password": FIRST})


def test_history_is_capped_and_forgotten_with_the_profile(h: Harness) -> None:
    """AWS remembers at most 24 passwords (PasswordReusePrevention 1-24).
    https://docs.aws.amazon.com/IAM/latest/APIReference/API_UpdateAccountPasswordPolicy.html"""
    for n in range(HISTORY_LIMIT + 2):
        h.now += timedelta(seconds=1)
        h.call("UpdateLoginProfile", {"UserName": "bob", "Password": f"Passw0rd-{n}"})
    with h.store.transaction(readonly=True) as tx:
        assert len(tx.list_password_history(h.account_id, "bob", 100)) == HISTORY_LIMIT
    h.call("DeleteLoginProfile", {"UserName": "bob"})
    h.call("CreateLoginProfile", {"UserName": "bob", "Password": FIRST})
    with h.store.transaction(readonly=True) as tx:
        assert len(tx.list_password_history(h.account_id, "bob", 100)) == 1
    h.call("DeleteLoginProfile", {"UserName": "bob"})
    h.call("DeleteUser", {"UserName": "bob"})  # the history does not block deleting the user


def test_max_age_counts_from_the_last_time_the_password_was_set(h: Harness) -> None:
    """MaxPasswordAge: days a password stays valid after it was set.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_passwords_account-policy.html"""
    policy = PasswordPolicy(max_password_age=30)
    created = _profile(h)
    assert created.password_set_date == h.now
    assert expires_at(created, policy) == h.now + timedelta(days=30)
    assert expires_at(created, None) is None
    assert not is_expired(created, policy, h.now + timedelta(days=29, hours=23))
    assert is_expired(created, policy, h.now + timedelta(days=30))
    assert not is_hard_expired(created, policy, h.now + timedelta(days=31))
    assert is_hard_expired(
        created, PasswordPolicy(max_password_age=30, hard_expiry=True), h.now + timedelta(days=31)
    )
    h.now += timedelta(days=20)
    h.call("UpdateLoginProfile", {"UserName": "bob", "Password": SECOND})
    assert not is_expired(_profile(h), policy, h.now + timedelta(days=29))


def test_change_password_with_account_policy_allowing_it(h: Harness) -> None:
    """AllowUsersToChangePassword lets every IAM user change their own password.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_passwords_enable-user-change.html"""
    _policy(h, AllowUsersToChangePassword=True)
    h.call("UpdateLoginProfile", {"UserName": "bob", "PasswordResetRequired": True})
    h.now += timedelta(hours=1)
    _change(h, FIRST, SECOND)
    profile = _profile(h)
    h.env.passwords.verify(profile.password_hash, SECOND)
    assert profile.password_set_date == h.now
    assert profile.password_reset_required is False


def test_change_password_needs_permission_without_the_account_setting(h: Harness) -> None:
    """https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_passwords_enable-user-change.html"""
    with pytest.raises(AccessDenied, match=denial(BOB_ARN, "iam:ChangePassword", BOB_ARN)):
        _change(h, FIRST, SECOND)
    grant(h, "bob", allow("iam:ChangePassword", "arn:aws:iam::*:user/${aws:username}"))
    _change(h, FIRST, SECOND)


def test_an_explicit_deny_beats_allow_users_to_change_password(h: Harness) -> None:
    """https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html"""
    _policy(h, AllowUsersToChangePassword=True)
    grant(h, "bob", {"Effect": "Deny", "Action": "iam:ChangePassword", "Resource": "*"})
    with pytest.raises(AccessDenied, match="explicit deny"):
        _change(h, FIRST, SECOND)


def test_change_password_checks_the_old_password_and_the_policy(h: Harness) -> None:
    """https://docs.aws.amazon.com/IAM/latest/APIReference/API_ChangePassword.html"""
    _policy(h, AllowUsersToChangePassword=True, PasswordReusePrevention=1, RequireSymbols=True)
    with pytest.raises(AccessDenied, match=re.escape(WRONG_OLD_PASSWORD_MESSAGE)):
        _change(h, "Not-The-Password1", SECOND)
    with pytest.raises(PasswordPolicyViolation, match=reuse_message(1)):
        _change(h, FIRST, FIRST)
    with pytest.raises(PasswordPolicyViolation, match="Password should have at least one symbol"):
        _change(h, FIRST, "NoSymbols123")
    h.env.passwords.verify(_profile(h).password_hash, FIRST)


def test_change_password_is_for_iam_users_with_a_login_profile(h: Harness) -> None:
    """Root gets InvalidUserType (AWS CLI reference, change-password); a user without a
    password gets NoSuchEntity. https://docs.aws.amazon.com/cli/latest/reference/iam/change-password.html"""
    _policy(h, AllowUsersToChangePassword=True)
    with pytest.raises(InvalidUserType):
        h.call("ChangePassword", {"OldPassword": FIRST, "NewPassword": SECOND})
    h.call("CreateUser", {"UserName": "alice"})
    with pytest.raises(NoSuchEntity, match="Login Profile for User alice cannot be found."):
        h.call("ChangePassword", {"OldPassword": FIRST, "NewPassword": SECOND}, caller=h.user_caller("alice"))


def test_hard_expiry_leaves_the_reset_to_an_administrator(h: Harness) -> None:
    """HardExpiry: after expiry only an administrator can set a new password.
    https://docs.aws.amazon.com/IAM/latest/APIReference/API_UpdateAccountPasswordPolicy.html"""
    _policy(h, AllowUsersToChangePassword=True, MaxPasswordAge=10, HardExpiry=True)
    h.now += timedelta(days=11)
    with pytest.raises(PasswordPolicyViolation, match=re.escape(HARD_EXPIRED_MESSAGE)):
        _change(h, FIRST, SECOND)
    h.call("UpdateLoginProfile", {"UserName": "bob", "Password": SECOND})
    _change(h, SECOND, THIRD)


def test_expired_without_hard_expiry_the_user_may_change_it(h: Harness) -> None:
    """https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_passwords_account-policy.html"""
    _policy(h, AllowUsersToChangePassword=True, MaxPasswordAge=10)
    h.now += timedelta(days=11)
    _change(h, FIRST, SECOND)
