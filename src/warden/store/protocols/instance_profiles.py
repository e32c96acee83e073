"""Instance profiles and the roles they contain."""

from __future__ import annotations

from typing import Protocol

from warden.model import InstanceProfile
from warden.store.pagination import DEFAULT_MAX_ITEMS, Page

__all__ = ["InstanceProfileOps"]


class InstanceProfileOps(Protocol):
    def create_instance_profile(self, profile: InstanceProfile) -> None:
        """Store the profile and its tags (`profile.roles` is ignored; add roles separately)."""

    def get_instance_profile(self, account_id: str, name: str) -> InstanceProfile | None: ...

    def list_instance_profiles(
        self,
        account_id: str,
        path_prefix: str = "/",
        marker: str | None = None,
        max_items: int = DEFAULT_MAX_ITEMS,
    ) -> Page[InstanceProfile]: ...

    def list_instance_profiles_for_role(
        self, account_id: str, role_name: str, marker: str | None = None, max_items: int = DEFAULT_MAX_ITEMS
    ) -> Page[InstanceProfile]: ...

    def add_role_to_instance_profile(self, account_id: str, profile_name: str, role_name: str) -> None:
        """Raises AlreadyExists("instance profile role") when the role is already in it; the
        one-role limit is the services layer's to enforce (it is a quota)."""

    def remove_role_from_instance_profile(
        self, account_id: str, profile_name: str, role_name: str
    ) -> None: ...

    def delete_instance_profile(self, account_id: str, name: str) -> None:
        """Raises ConflictDeleting(ROLES) while the profile contains a role."""

    def count_instance_profiles(self, account_id: str) -> int: ...
