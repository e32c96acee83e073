"""Accounts and account-wide settings (alias, password policy)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

__all__ = ["Account", "PasswordPolicy"]

_ACCOUNT_ID = re.compile(r"^[0-9]{12}$")


@dataclass(frozen=True, slots=True)
class Account:
    """An AWS account: the unit of isolation for every IAM entity.

    The 12-digit id is checked here because every ARN and every store query is keyed on it;
    a malformed id would silently create an unreachable namespace."""

    account_id: str
    create_date: datetime
    alias: str | None = None
    partition: str = "aws"

    def __post_init__(self) -> None:
        if not _ACCOUNT_ID.match(self.account_id):
            raise ValueError(f"account id must be 12 digits, got {self.account_id!r}")
        if self.create_date.tzinfo is None:
            raise ValueError("create_date must be timezone-aware (UTC)")


@dataclass(frozen=True, slots=True)
class PasswordPolicy:
    """The account password policy as `UpdateAccountPasswordPolicy` sets it.

    `None` for `max_password_age` / `password_reuse_prevention` means "not set", as in AWS,
    where the fields are absent from `GetAccountPasswordPolicy` output."""

    minimum_password_length: int = 8
    require_symbols: bool = False
    require_numbers: bool = False
    require_uppercase_characters: bool = False
    require_lowercase_characters: bool = False
    allow_users_to_change_password: bool = False
    max_password_age: int | None = None
    password_reuse_prevention: int | None = None
    hard_expiry: bool = False

    @property
    def expire_passwords(self) -> bool:
        """AWS reports ExpirePasswords as true exactly when a maximum age is set."""
        return self.max_password_age is not None and self.max_password_age > 0
