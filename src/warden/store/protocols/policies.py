"""Managed policies and their versions, attachments, and inline policies."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from warden.model import (
    AttachedPolicy,
    InlinePolicy,
    ManagedPolicy,
    PolicyEntity,
    PolicyScope,
    PolicyUsage,
    PolicyVersion,
    PrincipalKind,
)
from warden.store.pagination import DEFAULT_MAX_ITEMS, Page

__all__ = ["AttachmentOps", "InlinePolicyOps", "ManagedPolicyOps"]


class ManagedPolicyOps(Protocol):
    def create_policy(self, policy: ManagedPolicy, document: str) -> PolicyVersion:
        """Store the policy with `document` as its default version `v1`. AWS managed policies
        use the account id "aws". Raises AlreadyExists("policy")."""

    def get_policy(self, account_id: str, arn: str) -> ManagedPolicy | None:
        """A policy of the account or an AWS managed one; counts are within `account_id`."""

    def list_policies(
        self,
        account_id: str,
        scope: PolicyScope = PolicyScope.ALL,
        only_attached: bool = False,
        path_prefix: str = "/",
        marker: str | None = None,
        max_items: int = DEFAULT_MAX_ITEMS,
        usage: PolicyUsage | None = None,
    ) -> Page[ManagedPolicy]:
        """Every filter (`only_attached`, `usage`, ...) applies before paging, so each page is
        full until the last and a marker stays valid while policies come and go."""

    def delete_policy(self, account_id: str, arn: str) -> None:
        """Raises NotFound("policy") or ConflictDeleting while the policy is attached or has
        versions other than the default."""

    def count_policies(self, account_id: str) -> int:
        """Customer managed policies of the account."""

    def create_policy_version(
        self, account_id: str, arn: str, document: str, set_as_default: bool, create_date: datetime
    ) -> PolicyVersion:
        """Add the next version (`v<n+1>`, numbers are never reused)."""

    def get_policy_version(self, account_id: str, arn: str, version_id: str) -> PolicyVersion | None: ...

    def list_policy_versions(self, account_id: str, arn: str) -> tuple[PolicyVersion, ...]:
        """All versions, newest first (AWS keeps at most five)."""

    def set_default_policy_version(self, account_id: str, arn: str, version_id: str) -> None: ...

    def delete_policy_version(self, account_id: str, arn: str, version_id: str) -> None:
        """Raises ConflictDeleting(DEFAULT_VERSION) for the default version."""


class AttachmentOps(Protocol):
    def attach_policy(self, account_id: str, kind: PrincipalKind, name: str, policy_arn: str) -> None:
        """Attach a managed policy to a user, group or role; attaching twice is a no-op."""

    def detach_policy(self, account_id: str, kind: PrincipalKind, name: str, policy_arn: str) -> None:
        """Raises NotFound("attachment") when the policy is not attached."""

    def list_attached_policies(
        self,
        account_id: str,
        kind: PrincipalKind,
        name: str,
        path_prefix: str = "/",
        marker: str | None = None,
        max_items: int = DEFAULT_MAX_ITEMS,
    ) -> Page[AttachedPolicy]: ...

    def count_attached_policies(self, account_id: str, kind: PrincipalKind, name: str) -> int: ...

    def list_entities_for_policy(
        self,
        account_id: str,
        policy_arn: str,
        kind: PrincipalKind | None = None,
        path_prefix: str = "/",
        marker: str | None = None,
        max_items: int = DEFAULT_MAX_ITEMS,
        usage: PolicyUsage | None = None,
    ) -> Page[PolicyEntity]:
        """Identities in the account that use the policy: groups, then roles, then users. With
        `usage` PERMISSIONS_POLICY those it is attached to, with PERMISSIONS_BOUNDARY the users
        and roles it is the boundary of, and without either both (AWS: "If it is not included,
        all policies are returned")."""


class InlinePolicyOps(Protocol):
    def put_inline_policy(
        self, account_id: str, kind: PrincipalKind, owner_name: str, policy_name: str, document: str
    ) -> None:
        """Create or replace, like Put{User,Group,Role}Policy."""

    def get_inline_policy(
        self, account_id: str, kind: PrincipalKind, owner_name: str, policy_name: str
    ) -> InlinePolicy | None: ...

    def delete_inline_policy(
        self, account_id: str, kind: PrincipalKind, owner_name: str, policy_name: str
    ) -> None: ...

    def list_inline_policies(
        self,
        account_id: str,
        kind: PrincipalKind,
        owner_name: str,
        marker: str | None = None,
        max_items: int = DEFAULT_MAX_ITEMS,
    ) -> Page[InlinePolicy]:
        """Inline policies with their documents, ordered by policy name."""
