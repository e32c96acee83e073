"""IAM users."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Row, bindparam, select, update

from warden.model import PrincipalKind, TaggedKind, User
from warden.store.errors import ConflictDeleting, Dependent, NotFound
from warden.store.pagination import DEFAULT_MAX_ITEMS, Page
from warden.store.sqlalchemy import schema as s
from warden.store.sqlalchemy.base import SqlTransactionBase, path_filter

__all__ = ["UsersMixin"]

# Built once: constructing a statement costs more than running it on SQLite's hot cache.
_USER_BY_NAME = select(s.users).where(
    s.users.c.account_id == bindparam("account_id"), s.users.c.name_lower == bindparam("name_lower")
)


class UsersMixin(SqlTransactionBase):
    def _users(self, rows: Sequence[Row[Any]]) -> list[User]:
        tags = self._load_tags(TaggedKind.USER, (row._mapping["user_id"] for row in rows))
        users = []
        for row in rows:
            m = row._mapping
            users.append(
                User(
                    user_id=m["user_id"],
                    account_id=m["account_id"],
                    name=m["name"],
                    path=m["path"],
                    arn=m["arn"],
                    create_date=m["create_date"],
                    permissions_boundary_arn=m["permissions_boundary_arn"],
                    tags=tags[m["user_id"]],
                    password_last_used=m["password_last_used"],
                )
            )
        return users

    def create_user(self, user: User) -> None:
        self._require_account(user.account_id)
        self._insert_unique(
            s.users.insert().values(
                user_id=user.user_id,
                account_id=user.account_id,
                name=user.name,
                name_lower=user.name.lower(),
                path=user.path,
                arn=user.arn,
                create_date=user.create_date,
                permissions_boundary_arn=user.permissions_boundary_arn,
                password_last_used=user.password_last_used,
            ),
            "user",
            user.name,
        )
        self._write_tags(TaggedKind.USER, user.user_id, user.tags)
        self._bump(user.account_id)

    def get_user(self, account_id: str, name: str) -> User | None:
        row = self._conn.execute(_USER_BY_NAME, {"account_id": account_id, "name_lower": name.lower()}).first()
        return None if row is None else self._users([row])[0]

    def get_user_by_id(self, user_id: str) -> User | None:
        row = self._conn.execute(select(s.users).where(s.users.c.user_id == user_id)).first()
        return None if row is None else self._users([row])[0]

    def list_users(
        self,
        account_id: str,
        path_prefix: str = "/",
        marker: str | None = None,
        max_items: int = DEFAULT_MAX_ITEMS,
    ) -> Page[User]:
        statement = select(s.users).where(
            s.users.c.account_id == account_id, path_filter(s.users.c.path, path_prefix)
        )
        return self._page(
            statement, [s.users.c.name_lower, s.users.c.user_id], marker, max_items, self._users
        )

    def update_user(self, user: User) -> None:
        self._insert_unique(
            update(s.users)
            .where(s.users.c.user_id == user.user_id, s.users.c.account_id == user.account_id)
            .values(
                name=user.name,
                name_lower=user.name.lower(),
                path=user.path,
                arn=user.arn,
                permissions_boundary_arn=user.permissions_boundary_arn,
            ),
            "user",
            user.name,
        )
        if not self._exists(s.users.c.user_id == user.user_id):
            raise NotFound("user", user.name)
        self._bump(user.account_id)

    def record_password_use(self, user_id: str, when: datetime) -> None:
        self._conn.execute(
            update(s.users).where(s.users.c.user_id == user_id).values(password_last_used=when)
        )

    def delete_user(self, account_id: str, name: str) -> None:
        user_id = self._user_id(account_id, name)
        checks = (
            (s.login_profiles.c.user_id == user_id, Dependent.LOGIN_PROFILE),
            (s.access_keys.c.user_id == user_id, Dependent.ACCESS_KEYS),
            (s.mfa_devices.c.user_id == user_id, Dependent.MFA_DEVICES),
            (
                (s.inline_policies.c.owner_kind == PrincipalKind.USER.value)
                & (s.inline_policies.c.owner_id == user_id),
                Dependent.INLINE_POLICIES,
            ),
            (s.user_policy_attachments.c.owner_id == user_id, Dependent.ATTACHED_POLICIES),
            (s.group_members.c.user_id == user_id, Dependent.GROUP_MEMBERSHIPS),
        )
        for condition, dependent in checks:
            if self._exists(condition):
                raise ConflictDeleting("user", name, dependent)
        self._delete_tags(TaggedKind.USER, user_id)
        self._conn.execute(s.users.delete().where(s.users.c.user_id == user_id))
        self._bump(account_id)

    def count_users(self, account_id: str) -> int:
        return self._count(select(s.users.c.user_id).where(s.users.c.account_id == account_id))
