"""Tags: key/value metadata on IAM resources, and the kinds of resource that carry them."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

__all__ = ["Tag", "TaggedKind"]


@dataclass(frozen=True, slots=True)
class Tag:
    """One tag. IAM treats keys case-insensitively (a second key differing only by case replaces
    the value of the first), so uniqueness is enforced on the lower-cased key by the store."""

    key: str
    value: str


class TaggedKind(str, Enum):
    """IAM resources that can carry tags (the `Tag*`/`Untag*`/`List*Tags` operation families)."""

    USER = "user"
    ROLE = "role"
    POLICY = "policy"
    INSTANCE_PROFILE = "instance-profile"
    MFA_DEVICE = "mfa"
