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
        """The rest of `query()`, checked here: further attributes and errors only."""
        if self.errors_only and stored.event.error_code is None:
            return False
        return all(_has(stored, key, value) for key, value in self.attributes[1:])

    def matches(self, stored: StoredAuditEvent) -> bool:
        """The whole filter, for events read in trail order rather than through `query()`."""
        event = stored.event
        if self.account_id is not None and event.account_id != self.account_id:
            return False
        if (self.start is not None and event.event_time < self.start) or (
            self.end is not None and event.event_time > self.end
        ):
            return False
        return all(_has(stored, key, value) for key, value in self.attributes[:1]) and self.accepts(stored)


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


def _in_order(store: Store, since_seq: int) -> Iterator[StoredAuditEvent]:
    """Every event stored after `since_seq`, oldest first."""
    last = since_seq
    while True:
        with store.transaction(readonly=True) as tx:
            batch = tx.audit_events_since(last, _BATCH)
        yield from batch
        if len(batch) < _BATCH:
            return
        last = batch[-1].seq


def follow(store: Store, wanted: AuditFilter, since_seq: int) -> tuple[list[StoredAuditEvent], int]:
    """Matching events stored after `since_seq`, oldest first, and the new high-water mark."""
    matched: list[StoredAuditEvent] = []
    last = since_seq
    for item in _in_order(store, since_seq):
        last = item.seq
        if wanted.matches(item):
            matched.append(item)
    return matched, last


def latest_seq(store: Store) -> int:
    """The trail's high-water mark (events are numbered as stored, not by their time)."""
    with store.transaction(readonly=True) as tx:
        return tx.last_audit_seq()


def export_by_day(store: Store, wanted: AuditFilter, folder: Path) -> dict[str, int]:
    """Write matching events to FOLDER/warden-audit-YYYY-MM-DD.jsonl (one record per line, in
    trail order); the number of events per file. Existing files for those days are replaced."""
    folder.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    handles = {}
    try:
        for item in (found for found in _in_order(store, 0) if wanted.matches(found)):
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
