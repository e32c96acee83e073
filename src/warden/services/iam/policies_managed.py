"""Customer managed policies and their versions; AWS managed policies are read-only.

https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreatePolicy.html and siblings;
https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_managed-versioning.html
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from warden.errors import AccessDenied, DeleteConflict, EntityAlreadyExists, LimitExceeded, NoSuchEntity
from warden.model import ManagedPolicy, PolicyScope, PolicyUsage, PolicyVersion
from warden.services.call import Call
from warden.services.dispatch import Handler
from warden.services.iam.common import (
    authorize_tagging_on_create,
    request_tag_context,
    tags_from_params,
    tags_to_wire,
)
from warden.services.iam.pages import computed_page, marker_errors, page_args, page_to_wire
from warden.services.iam.policy_text import check_managed_policy
from warden.services.iam.trust_policy import encode_policy_document
from warden.services.partition_arns import partition_document, stored_policy_arn
from warden.store import AlreadyExists, ConflictDeleting, Dependent, NotFound

__all__ = ["HANDLERS", "authorized_policy", "no_such_policy", "policy_to_wire"]

MAX_POLICIES_PER_ACCOUNT = 1500
MAX_VERSIONS = 5


def no_such_policy(arn: str) -> NoSuchEntity:
    """Attach*/Put*PermissionsBoundary's wording for a policy that is not there."""
    return NoSuchEntity(f"Policy {arn} does not exist or is not attachable.")


def policy_not_found(arn: str) -> NoSuchEntity:
    """GetPolicy, DeletePolicy and the version operations' wording."""
    return NoSuchEntity(f"Policy {arn} was not found.")


def policy_to_wire(policy: ManagedPolicy, *, with_tags: bool = False, with_description: bool = True) -> dict[str, Any]:
    """The `Policy` shape. ListPolicies leaves out the description and the tags ("It is not
    included in the response to the ListPolicies operation").
    https://docs.aws.amazon.com/IAM/latest/APIReference/API_Policy.html"""
    wire: dict[str, Any] = {
        "PolicyName": policy.name,
        "PolicyId": policy.policy_id,
        "Arn": policy.arn,
        "Path": policy.path,
        "DefaultVersionId": policy.default_version_id,
        "AttachmentCount": policy.attachment_count,
        "PermissionsBoundaryUsageCount": policy.permissions_boundary_usage_count,
        "IsAttachable": policy.is_attachable,
        "CreateDate": policy.create_date,
        "UpdateDate": policy.update_date,
    }
    if with_description and policy.description:
        wire["Description"] = policy.description
    if with_tags and policy.tags:
        wire["Tags"] = tags_to_wire(policy.tags)
    return wire


def _version_to_wire(version: PolicyVersion, *, with_document: bool) -> dict[str, Any]:
    wire: dict[str, Any] = {
        "VersionId": version.version_id,
        "IsDefaultVersion": version.is_default,
        "CreateDate": version.create_date,
    }
    if with_document:
        wire["Document"] = encode_policy_document(version.document)
    return wire


def authorized_policy(call: Call, action: str, arn: str, *, changes: bool = False) -> ManagedPolicy:
    """Authorize on the policy's ARN as the caller names it, then insist it exists; AWS managed
    policies are read-only. The policy returned carries the stored ARN."""
    policy = call.tx.get_policy(call.account_id, stored_policy_arn(arn, call.partition))
    call.authorize(action, arn, resource_tags=policy.tags if policy else ())
    if policy is None:
        raise policy_not_found(arn)
    if changes and policy.aws_managed:
        raise AccessDenied(
            f"User: {call.caller.arn} is not authorized to perform: {action} on resource: policy {arn}"
        )
    return policy


def create_policy(call: Call, params: dict[str, Any]) -> Mapping[str, Any]:
    name, path = params["PolicyName"], params.get("Path", "/")
    tags = tags_from_params(params)
    arn = call.iam_arn("policy", path, name)
    call.authorize("iam:CreatePolicy", arn, context=request_tag_context(tags))
    authorize_tagging_on_create(call, "Policy", arn, tags)
    document = params["PolicyDocument"]
    check_managed_policy(document)
    if call.tx.count_policies(call.account_id) >= MAX_POLICIES_PER_ACCOUNT:
        raise LimitExceeded(f"Cannot exceed quota for PoliciesPerAccount: {MAX_POLICIES_PER_ACCOUNT}")
    policy = ManagedPolicy(
        policy_id=call.services.ids.policy_id(),
        account_id=call.account_id,
        name=name,
        path=path,
        arn=arn,
        create_date=call.now,
        update_date=call.now,
        description=params.get("Description"),
        tags=tags,
    )
    try:
        call.tx.create_policy(policy, document)
    except AlreadyExists:
        raise EntityAlreadyExists(
            f"A policy called {name} already exists. Duplicate names are not allowed."
        ) from None
    return {"Policy": policy_to_wire(policy, with_tags=True)}


def get_policy(call: Call, params: dict[str, Any]) -> Mapping[str, Any]:
    policy = authorized_policy(call, "iam:GetPolicy", params["PolicyArn"])
    return {"Policy": policy_to_wire(policy, with_tags=True)}


def list_policies(call: Call, params: dict[str, Any]) -> Mapping[str, Any]:
    call.authorize("iam:ListPolicies", call.iam_arn("policy", "/", ""))
    marker, max_items = page_args(params)
    usage = params.get("PolicyUsageFilter")
    with marker_errors():
        page = call.tx.list_policies(
            call.account_id,
            scope=PolicyScope(params.get("Scope", "All")),
            only_attached=params.get("OnlyAttached", False),
            path_prefix=params.get("PathPrefix", "/"),
            marker=marker,
            max_items=max_items,
            usage=PolicyUsage(usage) if usage else None,
        )
    return page_to_wire(page, "Policies", lambda policy: policy_to_wire(policy, with_description=False))


_DELETE_CONFLICTS = {
    Dependent.POLICY_ATTACHMENTS: "Cannot delete a policy attached to entities.",
    Dependent.POLICY_VERSIONS: (
        "This policy has more than one version. Before you delete a policy, you must delete the "
        "policy's versions. The default version is deleted with the policy."
    ),
}


def delete_policy(call: Call, params: dict[str, Any]) -> Mapping[str, Any]:
    policy = authorized_policy(call, "iam:DeletePolicy", params["PolicyArn"], changes=True)
    if policy.permissions_boundary_usage_count:
        raise DeleteConflict("Cannot delete a policy attached to entities.")
    try:
        call.tx.delete_policy(call.account_id, policy.arn)
    except ConflictDeleting as conflict:
        raise DeleteConflict(
            _DELETE_CONFLICTS.get(conflict.dependent, "Cannot delete a policy attached to entities.")
        ) from None
    except NotFound:
        raise policy_not_found(policy.arn) from None
    return {}


def create_policy_version(call: Call, params: dict[str, Any]) -> Mapping[str, Any]:
    policy = authorized_policy(call, "iam:CreatePolicyVersion", params["PolicyArn"], changes=True)
    document = params["PolicyDocument"]
    check_managed_policy(document)
    if len(call.tx.list_policy_versions(call.account_id, policy.arn)) >= MAX_VERSIONS:
        raise LimitExceeded(
            "A managed policy can have up to 5 versions. Before you create a new version, you must "
            "delete an existing version."
        )
    version = call.tx.create_policy_version(
        call.account_id, policy.arn, document, bool(params.get("SetAsDefault", False)), call.now
    )
    return {"PolicyVersion": _version_to_wire(version, with_document=False)}


def _no_such_version(arn: str, version_id: str) -> NoSuchEntity:
    return NoSuchEntity(f"Policy {arn} version {version_id} does not exist or is not attachable.")


def get_policy_version(call: Call, params: dict[str, Any]) -> Mapping[str, Any]:
    policy = authorized_policy(call, "iam:GetPolicyVersion", params["PolicyArn"])
    version = call.tx.get_policy_version(call.account_id, policy.arn, params["VersionId"])
    if version is None:
        raise _no_such_version(params["PolicyArn"], params["VersionId"])
    if policy.aws_managed:
        version = dataclasses.replace(version, document=partition_document(version.document, call.partition))
    return {"PolicyVersion": _version_to_wire(version, with_document=True)}


def list_policy_versions(call: Call, params: dict[str, Any]) -> Mapping[str, Any]:
    policy = authorized_policy(call, "iam:ListPolicyVersions", params["PolicyArn"])
    versions = call.tx.list_policy_versions(call.account_id, policy.arn)
    # At most five versions, newest first: paged in memory, honouring MaxItems and Marker.
    chunk, following = computed_page(versions, params)
    result: dict[str, Any] = {
        "Versions": [_version_to_wire(v, with_document=False) for v in chunk],
        "IsTruncated": following is not None,
    }
    if following:
        result["Marker"] = following
    return result


def delete_policy_version(call: Call, params: dict[str, Any]) -> Mapping[str, Any]:
    policy = authorized_policy(call, "iam:DeletePolicyVersion", params["PolicyArn"], changes=True)
    version_id = params["VersionId"]
    if call.tx.get_policy_version(call.account_id, policy.arn, version_id) is None:
        raise _no_such_version(policy.arn, version_id)
    try:
        call.tx.delete_policy_version(call.account_id, policy.arn, version_id)
    except ConflictDeleting:
        raise DeleteConflict("Cannot delete the default version of a policy.") from None
    return {}


def set_default_policy_version(call: Call, params: dict[str, Any]) -> Mapping[str, Any]:
    policy = authorized_policy(call, "iam:SetDefaultPolicyVersion", params["PolicyArn"], changes=True)
    version_id = params["VersionId"]
    if call.tx.get_policy_version(call.account_id, policy.arn, version_id) is None:
        raise _no_such_version(policy.arn, version_id)
    call.tx.set_default_policy_version(call.account_id, policy.arn, version_id)
    return {}


HANDLERS: dict[str, Handler] = {
    "CreatePolicy": create_policy,
    "GetPolicy": get_policy,
    "ListPolicies": list_policies,
    "DeletePolicy": delete_policy,
    "CreatePolicyVersion": create_policy_version,
    "GetPolicyVersion": get_policy_version,
    "ListPolicyVersions": list_policy_versions,
    "DeletePolicyVersion": delete_policy_version,
    "SetDefaultPolicyVersion": set_default_policy_version,
}
