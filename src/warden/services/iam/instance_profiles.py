"""Instance profiles: CreateInstanceProfile, GetInstanceProfile, ListInstanceProfiles,
DeleteInstanceProfile, AddRoleToInstanceProfile, RemoveRoleFromInstanceProfile,
ListInstanceProfilesForRole.

https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateInstanceProfile.html and siblings.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from warden.errors import DeleteConflict, EntityAlreadyExists, LimitExceeded, NoSuchEntity
from warden.model import InstanceProfile
from warden.services.call import Call
from warden.services.iam.common import (
    authorize_tagging_on_create,
    no_such_entity,
    request_tag_context,
    tags_from_params,
    tags_to_wire,
)
from warden.services.iam.pages import marker_errors, page_args, page_to_wire
from warden.services.iam.role_wire import role_to_wire
from warden.services.iam.roles import authorized_role
from warden.store import AlreadyExists, ConflictDeleting, NotFound

__all__ = ["HANDLERS", "MAX_INSTANCE_PROFILES_PER_ACCOUNT", "instance_profile_to_wire"]

# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html
MAX_INSTANCE_PROFILES_PER_ACCOUNT = 1000
MAX_ROLES_PER_INSTANCE_PROFILE = 1
# The service an instance profile passes its role to.
_EC2 = "ec2.amazonaws.com"


def _missing_profile(name: str) -> NoSuchEntity:
    return NoSuchEntity(f"Instance Profile {name} cannot be found.")


def instance_profile_to_wire(profile: InstanceProfile, *, with_tags: bool = False) -> dict[str, Any]:
    """The `InstanceProfile` shape; `Roles` is always present, empty when the profile has none."""
    wire: dict[str, Any] = {
        "Path": profile.path,
        "InstanceProfileName": profile.name,
        "InstanceProfileId": profile.instance_profile_id,
        "Arn": profile.arn,
        "CreateDate": profile.create_date,
        "Roles": [role_to_wire(role) for role in profile.roles],
    }
    if with_tags and profile.tags:
        wire["Tags"] = tags_to_wire(profile.tags)
    return wire


def _authorized_profile(call: Call, action: str, name: str) -> InstanceProfile:
    profile = call.tx.get_instance_profile(call.account_id, name)
    resource = profile.arn if profile else call.iam_arn("instance-profile", "/", name)
    call.authorize(action, resource, resource_tags=profile.tags if profile else ())
    if profile is None:
        raise _missing_profile(name)
    return profile


def create_instance_profile(call: Call, params: dict[str, Any]) -> Mapping[str, Any]:
    name, path = params["InstanceProfileName"], params.get("Path", "/")
    tags = tags_from_params(params)
    arn = call.iam_arn("instance-profile", path, name)
    call.authorize("iam:CreateInstanceProfile", arn, context=request_tag_context(tags))
    authorize_tagging_on_create(call, "InstanceProfile", arn, tags)
    if call.tx.count_instance_profiles(call.account_id) >= MAX_INSTANCE_PROFILES_PER_ACCOUNT:
        raise LimitExceeded(
            f"Cannot exceed quota for InstanceProfilesPerAccount: {MAX_INSTANCE_PROFILES_PER_ACCOUNT}"
        )
    profile = InstanceProfile(
        instance_profile_id=call.services.ids.instance_profile_id(),
        account_id=call.account_id,
        name=name,
        path=path,
        arn=arn,
        create_date=call.now,
        tags=tags,
    )
    try:
        call.tx.create_instance_profile(profile)
    except AlreadyExists:
        raise EntityAlreadyExists(f"Instance Profile {name} already exists.") from None
    return {"InstanceProfile": instance_profile_to_wire(profile, with_tags=True)}


def get_instance_profile(call: Call, params: dict[str, Any]) -> Mapping[str, Any]:
    profile = _authorized_profile(call, "iam:GetInstanceProfile", params["InstanceProfileName"])
    return {"InstanceProfile": instance_profile_to_wire(profile, with_tags=True)}


def list_instance_profiles(call: Call, params: dict[str, Any]) -> Mapping[str, Any]:
    call.authorize("iam:ListInstanceProfiles", call.iam_arn("instance-profile", "/", ""))
    marker, max_items = page_args(params)
    with marker_errors():
        page = call.tx.list_instance_profiles(
            call.account_id, path_prefix=params.get("PathPrefix", "/"), marker=marker, max_items=max_items
        )
    return page_to_wire(page, "InstanceProfiles", instance_profile_to_wire)


def list_instance_profiles_for_role(call: Call, params: dict[str, Any]) -> Mapping[str, Any]:
    role = authorized_role(call, "iam:ListInstanceProfilesForRole", params["RoleName"])
    marker, max_items = page_args(params)
    with marker_errors():
        page = call.tx.list_instance_profiles_for_role(
            call.account_id, role.name, marker=marker, max_items=max_items
        )
    return page_to_wire(page, "InstanceProfiles", instance_profile_to_wire)


def delete_instance_profile(call: Call, params: dict[str, Any]) -> Mapping[str, Any]:
    profile = _authorized_profile(call, "iam:DeleteInstanceProfile", params["InstanceProfileName"])
    try:
        call.tx.delete_instance_profile(call.account_id, profile.name)
    except NotFound:
        raise _missing_profile(profile.name) from None
    except ConflictDeleting:
        raise DeleteConflict("Cannot delete entity, must remove roles from instance profile first.") from None
    return {}


def add_role_to_instance_profile(call: Call, params: dict[str, Any]) -> Mapping[str, Any]:
    """Putting a role in a profile hands it to EC2, so IAM also asks for iam:PassRole on the role.
    https://docs.aws.amazon.com/IAM/latest/APIReference/API_AddRoleToInstanceProfile.html"""
    profile = _authorized_profile(call, "iam:AddRoleToInstanceProfile", params["InstanceProfileName"])
    role_name = params["RoleName"]
    role = call.tx.get_role(call.account_id, role_name)
    if role is None:
        raise no_such_entity("role", role_name)
    # The instances the role will reach are not known yet: AWS documents that a PassRole policy
    # meant for this operation must name them as arn:aws:ec2:*:CallerAccountId:instance/*.
    # https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html
    instances = f"arn:{call.partition}:ec2:*:{call.account_id}:instance/*"
    context = {"iam:PassedToService": _EC2, "iam:AssociatedResourceArn": instances}
    call.authorize("iam:PassRole", role.arn, context=context, resource_tags=role.tags)
    if len(profile.roles) >= MAX_ROLES_PER_INSTANCE_PROFILE:
        raise LimitExceeded(
            f"Cannot exceed quota for InstanceSessionsPerInstanceProfile: {MAX_ROLES_PER_INSTANCE_PROFILE}"
        )
    try:
        call.tx.add_role_to_instance_profile(call.account_id, profile.name, role.name)
    except AlreadyExists:
        raise LimitExceeded(
            f"Cannot exceed quota for InstanceSessionsPerInstanceProfile: {MAX_ROLES_PER_INSTANCE_PROFILE}"
        ) from None
    return {}


def remove_role_from_instance_profile(call: Call, params: dict[str, Any]) -> Mapping[str, Any]:
    profile = _authorized_profile(call, "iam:RemoveRoleFromInstanceProfile", params["InstanceProfileName"])
    role_name = params["RoleName"]
    if not any(role.name.lower() == role_name.lower() for role in profile.roles):
        raise no_such_entity("role", role_name)
    try:
        call.tx.remove_role_from_instance_profile(call.account_id, profile.name, role_name)
    except NotFound:
        raise no_such_entity("role", role_name) from None
    return {}


HANDLERS = {
    "CreateInstanceProfile": create_instance_profile,
    "GetInstanceProfile": get_instance_profile,
    "ListInstanceProfiles": list_instance_profiles,
    "ListInstanceProfilesForRole": list_instance_profiles_for_role,
    "DeleteInstanceProfile": delete_instance_profile,
    "AddRoleToInstanceProfile": add_role_to_instance_profile,
    "RemoveRoleFromInstanceProfile": remove_role_from_instance_profile,
}
