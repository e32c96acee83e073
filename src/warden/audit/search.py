"""Reading the trail outside the API: filtered search (newest first), following new events
(oldest first), and export to JSON Lines files, one per day. Used by `warden audit`."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from warden.model import AuditQuery, StoredAuditEvent
from warden.store import Store

__all__ = ["AuditFilter", "export_by_day", "follow", "format_line", "latest_seq", "search"]

_BATCH = 200


@dataclass(frozen=True, slots=True)
class AuditFilter:
    """LookupEvents' attributes, any number of them at once, plus errors only and a time range."""

    account_id: str | None = None
    attributes: tuple[tuple[str, str], ...] = ()
    errors_only: bool = False
    start: datetime | None = None
    end: datetime | None = None

    def query(self) -> AuditQuery:
        """The part the store filters: the range, the account and the first attribute."""
        first = self.attributes[0] if self.attributes else (None, None)
        return AuditQuery(account_id=self.account_id, attribute=first[0], value=first[1], start=self.start, end=self.end)

    def accepts(self, stored: StoredAuditEvent) -> bool:
        """The rest, checked here: further attributes and errors only."""
        event = stored.event
        if self.errors_only and event.error_code is None:
            return False
        for key, value in self.attributes[1:]:
            if not _has(stored, key, value):
                return False
        return True


def _has(stored: StoredAuditEvent, key: str, value: str) -> bool:
    event = stored.event
    if key == "ReadOnly":
        return event.read_only == (value.lower() == "true")
    if key == "ResourceType":
        return any(kind == value for kind, _ in event.resources)
    if key == "ResourceName":
        return any(name == value for _, name in event.resources)
    actual = {
        "EventId": event.event_id,
        "EventName": event.event_name,
        "Username": event.username,
        "EventSource": event.event_source,
        "AccessKeyId": event.access_key_id,
    }.get(key)
    return actual == value


def search(store: Store, wanted: AuditFilter, limit: int) -> list[StoredAuditEvent]:
    """Up to `limit` matching events, newest first."""
    found: list[StoredAuditEvent] = []
    after: tuple[str, int] | None = None
    query = wanted.query()
    while len(found) < limit:
        with store.transaction(readonly=True) as tx:
            batch = tx.lookup_audit_events(query, _BATCH, after)
        found.extend(item for item in batch if wanted.accepts(item))
        if len(batch) < _BATCH:
            break
        last = batch[-1]
        after = (last.event.event_time.isoformat(), last.seq)
    return found[:limit]


def follow(store: Store, wanted: AuditFilter, since_seq: int) -> tuple[list[StoredAuditEvent], int]:
    """Matching events stored after `since_seq`, oldest first, and the new high-water mark."""
    query = wanted.query()
    matched: list[StoredAuditEvent] = []
    last = since_seq
    while True:
        with store.transaction(readonly=True) as tx:
            batch = tx.audit_events_since(last, _BATCH)
        if not batch:
            return matched, last
        last = batch[-1].seq
        matched.extend(item for item in batch if _in_query(item, query) and wanted.accepts(item))
        if len(batch) < _BATCH:
            return matched, last


def _in_query(stored: StoredAuditEvent, query: AuditQuery) -> bool:
    event = stored.event
    if query.account_id is not None and event.account_id != query.account_id:
        return False
    if query.start is not None and event.event_time < query.start:
        return False
    if query.end is not None and event.event_time > query.end:
        return False
    return query.attribute is None or query.value is None or _has(stored, query.attribute, query.value)


def latest_seq(store: Store) -> int:
    with store.transaction(readonly=True) as tx:
        newest = tx.lookup_audit_events(AuditQuery(), 1)
    return newest[0].seq if newest else 0


def _all_in_order(store: Store, wanted: AuditFilter) -> Iterator[StoredAuditEvent]:
    last = 0
    while True:
        with store.transaction(readonly=True) as tx:
            batch = tx.audit_events_since(last, _BATCH)
        if not batch:
            return
        last = batch[-1].seq
        yield from (item for item in batch if _in_query(item, wanted.query()) and wanted.accepts(item))


def export_by_day(store: Store, wanted: AuditFilter, folder: Path) -> dict[str, int]:
    """Write matching events to FOLDER/warden-audit-YYYY-MM-DD.jsonl (one record per line, in
    trail order); the number of events per file. Existing files for those days are replaced."""
    folder.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    handles = {}
    try:
        for item in _all_in_order(store, wanted):
            day = item.event.event_time.strftime("%Y-%m-%d")
            handle = handles.get(day)
            if handle is None:
                path = folder / f"warden-audit-{day}.jsonl.part"
                handle = handles[day] = path.open("w", encoding="utf-8")
            handle.write(item.event.record + "\n")
            counts[day] = counts.get(day, 0) + 1
    finally:
        for handle in handles.values():
            handle.close()
    for day in handles:
        os.replace(folder / f"warden-audit-{day}.jsonl.part", folder / f"warden-audit-{day}.jsonl")
    return counts


def format_line(stored: StoredAuditEvent) -> str:
    """One event on one terminal line: time, source, name, who, outcome, resources."""
    event = stored.event
    record = json.loads(event.record)
    who = event.principal_arn or f"unknown key {event.access_key_id or '-'}"
    outcome = event.error_code or "OK"
    names = ", ".join(name for _, name in event.resources)
    source = event.event_source.removesuffix(".amazonaws.com")
    line = f"{record['eventTime']}  {source:<10} {event.event_name:<32} {outcome:<24} {who}"
    return f"{line}  [{names}]" if names else line
