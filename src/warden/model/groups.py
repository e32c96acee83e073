"""IAM groups."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

__all__ = ["Group"]


@dataclass(frozen=True, slots=True)
class Group:
    """An IAM group (`AGPA...` id). Groups carry no tags and no boundary in IAM."""

    group_id: str
    account_id: str
    name: str
    path: str
    arn: str
    create_date: datetime
