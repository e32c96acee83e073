"""GetAccountAuthorizationDetails: every user, group, role and managed policy with their policies.

https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetAccountAuthorizationDetails.html
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from warden.model import PolicyScope, PrincipalKind
from warden.services.call import Call
from warden.services.dispatch import Handler
from warden.services.effective_policies import all_pages
from warden.services.iam.common import tags_to_wire
from warden.services.iam.groups import group_to_wire
from warden.services.iam.instance_profiles import instance_profile_to_wire
from warden.services.iam.pages import computed_page
from warden.services.iam.policies_managed import policy_to_wire
from warden.services.iam.role_wire import role_to_wire
from warden.services.iam.trust_policy import encode_policy_document
from warden.services.iam.users import user_to_wire
from warden.services.partition_arns import partition_document

__all__ = ["HANDLERS"]

_FILTERS = ("User", "Role", "Group", "LocalManagedPolicy", "AWSManagedPolicy")


def _inline(call: Call, kind: PrincipalKind, name: str) -> list[dict[str, str]]:
    return [
        {"PolicyName": p.policy_name, "PolicyDocument": encode_policy_document(p.document)}
        for p in all_pages(lambda m: call.tx.list_inline_policies(call.account_id, kind, name, marker=m, max_items=1000))
    ]


def _attached(call: Call, kind: PrincipalKind, name: str) -> list[dict[str, str]]:
    return [
        {"PolicyName": a.policy_name, "PolicyArn": a.policy_arn}
        for a in all_pages(lambda m: call.tx.list_attached_policies(call.account_id, kind, name, marker=m, max_items=1000))
    ]


def _users(call: Call) -> list[tuple[str, dict[str, Any]]]:
    out = []
    for user in all_pages(lambda m: call.tx.list_users(call.account_id, marker=m, max_items=1000)):
        wire = user_to_wire(user)
        wire.pop("PasswordLastUsed", None)
        wire["UserPolicyList"] = _inline(call, PrincipalKind.USER, user.name)
        wire["GroupList"] = [
            g.name for g in all_pages(lambda m, n=user.name: call.tx.list_groups_for_user(call.account_id, n, marker=m))
        ]
        wire["AttachedManagedPolicies"] = _attached(call, PrincipalKind.USER, user.name)
        wire["Tags"] = tags_to_wire(user.tags)
        out.append(("UserDetailList", wire))
    return out


def _groups(call: Call) -> list[tuple[str, dict[str, Any]]]:
    out = []
    for group in all_pages(lambda m: call.tx.list_groups(call.account_id, marker=m, max_items=1000)):
        wire = group_to_wire(group)
        wire["GroupPolicyList"] = _inline(call, PrincipalKind.GROUP, group.name)
        wire["AttachedManagedPolicies"] = _attached(call, PrincipalKind.GROUP, group.name)
        out.append(("GroupDetailList", wire))
    return out


def _roles(call: Call) -> list[tuple[str, dict[str, Any]]]:
    out = []
    for role in all_pages(lambda m: call.tx.list_roles(call.account_id, marker=m, max_items=1000)):
        wire = role_to_wire(role, detail=True, last_used=True)
        wire["InstanceProfileList"] = [
            instance_profile_to_wire(p)
            for p in all_pages(
                lambda m, n=role.name: call.tx.list_instance_profiles_for_role(call.account_id, n, marker=m)
            )
        ]
        wire["RolePolicyList"] = _inline(call, PrincipalKind.ROLE, role.name)
        wire["AttachedManagedPolicies"] = _attached(call, PrincipalKind.ROLE, role.name)
        out.append(("RoleDetailList", wire))
    return out


def _policies(call: Call, scope: PolicyScope) -> list[tuple[str, dict[str, Any]]]:
    out = []
    for policy in all_pages(
        lambda m: call.tx.list_policies(call.account_id, scope=scope, marker=m, max_items=1000)
    ):
        wire = policy_to_wire(policy)
        wire["PolicyVersionList"] = [
            {
                "Document": encode_policy_document(
                    partition_document(v.document, call.partition) if policy.aws_managed else v.document
                ),
                "VersionId": v.version_id,
                "IsDefaultVersion": v.is_default,
                "CreateDate": v.create_date,
            }
            for v in call.tx.list_policy_versions(call.account_id, policy.arn)
        ]
        out.append(("Policies", wire))
    return out


def get_account_authorization_details(call: Call, params: dict[str, Any]) -> Mapping[str, Any]:
    call.authorize("iam:GetAccountAuthorizationDetails", "*")
    wanted = set(params.get("Filter") or _FILTERS)
    entries: list[tuple[str, dict[str, Any]]] = []
    if "User" in wanted:
        entries += _users(call)
    if "Group" in wanted:
        entries += _groups(call)
    if "Role" in wanted:
        entries += _roles(call)
    if "LocalManagedPolicy" in wanted and "AWSManagedPolicy" in wanted:
        entries += _policies(call, PolicyScope.ALL)
    elif "LocalManagedPolicy" in wanted:
        entries += _policies(call, PolicyScope.LOCAL)
    elif "AWSManagedPolicy" in wanted:
        entries += _policies(call, PolicyScope.AWS)
    chunk, following = computed_page(entries, params)
    result: dict[str, Any] = {
        "UserDetailList": [], "GroupDetailList": [], "RoleDetailList": [], "Policies": [],
    }
    for member, wire in chunk:
        result[member].append(wire)
    result["IsTruncated"] = following is not None
    if following:
        result["Marker"] = following
    return result


HANDLERS: dict[str, Handler] = {"GetAccountAuthorizationDetails": get_account_authorization_details}
