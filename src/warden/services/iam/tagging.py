"""Tags on users, roles, customer managed policies, instance profiles and MFA devices:
Tag*, Untag*, List*Tags.

https://docs.aws.amazon.com/IAM/latest/UserGuide/id_tags.html
Keys compare case-insensitively (a key given again in another case replaces the value and keeps
the first spelling), at most 50 tags per resource, and keys beginning with `aws:` are reserved
for AWS. Tag* offers `aws:RequestTag/*` and `aws:TagKeys`, Untag* `aws:TagKeys`, and all of them
the resource's current tags as `aws:ResourceTag/*`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from warden.errors import AwsError, InvalidInput, LimitExceeded, NoSuchEntity
from warden.model import Tag, TaggedKind
from warden.services.call import Call
from warden.services.iam.common import (
    MAX_TAGS,
    no_such_entity,
    request_tag_context,
    tags_from_params,
    tags_to_wire,
)
from warden.services.iam.pages import in_memory_page, page_args, page_to_wire
from warden.services.partition_arns import stored_policy_arn
from warden.store import NotFound

__all__ = ["HANDLERS", "RESERVED_PREFIX"]

RESERVED_PREFIX = "aws:"


@dataclass(frozen=True, slots=True)
class _Found:
    """A taggable resource as the handlers need it: its ARN, current tags, and store key."""

    arn: str
    tags: tuple[Tag, ...]
    key: str | None  # None when it does not exist
    aws_managed: bool = False


@dataclass(frozen=True, slots=True)
class _Kind:
    """How one taggable kind is named in requests, looked up, and reported missing."""

    tagged: TaggedKind
    noun: str  # the operation-name stem: User, Role, Policy, InstanceProfile
    member: str  # the request member naming the resource
    lookup: Callable[[Call, str], _Found]
    missing: Callable[[str], AwsError]


def _user(call: Call, name: str) -> _Found:
    user = call.tx.get_user(call.account_id, name)
    if user is None:
        return _Found(call.iam_arn("user", "/", name), (), None)
    return _Found(user.arn, user.tags, user.name)


def _role(call: Call, name: str) -> _Found:
    role = call.tx.get_role(call.account_id, name)
    if role is None:
        return _Found(call.iam_arn("role", "/", name), (), None)
    return _Found(role.arn, role.tags, role.name)


def _policy(call: Call, arn: str) -> _Found:
    policy = call.tx.get_policy(call.account_id, stored_policy_arn(arn, call.partition))
    if policy is None:
        return _Found(arn, (), None)
    return _Found(arn, policy.tags, policy.arn, aws_managed=policy.aws_managed)


def _instance_profile(call: Call, name: str) -> _Found:
    profile = call.tx.get_instance_profile(call.account_id, name)
    if profile is None:
        return _Found(call.iam_arn("instance-profile", "/", name), (), None)
    return _Found(profile.arn, profile.tags, profile.name)


def _mfa_device(call: Call, serial_number: str) -> _Found:
    device = call.tx.get_mfa_device(call.account_id, serial_number)
    if device is None or device.account_id != call.account_id:
        return _Found(serial_number, (), None)
    tags = call.tx.list_tags(call.account_id, TaggedKind.MFA_DEVICE, device.serial_number)
    return _Found(device.serial_number, tags, device.serial_number)


_USER = _Kind(TaggedKind.USER, "User", "UserName", _user, lambda name: no_such_entity("user", name))
_ROLE = _Kind(TaggedKind.ROLE, "Role", "RoleName", _role, lambda name: no_such_entity("role", name))
_POLICY = _Kind(
    TaggedKind.POLICY,
    "Policy",
    "PolicyArn",
    _policy,
    lambda arn: NoSuchEntity(f"Policy {arn} was not found."),
)
_INSTANCE_PROFILE = _Kind(
    TaggedKind.INSTANCE_PROFILE,
    "InstanceProfile",
    "InstanceProfileName",
    _instance_profile,
    lambda name: NoSuchEntity(f"Instance Profile {name} cannot be found."),
)
_MFA_DEVICE = _Kind(
    TaggedKind.MFA_DEVICE,
    "MFADevice",
    "SerialNumber",
    _mfa_device,
    lambda serial: NoSuchEntity(f"VirtualMFADevice with serial number {serial} doesn't exist."),
)


def _refuse_aws_managed(found: _Found) -> None:
    # AWS managed policies are shared by every account; one account's tags must not reach them.
    if found.aws_managed:
        raise InvalidInput(
            f"Policy {found.arn} is an AWS managed policy; only customer managed policies can be tagged."
        )


def _check_reserved(keys: list[str]) -> None:
    for key in keys:
        if key.lower().startswith(RESERVED_PREFIX):
            raise InvalidInput(
                f"Tag key {key} is not allowed: keys beginning with 'aws:' are reserved for AWS."
            )


def _merged_count(existing: tuple[Tag, ...], added: tuple[Tag, ...]) -> int:
    return len({tag.key.lower() for tag in existing} | {tag.key.lower() for tag in added})


def _tag_handler(kind: _Kind) -> Callable[[Call, dict[str, Any]], Mapping[str, Any]]:
    def tag(call: Call, params: dict[str, Any]) -> Mapping[str, Any]:
        name = params[kind.member]
        tags = tags_from_params(params)
        found = kind.lookup(call, name)
        call.authorize(
            f"iam:Tag{kind.noun}", found.arn, context=request_tag_context(tags), resource_tags=found.tags
        )
        if found.key is None:
            raise kind.missing(name)
        _refuse_aws_managed(found)
        _check_reserved([t.key for t in tags])
        if _merged_count(found.tags, tags) > MAX_TAGS:
            raise LimitExceeded(f"The number of tags has reached the maximum limit of {MAX_TAGS}.")
        try:
            call.tx.tag_resource(call.account_id, kind.tagged, found.key, tags)
        except NotFound:
            raise kind.missing(name) from None
        return {}

    tag.__doc__ = f"Tag{kind.noun}: add tags or replace the values of existing keys."
    return tag


def _untag_handler(kind: _Kind) -> Callable[[Call, dict[str, Any]], Mapping[str, Any]]:
    def untag(call: Call, params: dict[str, Any]) -> Mapping[str, Any]:
        name = params[kind.member]
        keys: list[str] = list(params["TagKeys"])
        found = kind.lookup(call, name)
        context: dict[str, str | tuple[str, ...]] = {"aws:TagKeys": tuple(keys)} if keys else {}
        call.authorize(f"iam:Untag{kind.noun}", found.arn, context=context, resource_tags=found.tags)
        if found.key is None:
            raise kind.missing(name)
        _refuse_aws_managed(found)
        try:
            call.tx.untag_resource(call.account_id, kind.tagged, found.key, keys)
        except NotFound:
            raise kind.missing(name) from None
        return {}

    untag.__doc__ = f"Untag{kind.noun}: remove tags by key; absent keys are ignored, as in AWS."
    return untag


def _list_handler(kind: _Kind) -> Callable[[Call, dict[str, Any]], Mapping[str, Any]]:
    def list_tags(call: Call, params: dict[str, Any]) -> Mapping[str, Any]:
        name = params[kind.member]
        found = kind.lookup(call, name)
        call.authorize(f"iam:List{kind.noun}Tags", found.arn, resource_tags=found.tags)
        if found.key is None:
            raise kind.missing(name)
        marker, max_items = page_args(params)
        page = in_memory_page(found.tags, lambda t: t.key.lower(), marker, max_items)
        return page_to_wire(page, "Tags", lambda t: tags_to_wire([t])[0])

    list_tags.__doc__ = f"List{kind.noun}Tags: the tags sorted by key, paged with Marker/MaxItems."
    return list_tags


HANDLERS = {
    name: handler
    for kind in (_USER, _ROLE, _POLICY, _INSTANCE_PROFILE, _MFA_DEVICE)
    for name, handler in (
        (f"Tag{kind.noun}", _tag_handler(kind)),
        (f"Untag{kind.noun}", _untag_handler(kind)),
        (f"List{kind.noun}Tags", _list_handler(kind)),
    )
}
