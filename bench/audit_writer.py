"""The audit writer end to end, before and after record templates, in one process.

What the background writer spends per event on a repeated read: building the record (spliced
from its shape's template now; member by member, with a dataclass constructor and an uncached
eventTime before), storing it in batches (resources through the driver's own SQL now; through
SQLAlchemy Core before), and handing it to the shipped alert rules. The writer's own loop runs
here as it does in the server, on a queue filled beforehand, timed in process time.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from datetime import datetime
from typing import Any
from unittest import mock

from sqlalchemy import insert, select

from warden.audit import events as audit_events
from warden.audit import identity as audit_identity
from warden.audit import wire as audit_wire
from warden.audit.alerts import AlertEngine, StaticRules
from warden.audit.alerts.defaults import default_rules
from warden.audit.events import EventDraft, build_event, is_read_only_event
from warden.audit.integrity import DigestSigner
from warden.audit.recorder import AuditRecorder
from warden.auth.secretbox import MasterKey
from warden.clock import SystemClock
from warden.model import AuditEvent
from warden.store import open_store
from warden.store.sqlalchemy import audit as sql_audit
from warden.store.sqlalchemy import schema as s

__all__ = ["baseline", "bench_templates", "bench_writer", "untemplated"]

Timing = tuple[float, float]


def untemplated(draft: EventDraft, with_document: bool) -> tuple[AuditEvent, dict[str, Any] | None]:
    """events._built without templates: every record built member by member."""
    return audit_events._full(draft, is_read_only_event(draft.event_name))


def _former_append(self: Any, events: Sequence[AuditEvent]) -> None:
    """append_audit_events as it was: event rows through the driver, resources through Core."""
    if not events:
        return
    statement = sql_audit._event_insert(self._conn.dialect)
    rows = statement.rows(events)
    named = [e for e in events if e.resources]
    if len(rows) == 1:
        seq_of = {events[0].event_id: self._conn.exec_driver_sql(statement.sql_returning_seq, rows[0]).scalar_one()}
    else:
        self._conn.exec_driver_sql(statement.sql, rows)
        seq_of = {}
        if named:
            e = s.audit_events.c
            found = self._conn.execute(select(e.event_id, e.seq).where(e.event_id.in_([x.event_id for x in named])))
            seq_of = {event_id: seq for event_id, seq in found}
    resources = [
        {"seq": seq_of[event.event_id], "resource_type": kind, "resource_name": name}
        for event in named
        for kind, name in event.resources
    ]
    if resources:
        self._conn.execute(insert(s.audit_event_resources), resources)


def _uncached_time(moment: datetime) -> str:
    return audit_wire._formatted(moment)


@contextmanager
def baseline() -> Iterator[None]:
    """The writer as this branch found it: every record built in full, AuditEvent's dataclass
    constructor, eventTime formatted each time, resources stored through Core."""
    with ExitStack() as stack:
        stack.enter_context(mock.patch.object(audit_events, "_built", untemplated))
        stack.enter_context(mock.patch.object(audit_events, "new_audit_event", AuditEvent))
        for module in (audit_events, audit_identity):
            stack.enter_context(mock.patch.object(module, "trail_time", _uncached_time))
        stack.enter_context(mock.patch.object(sql_audit.AuditMixin, "append_audit_events", _former_append))
        yield


def _timing(samples: list[float]) -> Timing:
    return min(samples), statistics.median(samples)


def bench_templates(drafts: Sequence[EventDraft], rounds: int, report: Callable[[str, Timing, Timing], None]) -> None:
    """build_event alone: member by member against spliced from the shape's template."""
    for draft in drafts[:2]:
        build_event(draft)  # the shape's first two sightings make its template
    samples: dict[bool, list[float]] = {True: [], False: []}
    for turn in range(rounds):
        for former in (turn % 2 == 0, turn % 2 == 1):
            with baseline() if former else ExitStack():
                start = time.process_time_ns()
                for draft in drafts:
                    build_event(draft)
                samples[former].append((time.process_time_ns() - start) / len(drafts) / 1000)
    report("build_event (built in full -> template)", _timing(samples[True]), _timing(samples[False]))


def _writer_round(recorder: AuditRecorder, drafts: Sequence[EventDraft]) -> float:
    for draft in drafts:
        recorder._queue.put(("draft", draft))
    recorder._queue.put(("stop", None))
    start = time.process_time_ns()
    recorder._run()
    return (time.process_time_ns() - start) / len(drafts) / 1000


def bench_writer(
    label: str, url: str, make_drafts: Callable[[int], list[EventDraft]], rounds: int,
    report: Callable[[str, Timing, Timing], None],
) -> tuple[Timing, Timing]:
    """The writer's loop over pre-queued drafts: build, store in batches of 500, alert rules;
    the former and the current code alternate rounds on one database."""
    store = open_store(url)
    try:
        recorder = AuditRecorder(store, DigestSigner(MasterKey.generate()), SystemClock(), seal_interval=1e9,
                                 gather_seconds=0)
        alerts = AlertEngine(StaticRules(default_rules()), start=False)
        recorder.add_listener(alerts.offer)
        samples: dict[bool, list[float]] = {True: [], False: []}
        for turn in range(rounds + 1):
            for former in (turn % 2 == 0, turn % 2 == 1):
                drafts = make_drafts(turn * 2 + former)
                with baseline() if former else ExitStack():
                    taken = _writer_round(recorder, drafts)
                if turn:  # the first turn warms the database and the templates
                    samples[former].append(taken)
    finally:
        store.close()
    before, after = _timing(samples[True]), _timing(samples[False])
    report(f"writer loop, {label}", before, after)
    return before, after
