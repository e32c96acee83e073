"""Inline policies of users, groups and roles: Put/Get/List/Delete{User,Group,Role}Policy.

One implementation serves the three identity kinds.
https://docs.aws.amazon.com/IAM/latest/APIReference/API_PutUserPolicy.html and siblings.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from warden.errors import NoSuchEntity
from warden.model import PrincipalKind
from warden.services.call import Call
from warden.services.dispatch import Handler
from warden.services.effective_policies import all_pages
from warden.services.iam.common import no_such_entity
from warden.services.iam.pages import marker_errors, page_args, page_to_wire
from warden.services.iam.policy_text import check_inline_policy
from warden.services.iam.role_wire import is_protected, protected_role
from warden.services.iam.trust_policy import encode_policy_document
from warden.services.partition_arns import wire_policy_arn
from warden.store import NotFound

__all__ = ["HANDLERS", "TITLES", "Owner", "authorized_owner"]


@dataclass(frozen=True, slots=True)
class Owner:
    """The identity an operation is about, after authorization: its stored name and kind."""

    kind: PrincipalKind
    name: str


# The identity kinds as they appear in operation and member names (PutUserPolicy, UserName).
TITLES = {PrincipalKind.USER: "User", PrincipalKind.GROUP: "Group", PrincipalKind.ROLE: "Role"}


def authorized_owner(
    call: Call,
    kind: PrincipalKind,
    action: str,
    name: str,
    context: Mapping[str, str | tuple[str, ...]] | None = None,
    *,
    changes: bool = False,
    boundary_key: bool = False,
) -> Owner:
    """Look the identity up, authorize on its ARN (with its tags), then insist it exists.

    `changes` refuses service-linked (protected) roles, which only AWS may change.
    `boundary_key` offers the identity's permissions boundary, if it has one, as
    `iam:PermissionsBoundary`: the operations that change a user's or role's permissions
    (Put/Delete*Policy, Attach/Detach*Policy, Delete*PermissionsBoundary) list that key.
    https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsidentityandaccessmanagementiam.html"""
    tx = call.tx
    entity: Any
    if kind is PrincipalKind.USER:
        entity = tx.get_user(call.account_id, name)
    elif kind is PrincipalKind.GROUP:
        entity = tx.get_group(call.account_id, name)
    else:
        entity = tx.get_role(call.account_id, name)
    arn = entity.arn if entity is not None else call.iam_arn(kind.value, "/", name)
    boundary = getattr(entity, "permissions_boundary_arn", None) if boundary_key else None
    if boundary:
        context = {**(context or {}), "iam:PermissionsBoundary": wire_policy_arn(boundary, call.partition)}
    call.authorize(action, arn, context=context, resource_tags=getattr(entity, "tags", ()) or ())
    if entity is None:
        raise no_such_entity(kind.value, name)
    if changes and kind is PrincipalKind.ROLE and is_protected(entity):
        raise protected_role(entity)
    return Owner(kind, entity.name)


def _no_such_policy(kind: PrincipalKind, policy_name: str) -> NoSuchEntity:
    return NoSuchEntity(f"The {kind.value} policy with name {policy_name} cannot be found.")


def _member(kind: PrincipalKind) -> str:
    return f"{TITLES[kind]}Name"


def _put(kind: PrincipalKind) -> Handler:
    def put(call: Call, params: dict[str, Any]) -> Mapping[str, Any]:
        owner = authorized_owner(
            call, kind, f"iam:Put{TITLES[kind]}Policy", params[_member(kind)], changes=True, boundary_key=True
        )
        policy_name, document = params["PolicyName"], params["PolicyDocument"]
        others = [
            p.document
            for p in all_pages(
                lambda m: call.tx.list_inline_policies(call.account_id, kind, owner.name, marker=m, max_items=1000)
            )
            if p.policy_name != policy_name
        ]
        check_inline_policy(kind, owner.name, document, others)
        call.tx.put_inline_policy(call.account_id, kind, owner.name, policy_name, document)
        return {}

    return put


def _get(kind: PrincipalKind) -> Handler:
    def get(call: Call, params: dict[str, Any]) -> Mapping[str, Any]:
        owner = authorized_owner(call, kind, f"iam:Get{TITLES[kind]}Policy", params[_member(kind)])
        found = call.tx.get_inline_policy(call.account_id, kind, owner.name, params["PolicyName"])
        if found is None:
            raise _no_such_policy(kind, params["PolicyName"])
        return {
            _member(kind): owner.name,
            "PolicyName": found.policy_name,
            "PolicyDocument": encode_policy_document(found.document),
        }

    return get


def _list(kind: PrincipalKind) -> Handler:
    def list_names(call: Call, params: dict[str, Any]) -> Mapping[str, Any]:
        owner = authorized_owner(call, kind, f"iam:List{TITLES[kind]}Policies", params[_member(kind)])
        marker, max_items = page_args(params)
        with marker_errors():
            page = call.tx.list_inline_policies(
                call.account_id, kind, owner.name, marker=marker, max_items=max_items
            )
        return page_to_wire(page, "PolicyNames", lambda p: p.policy_name)

    return list_names


def _delete(kind: PrincipalKind) -> Handler:
    def delete(call: Call, params: dict[str, Any]) -> Mapping[str, Any]:
        owner = authorized_owner(
            call, kind, f"iam:Delete{TITLES[kind]}Policy", params[_member(kind)], changes=True, boundary_key=True
        )
        try:
            call.tx.delete_inline_policy(call.account_id, kind, owner.name, params["PolicyName"])
        except NotFound:
            raise _no_such_policy(kind, params["PolicyName"]) from None
        return {}

    return delete


HANDLERS: dict[str, Handler] = {}
for _kind in PrincipalKind:
    _title = TITLES[_kind]
    HANDLERS[f"Put{_title}Policy"] = _put(_kind)
    HANDLERS[f"Get{_title}Policy"] = _get(_kind)
    HANDLERS[f"List{_title}Policies"] = _list(_kind)
    HANDLERS[f"Delete{_title}Policy"] = _delete(_kind)
