"""Inline policies embedded in users, groups and roles."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Row, select, update

from warden.model import InlinePolicy, PrincipalKind
from warden.store.errors import NotFound
from warden.store.pagination import DEFAULT_MAX_ITEMS, Page
from warden.store.sqlalchemy import schema as s
from warden.store.sqlalchemy.base import SqlTransactionBase

__all__ = ["InlinePoliciesMixin"]

_i = s.inline_policies.c


class InlinePoliciesMixin(SqlTransactionBase):
    def _owner(self, account_id: str, kind: PrincipalKind, owner_name: str) -> tuple[str, str]:
        """(owner id, owner name as stored) of a user, group or role."""
        row = self._owner_row(account_id, kind, owner_name)._mapping
        return str(row[f"{kind.value}_id"]), str(row["name"])

    def put_inline_policy(
        self, account_id: str, kind: PrincipalKind, owner_name: str, policy_name: str, document: str
    ) -> None:
        owner_id, _ = self._owner(account_id, kind, owner_name)
        key = (_i.owner_kind == kind.value) & (_i.owner_id == owner_id) & (_i.policy_name == policy_name)
        if self._exists(key):
            self._conn.execute(update(s.inline_policies).where(key).values(document=document))
        else:
            self._conn.execute(
                s.inline_policies.insert().values(
                    account_id=account_id,
                    owner_kind=kind.value,
                    owner_id=owner_id,
                    policy_name=policy_name,
                    document=document,
                )
            )
        self._bump(account_id)

    def get_inline_policy(
        self, account_id: str, kind: PrincipalKind, owner_name: str, policy_name: str
    ) -> InlinePolicy | None:
        owner_id, stored_name = self._owner(account_id, kind, owner_name)
        document = self._conn.execute(
            select(_i.document).where(
                _i.owner_kind == kind.value, _i.owner_id == owner_id, _i.policy_name == policy_name
            )
        ).scalar()
        if document is None:
            return None
        return InlinePolicy(
            owner_kind=kind, owner_name=stored_name, policy_name=policy_name, document=document
        )

    def delete_inline_policy(
        self, account_id: str, kind: PrincipalKind, owner_name: str, policy_name: str
    ) -> None:
        owner_id, _ = self._owner(account_id, kind, owner_name)
        result = self._conn.execute(
            s.inline_policies.delete().where(
                _i.owner_kind == kind.value, _i.owner_id == owner_id, _i.policy_name == policy_name
            )
        )
        if result.rowcount == 0:
            raise NotFound("inline policy", policy_name)
        self._bump(account_id)

    def list_inline_policies(
        self,
        account_id: str,
        kind: PrincipalKind,
        owner_name: str,
        marker: str | None = None,
        max_items: int = DEFAULT_MAX_ITEMS,
    ) -> Page[InlinePolicy]:
        owner_id, stored_name = self._owner(account_id, kind, owner_name)

        def convert(rows: Sequence[Row[Any]]) -> list[InlinePolicy]:
            return [
                InlinePolicy(kind, stored_name, row._mapping["policy_name"], row._mapping["document"])
                for row in rows
            ]

        statement = select(s.inline_policies).where(_i.owner_kind == kind.value, _i.owner_id == owner_id)
        return self._page(statement, [_i.policy_name], marker, max_items, convert)
