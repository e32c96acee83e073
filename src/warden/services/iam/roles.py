"""IAM roles: CreateRole, GetRole, ListRoles, UpdateRole, UpdateRoleDescription,
UpdateAssumeRolePolicy, DeleteRole.

https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html and siblings.
Tags, inline and attached policies and permissions boundaries of existing roles have their own
modules; service-linked roles are created and deleted in `service_linked_roles`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from warden.errors import DeleteConflict, EntityAlreadyExists, InvalidInput, LimitExceeded, NoSuchEntity
from warden.model import Role
from warden.services.call import Call
from warden.services.iam.common import (
    authorize_tagging_on_create,
    no_such_entity,
    request_tag_context,
    tags_from_params,
)
from warden.services.iam.pages import marker_errors, page_args, page_to_wire
from warden.services.iam.role_wire import (
    SERVICE_ROLE_PATH,
    is_protected,
    is_service_linked,
    protected_role,
    role_to_wire,
)
from warden.services.iam.trust_policy import validate_trust_policy
from warden.services.partition_arns import stored_policy_arn
from warden.store import AlreadyExists, ConflictDeleting, Dependent, NotFound

__all__ = ["HANDLERS", "MAX_ROLES_PER_ACCOUNT", "authorized_role", "role_delete_conflict"]

# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html
MAX_ROLES_PER_ACCOUNT = 1000

_DELETE_CONFLICT_MESSAGES = {
    Dependent.INSTANCE_PROFILES: "Cannot delete entity, must remove roles from instance profile first.",
    Dependent.INLINE_POLICIES: "Cannot delete entity, must delete policies first.",
    Dependent.ATTACHED_POLICIES: "Cannot delete entity, must detach all policies first.",
}


def role_delete_conflict(conflict: ConflictDeleting) -> DeleteConflict:
    """AWS's DeleteConflict text for what still hangs off a role."""
    return DeleteConflict(
        _DELETE_CONFLICT_MESSAGES.get(
            conflict.dependent, "Cannot delete entity, must remove dependents first."
        )
    )


def authorized_role(call: Call, action: str, name: str) -> Role:
    """Look the role up, authorize `action` on its ARN (or the ARN it would have), then report a
    missing role: the order in which IAM answers."""
    role = call.tx.get_role(call.account_id, name)
    resource = role.arn if role else call.iam_arn("role", "/", name)
    call.authorize(action, resource, resource_tags=role.tags if role else ())
    if role is None:
        raise no_such_entity("role", name)
    return role


def create_role(call: Call, params: dict[str, Any]) -> Mapping[str, Any]:
    name, path = params["RoleName"], params.get("Path", "/")
    document = params["AssumeRolePolicyDocument"]
    tags = tags_from_params(params)
    boundary = params.get("PermissionsBoundary")
    stored_boundary = stored_policy_arn(boundary, call.partition) if boundary else None
    context = request_tag_context(tags)
    if boundary:
        context["iam:PermissionsBoundary"] = boundary
    arn = call.iam_arn("role", path, name)
    call.authorize("iam:CreateRole", arn, context=context)
    authorize_tagging_on_create(call, "Role", arn, tags)
    if path.startswith(SERVICE_ROLE_PATH):
        raise InvalidInput(f"Path prefix '{SERVICE_ROLE_PATH}' can only be used for AWS Service linked Roles")
    validate_trust_policy(call, document)
    if stored_boundary and call.tx.get_policy(call.account_id, stored_boundary) is None:
        raise NoSuchEntity(f"Policy {boundary} does not exist or is not attachable.")
    if call.tx.count_roles(call.account_id) >= MAX_ROLES_PER_ACCOUNT:
        raise LimitExceeded(f"Cannot exceed quota for RolesPerAccount: {MAX_ROLES_PER_ACCOUNT}")
    description = params.get("Description") or None
    role = Role(
        role_id=call.services.ids.role_id(),
        account_id=call.account_id,
        name=name,
        path=path,
        arn=arn,
        create_date=call.now,
        assume_role_policy_document=document,
        description=description,
        max_session_duration=params.get("MaxSessionDuration", 3600),
        permissions_boundary_arn=stored_boundary,
        tags=tags,
    )
    try:
        call.tx.create_role(role)
    except AlreadyExists:
        raise EntityAlreadyExists(f"Role with name {name} already exists.") from None
    return {"Role": role_to_wire(role, detail=True)}


def get_role(call: Call, params: dict[str, Any]) -> Mapping[str, Any]:
    role = authorized_role(call, "iam:GetRole", params["RoleName"])
    return {"Role": role_to_wire(role, detail=True, last_used=True)}


def list_roles(call: Call, params: dict[str, Any]) -> Mapping[str, Any]:
    call.authorize("iam:ListRoles", call.iam_arn("role", "/", ""))
    marker, max_items = page_args(params)
    with marker_errors():
        page = call.tx.list_roles(
            call.account_id, path_prefix=params.get("PathPrefix", "/"), marker=marker, max_items=max_items
        )
    return page_to_wire(page, "Roles", role_to_wire)


def _save(call: Call, role: Role) -> None:
    try:
        call.tx.update_role(role)
    except NotFound:
        raise no_such_entity("role", role.name) from None


def update_role(call: Call, params: dict[str, Any]) -> Mapping[str, Any]:
    role = authorized_role(call, "iam:UpdateRole", params["RoleName"])
    duration = params.get("MaxSessionDuration")
    # A service may let you edit its role's description, never anything else.
    # https://docs.aws.amazon.com/IAM/latest/UserGuide/using-service-linked-roles.html#edit-service-linked-role
    if is_protected(role) and (duration is not None or not is_service_linked(role)):
        raise protected_role(role)
    changed = role
    if "Description" in params:
        changed = replace(changed, description=params["Description"] or None)
    if duration is not None:
        changed = replace(changed, max_session_duration=duration)
    if changed != role:
        _save(call, changed)
    return {}


def update_role_description(call: Call, params: dict[str, Any]) -> Mapping[str, Any]:
    role = authorized_role(call, "iam:UpdateRoleDescription", params["RoleName"])
    if is_protected(role) and not is_service_linked(role):
        raise protected_role(role)
    changed = replace(role, description=params["Description"] or None)
    _save(call, changed)
    return {"Role": role_to_wire(changed, detail=True)}


def update_assume_role_policy(call: Call, params: dict[str, Any]) -> Mapping[str, Any]:
    role = authorized_role(call, "iam:UpdateAssumeRolePolicy", params["RoleName"])
    if is_protected(role):
        raise protected_role(role)
    document = params["PolicyDocument"]
    validate_trust_policy(call, document)
    _save(call, replace(role, assume_role_policy_document=document))
    return {}


def delete_role(call: Call, params: dict[str, Any]) -> Mapping[str, Any]:
    role = authorized_role(call, "iam:DeleteRole", params["RoleName"])
    if is_protected(role):
        raise protected_role(role)
    try:
        call.tx.delete_role(call.account_id, role.name)
    except NotFound:
        raise no_such_entity("role", role.name) from None
    except ConflictDeleting as conflict:
        raise role_delete_conflict(conflict) from None
    return {}


HANDLERS = {
    "CreateRole": create_role,
    "GetRole": get_role,
    "ListRoles": list_roles,
    "UpdateRole": update_role,
    "UpdateRoleDescription": update_role_description,
    "UpdateAssumeRolePolicy": update_assume_role_policy,
    "DeleteRole": delete_role,
}
