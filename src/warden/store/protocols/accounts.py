"""Accounts, the account alias, the password policy and the change counter."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from warden.model import Account, PasswordPolicy
from warden.store.pagination import DEFAULT_MAX_ITEMS, Page

__all__ = ["AccountOps"]


class AccountOps(Protocol):
    def lock_account(self, account_id: str) -> None:
        """Make this write transaction wait for, then exclude, every other one that locks the same
        account, until it ends: checks it makes next (a name is free, a quota has room, an
        entity has no dependents) still hold when it writes. Call it before reading anything
        the transaction's writes depend on. SQLite's writers already hold the database's write
        lock from BEGIN, so there it costs nothing."""

    def create_account(self, account: Account) -> None:
        """Raises AlreadyExists("account" | "alias")."""

    def get_account(self, account_id: str) -> Account | None: ...

    def get_account_by_alias(self, alias: str) -> Account | None: ...

    def list_accounts(self, marker: str | None = None, max_items: int = DEFAULT_MAX_ITEMS) -> Page[Account]:
        """Accounts ordered by id."""

    def set_account_alias(self, account_id: str, alias: str | None) -> None:
        """Set or clear the alias. Aliases are globally unique: raises AlreadyExists("alias")."""

    def get_change_counter(self, account_id: str) -> int:
        """The account's change counter; it grows in every transaction that changes anything
        authorization depends on. Raises NotFound("account")."""

    def get_password_policy(self, account_id: str) -> PasswordPolicy | None: ...

    def get_credential_report(self, account_id: str) -> tuple[datetime, bytes] | None:
        """The account's latest credential report: when it was generated, and its CSV."""

    def put_credential_report(self, account_id: str, generated_at: datetime, content: bytes) -> None:
        """Replace the account's credential report."""

    def put_password_policy(self, account_id: str, policy: PasswordPolicy) -> None: ...

    def delete_password_policy(self, account_id: str) -> None:
        """Raises NotFound("password policy") when none is set."""
