"""Tags on users, roles, managed policies, instance profiles and MFA devices."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import ColumnElement, select, true

from warden.model import Tag, TaggedKind
from warden.store.errors import NotFound
from warden.store.sqlalchemy import schema as s
from warden.store.sqlalchemy.base import SqlTransactionBase, names_nothing

__all__ = ["TagsMixin"]


class TagsMixin(SqlTransactionBase):
    def _tagged_id(self, account_id: str, kind: TaggedKind, resource: str) -> str:
        """The internal id tags are keyed on, or NotFound for an unknown resource."""
        if names_nothing(resource):
            raise NotFound(kind.value, resource)
        column: ColumnElement[str]
        condition: ColumnElement[bool]
        if kind is TaggedKind.USER:
            column, condition = (
                s.users.c.user_id,
                (s.users.c.account_id == account_id) & (s.users.c.name_lower == resource.lower()),
            )
        elif kind is TaggedKind.ROLE:
            column, condition = (
                s.roles.c.role_id,
                (s.roles.c.account_id == account_id) & (s.roles.c.name_lower == resource.lower()),
            )
        elif kind is TaggedKind.INSTANCE_PROFILE:
            table = s.instance_profiles
            column, condition = (
                table.c.instance_profile_id,
                (table.c.account_id == account_id) & (table.c.name_lower == resource.lower()),
            )
        elif kind is TaggedKind.POLICY:
            table = s.managed_policies
            column, condition = (
                table.c.policy_id,
                (table.c.arn == resource)
                & ((table.c.account_id == account_id) | (table.c.aws_managed == true())),
            )
        else:
            table = s.mfa_devices
            column, condition = (
                table.c.serial_number,
                (table.c.account_id == account_id) & (table.c.serial_number == resource),
            )
        value = self._conn.execute(select(column).where(condition)).scalar()
        if value is None:
            raise NotFound(kind.value, resource)
        return str(value)

    def list_tags(self, account_id: str, kind: TaggedKind, resource: str) -> tuple[Tag, ...]:
        resource_id = self._tagged_id(account_id, kind, resource)
        return self._load_tags(kind, [resource_id])[resource_id]

    def tag_resource(self, account_id: str, kind: TaggedKind, resource: str, tags: Iterable[Tag]) -> None:
        self._write_tags(kind, self._tagged_id(account_id, kind, resource), tags)
        self._bump(account_id)

    def untag_resource(self, account_id: str, kind: TaggedKind, resource: str, keys: Iterable[str]) -> None:
        resource_id = self._tagged_id(account_id, kind, resource)
        lowered = sorted({key.lower() for key in keys})
        if lowered:
            self._conn.execute(
                s.tags.delete().where(
                    s.tags.c.resource_kind == kind.value,
                    s.tags.c.resource_id == resource_id,
                    s.tags.c.key_lower.in_(lowered),
                )
            )
        self._bump(account_id)
