"""Accounts, alias, password policy and change counter."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Row, bindparam, func, literal, select, update

from warden.model import Account, PasswordPolicy
from warden.store.errors import AlreadyExists, NotFound
from warden.store.pagination import DEFAULT_MAX_ITEMS, Page
from warden.store.sqlalchemy import schema as s
from warden.store.sqlalchemy.base import SqlTransactionBase

__all__ = ["AccountsMixin"]

_POLICY_FIELDS = (
    "minimum_password_length",
    "require_symbols",
    "require_numbers",
    "require_uppercase_characters",
    "require_lowercase_characters",
    "allow_users_to_change_password",
    "max_password_age",
    "password_reuse_prevention",
    "hard_expiry",
)


def _account(row: Row[Any]) -> Account:
    m = row._mapping
    return Account(
        account_id=m["account_id"], create_date=m["create_date"], alias=m["alias"], partition=m["partition"]
    )


_ACCOUNT_LOCKS = 0x7764  # "wd": warden's class of two-key advisory locks, one key per account
_LOCK_ACCOUNT = select(
    func.pg_advisory_xact_lock(literal(_ACCOUNT_LOCKS), func.hashtext(bindparam("account_id")))
)
"""PostgreSQL: a transaction-scoped advisory lock on the account (two 32-bit keys, a key space
apart from the one-key lock of migrate.py). Not a row lock on the account: transactions that do
not take it (audit batches, "last used" bookkeeping) never wait on it, and as it comes before any
row lock of its transaction it cannot close a cycle of waits. Two accounts whose ids hash alike
merely take turns."""


class AccountsMixin(SqlTransactionBase):
    def lock_account(self, account_id: str) -> None:
        if self._postgres:
            self._conn.execute(_LOCK_ACCOUNT, {"account_id": account_id})

    def create_account(self, account: Account) -> None:
        if self._exists(s.accounts.c.account_id == account.account_id):
            raise AlreadyExists("account", account.account_id)
        if account.alias is not None and self._exists(s.accounts.c.alias == account.alias):
            raise AlreadyExists("alias", account.alias)
        self._insert_unique(
            s.accounts.insert().values(
                account_id=account.account_id,
                alias=account.alias,
                partition=account.partition,
                create_date=account.create_date,
                change_counter=0,
            ),
            "account",
            account.account_id,
        )

    def get_account(self, account_id: str) -> Account | None:
        row = self._conn.execute(select(s.accounts).where(s.accounts.c.account_id == account_id)).first()
        return None if row is None else _account(row)

    def get_account_by_alias(self, alias: str) -> Account | None:
        row = self._conn.execute(select(s.accounts).where(s.accounts.c.alias == alias)).first()
        return None if row is None else _account(row)

    def list_accounts(self, marker: str | None = None, max_items: int = DEFAULT_MAX_ITEMS) -> Page[Account]:
        return self._page(
            select(s.accounts),
            [s.accounts.c.account_id],
            marker,
            max_items,
            lambda rows: [_account(row) for row in rows],
        )

    def set_account_alias(self, account_id: str, alias: str | None) -> None:
        self._require_account(account_id)
        if alias is not None:
            taken_by = self.get_account_by_alias(alias)
            if taken_by is not None and taken_by.account_id != account_id:
                raise AlreadyExists("alias", alias)
        self._insert_unique(
            update(s.accounts).where(s.accounts.c.account_id == account_id).values(alias=alias),
            "alias",
            alias or "",
        )
        self._bump(account_id)

    def get_change_counter(self, account_id: str) -> int:
        value = self._conn.execute(
            select(s.accounts.c.change_counter).where(s.accounts.c.account_id == account_id)
        ).scalar()
        if value is None:
            raise NotFound("account", account_id)
        return int(value)

    def get_password_policy(self, account_id: str) -> PasswordPolicy | None:
        row = self._conn.execute(
            select(s.password_policies).where(s.password_policies.c.account_id == account_id)
        ).first()
        if row is None:
            return None
        return PasswordPolicy(**{name: row._mapping[name] for name in _POLICY_FIELDS})

    def get_credential_report(self, account_id: str) -> tuple[datetime, bytes] | None:
        table = s.credential_reports
        row = self._conn.execute(
            select(table.c.generated_at, table.c.content).where(table.c.account_id == account_id)
        ).first()
        return (row[0], bytes(row[1])) if row is not None else None

    def put_credential_report(self, account_id: str, generated_at: datetime, content: bytes) -> None:
        self._require_account(account_id)
        table = s.credential_reports
        self._conn.execute(table.delete().where(table.c.account_id == account_id))
        self._conn.execute(table.insert().values(account_id=account_id, generated_at=generated_at, content=content))

    def put_password_policy(self, account_id: str, policy: PasswordPolicy) -> None:
        self._require_account(account_id)
        values = {name: getattr(policy, name) for name in _POLICY_FIELDS}
        table = s.password_policies
        if self._exists(table.c.account_id == account_id):
            self._conn.execute(update(table).where(table.c.account_id == account_id).values(**values))
        else:
            self._conn.execute(table.insert().values(account_id=account_id, **values))
        self._bump(account_id)

    def delete_password_policy(self, account_id: str) -> None:
        table = s.password_policies
        result = self._conn.execute(table.delete().where(table.c.account_id == account_id))
        if result.rowcount == 0:
            raise NotFound("password policy", account_id)
        self._bump(account_id)
