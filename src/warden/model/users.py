"""IAM users."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from warden.model.tags import Tag

__all__ = ["User"]


@dataclass(frozen=True, slots=True)
class User:
    """An IAM user (`AIDA...` id). `name` keeps the case it was created with; uniqueness within
    the account is case-insensitive."""

    user_id: str
    account_id: str
    name: str
    path: str
    arn: str
    create_date: datetime
    permissions_boundary_arn: str | None = None
    tags: tuple[Tag, ...] = ()
    password_last_used: datetime | None = None
