"""EC2 instance profiles: containers that pass a role to an instance."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from warden.model.roles import Role
from warden.model.tags import Tag

__all__ = ["InstanceProfile"]


@dataclass(frozen=True, slots=True)
class InstanceProfile:
    """An instance profile (`AIPA...` id) with the roles it contains (AWS allows at most one)."""

    instance_profile_id: str
    account_id: str
    name: str
    path: str
    arn: str
    create_date: datetime
    roles: tuple[Role, ...] = ()
    tags: tuple[Tag, ...] = ()
