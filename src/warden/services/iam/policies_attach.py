"""Attaching managed policies to users, groups and roles, and permissions boundaries.

https://docs.aws.amazon.com/IAM/latest/APIReference/API_AttachUserPolicy.html and siblings;
https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from warden.errors import LimitExceeded, NoSuchEntity
from warden.model import PolicyUsage, PrincipalKind
from warden.services.call import Call
from warden.services.dispatch import Handler
from warden.services.iam.pages import marker_errors, page_args, page_to_wire
from warden.services.iam.policies_inline import TITLES as _TITLES
from warden.services.iam.policies_inline import Owner, authorized_owner
from warden.services.iam.policies_managed import authorized_policy, no_such_policy
from warden.services.partition_arns import stored_policy_arn
from warden.store import NotFound

__all__ = ["HANDLERS", "MAX_ATTACHED_POLICIES"]

MAX_ATTACHED_POLICIES = 10


def _authorized_change(call: Call, kind: PrincipalKind, verb: str, params: Mapping[str, Any]) -> Owner:
    """Attach/Detach{User,Group,Role}Policy: AWS lists `iam:PolicyARN` (the policy named) and, for
    users and roles, `iam:PermissionsBoundary` (the identity's boundary)."""
    title = _TITLES[kind]
    return authorized_owner(
        call,
        kind,
        f"iam:{verb}{title}Policy",
        params[f"{title}Name"],
        {"iam:PolicyARN": params["PolicyArn"]},
        changes=True,
        boundary_key=True,
    )


def _attach(kind: PrincipalKind) -> Handler:
    title = _TITLES[kind]

    def attach(call: Call, params: dict[str, Any]) -> Mapping[str, Any]:
        arn = params["PolicyArn"]
        stored = stored_policy_arn(arn, call.partition)
        owner = _authorized_change(call, kind, "Attach", params)
        policy = call.tx.get_policy(call.account_id, stored)
        if policy is None or not policy.is_attachable:
            raise no_such_policy(arn)
        attached = {
            a.policy_arn
            for a in call.tx.list_attached_policies(call.account_id, kind, owner.name, max_items=1000).items
        }
        if stored not in attached and len(attached) >= MAX_ATTACHED_POLICIES:
            raise LimitExceeded(f"Cannot exceed quota for PoliciesPer{title}: {MAX_ATTACHED_POLICIES}")
        call.tx.attach_policy(call.account_id, kind, owner.name, stored)
        return {}

    return attach


def _detach(kind: PrincipalKind) -> Handler:
    def detach(call: Call, params: dict[str, Any]) -> Mapping[str, Any]:
        arn = params["PolicyArn"]
        stored = stored_policy_arn(arn, call.partition)
        owner = _authorized_change(call, kind, "Detach", params)
        try:
            call.tx.detach_policy(call.account_id, kind, owner.name, stored)
        except NotFound:
            raise NoSuchEntity(f"Policy {arn} was not found.") from None
        return {}

    return detach


def _list_attached(kind: PrincipalKind) -> Handler:
    title = _TITLES[kind]

    def list_attached(call: Call, params: dict[str, Any]) -> Mapping[str, Any]:
        owner = authorized_owner(call, kind, f"iam:ListAttached{title}Policies", params[f"{title}Name"])
        marker, max_items = page_args(params)
        with marker_errors():
            page = call.tx.list_attached_policies(
                call.account_id,
                kind,
                owner.name,
                path_prefix=params.get("PathPrefix", "/"),
                marker=marker,
                max_items=max_items,
            )
        return page_to_wire(
            page, "AttachedPolicies", lambda a: {"PolicyName": a.policy_name, "PolicyArn": a.policy_arn}
        )

    return list_attached


def list_entities_for_policy(call: Call, params: dict[str, Any]) -> Mapping[str, Any]:
    policy = authorized_policy(call, "iam:ListEntitiesForPolicy", params["PolicyArn"])
    entity_filter = params.get("EntityFilter")
    kind = {"User": PrincipalKind.USER, "Group": PrincipalKind.GROUP, "Role": PrincipalKind.ROLE}.get(
        entity_filter or ""
    )
    if entity_filter in ("LocalManagedPolicy", "AWSManagedPolicy"):
        wanted_aws = entity_filter == "AWSManagedPolicy"
        if policy.aws_managed != wanted_aws:
            return {"PolicyGroups": [], "PolicyUsers": [], "PolicyRoles": [], "IsTruncated": False}
    marker, max_items = page_args(params)
    usage = params.get("PolicyUsageFilter")
    with marker_errors():
        page = call.tx.list_entities_for_policy(
            call.account_id,
            policy.arn,
            kind=kind,
            path_prefix=params.get("PathPrefix", "/"),
            marker=marker,
            max_items=max_items,
            usage=PolicyUsage(usage) if usage else None,
        )
    result: dict[str, Any] = {
        "PolicyGroups": [
            {"GroupName": e.name, "GroupId": e.entity_id} for e in page.items if e.kind is PrincipalKind.GROUP
        ],
        "PolicyUsers": [
            {"UserName": e.name, "UserId": e.entity_id} for e in page.items if e.kind is PrincipalKind.USER
        ],
        "PolicyRoles": [
            {"RoleName": e.name, "RoleId": e.entity_id} for e in page.items if e.kind is PrincipalKind.ROLE
        ],
        "IsTruncated": page.is_truncated,
    }
    if page.marker:
        result["Marker"] = page.marker
    return result


def _put_boundary(kind: PrincipalKind) -> Handler:
    title = _TITLES[kind]

    def put(call: Call, params: dict[str, Any]) -> Mapping[str, Any]:
        arn = params["PermissionsBoundary"]
        stored = stored_policy_arn(arn, call.partition)
        owner = authorized_owner(
            call,
            kind,
            f"iam:Put{title}PermissionsBoundary",
            params[f"{title}Name"],
            {"iam:PermissionsBoundary": arn},
            changes=True,
        )
        policy = call.tx.get_policy(call.account_id, stored)
        if policy is None:
            raise no_such_policy(arn)
        _set_boundary(call, kind, owner.name, stored)
        return {}

    return put


def _delete_boundary(kind: PrincipalKind) -> Handler:
    title = _TITLES[kind]

    def delete(call: Call, params: dict[str, Any]) -> Mapping[str, Any]:
        owner = authorized_owner(
            call, kind, f"iam:Delete{title}PermissionsBoundary", params[f"{title}Name"], changes=True, boundary_key=True
        )
        _set_boundary(call, kind, owner.name, None)
        return {}

    return delete


def _set_boundary(call: Call, kind: PrincipalKind, name: str, arn: str | None) -> None:
    if kind is PrincipalKind.USER:
        user = call.tx.get_user(call.account_id, name)
        assert user is not None
        call.tx.update_user(dataclasses.replace(user, permissions_boundary_arn=arn))
    else:
        role = call.tx.get_role(call.account_id, name)
        assert role is not None
        call.tx.update_role(dataclasses.replace(role, permissions_boundary_arn=arn))


HANDLERS: dict[str, Handler] = {"ListEntitiesForPolicy": list_entities_for_policy}
for _kind, _title in _TITLES.items():
    HANDLERS[f"Attach{_title}Policy"] = _attach(_kind)
    HANDLERS[f"Detach{_title}Policy"] = _detach(_kind)
    HANDLERS[f"ListAttached{_title}Policies"] = _list_attached(_kind)
for _kind in (PrincipalKind.USER, PrincipalKind.ROLE):
    HANDLERS[f"Put{_TITLES[_kind]}PermissionsBoundary"] = _put_boundary(_kind)
    HANDLERS[f"Delete{_TITLES[_kind]}PermissionsBoundary"] = _delete_boundary(_kind)
