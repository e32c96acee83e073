"""The audit trail's storage: append events, look them up, seal them into digests."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from warden.model import AuditDigest, AuditEvent, AuditQuery, StoredAuditEvent

__all__ = ["AuditOps", "PrincipalAccess"]


@dataclass(frozen=True, slots=True)
class PrincipalAccess:
    """One principal's latest call of one operation: what service last accessed reports are made of."""

    event_source: str
    event_name: str
    principal_arn: str
    last_time: datetime
    region: str | None


class AuditOps(Protocol):
    def append_audit_events(self, events: Sequence[AuditEvent]) -> None:
        """Append events (and their resources) to the trail, in order."""

    def lookup_audit_events(
        self, query: AuditQuery, limit: int, after: tuple[str, int] | None = None
    ) -> list[StoredAuditEvent]:
        """Newest first; `after` is the (ISO event time, seq) of the last event of the previous
        page (keyset paging, stable while events are appended)."""

    def audit_events_since(self, seq: int, limit: int) -> list[StoredAuditEvent]:
        """Oldest first, events with a sequence number above `seq` (following the trail)."""

    def last_access_by_principal(
        self,
        account_id: str,
        principal_arns: Collection[str],
        principal_prefixes: Collection[str],
        since: datetime,
        excluded_errors: Collection[str] = (),
    ) -> list[PrincipalAccess]:
        """Per (event source, event name, principal): the latest event at or after `since` of a
        principal named in `principal_arns` or starting with one of `principal_prefixes` (role
        sessions), leaving out events whose error code is in `excluded_errors`."""

    def last_audit_seq(self) -> int:
        """The highest sequence number stored (0 for an empty trail)."""

    def unsealed_audit_events(self, limit: int) -> list[StoredAuditEvent]:
        """Events no digest has sealed yet, oldest first."""

    def last_audit_digest(self) -> AuditDigest | None: ...

    def seal_audit_events(self, digest: AuditDigest, seqs: Sequence[int]) -> None:
        """Store the digest and mark its events sealed. Raises AlreadyExists("audit digest") when
        another node stored a digest with the same number first."""

    def audit_digests(self) -> Iterator[AuditDigest]:
        """Every digest, in order."""

    def audit_events_of_digest(self, digest_seq: int) -> list[StoredAuditEvent]:
        """The events that name `digest_seq` as their seal, by sequence number."""

    def audit_events_with_missing_digest(self) -> list[StoredAuditEvent]:
        """Events that name a digest which does not exist (the digest was removed)."""
