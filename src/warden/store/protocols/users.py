"""IAM users."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from warden.model import User
from warden.store.pagination import DEFAULT_MAX_ITEMS, Page

__all__ = ["UserOps"]


class UserOps(Protocol):
    def create_user(self, user: User) -> None:
        """Store the user and its tags. Raises AlreadyExists("user") when the name is taken
        (case-insensitively) and NotFound("account") for an unknown account."""

    def get_user(self, account_id: str, name: str) -> User | None:
        """Look a user up by name, case-insensitively."""

    def get_user_by_id(self, user_id: str) -> User | None: ...

    def list_users(
        self,
        account_id: str,
        path_prefix: str = "/",
        marker: str | None = None,
        max_items: int = DEFAULT_MAX_ITEMS,
    ) -> Page[User]:
        """Users whose path starts with `path_prefix`, ordered by name (case-insensitively)."""

    def update_user(self, user: User) -> None:
        """Rewrite name, path, ARN and permissions boundary of the user with `user.user_id`
        (tags are changed through TagOps). Raises NotFound("user"), AlreadyExists("user")."""

    def record_password_use(self, user_id: str, when: datetime) -> None:
        """Note a console sign-in; does not bump the change counter (it changes no permission)."""

    def delete_user(self, account_id: str, name: str) -> None:
        """Delete the user and its tags. Raises NotFound("user") or ConflictDeleting while the
        user has a login profile, access keys, MFA devices, inline or attached policies, or
        group memberships."""

    def count_users(self, account_id: str) -> int: ...
