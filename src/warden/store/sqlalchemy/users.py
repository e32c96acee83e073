"""IAM users."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Row, Select, and_, bindparam, select, update

from warden.model import PrincipalKind, Tag, TaggedKind, User
from warden.store.errors import ConflictDeleting, Dependent, NotFound
from warden.store.pagination import DEFAULT_MAX_ITEMS, Page
from warden.store.sqlalchemy import schema as s
from warden.store.sqlalchemy.base import SqlTransactionBase, names_nothing, starts_with

__all__ = ["UsersMixin"]


def _with_tags(condition: ColumnElement[bool]) -> Select[Any]:
    """The user row(s) matching `condition` joined to their tags, one row per tag (one row with
    NULL key and value for an untagged user), tags in key order: a single round trip."""
    tags = s.tags
    joined = s.users.outerjoin(
        tags, and_(tags.c.resource_kind == TaggedKind.USER.value, tags.c.resource_id == s.users.c.user_id)
    )
    return (
        select(s.users, tags.c.key.label("tag_key"), tags.c.value.label("tag_value"))
        .select_from(joined)
        .where(condition)
        .order_by(tags.c.key_lower)
    )


# Built once: constructing a statement costs more than running it on SQLite's hot cache.
_USER_BY_NAME = _with_tags(
    and_(s.users.c.account_id == bindparam("account_id"), s.users.c.name_lower == bindparam("name_lower"))
)
_USER_BY_ID = _with_tags(s.users.c.user_id == bindparam("user_id"))


def _user(row: Row[Any], tags: tuple[Tag, ...]) -> User:
    return User(
        user_id=row.user_id,
        account_id=row.account_id,
        name=row.name,
        path=row.path,
        arn=row.arn,
        create_date=row.create_date,
        permissions_boundary_arn=row.permissions_boundary_arn,
        tags=tags,
        password_last_used=row.password_last_used,
    )


def _one_user_with_tags(rows: Sequence[Row[Any]]) -> User | None:
    """The user of a `_with_tags` result for one user, or None when no row matched."""
    if not rows:
        return None
    first = rows[0]
    if first.tag_key is None:
        return _user(first, ())
    return _user(first, tuple(Tag(key=row.tag_key, value=row.tag_value) for row in rows))


class UsersMixin(SqlTransactionBase):
    def _users(self, rows: Sequence[Row[Any]]) -> list[User]:
        tags = self._load_tags(TaggedKind.USER, (row.user_id for row in rows))
        return [_user(row, tags[row.user_id]) for row in rows]

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
        if names_nothing(name):
            return None
        params = {"account_id": account_id, "name_lower": name.lower()}
        return _one_user_with_tags(self._conn.execute(_USER_BY_NAME, params).all())

    def get_user_by_id(self, user_id: str) -> User | None:
        return _one_user_with_tags(self._conn.execute(_USER_BY_ID, {"user_id": user_id}).all())

    def list_users(
        self,
        account_id: str,
        path_prefix: str = "/",
        marker: str | None = None,
        max_items: int = DEFAULT_MAX_ITEMS,
    ) -> Page[User]:
        statement = select(s.users).where(
            s.users.c.account_id == account_id, starts_with(s.users.c.path, path_prefix)
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
