"""Managed policies, their versions, attachments, and inline policies."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from warden.model.tags import Tag

__all__ = [
    "AttachedPolicy",
    "InlinePolicy",
    "ManagedPolicy",
    "PolicyEntity",
    "PolicyScope",
    "PolicyUsage",
    "PolicyVersion",
    "PrincipalKind",
]

AWS_MANAGED_ACCOUNT = "aws"
"""The account segment of AWS managed policy ARNs (`arn:aws:iam::aws:policy/...`)."""


class PrincipalKind(str, Enum):
    """IAM identities that policies attach to or are embedded in."""

    USER = "user"
    GROUP = "group"
    ROLE = "role"


class PolicyScope(str, Enum):
    """The `Scope` filter of `ListPolicies`."""

    ALL = "All"
    AWS = "AWS"
    LOCAL = "Local"


class PolicyUsage(str, Enum):
    """The `PolicyUsageFilter` of `ListPolicies`: policies in use as permissions policies
    (attached to an identity) or as permissions boundaries, within the listing account."""

    PERMISSIONS_POLICY = "PermissionsPolicy"
    PERMISSIONS_BOUNDARY = "PermissionsBoundary"


@dataclass(frozen=True, slots=True)
class ManagedPolicy:
    """A managed policy (`ANPA...` id).

    `attachment_count` and `permissions_boundary_usage_count` are computed by the store when it
    reads the policy, counted within the reading account (as AWS does for AWS managed policies);
    they are ignored on writes."""

    policy_id: str
    account_id: str
    name: str
    path: str
    arn: str
    create_date: datetime
    update_date: datetime
    default_version_id: str = "v1"
    attachment_count: int = 0
    permissions_boundary_usage_count: int = 0
    is_attachable: bool = True
    description: str | None = None
    aws_managed: bool = False
    tags: tuple[Tag, ...] = ()


@dataclass(frozen=True, slots=True)
class PolicyVersion:
    """One version of a managed policy; the document is the exact text that was submitted."""

    policy_arn: str
    version_id: str
    document: str
    is_default: bool
    create_date: datetime


@dataclass(frozen=True, slots=True)
class InlinePolicy:
    """A policy embedded in one user, group or role."""

    owner_kind: PrincipalKind
    owner_name: str
    policy_name: str
    document: str


@dataclass(frozen=True, slots=True)
class AttachedPolicy:
    """A managed policy as listed by `ListAttached{User,Group,Role}Policies`."""

    policy_name: str
    policy_arn: str


@dataclass(frozen=True, slots=True)
class PolicyEntity:
    """An identity a managed policy is attached to, as `ListEntitiesForPolicy` lists it."""

    kind: PrincipalKind
    name: str
    entity_id: str
