"""Instance profiles and the roles they contain."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Row, select

from warden.model import InstanceProfile, PrincipalKind, Role, TaggedKind
from warden.store.errors import AlreadyExists, ConflictDeleting, Dependent, NotFound
from warden.store.pagination import DEFAULT_MAX_ITEMS, Page
from warden.store.sqlalchemy import schema as s
from warden.store.sqlalchemy.base import names_nothing, starts_with
from warden.store.sqlalchemy.roles import RolesMixin

__all__ = ["InstanceProfilesMixin"]

_ip = s.instance_profiles.c
_ipr = s.instance_profile_roles.c


class InstanceProfilesMixin(RolesMixin):
    def _instance_profiles(self, rows: Sequence[Row[Any]]) -> list[InstanceProfile]:
        ids = [row._mapping["instance_profile_id"] for row in rows]
        roles: dict[str, list[Role]] = {profile_id: [] for profile_id in ids}
        if ids:
            role_rows = self._conn.execute(
                select(s.roles, _ipr.instance_profile_id)
                .join(s.instance_profile_roles, _ipr.role_id == s.roles.c.role_id)
                .where(_ipr.instance_profile_id.in_(ids))
                .order_by(s.roles.c.name_lower)
            ).all()
            for row, role in zip(role_rows, self._roles(role_rows), strict=True):
                roles[row._mapping["instance_profile_id"]].append(role)
        tags = self._load_tags(TaggedKind.INSTANCE_PROFILE, ids)
        return [
            InstanceProfile(
                instance_profile_id=m["instance_profile_id"],
                account_id=m["account_id"],
                name=m["name"],
                path=m["path"],
                arn=m["arn"],
                create_date=m["create_date"],
                roles=tuple(roles[m["instance_profile_id"]]),
                tags=tags[m["instance_profile_id"]],
            )
            for m in (row._mapping for row in rows)
        ]

    def _instance_profile_id(self, account_id: str, name: str) -> str:
        value = self._conn.execute(
            select(_ip.instance_profile_id).where(
                _ip.account_id == account_id, _ip.name_lower == name.lower()
            )
        ).scalar()
        if value is None:
            raise NotFound("instance profile", name)
        return str(value)

    def create_instance_profile(self, profile: InstanceProfile) -> None:
        self._require_account(profile.account_id)
        self._insert_unique(
            s.instance_profiles.insert().values(
                instance_profile_id=profile.instance_profile_id,
                account_id=profile.account_id,
                name=profile.name,
                name_lower=profile.name.lower(),
                path=profile.path,
                arn=profile.arn,
                create_date=profile.create_date,
            ),
            "instance profile",
            profile.name,
        )
        self._write_tags(TaggedKind.INSTANCE_PROFILE, profile.instance_profile_id, profile.tags)
        self._bump(profile.account_id)

    def get_instance_profile(self, account_id: str, name: str) -> InstanceProfile | None:
        if names_nothing(name):
            return None
        row = self._conn.execute(
            select(s.instance_profiles).where(_ip.account_id == account_id, _ip.name_lower == name.lower())
        ).first()
        return None if row is None else self._instance_profiles([row])[0]

    def list_instance_profiles(
        self,
        account_id: str,
        path_prefix: str = "/",
        marker: str | None = None,
        max_items: int = DEFAULT_MAX_ITEMS,
    ) -> Page[InstanceProfile]:
        statement = select(s.instance_profiles).where(
            _ip.account_id == account_id, starts_with(_ip.path, path_prefix)
        )
        return self._page(
            statement, [_ip.name_lower, _ip.instance_profile_id], marker, max_items, self._instance_profiles
        )

    def list_instance_profiles_for_role(
        self, account_id: str, role_name: str, marker: str | None = None, max_items: int = DEFAULT_MAX_ITEMS
    ) -> Page[InstanceProfile]:
        role_id = self._owner_id(account_id, PrincipalKind.ROLE, role_name)
        statement = (
            select(s.instance_profiles)
            .join(s.instance_profile_roles, _ipr.instance_profile_id == _ip.instance_profile_id)
            .where(_ipr.role_id == role_id)
        )
        return self._page(
            statement, [_ip.name_lower, _ip.instance_profile_id], marker, max_items, self._instance_profiles
        )

    def add_role_to_instance_profile(self, account_id: str, profile_name: str, role_name: str) -> None:
        profile_id = self._instance_profile_id(account_id, profile_name)
        role_id = self._owner_id(account_id, PrincipalKind.ROLE, role_name)
        if self._exists((_ipr.instance_profile_id == profile_id) & (_ipr.role_id == role_id)):
            raise AlreadyExists("instance profile role", role_name)
        self._conn.execute(
            s.instance_profile_roles.insert().values(instance_profile_id=profile_id, role_id=role_id)
        )
        self._bump(account_id)

    def remove_role_from_instance_profile(self, account_id: str, profile_name: str, role_name: str) -> None:
        profile_id = self._instance_profile_id(account_id, profile_name)
        role_id = self._owner_id(account_id, PrincipalKind.ROLE, role_name)
        result = self._conn.execute(
            s.instance_profile_roles.delete().where(
                _ipr.instance_profile_id == profile_id, _ipr.role_id == role_id
            )
        )
        if result.rowcount == 0:
            raise NotFound("instance profile role", role_name)
        self._bump(account_id)

    def delete_instance_profile(self, account_id: str, name: str) -> None:
        profile_id = self._instance_profile_id(account_id, name)
        if self._exists(_ipr.instance_profile_id == profile_id):
            raise ConflictDeleting("instance profile", name, Dependent.ROLES)
        self._delete_tags(TaggedKind.INSTANCE_PROFILE, profile_id)
        self._conn.execute(s.instance_profiles.delete().where(_ip.instance_profile_id == profile_id))
        self._bump(account_id)

    def count_instance_profiles(self, account_id: str) -> int:
        return self._count(select(_ip.instance_profile_id).where(_ip.account_id == account_id))
