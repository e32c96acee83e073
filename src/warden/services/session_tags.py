"""Session tags and source identity for STS sessions: what a request may pass, what the trust
policy must allow, and which principal tags the new session carries.

https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html
https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_control-access_monitor.html
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from warden.errors import AccessDenied, InvalidParameterValue
from warden.model import Role
from warden.services.call import Call
from warden.services.caller import Caller

__all__ = [
    "SessionTags",
    "authorize_session_attributes",
    "check_source_identity",
    "merge_principal_tags",
    "requested_session_tags",
]

_DUPLICATE = "Duplicate tag keys found. Please note that Tag keys are case insensitive."
_NOT_REQUESTED = "The specified transitive tag key must be included in the requested tags."
_CONFLICT = (
    "One of the specified transitive tag keys can't be set because it conflicts with a transitive "
    "tag key from the calling session."
)


@dataclass(frozen=True, slots=True)
class SessionTags:
    """Tags a new session gets from the request and, in a role chain, from the calling session.

    `passed` are the request's Tags; `inherited` the caller's transitive tags; `transitive_keys`
    every key that stays transitive in the new session (inherited ones first).
    """

    passed: tuple[tuple[str, str], ...]
    inherited: tuple[tuple[str, str], ...]
    transitive_keys: tuple[str, ...]

    @property
    def any(self) -> bool:
        """Whether the session is tagged at all, which needs sts:TagSession in the trust policy."""
        return bool(self.passed or self.inherited)

    @property
    def packed_bytes(self) -> int:
        """What the passed tags add to the packed policy size; transitivity does not count."""
        return sum(len(key) + len(value) for key, value in self.passed)

    def tag_session_context(self) -> dict[str, str | tuple[str, ...]]:
        """The request context sts:TagSession is evaluated with (aws:RequestTag/*, aws:TagKeys)."""
        context: dict[str, str | tuple[str, ...]] = {}
        for key, value in self.passed + self.inherited:
            context[f"aws:RequestTag/{key}"] = value
        keys = tuple(key for key, _ in self.passed + self.inherited)
        if keys:
            context["aws:TagKeys"] = keys
        if self.transitive_keys:
            context["sts:TransitiveTagKeys"] = self.transitive_keys
        return context


def _inherited(caller: Caller) -> tuple[tuple[str, str], ...]:
    wanted = {key.lower() for key in caller.transitive_tag_keys}
    return tuple((key, value) for key, value in caller.tags if key.lower() in wanted)


def requested_session_tags(params: Mapping[str, Any], caller: Caller) -> SessionTags:
    """Validate Tags and TransitiveTagKeys against each other and the calling session.

    Raises InvalidParameterValue with AWS's texts: duplicate keys (case-insensitive), a
    transitive key that is not among the Tags, or a tag that would override an inherited
    transitive tag. Lengths, patterns and the limit of 50 are checked by the model first.
    """
    passed = tuple((str(tag["Key"]), str(tag.get("Value", ""))) for tag in params.get("Tags") or ())
    lowered = [key.lower() for key, _ in passed]
    if len(set(lowered)) != len(lowered):
        raise InvalidParameterValue(_DUPLICATE)
    transitive = [str(key) for key in params.get("TransitiveTagKeys") or ()]
    if any(key.lower() not in lowered for key in transitive):
        raise InvalidParameterValue(_NOT_REQUESTED)
    inherited = _inherited(caller)
    inherited_keys = {key.lower() for key, _ in inherited}
    if inherited_keys.intersection(lowered):
        raise InvalidParameterValue(_CONFLICT)
    keys: list[str] = [key for key, _ in inherited]
    for key in transitive:
        if key.lower() not in {k.lower() for k in keys}:
            keys.append(key)
    return SessionTags(passed=passed, inherited=inherited, transitive_keys=tuple(keys))


def merge_principal_tags(
    base: Iterable[tuple[str, str]], tags: SessionTags
) -> tuple[tuple[str, str], ...]:
    """The session's principal tags: the role's (or user's) tags, overridden case-insensitively by
    inherited transitive tags and then by the tags passed in the request (case is preserved)."""
    merged: dict[str, tuple[str, str]] = {}
    for key, value in list(base) + list(tags.inherited) + list(tags.passed):
        merged[key.lower()] = (key, value)
    return tuple(merged.values())


def check_source_identity(params: Mapping[str, Any], caller: Caller) -> str | None:
    """The source identity of the new session: once a session has one, a chained request may only
    repeat it. Raises AccessDenied otherwise."""
    requested = params.get("SourceIdentity")
    if caller.source_identity is None:
        return str(requested) if requested else None
    if requested and requested != caller.source_identity:
        raise AccessDenied("SourceIdentity cannot be changed once it is set for a role session.")
    return caller.source_identity


def authorize_session_attributes(
    call: Call,
    role: Role,
    context: Mapping[str, str | tuple[str, ...]],
    tags: SessionTags,
    source_identity: str | None,
) -> None:
    """Tagging the session (passed or inherited transitive tags) needs sts:TagSession; setting a
    source identity, or carrying one on down a role chain, needs sts:SetSourceIdentity. Both are
    decided like sts:AssumeRole: by the caller's policies and the role's trust policy."""
    trust_policy, account = role.assume_role_policy_document, role.account_id
    if tags.any:
        call.authorize("sts:TagSession", role.arn, context={**context, **tags.tag_session_context()},
                       resource_tags=role.tags, resource_policy=trust_policy, resource_account=account)
    if source_identity:
        call.authorize("sts:SetSourceIdentity", role.arn, context={**context, "sts:SourceIdentity": source_identity},
                       resource_tags=role.tags, resource_policy=trust_policy, resource_account=account)
