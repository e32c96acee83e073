"""IAM users: CreateUser, GetUser, ListUsers, UpdateUser, DeleteUser.

https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateUser.html and siblings.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from warden.errors import DeleteConflict, EntityAlreadyExists, LimitExceeded, NoSuchEntity, ValidationError
from warden.model import User
from warden.services.call import Call
from warden.services.caller import CallerKind
from warden.services.iam.common import (
    NON_USER_CREDENTIALS,
    authorize_tagging_on_create,
    no_such_entity,
    request_tag_context,
    tags_from_params,
    tags_to_wire,
)
from warden.services.iam.pages import marker_errors, page_args, page_to_wire
from warden.services.partition_arns import stored_policy_arn
from warden.store import AlreadyExists, ConflictDeleting, Dependent, NotFound

__all__ = ["HANDLERS", "user_to_wire"]

MAX_USERS_PER_ACCOUNT = 5000
_DELETE_CONFLICT_MESSAGES = {
    Dependent.LOGIN_PROFILE: "Cannot delete entity, must delete login profile first.",
    Dependent.ACCESS_KEYS: "Cannot delete entity, must delete access keys first.",
    Dependent.MFA_DEVICES: "Cannot delete entity, must delete MFA device first.",
    Dependent.INLINE_POLICIES: "Cannot delete entity, must delete policies first.",
    Dependent.ATTACHED_POLICIES: "Cannot delete entity, must detach all policies first.",
    Dependent.GROUP_MEMBERSHIPS: "Cannot delete entity, must remove users from group first.",
}


def user_to_wire(user: User, *, with_tags: bool = False, boundary: bool = True) -> dict[str, Any]:
    """The `User` shape. ListUsers and GetGroup's members leave out the permissions boundary
    (`boundary=False`); only GetUser and CreateUser report tags.
    https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListUsers.html"""
    wire: dict[str, Any] = {
        "Path": user.path,
        "UserName": user.name,
        "UserId": user.user_id,
        "Arn": user.arn,
        "CreateDate": user.create_date,
    }
    if user.password_last_used is not None:
        wire["PasswordLastUsed"] = user.password_last_used
    if boundary and user.permissions_boundary_arn:
        wire["PermissionsBoundary"] = {
            "PermissionsBoundaryType": "Policy",
            "PermissionsBoundaryArn": user.permissions_boundary_arn,
        }
    if with_tags and user.tags:
        wire["Tags"] = tags_to_wire(user.tags)
    return wire


def create_user(call: Call, params: dict[str, Any]) -> Mapping[str, Any]:
    name, path = params["UserName"], params.get("Path", "/")
    tags = tags_from_params(params)
    boundary = params.get("PermissionsBoundary")
    stored_boundary = stored_policy_arn(boundary, call.partition) if boundary else None
    context = request_tag_context(tags)
    if boundary:
        context["iam:PermissionsBoundary"] = boundary
    call.authorize("iam:CreateUser", call.iam_arn("user", path, name), context=context)
    authorize_tagging_on_create(call, "User", call.iam_arn("user", path, name), tags)
    if stored_boundary and call.tx.get_policy(call.account_id, stored_boundary) is None:
        raise NoSuchEntity(f"Policy {boundary} does not exist or is not attachable.")
    if call.tx.count_users(call.account_id) >= MAX_USERS_PER_ACCOUNT:
        raise LimitExceeded(f"Cannot exceed quota for UsersPerAccount: {MAX_USERS_PER_ACCOUNT}")
    user = User(
        user_id=call.services.ids.user_id(),
        account_id=call.account_id,
        name=name,
        path=path,
        arn=call.iam_arn("user", path, name),
        create_date=call.now,
        permissions_boundary_arn=stored_boundary,
        tags=tags,
    )
    try:
        call.tx.create_user(user)
    except AlreadyExists:
        raise EntityAlreadyExists(f"User with name {name} already exists.") from None
    return {"User": user_to_wire(user, with_tags=True)}


def get_user(call: Call, params: dict[str, Any]) -> Mapping[str, Any]:
    name = params.get("UserName")
    if name is None:
        # Without a name, GetUser describes the caller (a user, or the root user).
        if call.caller.kind is CallerKind.ROOT:
            call.authorize("iam:GetUser", call.caller.arn)
            return {
                "User": {
                    "UserId": call.account_id,
                    "Arn": call.caller.arn,
                    "CreateDate": call.tx.get_account(call.account_id).create_date,  # type: ignore[union-attr]
                }
            }
        if call.caller.kind is not CallerKind.USER or not call.caller.name:
            raise ValidationError(NON_USER_CREDENTIALS)
        name = call.caller.name
    user = call.tx.get_user(call.account_id, name)
    resource = user.arn if user else call.iam_arn("user", "/", name)
    call.authorize("iam:GetUser", resource, resource_tags=user.tags if user else ())
    if user is None:
        raise no_such_entity("user", name)
    return {"User": user_to_wire(user, with_tags=True)}


def list_users(call: Call, params: dict[str, Any]) -> Mapping[str, Any]:
    call.authorize("iam:ListUsers", call.iam_arn("user", "/", ""))
    marker, max_items = page_args(params)
    with marker_errors():
        page = call.tx.list_users(
            call.account_id, path_prefix=params.get("PathPrefix", "/"), marker=marker, max_items=max_items
        )
    return page_to_wire(page, "Users", lambda user: user_to_wire(user, boundary=False))


def update_user(call: Call, params: dict[str, Any]) -> Mapping[str, Any]:
    name = params["UserName"]
    user = call.tx.get_user(call.account_id, name)
    resource = user.arn if user else call.iam_arn("user", "/", name)
    call.authorize("iam:UpdateUser", resource, resource_tags=user.tags if user else ())
    if user is None:
        raise no_such_entity("user", name)
    new_name = params.get("NewUserName", user.name)
    new_path = params.get("NewPath", user.path)
    new_arn = call.iam_arn("user", new_path, new_name)
    if new_arn != user.arn:
        # A rename or move needs permission on both the old and the new ARN.
        # https://docs.aws.amazon.com/IAM/latest/UserGuide/id_users_manage.html#id_users_renaming
        call.authorize("iam:UpdateUser", new_arn, resource_tags=user.tags)
    renamed = User(
        user_id=user.user_id,
        account_id=user.account_id,
        name=new_name,
        path=new_path,
        arn=new_arn,
        create_date=user.create_date,
        permissions_boundary_arn=user.permissions_boundary_arn,
        tags=user.tags,
        password_last_used=user.password_last_used,
    )
    try:
        call.tx.update_user(renamed)
    except AlreadyExists:
        raise EntityAlreadyExists(f"User with name {new_name} already exists.") from None
    return {}


def delete_user(call: Call, params: dict[str, Any]) -> Mapping[str, Any]:
    name = params["UserName"]
    user = call.tx.get_user(call.account_id, name)
    resource = user.arn if user else call.iam_arn("user", "/", name)
    call.authorize("iam:DeleteUser", resource, resource_tags=user.tags if user else ())
    if user is None:
        raise no_such_entity("user", name)
    try:
        call.tx.delete_user(call.account_id, user.name)
    except NotFound:
        raise no_such_entity("user", name) from None
    except ConflictDeleting as conflict:
        raise DeleteConflict(
            _DELETE_CONFLICT_MESSAGES.get(
                conflict.dependent, "Cannot delete entity, must remove dependents first."
            )
        ) from None
    return {}


HANDLERS = {
    "CreateUser": create_user,
    "GetUser": get_user,
    "ListUsers": list_users,
    "UpdateUser": update_user,
    "DeleteUser": delete_user,
}
