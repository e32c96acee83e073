"""IAM groups and membership: CreateGroup, GetGroup, ListGroups, UpdateGroup, DeleteGroup,
AddUserToGroup, RemoveUserFromGroup, ListGroupsForUser.

https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateGroup.html and siblings.
Groups carry no tags in IAM, so no `aws:ResourceTag/*` is offered for them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from warden.errors import DeleteConflict, EntityAlreadyExists, LimitExceeded
from warden.model import Group, User
from warden.services.call import Call
from warden.services.iam.common import no_such_entity
from warden.services.iam.pages import marker_errors, page_args, page_to_wire
from warden.services.iam.users import user_to_wire
from warden.store import AlreadyExists, ConflictDeleting, Dependent, NotFound

__all__ = ["HANDLERS", "MAX_GROUPS_PER_ACCOUNT", "MAX_GROUPS_PER_USER", "group_to_wire"]

MAX_GROUPS_PER_ACCOUNT = 300
MAX_GROUPS_PER_USER = 10
"""Quotas from https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html"""

_DELETE_CONFLICT_MESSAGES = {
    Dependent.GROUP_MEMBERS: "Cannot delete entity, must remove users from group first.",
    Dependent.INLINE_POLICIES: "Cannot delete entity, must delete policies first.",
    Dependent.ATTACHED_POLICIES: "Cannot delete entity, must detach all policies first.",
}


def group_to_wire(group: Group) -> dict[str, Any]:
    return {
        "Path": group.path,
        "GroupName": group.name,
        "GroupId": group.group_id,
        "Arn": group.arn,
        "CreateDate": group.create_date,
    }


def _authorized_group(call: Call, action: str, name: str) -> Group:
    """Look the group up, authorize on its ARN (or the ARN it would have), then insist it exists."""
    group = call.tx.get_group(call.account_id, name)
    call.authorize(action, group.arn if group else call.iam_arn("group", "/", name))
    if group is None:
        raise no_such_entity("group", name)
    return group


def create_group(call: Call, params: dict[str, Any]) -> Mapping[str, Any]:
    name, path = params["GroupName"], params.get("Path", "/")
    arn = call.iam_arn("group", path, name)
    call.authorize("iam:CreateGroup", arn)
    if call.tx.count_groups(call.account_id) >= MAX_GROUPS_PER_ACCOUNT:
        raise LimitExceeded(f"Cannot exceed quota for GroupsPerAccount: {MAX_GROUPS_PER_ACCOUNT}")
    group = Group(
        group_id=call.services.ids.group_id(),
        account_id=call.account_id,
        name=name,
        path=path,
        arn=arn,
        create_date=call.now,
    )
    try:
        call.tx.create_group(group)
    except AlreadyExists:
        raise EntityAlreadyExists(f"Group with name {name} already exists.") from None
    return {"Group": group_to_wire(group)}


def get_group(call: Call, params: dict[str, Any]) -> Mapping[str, Any]:
    group = _authorized_group(call, "iam:GetGroup", params["GroupName"])
    marker, max_items = page_args(params)
    with marker_errors():
        page = call.tx.list_group_members(call.account_id, group.name, marker=marker, max_items=max_items)
    result = page_to_wire(page, "Users", lambda user: user_to_wire(user, boundary=False))
    result["Group"] = group_to_wire(group)
    return result


def list_groups(call: Call, params: dict[str, Any]) -> Mapping[str, Any]:
    call.authorize("iam:ListGroups", call.iam_arn("group", "/", ""))
    marker, max_items = page_args(params)
    with marker_errors():
        page = call.tx.list_groups(
            call.account_id, path_prefix=params.get("PathPrefix", "/"), marker=marker, max_items=max_items
        )
    return page_to_wire(page, "Groups", group_to_wire)


def update_group(call: Call, params: dict[str, Any]) -> Mapping[str, Any]:
    name = params["GroupName"]
    group = _authorized_group(call, "iam:UpdateGroup", name)
    new_name = params.get("NewGroupName", group.name)
    new_path = params.get("NewPath", group.path)
    new_arn = call.iam_arn("group", new_path, new_name)
    if new_arn != group.arn:
        # AWS requires permission on both the source and the target of a rename or move.
        call.authorize("iam:UpdateGroup", new_arn)
    renamed = Group(
        group_id=group.group_id,
        account_id=group.account_id,
        name=new_name,
        path=new_path,
        arn=new_arn,
        create_date=group.create_date,
    )
    try:
        call.tx.update_group(renamed)
    except AlreadyExists:
        raise EntityAlreadyExists(f"Group with name {new_name} already exists.") from None
    except NotFound:
        raise no_such_entity("group", name) from None
    return {}


def delete_group(call: Call, params: dict[str, Any]) -> Mapping[str, Any]:
    name = params["GroupName"]
    group = _authorized_group(call, "iam:DeleteGroup", name)
    try:
        call.tx.delete_group(call.account_id, group.name)
    except NotFound:
        raise no_such_entity("group", name) from None
    except ConflictDeleting as conflict:
        raise DeleteConflict(
            _DELETE_CONFLICT_MESSAGES.get(
                conflict.dependent, "Cannot delete entity, must remove dependents first."
            )
        ) from None
    return {}


def add_user_to_group(call: Call, params: dict[str, Any]) -> Mapping[str, Any]:
    group = _authorized_group(call, "iam:AddUserToGroup", params["GroupName"])
    user_name = params["UserName"]
    user = call.tx.get_user(call.account_id, user_name)
    if user is None:
        raise no_such_entity("user", user_name)
    if not _is_member(call, group, user):
        if call.tx.count_groups_for_user(call.account_id, user.name) >= MAX_GROUPS_PER_USER:
            raise LimitExceeded(f"Cannot exceed quota for GroupsPerUser: {MAX_GROUPS_PER_USER}")
        call.tx.add_user_to_group(call.account_id, group.name, user.name)
    return {}


def _is_member(call: Call, group: Group, user: User) -> bool:
    # A user is in at most MAX_GROUPS_PER_USER groups, so one page holds them all.
    page = call.tx.list_groups_for_user(call.account_id, user.name, max_items=1000)
    return any(found.group_id == group.group_id for found in page.items)


def remove_user_from_group(call: Call, params: dict[str, Any]) -> Mapping[str, Any]:
    group = _authorized_group(call, "iam:RemoveUserFromGroup", params["GroupName"])
    user_name = params["UserName"]
    try:
        call.tx.remove_user_from_group(call.account_id, group.name, user_name)
    except NotFound as missing:
        if missing.kind == "group":
            raise no_such_entity("group", group.name) from None
        # An unknown user and a user who is not a member are both "cannot be found".
        raise no_such_entity("user", user_name) from None
    return {}


def list_groups_for_user(call: Call, params: dict[str, Any]) -> Mapping[str, Any]:
    name = params["UserName"]
    user = call.tx.get_user(call.account_id, name)
    resource = user.arn if user else call.iam_arn("user", "/", name)
    call.authorize("iam:ListGroupsForUser", resource, resource_tags=user.tags if user else ())
    if user is None:
        raise no_such_entity("user", name)
    marker, max_items = page_args(params)
    with marker_errors():
        page = call.tx.list_groups_for_user(call.account_id, user.name, marker=marker, max_items=max_items)
    return page_to_wire(page, "Groups", group_to_wire)


HANDLERS = {
    "CreateGroup": create_group,
    "GetGroup": get_group,
    "ListGroups": list_groups,
    "UpdateGroup": update_group,
    "DeleteGroup": delete_group,
    "AddUserToGroup": add_user_to_group,
    "RemoveUserFromGroup": remove_user_from_group,
    "ListGroupsForUser": list_groups_for_user,
}
