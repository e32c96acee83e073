"""The background audit writer gathers events into batches, and flush() never waits for a batch
to fill: LookupEvents calls flush so that a caller sees its own latest calls at once."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from warden.audit import AuditRecorder, DigestSigner, EventDraft
from warden.auth.secretbox import MasterKey
from warden.clock import FrozenClock
from warden.model import AuditQuery
from warden.services.caller import Caller, CallerKind
from warden.store import Store, open_store

T0 = datetime(2026, 12, 1, 6, 0, tzinfo=UTC)
ROOT = Caller(CallerKind.ROOT, "arn:aws:iam::111122223333:root", "111122223333", "111122223333", "AKIAROOT")


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = open_store(f"sqlite:///{tmp_path / 'warden.db'}")
    yield opened
    opened.close()


def _draft(index: int) -> EventDraft:
    return EventDraft(
        event_id=f"00000000-0000-4000-8000-{index:012d}",
        request_id=f"req-{index}",
        event_time=T0,
        service="sts",
        region="us-east-1",
        source_ip="127.0.0.1",
        user_agent="test",
        event_name="GetCallerIdentity",
        caller=ROOT,
    )


def _stored_ids(store: Store) -> list[str]:
    with store.transaction(readonly=True) as tx:
        return sorted(e.event.event_id for e in tx.lookup_audit_events(AuditQuery(), 100))


def test_flush_stores_queued_events_without_waiting_for_the_batch(store: Store) -> None:
    # A gather window far longer than flush()'s own 10 s limit: only a flush that wakes the
    # writer can find the events stored.
    recorder = AuditRecorder(store, DigestSigner(MasterKey.generate()), FrozenClock(T0), gather_seconds=600)
    recorder.start()
    try:
        for index in range(3):
            recorder.submit(_draft(index))
        recorder.flush()
        assert _stored_ids(store) == [_draft(i).event_id for i in range(3)]
        recorder.submit(_draft(3))
        recorder.flush()
        assert len(_stored_ids(store)) == 4
    finally:
        recorder.close()


def test_close_stores_what_is_still_gathering(store: Store) -> None:
    recorder = AuditRecorder(store, DigestSigner(MasterKey.generate()), FrozenClock(T0), gather_seconds=600)
    recorder.start()
    recorder.submit(_draft(7))
    recorder.close()
    assert _stored_ids(store) == [_draft(7).event_id]
