"""A console password over time: reuse prevention, maximum age and hard expiry.

https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_passwords_account-policy.html
`PasswordReusePrevention` (1-24) forbids the user's last N passwords; the current password
counts as the most recent one. `MaxPasswordAge` makes a password expire N days after it was
set: the user must choose a new one at the next sign-in, unless `HardExpiry` is set, in
which case only an administrator (UpdateLoginProfile) can give them a new password.

The history keeps argon2 hashes only; a candidate is compared with each by argon2's own
verification, so no password is ever stored or compared in the clear.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from warden.auth.passwords import InvalidPasswordHash, PasswordHasher, PasswordMismatch
from warden.errors import PasswordPolicyViolation
from warden.model import LoginProfile, PasswordPolicy
from warden.services.iam.password_check import check_password

if TYPE_CHECKING:
    from warden.store import Transaction

__all__ = [
    "HISTORY_LIMIT",
    "expires_at",
    "is_expired",
    "is_hard_expired",
    "new_password_hash",
    "reuse_message",
]

HISTORY_LIMIT = 24
"""AWS's largest `PasswordReusePrevention`: no more hashes than this are ever needed."""


def reuse_message(count: int) -> str:
    return f"Password should not be one of your last {count} passwords"


def expires_at(profile: LoginProfile, policy: PasswordPolicy | None) -> datetime | None:
    """When the current password expires; None when the policy sets no maximum age."""
    if policy is None or not policy.max_password_age:
        return None
    return profile.password_changed + timedelta(days=policy.max_password_age)


def is_expired(profile: LoginProfile, policy: PasswordPolicy | None, now: datetime) -> bool:
    deadline = expires_at(profile, policy)
    return deadline is not None and now >= deadline


def is_hard_expired(profile: LoginProfile, policy: PasswordPolicy | None, now: datetime) -> bool:
    """Expired under a policy whose HardExpiry keeps the user from setting a new password."""
    return policy is not None and policy.hard_expiry and is_expired(profile, policy, now)


def _reject_reuse(password: str, hashes: list[str], hasher: PasswordHasher, count: int) -> None:
    for stored in hashes:
        try:
            hasher.verify(stored, password)
        except (PasswordMismatch, InvalidPasswordHash):
            continue
        raise PasswordPolicyViolation(reuse_message(count))


def new_password_hash(
    tx: Transaction,
    hasher: PasswordHasher,
    account_id: str,
    user_name: str,
    password: str,
    now: datetime,
) -> str:
    """Check `password` against the account's policy (strength and reuse), remember it in the
    user's history, and return its hash for the login profile. Raises PasswordPolicyViolation."""
    policy = tx.get_password_policy(account_id)
    check_password(password, policy)
    if policy is not None and policy.password_reuse_prevention:
        count = policy.password_reuse_prevention
        _reject_reuse(password, tx.list_password_history(account_id, user_name, count), hasher, count)
    hashed = hasher.hash(password)
    tx.add_password_history(account_id, user_name, now, hashed)
    tx.trim_password_history(account_id, user_name, HISTORY_LIMIT)
    return hashed
