"""IAM groups and memberships."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Row, select, update

from warden.model import Group, PrincipalKind, User
from warden.store.errors import ConflictDeleting, Dependent, NotFound
from warden.store.pagination import DEFAULT_MAX_ITEMS, Page
from warden.store.sqlalchemy import schema as s
from warden.store.sqlalchemy.base import names_nothing, starts_with
from warden.store.sqlalchemy.users import UsersMixin

__all__ = ["GroupsMixin"]


def _groups(rows: Sequence[Row[Any]]) -> list[Group]:
    return [
        Group(
            group_id=m["group_id"],
            account_id=m["account_id"],
            name=m["name"],
            path=m["path"],
            arn=m["arn"],
            create_date=m["create_date"],
        )
        for m in (row._mapping for row in rows)
    ]


class GroupsMixin(UsersMixin):
    def create_group(self, group: Group) -> None:
        self._require_account(group.account_id)
        self._insert_unique(
            s.groups.insert().values(
                group_id=group.group_id,
                account_id=group.account_id,
                name=group.name,
                name_lower=group.name.lower(),
                path=group.path,
                arn=group.arn,
                create_date=group.create_date,
            ),
            "group",
            group.name,
        )
        self._bump(group.account_id)

    def get_group(self, account_id: str, name: str) -> Group | None:
        if names_nothing(name):
            return None
        row = self._conn.execute(
            select(s.groups).where(s.groups.c.account_id == account_id, s.groups.c.name_lower == name.lower())
        ).first()
        return None if row is None else _groups([row])[0]

    def list_groups(
        self,
        account_id: str,
        path_prefix: str = "/",
        marker: str | None = None,
        max_items: int = DEFAULT_MAX_ITEMS,
    ) -> Page[Group]:
        statement = select(s.groups).where(
            s.groups.c.account_id == account_id, starts_with(s.groups.c.path, path_prefix)
        )
        return self._page(statement, [s.groups.c.name_lower, s.groups.c.group_id], marker, max_items, _groups)

    def update_group(self, group: Group) -> None:
        self._insert_unique(
            update(s.groups)
            .where(s.groups.c.group_id == group.group_id, s.groups.c.account_id == group.account_id)
            .values(name=group.name, name_lower=group.name.lower(), path=group.path, arn=group.arn),
            "group",
            group.name,
        )
        if not self._exists(s.groups.c.group_id == group.group_id):
            raise NotFound("group", group.name)
        self._bump(group.account_id)

    def delete_group(self, account_id: str, name: str) -> None:
        group_id = self._owner_id(account_id, PrincipalKind.GROUP, name)
        checks = (
            (s.group_members.c.group_id == group_id, Dependent.GROUP_MEMBERS),
            (
                (s.inline_policies.c.owner_kind == PrincipalKind.GROUP.value)
                & (s.inline_policies.c.owner_id == group_id),
                Dependent.INLINE_POLICIES,
            ),
            (s.group_policy_attachments.c.owner_id == group_id, Dependent.ATTACHED_POLICIES),
        )
        for condition, dependent in checks:
            if self._exists(condition):
                raise ConflictDeleting("group", name, dependent)
        self._conn.execute(s.groups.delete().where(s.groups.c.group_id == group_id))
        self._bump(account_id)

    def count_groups(self, account_id: str) -> int:
        return self._count(select(s.groups.c.group_id).where(s.groups.c.account_id == account_id))

    def add_user_to_group(self, account_id: str, group_name: str, user_name: str) -> None:
        group_id = self._owner_id(account_id, PrincipalKind.GROUP, group_name)
        user_id = self._user_id(account_id, user_name)
        member = (s.group_members.c.group_id == group_id) & (s.group_members.c.user_id == user_id)
        if not self._exists(member):
            self._conn.execute(s.group_members.insert().values(group_id=group_id, user_id=user_id))
            self._bump(account_id)

    def remove_user_from_group(self, account_id: str, group_name: str, user_name: str) -> None:
        group_id = self._owner_id(account_id, PrincipalKind.GROUP, group_name)
        user_id = self._user_id(account_id, user_name)
        result = self._conn.execute(
            s.group_members.delete().where(
                s.group_members.c.group_id == group_id, s.group_members.c.user_id == user_id
            )
        )
        if result.rowcount == 0:
            raise NotFound("membership", f"{user_name} in {group_name}")
        self._bump(account_id)

    def list_group_members(
        self, account_id: str, group_name: str, marker: str | None = None, max_items: int = DEFAULT_MAX_ITEMS
    ) -> Page[User]:
        group_id = self._owner_id(account_id, PrincipalKind.GROUP, group_name)
        statement = (
            select(s.users)
            .join(s.group_members, s.group_members.c.user_id == s.users.c.user_id)
            .where(s.group_members.c.group_id == group_id)
        )
        return self._page(
            statement, [s.users.c.name_lower, s.users.c.user_id], marker, max_items, self._users
        )

    def list_groups_for_user(
        self, account_id: str, user_name: str, marker: str | None = None, max_items: int = DEFAULT_MAX_ITEMS
    ) -> Page[Group]:
        user_id = self._user_id(account_id, user_name)
        statement = (
            select(s.groups)
            .join(s.group_members, s.group_members.c.group_id == s.groups.c.group_id)
            .where(s.group_members.c.user_id == user_id)
        )
        return self._page(statement, [s.groups.c.name_lower, s.groups.c.group_id], marker, max_items, _groups)

    def count_groups_for_user(self, account_id: str, user_name: str) -> int:
        user_id = self._user_id(account_id, user_name)
        return self._count(select(s.group_members.c.group_id).where(s.group_members.c.user_id == user_id))
