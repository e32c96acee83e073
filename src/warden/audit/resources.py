"""The resources an event names, as LookupEvents lists them (`ResourceType`, `ResourceName`).

IAM and STS requests name their target by a handful of parameters; each maps to one
CloudFormation-style resource type, which is what CloudTrail reports.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from warden.model.audit import RESOURCE_NAME_WIDTH
from warden.text import storable

__all__ = ["named_by", "resources_of", "with_created"]

_BY_PARAMETER = {
    "UserName": "AWS::IAM::User",
    "GroupName": "AWS::IAM::Group",
    "RoleName": "AWS::IAM::Role",
    "RoleArn": "AWS::IAM::Role",
    "PolicyArn": "AWS::IAM::Policy",
    "InstanceProfileName": "AWS::IAM::InstanceProfile",
    "AccessKeyId": "AWS::IAM::AccessKey",
    "SerialNumber": "AWS::IAM::MFADevice",
    "VirtualMFADeviceName": "AWS::IAM::MFADevice",
    "PolicySourceArn": "AWS::IAM::Policy",
    "AccountAlias": "AWS::IAM::AccountAlias",
}
# Entities a create call returns, so the new entity can be found by name.
_CREATED = {
    "User": ("UserName", "AWS::IAM::User"),
    "Group": ("GroupName", "AWS::IAM::Group"),
    "Role": ("RoleName", "AWS::IAM::Role"),
    "Policy": ("Arn", "AWS::IAM::Policy"),
    "AccessKey": ("AccessKeyId", "AWS::IAM::AccessKey"),
    "InstanceProfile": ("InstanceProfileName", "AWS::IAM::InstanceProfile"),
}


def resources_of(params: Mapping[str, Any] | None, result: Mapping[str, Any] | None) -> tuple[tuple[str, str], ...]:
    """Looks only at the parameters and result members present (most calls name one or none)."""
    return with_created(named_by(params), result)


def named_by(params: Mapping[str, Any] | None) -> tuple[tuple[str, str], ...]:
    """The resources the parameters name (the part a repeated call shares with its template)."""
    found: list[tuple[str, str]] = []
    for name, value in (params or {}).items():
        kind = _BY_PARAMETER.get(name)
        # A value a store cannot hold (an ARN has no pattern to refuse a NUL) or longer than any
        # ARN names nothing that exists, and the resource column could not hold it on PostgreSQL.
        if (
            kind is not None
            and isinstance(value, str)
            and 0 < len(value) <= RESOURCE_NAME_WIDTH
            and storable(value)
        ):
            found.append((kind, value))
    return tuple(found)


def with_created(named: tuple[tuple[str, str], ...], result: Mapping[str, Any] | None) -> tuple[tuple[str, str], ...]:
    """`named` and, after them, the entities the result returns that `named` does not list."""
    if not result or _CREATED.keys().isdisjoint(result):
        return named
    found = list(named)
    for element, entity in result.items():
        created = _CREATED.get(element)
        if created is None or not isinstance(entity, Mapping):
            continue
        value = entity.get(created[0])
        if isinstance(value, str) and value and (created[1], value) not in found:
            found.append((created[1], value))
    return named if len(found) == len(named) else tuple(found)
