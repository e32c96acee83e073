"""Console passwords: CreateLoginProfile, GetLoginProfile, UpdateLoginProfile, DeleteLoginProfile.

https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateLoginProfile.html and siblings.
Passwords are checked against the account password policy (strength and reuse, see
`password_lifecycle`), hashed with argon2id and never echoed: no result carries the password or
its hash. Setting a password restarts its maximum age.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from warden.errors import EntityAlreadyExists, NoSuchEntity, ValidationError
from warden.model import LoginProfile, User
from warden.services.call import Call, Services
from warden.services.caller import CallerKind
from warden.services.dispatch import Handler
from warden.services.iam.common import NON_USER_CREDENTIALS, no_such_entity
from warden.services.iam.password_lifecycle import (
    NewPassword,
    hash_new_password,
    read_new_password,
    remember_password,
)
from warden.services.staged import Staged
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


@dataclass(frozen=True, slots=True)
class _Creation:
    user: User
    new: NewPassword
    reset_required: bool


def _prepare_creation(call: Call, params: dict[str, Any]) -> _Creation:
    user = _authorized_user(call, "iam:CreateLoginProfile", params)
    password = params.get("Password")
    if password is None:
        # Only AssumeRoot sessions may omit it, and warden issues none.
        raise ValidationError("Password must be specified for CreateLoginProfile.")
    if call.tx.get_login_profile(call.account_id, user.name) is not None:
        raise EntityAlreadyExists(f"Login Profile for user {user.name} already exists.")
    new = read_new_password(call.tx, call.account_id, user.name, password)
    return _Creation(user, new, bool(params.get("PasswordResetRequired", False)))


def _hash_creation(services: Services, creation: _Creation) -> str:
    return hash_new_password(creation.new, services.passwords)


def _create(call: Call, creation: _Creation, hashed: str) -> Mapping[str, Any]:
    user = creation.user
    profile = LoginProfile(
        user_name=user.name,
        password_hash=hashed,
        create_date=call.now,
        password_reset_required=creation.reset_required,
        password_set_date=call.now,
    )
    try:
        call.tx.create_login_profile(call.account_id, profile)
    except AlreadyExists:
        raise EntityAlreadyExists(f"Login Profile for user {user.name} already exists.") from None
    except NotFound:
        raise no_such_entity("user", user.name) from None
    remember_password(call.tx, call.account_id, user.name, hashed, call.now)
    return {"LoginProfile": login_profile_to_wire(profile)}


create_login_profile = Staged("CreateLoginProfile", _prepare_creation, _hash_creation, _create)


def get_login_profile(call: Call, params: dict[str, Any]) -> Mapping[str, Any]:
    user = _authorized_user(call, "iam:GetLoginProfile", params)
    profile = call.tx.get_login_profile(call.account_id, user.name)
    if profile is None:
        raise no_such_profile(user.name)
    return {"LoginProfile": login_profile_to_wire(profile)}


@dataclass(frozen=True, slots=True)
class _Update:
    user: User
    profile: LoginProfile
    new: NewPassword | None
    reset_required: bool | None


def _prepare_update(call: Call, params: dict[str, Any]) -> _Update:
    user = _authorized_user(call, "iam:UpdateLoginProfile", params)
    profile = call.tx.get_login_profile(call.account_id, user.name)
    if profile is None:
        raise no_such_profile(user.name)
    password = params.get("Password")
    new = None if password is None else read_new_password(call.tx, call.account_id, user.name, password)
    reset = params.get("PasswordResetRequired")
    return _Update(user, profile, new, None if reset is None else bool(reset))


def _hash_update(services: Services, update: _Update) -> str | None:
    return None if update.new is None else hash_new_password(update.new, services.passwords)


def _update(call: Call, update: _Update, hashed: str | None) -> Mapping[str, Any]:
    user, profile, reset = update.user, update.profile, update.reset_required
    updated = dataclasses.replace(
        profile, password_reset_required=profile.password_reset_required if reset is None else reset
    )
    if hashed is not None:
        # An administrator's reset also lifts a hard expiry: the new password starts a new age.
        updated = dataclasses.replace(updated, password_hash=hashed, password_set_date=call.now)
    try:
        call.tx.update_login_profile(call.account_id, updated)
        if hashed is not None:
            call.tx.record_signin_result(call.account_id, user.name, 0, None)  # a reset unlocks
    except NotFound:
        raise no_such_profile(user.name) from None
    if hashed is not None:
        remember_password(call.tx, call.account_id, user.name, hashed, call.now)
    return {}


update_login_profile = Staged("UpdateLoginProfile", _prepare_update, _hash_update, _update)


def delete_login_profile(call: Call, params: dict[str, Any]) -> Mapping[str, Any]:
    user = _authorized_user(call, "iam:DeleteLoginProfile", params)
    try:
        call.tx.delete_login_profile(call.account_id, user.name)
    except NotFound:
        raise no_such_profile(user.name) from None
    return {}


HANDLERS: dict[str, Handler] = {
    "CreateLoginProfile": create_login_profile,
    "GetLoginProfile": get_login_profile,
    "UpdateLoginProfile": update_login_profile,
    "DeleteLoginProfile": delete_login_profile,
}
