"""ChangePassword: an IAM user changes their own console password.

https://docs.aws.amazon.com/IAM/latest/APIReference/API_ChangePassword.html
https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_passwords_enable-user-change.html

Only IAM users may call it (root and role sessions get InvalidUserType). The user needs
`iam:ChangePassword` on their own ARN: from their policies (for example the AWS managed
IAMUserChangePassword), or, when the account password policy has AllowUsersToChangePassword,
from the account itself. That grant is given to the engine as a resource policy naming the
user, so an explicit deny in the user's policies still wins.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from warden.auth.passwords import PasswordMismatch
from warden.errors import AccessDenied, InvalidUserType, NoSuchEntity, PasswordPolicyViolation
from warden.model import LoginProfile, PasswordPolicy, User
from warden.services.call import Call, Services
from warden.services.caller import CallerKind
from warden.services.dispatch import Handler
from warden.services.iam.login_profiles import no_such_profile
from warden.services.iam.password_lifecycle import (
    NewPassword,
    hash_new_password,
    is_hard_expired,
    read_new_password,
    remember_password,
)
from warden.services.staged import Staged

__all__ = ["HANDLERS", "HARD_EXPIRED_MESSAGE", "WRONG_OLD_PASSWORD_MESSAGE"]

_ACTION = "iam:ChangePassword"
WRONG_OLD_PASSWORD_MESSAGE = "The old password is incorrect."
HARD_EXPIRED_MESSAGE = (
    "The password has expired and the account password policy (HardExpiry) lets only an "
    "administrator set a new one."
)


def _self_service_grant(user: User) -> str:
    """What AllowUsersToChangePassword gives every user: changing their own password."""
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": user.arn},
                    "Action": _ACTION,
                    "Resource": user.arn,
                }
            ],
        }
    )


def _calling_user(call: Call) -> User:
    caller = call.caller
    if caller.kind is not CallerKind.USER or not caller.name:
        raise InvalidUserType("ChangePassword can only be called by an IAM user.")
    user = call.tx.get_user(call.account_id, caller.name)
    if user is None:
        raise NoSuchEntity(f"The user with name {caller.name} cannot be found.")
    return user


@dataclass(frozen=True, slots=True)
class _Change:
    user: User
    profile: LoginProfile
    old_password: str = field(repr=False)
    new: NewPassword


def _prepare(call: Call, params: dict[str, Any]) -> _Change:
    user = _calling_user(call)
    policy: PasswordPolicy | None = call.tx.get_password_policy(call.account_id)
    allowed_by_account = policy is not None and policy.allow_users_to_change_password
    call.authorize(
        _ACTION,
        user.arn,
        resource_tags=user.tags,
        resource_policy=_self_service_grant(user) if allowed_by_account else None,
    )
    profile = call.tx.get_login_profile(call.account_id, user.name)
    if profile is None:
        raise no_such_profile(user.name)
    if is_hard_expired(profile, policy, call.now):
        raise PasswordPolicyViolation(HARD_EXPIRED_MESSAGE)
    new = read_new_password(call.tx, call.account_id, user.name, params["NewPassword"])
    return _Change(user, profile, params["OldPassword"], new)


def _verify_and_hash(services: Services, change: _Change) -> str:
    """The old password first, as AWS does: a wrong one is refused before the new is judged."""
    try:
        services.passwords.verify(change.profile.password_hash, change.old_password)
    except PasswordMismatch:
        raise AccessDenied(WRONG_OLD_PASSWORD_MESSAGE) from None
    return hash_new_password(change.new, services.passwords)


def _write(call: Call, change: _Change, hashed: str) -> Mapping[str, Any]:
    updated = dataclasses.replace(
        change.profile, password_hash=hashed, password_set_date=call.now, password_reset_required=False
    )
    call.tx.update_login_profile(call.account_id, updated)
    remember_password(call.tx, call.account_id, change.user.name, hashed, call.now)
    return {}


HANDLERS: dict[str, Handler] = {"ChangePassword": Staged("ChangePassword", _prepare, _verify_and_hash, _write)}
