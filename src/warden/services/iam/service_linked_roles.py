"""Service-linked roles: CreateServiceLinkedRole, DeleteServiceLinkedRole,
GetServiceLinkedRoleDeletionStatus.

A service-linked role lives under `/aws-service-role/SERVICE/`, trusts only its service, and
cannot be changed or deleted with the ordinary role operations (see `role_wire.protected_role`).
https://docs.aws.amazon.com/IAM/latest/UserGuide/using-service-linked-roles.html
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from warden.errors import InvalidInput, LimitExceeded, NoSuchEntity
from warden.model import Role
from warden.services.call import Call
from warden.services.iam.deletion_tasks import DeletionTask, InvalidTaskId, UnknownTask, read_task_id
from warden.services.iam.role_wire import SERVICE_ROLE_PATH, is_service_linked, role_to_wire
from warden.services.iam.roles import MAX_ROLES_PER_ACCOUNT, authorized_role
from warden.services.iam.service_linked_catalog import spec_for
from warden.store import AlreadyExists, ConflictDeleting, NotFound

__all__ = ["HANDLERS", "service_trust_policy"]

_MAX_ROLE_NAME = 64
_SERVICE_PRINCIPAL = re.compile(r"[a-z0-9][a-z0-9.-]*\.amazonaws\.com(?:\.cn)?")


def service_trust_policy(service: str) -> str:
    """The trust policy AWS gives a service-linked role: its service may assume it, nobody else."""
    statement = {"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]}, separators=(",", ":"))


def _name_taken(name: str) -> InvalidInput:
    return InvalidInput(
        f"Service role name {name} has been taken in this account, please try a different suffix."
    )


def create_service_linked_role(call: Call, params: dict[str, Any]) -> Mapping[str, Any]:
    service, suffix = params["AWSServiceName"], params.get("CustomSuffix")
    spec = spec_for(service)
    name = spec.name_with(suffix)
    path = f"{SERVICE_ROLE_PATH}{service}/"
    arn = call.iam_arn("role", path, name)
    call.authorize("iam:CreateServiceLinkedRole", arn, context={"iam:AWSServiceName": service})
    if not _SERVICE_PRINCIPAL.fullmatch(service):
        raise InvalidInput(f"AWSServiceName {service} is not the service principal of an AWS service.")
    if suffix and not spec.custom_suffix_allowed:
        raise InvalidInput(f"Custom suffix is not allowed for {service}")
    if len(name) > _MAX_ROLE_NAME:
        raise InvalidInput(
            f"Role name {name} is longer than {_MAX_ROLE_NAME} characters; use a shorter suffix."
        )
    if call.tx.get_role(call.account_id, name) is not None:
        raise _name_taken(name)
    if call.tx.count_roles(call.account_id) >= MAX_ROLES_PER_ACCOUNT:
        raise LimitExceeded(f"Cannot exceed quota for RolesPerAccount: {MAX_ROLES_PER_ACCOUNT}")
    role = Role(
        role_id=call.services.ids.role_id(),
        account_id=call.account_id,
        name=name,
        path=path,
        arn=arn,
        create_date=call.now,
        assume_role_policy_document=service_trust_policy(service),
        description=params.get("Description") or None,
    )
    try:
        call.tx.create_role(role)
    except AlreadyExists:
        raise _name_taken(name) from None
    return {"Role": role_to_wire(role, detail=True)}


def delete_service_linked_role(call: Call, params: dict[str, Any]) -> Mapping[str, Any]:
    """Deletes at once when nothing uses the role; otherwise the role stays and the task reports
    FAILED, as AWS reports a deletion that the role's use blocked."""
    role = authorized_role(call, "iam:DeleteServiceLinkedRole", params["RoleName"])
    if not is_service_linked(role):
        raise NoSuchEntity(f"Role {role.name} is not a service-linked role.")
    service = role.path[len(SERVICE_ROLE_PATH) :].strip("/")
    task = DeletionTask(call.account_id, service, role.name, role.role_id)
    try:
        call.tx.delete_role(call.account_id, role.name)
    except NotFound:
        raise NoSuchEntity(f"The role with name {role.name} cannot be found.") from None
    except ConflictDeleting:
        pass  # reported by GetServiceLinkedRoleDeletionStatus
    return {"DeletionTaskId": task.task_id}


def get_service_linked_role_deletion_status(call: Call, params: dict[str, Any]) -> Mapping[str, Any]:
    text = params["DeletionTaskId"]
    try:
        task = read_task_id(call.account_id, text)
    except InvalidTaskId:
        raise InvalidInput(f"Invalid deletion task id: {text}") from None
    except UnknownTask:
        task = None
    if task is None:
        parts = text.split("/")
        call.authorize(
            "iam:GetServiceLinkedRoleDeletionStatus",
            call.iam_arn("role", f"{SERVICE_ROLE_PATH}{parts[2]}/", parts[3]),
        )
        raise NoSuchEntity(f"Deletion task {text} cannot be found.")
    resource = call.iam_arn("role", f"{SERVICE_ROLE_PATH}{task.service}/", task.role_name)
    role = call.tx.get_role_by_id(task.role_id)
    if role is not None and role.account_id != call.account_id:
        role = None
    # A role whose deletion failed still has its tags, which the role resource type offers.
    call.authorize("iam:GetServiceLinkedRoleDeletionStatus", resource, resource_tags=role.tags if role else ())
    if role is None:
        return {"Status": "SUCCEEDED"}
    return {"Status": "FAILED", "Reason": _failure_reason(call, role)}


def _failure_reason(call: Call, role: Role) -> dict[str, Any]:
    """Why the role is still there: the only dependents warden knows are instance profiles."""
    page = call.tx.list_instance_profiles_for_role(call.account_id, role.name, max_items=1000)
    reason: dict[str, Any] = {
        "Reason": f"Role {role.name} is still in use and cannot be deleted; "
        "remove it from its instance profiles first."
    }
    if page.items:
        reason["RoleUsageList"] = [
            {"Region": call.meta.region, "Resources": [profile.arn for profile in page.items]}
        ]
    return reason


HANDLERS = {
    "CreateServiceLinkedRole": create_service_linked_role,
    "DeleteServiceLinkedRole": delete_service_linked_role,
    "GetServiceLinkedRoleDeletionStatus": get_service_linked_role_deletion_status,
}
