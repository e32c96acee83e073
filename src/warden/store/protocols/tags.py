"""Tags on users, roles, managed policies, instance profiles and MFA devices."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from warden.model import Tag, TaggedKind

__all__ = ["TagOps"]


class TagOps(Protocol):
    """`resource` is the name for users, roles and instance profiles, the ARN for managed
    policies and the serial number for MFA devices. Keys compare case-insensitively."""

    def list_tags(self, account_id: str, kind: TaggedKind, resource: str) -> tuple[Tag, ...]:
        """Tags ordered by key. Raises NotFound(kind) for an unknown resource."""

    def tag_resource(self, account_id: str, kind: TaggedKind, resource: str, tags: Iterable[Tag]) -> None:
        """Add tags; a key already present (in any case) keeps its spelling and takes the new value."""

    def untag_resource(self, account_id: str, kind: TaggedKind, resource: str, keys: Iterable[str]) -> None:
        """Remove tags by key; absent keys are ignored, as in AWS."""
