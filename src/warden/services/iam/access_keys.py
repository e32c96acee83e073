"""Access keys of IAM users: CreateAccessKey, ListAccessKeys, UpdateAccessKey, DeleteAccessKey,
GetAccessKeyLastUsed.

https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateAccessKey.html and siblings.
The secret is sealed under the master key before it reaches the store and is returned in the
clear exactly once, by CreateAccessKey; no other operation can read it back.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from warden.auth.keys import new_access_key
from warden.errors import InvalidInput, LimitExceeded, NoSuchEntity, ServiceFailure, ValidationError
from warden.model import AccessKey, AccessKeyStatus, User
from warden.services.call import Call
from warden.services.caller import CallerKind
from warden.services.iam.common import NON_USER_CREDENTIALS, no_such_entity
from warden.services.iam.pages import marker_errors, page_args, page_to_wire
from warden.store import AlreadyExists, NotFound

__all__ = ["HANDLERS", "MAX_ACCESS_KEYS_PER_USER", "key_metadata_to_wire"]

MAX_ACCESS_KEYS_PER_USER = 2
"""https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html"""


@dataclass(frozen=True, slots=True)
class _Target:
    """Whose keys a call is about: a user (found or not), or the root user (`name` None)."""

    name: str | None
    arn: str
    user: User | None


def _target_user(call: Call, params: Mapping[str, Any]) -> _Target:
    """`UserName`, or without it the caller: AWS infers the user (or the root user) from the
    signing key. https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateAccessKey.html"""
    name = params.get("UserName")
    if name is None:
        if call.caller.kind is CallerKind.ROOT:
            return _Target(name=None, arn=call.caller.arn, user=None)
        if call.caller.kind is not CallerKind.USER or not call.caller.name:
            raise ValidationError(NON_USER_CREDENTIALS)
        name = call.caller.name
    user = call.tx.get_user(call.account_id, name)
    return _Target(name=name, arn=user.arn if user else call.iam_arn("user", "/", name), user=user)


def _authorize(call: Call, action: str, target: _Target) -> str | None:
    """Authorize on the owner's ARN, then insist a named user exists (AWS's order).
    Returns the owner's user name, or None for the root user's own keys."""
    call.authorize(action, target.arn, resource_tags=target.user.tags if target.user else ())
    if target.name is None:
        return None
    if target.user is None:
        raise no_such_entity("user", target.name)
    return target.user.name


def _no_such_key(access_key_id: str) -> NoSuchEntity:
    return NoSuchEntity(f"The Access Key with id {access_key_id} cannot be found.")


def _key_of(call: Call, owner: str | None, access_key_id: str) -> AccessKey:
    """The key if it belongs to `owner` (None: the root user); anyone else's is not found."""
    key = call.tx.get_access_key(access_key_id)
    if key is None or key.account_id != call.account_id:
        raise _no_such_key(access_key_id)
    same_owner = (
        key.user_name is None and owner is None
        or (key.user_name is not None and owner is not None and key.user_name.lower() == owner.lower())
    )
    if not same_owner:
        raise _no_such_key(access_key_id)
    return key


def key_metadata_to_wire(key: AccessKey) -> dict[str, Any]:
    wire: dict[str, Any] = {
        "AccessKeyId": key.access_key_id,
        "Status": key.status.value,
        "CreateDate": key.create_date,
    }
    if key.user_name is not None:
        wire["UserName"] = key.user_name
    return wire


def create_access_key(call: Call, params: dict[str, Any]) -> Mapping[str, Any]:
    owner = _authorize(call, "iam:CreateAccessKey", _target_user(call, params))
    if call.tx.count_access_keys(call.account_id, owner) >= MAX_ACCESS_KEYS_PER_USER:
        raise LimitExceeded(f"Cannot exceed quota for AccessKeysPerUser: {MAX_ACCESS_KEYS_PER_USER}")
    pair = new_access_key(call.services.ids)
    sealed: str = call.services.secrets.seal(pair.secret_access_key, record=pair.access_key_id)
    key = AccessKey(
        access_key_id=pair.access_key_id,
        account_id=call.account_id,
        user_name=owner,
        status=AccessKeyStatus.ACTIVE,
        create_date=call.now,
        secret_ciphertext=sealed.encode("ascii"),
    )
    try:
        call.tx.create_access_key(key)
    except NotFound:
        raise no_such_entity("user", owner or "") from None
    except AlreadyExists:
        # 20 characters of fresh randomness collided: refuse rather than overwrite.
        raise ServiceFailure("Could not allocate a unique access key id; retry the request.") from None
    wire = key_metadata_to_wire(key)
    wire["SecretAccessKey"] = pair.secret_access_key
    return {"AccessKey": wire}


def list_access_keys(call: Call, params: dict[str, Any]) -> Mapping[str, Any]:
    owner = _authorize(call, "iam:ListAccessKeys", _target_user(call, params))
    marker, max_items = page_args(params)
    with marker_errors():
        page = call.tx.list_access_keys(call.account_id, owner, marker=marker, max_items=max_items)
    return page_to_wire(page, "AccessKeyMetadata", key_metadata_to_wire)


def _settable_status(value: str) -> AccessKeyStatus:
    """UpdateAccessKey switches a key between Active and Inactive only. The model's statusType
    also lists `Expired`, which no caller can assign: AWS lists InvalidInput among the errors.
    https://docs.aws.amazon.com/IAM/latest/APIReference/API_UpdateAccessKey.html"""
    try:
        return AccessKeyStatus(value)
    except ValueError:
        raise InvalidInput(
            f"Invalid input: Status {value} cannot be assigned to an access key; use Active or Inactive."
        ) from None


def update_access_key(call: Call, params: dict[str, Any]) -> Mapping[str, Any]:
    owner = _authorize(call, "iam:UpdateAccessKey", _target_user(call, params))
    key = _key_of(call, owner, params["AccessKeyId"])
    status = _settable_status(params["Status"])
    if key.status is not status:
        try:
            call.tx.set_access_key_status(call.account_id, key.access_key_id, status)
        except NotFound:
            raise _no_such_key(key.access_key_id) from None
    return {}


def delete_access_key(call: Call, params: dict[str, Any]) -> Mapping[str, Any]:
    owner = _authorize(call, "iam:DeleteAccessKey", _target_user(call, params))
    key = _key_of(call, owner, params["AccessKeyId"])
    try:
        call.tx.delete_access_key(call.account_id, key.access_key_id)
    except NotFound:
        raise _no_such_key(key.access_key_id) from None
    return {}


def get_access_key_last_used(call: Call, params: dict[str, Any]) -> Mapping[str, Any]:
    access_key_id = params["AccessKeyId"]
    key = call.tx.get_access_key(access_key_id)
    if key is not None and key.account_id != call.account_id:
        key = None  # another account's key: as good as absent, and never revealed
    user = call.tx.get_user(call.account_id, key.user_name) if key and key.user_name else None
    # The action's resource is the key's user; an unknown key has none, so the users' prefix.
    resource = user.arn if user else call.iam_arn("user", "/", "")
    call.authorize("iam:GetAccessKeyLastUsed", resource, resource_tags=user.tags if user else ())
    if key is None or user is None:
        raise _no_such_key(access_key_id)
    last_used: dict[str, Any] = {
        "ServiceName": key.last_used_service or "N/A",
        "Region": key.last_used_region or "N/A",
    }
    if key.last_used_date is not None:
        last_used["LastUsedDate"] = key.last_used_date
    return {"UserName": user.name, "AccessKeyLastUsed": last_used}


HANDLERS = {
    "CreateAccessKey": create_access_key,
    "ListAccessKeys": list_access_keys,
    "UpdateAccessKey": update_access_key,
    "DeleteAccessKey": delete_access_key,
    "GetAccessKeyLastUsed": get_access_key_last_used,
}
