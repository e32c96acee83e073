"""Helpers shared by the IAM handlers: ARNs, paths, tags in and out, AWS's error messages."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from warden.errors import InvalidInput, LimitExceeded, NoSuchEntity
from warden.model import Tag
from warden.services.call import Call

__all__ = [
    "MAX_TAGS",
    "NON_USER_CREDENTIALS",
    "authorize_tagging_on_create",
    "no_such_entity",
    "request_tag_context",
    "tags_from_params",
    "tags_to_wire",
]

MAX_TAGS = 50
NON_USER_CREDENTIALS = "Must specify userName when calling with non-User credentials"
"""AWS's ValidationError when an operation that defaults to the calling user is called without a
UserName by a caller that is not an IAM user (a role session, a federated user)."""


def no_such_entity(kind: str, name: str) -> NoSuchEntity:
    """AWS's form: "The user with name bob cannot be found." """
    return NoSuchEntity(f"The {kind} with name {name} cannot be found.")


def tags_from_params(params: Mapping[str, Any], member: str = "Tags") -> tuple[Tag, ...]:
    """Tags of a Create*/Tag* request; a key given twice (case-insensitively) is an error."""
    raw: Sequence[Mapping[str, str]] = params.get(member) or ()
    if len(raw) > MAX_TAGS:
        raise LimitExceeded(f"The number of tags has reached the maximum limit of {MAX_TAGS}.")
    seen: set[str] = set()
    tags = []
    for item in raw:
        key = item["Key"]
        if key.lower() in seen:
            raise InvalidInput("Duplicate tag keys found. Please note that Tag keys are case insensitive.")
        seen.add(key.lower())
        tags.append(Tag(key, item.get("Value", "")))
    return tuple(tags)


def tags_to_wire(tags: Iterable[Tag]) -> list[dict[str, str]]:
    return [{"Key": tag.key, "Value": tag.value} for tag in tags]


def request_tag_context(tags: Iterable[Tag]) -> dict[str, str | tuple[str, ...]]:
    """`aws:RequestTag/k` and `aws:TagKeys` for a request that sets tags."""
    tags = tuple(tags)
    context: dict[str, str | tuple[str, ...]] = {f"aws:RequestTag/{t.key}": t.value for t in tags}
    if tags:
        context["aws:TagKeys"] = tuple(t.key for t in tags)
    return context


def authorize_tagging_on_create(call: Call, noun: str, arn: str, tags: tuple[Tag, ...]) -> None:
    """A Create* request that carries tags also needs `iam:Tag{noun}` on the new entity's ARN,
    with the tags as `aws:RequestTag/*` and `aws:TagKeys`; without tags nothing more is asked.

    AWS's example policy for creating users only with given tags allows iam:CreateUser *and*
    iam:TagUser under the same conditions
    (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_examples_iam-new-user-tag.html),
    and AWS refuses CreateRole and CreateInstanceProfile with tags to a caller allowed the Create
    action alone: "is not authorized to perform: iam:TagRole on resource: arn:aws:iam::...:role/NAME"
    (openshift/installer#1073), "iam:TagInstanceProfile on resource: ...:instance-profile/NAME
    because no identity-based policy allows the iam:TagInstanceProfile action"
    (openshift/installer#7843)."""
    if tags:
        call.authorize(f"iam:Tag{noun}", arn, context=request_tag_context(tags))


def user_arn(call: Call, path: str, name: str) -> str:
    return call.iam_arn("user", path, name)
