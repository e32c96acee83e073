"""Managed-policy attachments to users, groups and roles."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Row, Table, exists, literal, or_, select, union_all

from warden.model import AttachedPolicy, PolicyEntity, PolicyUsage, PrincipalKind
from warden.store.errors import NotFound
from warden.store.pagination import DEFAULT_MAX_ITEMS, Page
from warden.store.sqlalchemy import schema as s
from warden.store.sqlalchemy.base import starts_with
from warden.store.sqlalchemy.policies import PoliciesMixin

__all__ = ["AttachmentsMixin"]

_TABLES: dict[PrincipalKind, tuple[Table, Table, str]] = {
    PrincipalKind.USER: (s.user_policy_attachments, s.users, "user_id"),
    PrincipalKind.GROUP: (s.group_policy_attachments, s.groups, "group_id"),
    PrincipalKind.ROLE: (s.role_policy_attachments, s.roles, "role_id"),
}


def _attached(rows: Sequence[Row[Any]]) -> list[AttachedPolicy]:
    return [AttachedPolicy(policy_name=row._mapping["name"], policy_arn=row._mapping["arn"]) for row in rows]


def _entities(rows: Sequence[Row[Any]]) -> list[PolicyEntity]:
    return [
        PolicyEntity(kind=PrincipalKind(m["kind"]), name=m["name"], entity_id=m["entity_id"])
        for m in (row._mapping for row in rows)
    ]


class AttachmentsMixin(PoliciesMixin):
    def attach_policy(self, account_id: str, kind: PrincipalKind, name: str, policy_arn: str) -> None:
        table, _, _ = _TABLES[kind]
        owner_id = self._owner_id(account_id, kind, name)
        policy_id = self._policy_id(account_id, policy_arn)
        if not self._exists((table.c.owner_id == owner_id) & (table.c.policy_id == policy_id)):
            self._conn.execute(table.insert().values(owner_id=owner_id, policy_id=policy_id))
            self._bump(account_id)

    def detach_policy(self, account_id: str, kind: PrincipalKind, name: str, policy_arn: str) -> None:
        table, _, _ = _TABLES[kind]
        owner_id = self._owner_id(account_id, kind, name)
        policy_id = self._policy_id(account_id, policy_arn)
        result = self._conn.execute(
            table.delete().where(table.c.owner_id == owner_id, table.c.policy_id == policy_id)
        )
        if result.rowcount == 0:
            raise NotFound("attachment", policy_arn)
        self._bump(account_id)

    def list_attached_policies(
        self,
        account_id: str,
        kind: PrincipalKind,
        name: str,
        path_prefix: str = "/",
        marker: str | None = None,
        max_items: int = DEFAULT_MAX_ITEMS,
    ) -> Page[AttachedPolicy]:
        table, _, _ = _TABLES[kind]
        owner_id = self._owner_id(account_id, kind, name)
        policies = s.managed_policies
        statement = (
            select(policies.c.name, policies.c.arn, policies.c.name_lower, policies.c.policy_id)
            .join(table, table.c.policy_id == policies.c.policy_id)
            .where(table.c.owner_id == owner_id, starts_with(policies.c.path, path_prefix))
        )
        return self._page(
            statement, [policies.c.name_lower, policies.c.policy_id], marker, max_items, _attached
        )

    def count_attached_policies(self, account_id: str, kind: PrincipalKind, name: str) -> int:
        table, _, _ = _TABLES[kind]
        owner_id = self._owner_id(account_id, kind, name)
        return self._count(select(table.c.policy_id).where(table.c.owner_id == owner_id))

    def list_entities_for_policy(
        self,
        account_id: str,
        policy_arn: str,
        kind: PrincipalKind | None = None,
        path_prefix: str = "/",
        marker: str | None = None,
        max_items: int = DEFAULT_MAX_ITEMS,
        usage: PolicyUsage | None = None,
    ) -> Page[PolicyEntity]:
        policy_id = self._policy_id(account_id, policy_arn)
        selects = []
        for each, (table, owner, id_column) in _TABLES.items():
            if kind is not None and kind is not each:
                continue
            uses: ColumnElement[bool] = exists().where(
                table.c.owner_id == owner.c[id_column], table.c.policy_id == policy_id
            )
            if each is PrincipalKind.GROUP:  # groups have no permissions boundary
                if usage is PolicyUsage.PERMISSIONS_BOUNDARY:
                    continue
            elif usage is PolicyUsage.PERMISSIONS_BOUNDARY:
                uses = owner.c.permissions_boundary_arn == policy_arn
            elif usage is None:
                uses = or_(uses, owner.c.permissions_boundary_arn == policy_arn)
            selects.append(
                select(
                    literal(each.value).label("kind"),
                    owner.c.name_lower.label("name_lower"),
                    owner.c[id_column].label("entity_id"),
                    owner.c.name.label("name"),
                ).where(owner.c.account_id == account_id, starts_with(owner.c.path, path_prefix), uses)
            )
        if not selects:
            return Page(items=())
        combined = union_all(*selects).subquery()
        return self._page(
            select(combined),
            [combined.c.kind, combined.c.name_lower, combined.c.entity_id],
            marker,
            max_items,
            _entities,
        )
