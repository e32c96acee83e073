"""IAM roles."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from warden.model.tags import Tag

__all__ = ["Role"]


@dataclass(frozen=True, slots=True)
class Role:
    """An IAM role (`AROA...` id) with its trust policy kept as the exact text it was given,
    so `GetRole` returns what was stored and the engine parses it with positions intact."""

    role_id: str
    account_id: str
    name: str
    path: str
    arn: str
    create_date: datetime
    assume_role_policy_document: str
    description: str | None = None
    max_session_duration: int = 3600
    permissions_boundary_arn: str | None = None
    tags: tuple[Tag, ...] = ()
    last_used_date: datetime | None = None
    last_used_region: str | None = None
