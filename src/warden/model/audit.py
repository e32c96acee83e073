"""Audit-trail values: one stored CloudTrail-shaped event and one signed digest."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

__all__ = ["AuditDigest", "AuditEvent", "AuditQuery", "StoredAuditEvent"]


@dataclass(frozen=True, slots=True)
class AuditEvent:
    """An event about to be stored. `record` is the CloudTrail JSON text exactly as stored and
    hashed; the other fields repeat parts of it so that lookups need not parse JSON."""

    event_id: str
    account_id: str
    event_time: datetime
    event_source: str
    event_name: str
    read_only: bool
    username: str | None
    access_key_id: str | None
    identity_type: str | None
    principal_arn: str | None
    error_code: str | None
    record: str
    record_hash: str
    resources: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class StoredAuditEvent:
    """An event as read back: its place in the trail and the digest that sealed it, if any."""

    seq: int
    event: AuditEvent
    digest_seq: int | None


@dataclass(frozen=True, slots=True)
class AuditQuery:
    """A LookupEvents-style filter: an optional account, one attribute, a time range."""

    account_id: str | None = None
    attribute: str | None = None  # EventId, EventName, ReadOnly, Username, ResourceType, ...
    value: str | None = None
    start: datetime | None = None
    end: datetime | None = None


@dataclass(frozen=True, slots=True)
class AuditDigest:
    """A signed seal over a batch of events; `body` is the canonical JSON that was signed."""

    digest_seq: int
    created: datetime
    event_count: int
    body: str
    digest_hash: str
    signature: str
