"""IAM groups and group memberships."""

from __future__ import annotations

from typing import Protocol

from warden.model import Group, User
from warden.store.pagination import DEFAULT_MAX_ITEMS, Page

__all__ = ["GroupOps"]


class GroupOps(Protocol):
    def create_group(self, group: Group) -> None:
        """Raises AlreadyExists("group") (names compare case-insensitively), NotFound("account")."""

    def get_group(self, account_id: str, name: str) -> Group | None: ...

    def list_groups(
        self,
        account_id: str,
        path_prefix: str = "/",
        marker: str | None = None,
        max_items: int = DEFAULT_MAX_ITEMS,
    ) -> Page[Group]: ...

    def update_group(self, group: Group) -> None:
        """Rewrite name, path and ARN of the group with `group.group_id`."""

    def delete_group(self, account_id: str, name: str) -> None:
        """Raises NotFound("group") or ConflictDeleting while it has members or policies."""

    def count_groups(self, account_id: str) -> int: ...

    def add_user_to_group(self, account_id: str, group_name: str, user_name: str) -> None:
        """Idempotent, like AddUserToGroup. Raises NotFound("group" | "user")."""

    def remove_user_from_group(self, account_id: str, group_name: str, user_name: str) -> None:
        """Raises NotFound("group" | "user" | "membership")."""

    def list_group_members(
        self, account_id: str, group_name: str, marker: str | None = None, max_items: int = DEFAULT_MAX_ITEMS
    ) -> Page[User]: ...

    def list_groups_for_user(
        self, account_id: str, user_name: str, marker: str | None = None, max_items: int = DEFAULT_MAX_ITEMS
    ) -> Page[Group]: ...

    def count_groups_for_user(self, account_id: str, user_name: str) -> int: ...
