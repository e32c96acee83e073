"""Console passwords: CreateLoginProfile, GetLoginProfile, UpdateLoginProfile, DeleteLoginProfile.

https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateLoginProfile.html and siblings.
Passwords are checked against the account password policy (strength and reuse, see
`password_lifecycle`), hashed with argon2id and never echoed: no result carries the password or
its hash. Setting a password restarts its maximum age.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from warden.errors import EntityAlreadyExists, NoSuchEntity, ValidationError
from warden.model import LoginProfile, User
from warden.services.call import Call
from warden.services.caller import CallerKind
from warden.services.iam.common import NON_USER_CREDENTIALS, no_such_entity
from warden.services.iam.password_lifecycle import new_password_hash
from warden.store import AlreadyExists, NotFound

__all__ = ["HANDLERS", "login_profile_to_wire", "no_such_profile"]


def login_profile_to_wire(profile: LoginProfile) -> dict[str, Any]:
    return {
        "UserName": profile.user_name,
        "CreateDate": profile.create_date,
        "PasswordResetRequired": profile.password_reset_required,
    }


def no_such_profile(name: str) -> NoSuchEntity:
    return NoSuchEntity(f"Login Profile for User {name} cannot be found.")


def _authorized_user(call: Call, action: str, params: Mapping[str, Any]) -> User:
    """The target user (`UserName`, or the calling user), authorized before it must exist."""
    name = params.get("UserName")
    if name is None:
        if call.caller.kind is not CallerKind.USER or not call.caller.name:
            raise ValidationError(NON_USER_CREDENTIALS)
        name = call.caller.name
    user = call.tx.get_user(call.account_id, name)
    resource = user.arn if user else call.iam_arn("user", "/", name)
    call.authorize(action, resource, resource_tags=user.tags if user else ())
    if user is None:
        raise no_such_entity("user", name)
    return user


def _hash_checked(call: Call, user: User, password: str) -> str:
    return new_password_hash(call.tx, call.services.passwords, call.account_id, user.name, password, call.now)


def create_login_profile(call: Call, params: dict[str, Any]) -> Mapping[str, Any]:
    user = _authorized_user(call, "iam:CreateLoginProfile", params)
    password = params.get("Password")
    if password is None:
        # Only AssumeRoot sessions may omit it, and warden issues none.
        raise ValidationError("Password must be specified for CreateLoginProfile.")
    if call.tx.get_login_profile(call.account_id, user.name) is not None:
        raise EntityAlreadyExists(f"Login Profile for user {user.name} already exists.")
    profile = LoginProfile(
        user_name=user.name,
        password_hash=_hash_checked(call, user, password),
        create_date=call.now,
        password_reset_required=bool(params.get("PasswordResetRequired", False)),
        password_set_date=call.now,
    )
    try:
        call.tx.create_login_profile(call.account_id, profile)
    except AlreadyExists:
        raise EntityAlreadyExists(f"Login Profile for user {user.name} already exists.") from None
    except NotFound:
        raise no_such_entity("user", user.name) from None
    return {"LoginProfile": login_profile_to_wire(profile)}


def get_login_profile(call: Call, params: dict[str, Any]) -> Mapping[str, Any]:
    user = _authorized_user(call, "iam:GetLoginProfile", params)
    profile = call.tx.get_login_profile(call.account_id, user.name)
    if profile is None:
        raise no_such_profile(user.name)
    return {"LoginProfile": login_profile_to_wire(profile)}


def update_login_profile(call: Call, params: dict[str, Any]) -> Mapping[str, Any]:
    user = _authorized_user(call, "iam:UpdateLoginProfile", params)
    profile = call.tx.get_login_profile(call.account_id, user.name)
    if profile is None:
        raise no_such_profile(user.name)
    password = params.get("Password")
    reset = params.get("PasswordResetRequired")
    updated = dataclasses.replace(
        profile,
        password_reset_required=profile.password_reset_required if reset is None else bool(reset),
    )
    if password is not None:
        # An administrator's reset also lifts a hard expiry: the new password starts a new age.
        updated = dataclasses.replace(
            updated, password_hash=_hash_checked(call, user, password), password_set_date=call.now
        )
    try:
        call.tx.update_login_profile(call.account_id, updated)
        if password is not None:
            call.tx.record_signin_result(call.account_id, user.name, 0, None)  # a reset unlocks
    except NotFound:
        raise no_such_profile(user.name) from None
    return {}


def delete_login_profile(call: Call, params: dict[str, Any]) -> Mapping[str, Any]:
    user = _authorized_user(call, "iam:DeleteLoginProfile", params)
    try:
        call.tx.delete_login_profile(call.account_id, user.name)
    except NotFound:
        raise no_such_profile(user.name) from None
    return {}


HANDLERS = {
    "CreateLoginProfile": create_login_profile,
    "GetLoginProfile": get_login_profile,
    "UpdateLoginProfile": update_login_profile,
    "DeleteLoginProfile": delete_login_profile,
}
