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

from dataclasses import dataclass, field
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
    "NewPassword",
    "expires_at",
    "hash_new_password",
    "is_expired",
    "is_hard_expired",
    "new_password_hash",
    "read_new_password",
    "remember_password",
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


def _reject_reuse(password: str, hashes: tuple[str, ...], hasher: PasswordHasher, count: int) -> None:
    for stored in hashes:
        try:
            hasher.verify(stored, password)
        except (PasswordMismatch, InvalidPasswordHash):
            continue
        raise PasswordPolicyViolation(reuse_message(count))


@dataclass(frozen=True, slots=True)
class NewPassword:
    """A password to set and everything checking it depends on, read in a transaction so that
    the argon2 work (`hash_new_password`) can run with none open. Compared with `==` to tell
    whether the store still holds what was read."""

    password: str = field(repr=False)
    policy: PasswordPolicy | None
    history: tuple[str, ...]
    """The hashes of the last `PasswordReusePrevention` passwords, newest first."""


def read_new_password(tx: Transaction, account_id: str, user_name: str, password: str) -> NewPassword:
    policy = tx.get_password_policy(account_id)
    count = policy.password_reuse_prevention if policy is not None else None
    history = tuple(tx.list_password_history(account_id, user_name, count)) if count else ()
    return NewPassword(password=password, policy=policy, history=history)


def hash_new_password(new: NewPassword, hasher: PasswordHasher) -> str:
    """Check the password against the policy (strength, then reuse) and hash it: up to
    `PasswordReusePrevention` + 1 argon2 runs, so never inside a write transaction. Raises
    PasswordPolicyViolation."""
    check_password(new.password, new.policy)
    if new.policy is not None and new.policy.password_reuse_prevention:
        _reject_reuse(new.password, new.history, hasher, new.policy.password_reuse_prevention)
    return hasher.hash(new.password)


def remember_password(tx: Transaction, account_id: str, user_name: str, hashed: str, now: datetime) -> None:
    """Keep the new password's hash in the user's history, for later reuse checks."""
    tx.add_password_history(account_id, user_name, now, hashed)
    tx.trim_password_history(account_id, user_name, HISTORY_LIMIT)


def new_password_hash(
    tx: Transaction,
    hasher: PasswordHasher,
    account_id: str,
    user_name: str,
    password: str,
    now: datetime,
) -> str:
    """Check `password` against the account's policy (strength and reuse), remember it in the
    user's history, and return its hash for the login profile, all in `tx`. Raises
    PasswordPolicyViolation."""
    hashed = hash_new_password(read_new_password(tx, account_id, user_name, password), hasher)
    remember_password(tx, account_id, user_name, hashed, now)
    return hashed
