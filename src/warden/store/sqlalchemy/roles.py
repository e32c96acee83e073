"""IAM roles."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Row, select, update

from warden.model import PrincipalKind, Role, TaggedKind
from warden.store.errors import ConflictDeleting, Dependent, NotFound
from warden.store.pagination import DEFAULT_MAX_ITEMS, Page
from warden.store.sqlalchemy import schema as s
from warden.store.sqlalchemy.base import SqlTransactionBase, names_nothing, starts_with

__all__ = ["RolesMixin"]


class RolesMixin(SqlTransactionBase):
    def _roles(self, rows: Sequence[Row[Any]]) -> list[Role]:
        tags = self._load_tags(TaggedKind.ROLE, (row._mapping["role_id"] for row in rows))
        return [
            Role(
                role_id=m["role_id"],
                account_id=m["account_id"],
                name=m["name"],
                path=m["path"],
                arn=m["arn"],
                create_date=m["create_date"],
                assume_role_policy_document=m["assume_role_policy_document"],
                description=m["description"],
                max_session_duration=m["max_session_duration"],
                permissions_boundary_arn=m["permissions_boundary_arn"],
                tags=tags[m["role_id"]],
                last_used_date=m["last_used_date"],
                last_used_region=m["last_used_region"],
            )
            for m in (row._mapping for row in rows)
        ]

    def create_role(self, role: Role) -> None:
        self._require_account(role.account_id)
        self._insert_unique(
            s.roles.insert().values(
                role_id=role.role_id,
                account_id=role.account_id,
                name=role.name,
                name_lower=role.name.lower(),
                path=role.path,
                arn=role.arn,
                create_date=role.create_date,
                assume_role_policy_document=role.assume_role_policy_document,
                description=role.description,
                max_session_duration=role.max_session_duration,
                permissions_boundary_arn=role.permissions_boundary_arn,
                last_used_date=role.last_used_date,
                last_used_region=role.last_used_region,
            ),
            "role",
            role.name,
        )
        self._write_tags(TaggedKind.ROLE, role.role_id, role.tags)
        self._bump(role.account_id)

    def get_role(self, account_id: str, name: str) -> Role | None:
        if names_nothing(name):
            return None
        row = self._conn.execute(
            select(s.roles).where(s.roles.c.account_id == account_id, s.roles.c.name_lower == name.lower())
        ).first()
        return None if row is None else self._roles([row])[0]

    def get_role_by_id(self, role_id: str) -> Role | None:
        row = self._conn.execute(select(s.roles).where(s.roles.c.role_id == role_id)).first()
        return None if row is None else self._roles([row])[0]

    def list_roles(
        self,
        account_id: str,
        path_prefix: str = "/",
        marker: str | None = None,
        max_items: int = DEFAULT_MAX_ITEMS,
    ) -> Page[Role]:
        statement = select(s.roles).where(
            s.roles.c.account_id == account_id, starts_with(s.roles.c.path, path_prefix)
        )
        return self._page(
            statement, [s.roles.c.name_lower, s.roles.c.role_id], marker, max_items, self._roles
        )

    def update_role(self, role: Role) -> None:
        result = self._conn.execute(
            update(s.roles)
            .where(s.roles.c.role_id == role.role_id, s.roles.c.account_id == role.account_id)
            .values(
                assume_role_policy_document=role.assume_role_policy_document,
                description=role.description,
                max_session_duration=role.max_session_duration,
                permissions_boundary_arn=role.permissions_boundary_arn,
            )
        )
        if result.rowcount == 0:
            raise NotFound("role", role.name)
        self._bump(role.account_id)

    def record_role_use(self, role_id: str, when: datetime, region: str) -> None:
        self._conn.execute(
            update(s.roles)
            .where(s.roles.c.role_id == role_id)
            .values(last_used_date=when, last_used_region=region)
        )

    def delete_role(self, account_id: str, name: str) -> None:
        role_id = self._owner_id(account_id, PrincipalKind.ROLE, name)
        checks = (
            (s.instance_profile_roles.c.role_id == role_id, Dependent.INSTANCE_PROFILES),
            (
                (s.inline_policies.c.owner_kind == PrincipalKind.ROLE.value)
                & (s.inline_policies.c.owner_id == role_id),
                Dependent.INLINE_POLICIES,
            ),
            (s.role_policy_attachments.c.owner_id == role_id, Dependent.ATTACHED_POLICIES),
        )
        for condition, dependent in checks:
            if self._exists(condition):
                raise ConflictDeleting("role", name, dependent)
        self._delete_tags(TaggedKind.ROLE, role_id)
        self._conn.execute(s.roles.delete().where(s.roles.c.role_id == role_id))
        self._bump(account_id)

    def count_roles(self, account_id: str) -> int:
        return self._count(select(s.roles.c.role_id).where(s.roles.c.account_id == account_id))
