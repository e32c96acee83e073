"""Roles on the wire (the model's `Role` shape) and the rules that protect AWS-owned roles.

https://docs.aws.amazon.com/IAM/latest/APIReference/API_Role.html
https://docs.aws.amazon.com/IAM/latest/UserGuide/using-service-linked-roles.html
"""

from __future__ import annotations

from typing import Any

from warden.errors import UnmodifiableEntity
from warden.model import Role
from warden.services.iam.common import tags_to_wire
from warden.services.iam.trust_policy import encode_policy_document

__all__ = [
    "SERVICE_ROLE_PATH",
    "is_protected",
    "is_service_linked",
    "protected_role",
    "role_to_wire",
]

SERVICE_ROLE_PATH = "/aws-service-role/"
# IAM Identity Center's roles live here; like service-linked roles, only AWS may change them.
_RESERVED_PATH = "/aws-reserved/"


def is_service_linked(role: Role) -> bool:
    """Service-linked roles are exactly those under /aws-service-role/ (CreateRole refuses it)."""
    return role.path.startswith(SERVICE_ROLE_PATH)


def is_protected(role: Role) -> bool:
    return is_service_linked(role) or role.path.startswith(_RESERVED_PATH)


def protected_role(role: Role) -> UnmodifiableEntity:
    """AWS's refusal to change a role that an AWS service owns."""
    return UnmodifiableEntity(
        f"Cannot perform the operation on the protected role '{role.name}' - "
        "this role is only modifiable by AWS"
    )


def role_to_wire(role: Role, *, detail: bool = False, last_used: bool = False) -> dict[str, Any]:
    """The `Role` shape. `detail` adds the tags and permissions boundary that ListRoles and
    instance profiles omit, `last_used` the `RoleLastUsed` that only GetRole reports."""
    wire: dict[str, Any] = {
        "Path": role.path,
        "RoleName": role.name,
        "RoleId": role.role_id,
        "Arn": role.arn,
        "CreateDate": role.create_date,
        "AssumeRolePolicyDocument": encode_policy_document(role.assume_role_policy_document),
        "MaxSessionDuration": role.max_session_duration,
    }
    if role.description:
        wire["Description"] = role.description
    if not detail:
        return wire
    if role.permissions_boundary_arn:
        wire["PermissionsBoundary"] = {
            "PermissionsBoundaryType": "Policy",
            "PermissionsBoundaryArn": role.permissions_boundary_arn,
        }
    if role.tags:
        wire["Tags"] = tags_to_wire(role.tags)
    if last_used:
        usage: dict[str, Any] = {}
        if role.last_used_date is not None:
            usage["LastUsedDate"] = role.last_used_date
            if role.last_used_region:
                usage["Region"] = role.last_used_region
        wire["RoleLastUsed"] = usage
    return wire
