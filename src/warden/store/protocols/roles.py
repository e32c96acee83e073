"""IAM roles."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from warden.model import Role
from warden.store.pagination import DEFAULT_MAX_ITEMS, Page

__all__ = ["RoleOps"]


class RoleOps(Protocol):
    def create_role(self, role: Role) -> None:
        """Store the role and its tags. Raises AlreadyExists("role"), NotFound("account")."""

    def get_role(self, account_id: str, name: str) -> Role | None: ...

    def get_role_by_id(self, role_id: str) -> Role | None: ...

    def list_roles(
        self,
        account_id: str,
        path_prefix: str = "/",
        marker: str | None = None,
        max_items: int = DEFAULT_MAX_ITEMS,
    ) -> Page[Role]: ...

    def update_role(self, role: Role) -> None:
        """Rewrite the trust policy, description, maximum session duration and permissions
        boundary of the role with `role.role_id` (roles cannot be renamed in IAM)."""

    def record_role_use(self, role_id: str, when: datetime, region: str) -> None:
        """Note that the role was assumed; does not bump the change counter."""

    def delete_role(self, account_id: str, name: str) -> None:
        """Raises NotFound("role") or ConflictDeleting while the role is in instance profiles or
        has inline or attached policies."""

    def count_roles(self, account_id: str) -> int: ...
