"""The background audit writer gathers events into batches, and flush() never waits for a batch
to fill: LookupEvents calls flush so that a caller sees its own latest calls at once."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest

from warden.audit import AuditRecorder, DigestSigner, EventDraft
from warden.auth.secretbox import MasterKey
from warden.clock import FrozenClock
from warden.model import AuditEvent, AuditQuery
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


class _Refusing:
    """A store whose transactions refuse to append some events (or every event, while down)."""

    def __init__(self, store: Store, refused: set[str]) -> None:
        self._store = store
        self.refused = refused
        self.down = False

    def __getattr__(self, name: str) -> object:
        return getattr(self._store, name)

    @contextmanager
    def transaction(self, readonly: bool = False) -> Iterator[object]:
        with self._store.transaction(readonly=readonly) as tx:
            yield _RefusingTransaction(tx, self)


class _RefusingTransaction:
    def __init__(self, tx: object, owner: _Refusing) -> None:
        self._tx, self._owner = tx, owner

    def __getattr__(self, name: str) -> object:
        return getattr(self._tx, name)

    def append_audit_events(self, events: list[AuditEvent]) -> None:
        if self._owner.down or any(e.event_id in self._owner.refused for e in events):
            raise RuntimeError("refused")
        self._tx.append_audit_events(events)  # type: ignore[attr-defined]


@contextmanager
def _recording(refusing: _Refusing, first: int) -> Iterator[AuditRecorder]:
    """A started recorder on `refusing` that has been handed drafts 0 to `first - 1`."""
    recorder = AuditRecorder(refusing, DigestSigner(MasterKey.generate()), FrozenClock(T0), gather_seconds=0)  # type: ignore[arg-type]
    recorder.start()
    try:
        for index in range(first):
            recorder.submit(_draft(index))
        recorder.flush()
        yield recorder
    finally:
        recorder.close()


def test_an_event_the_store_refuses_keeps_no_other_event_out(store: Store, caplog: pytest.LogCaptureFixture) -> None:
    """One event that can never be stored neither blocks the batch it came in nor the batches
    after it; it is retried alone after later batches and dropped, with an error, in the end."""
    poison = _draft(0).event_id
    with _recording(_Refusing(store, {poison}), 4) as recorder:
        assert _stored_ids(store) == [_draft(i).event_id for i in range(1, 4)]
        for index in range(4, 10):  # each later batch retries the refused event once
            recorder.submit(_draft(index))
            recorder.flush()
        assert _stored_ids(store) == [_draft(i).event_id for i in range(1, 10)]
        assert f"audit event {poison} was refused 5 times and is dropped" in caplog.text


def test_a_store_that_is_down_loses_no_event(store: Store) -> None:
    refusing = _Refusing(store, set())
    refusing.down = True
    with _recording(refusing, 6) as recorder:
        assert _stored_ids(store) == []
        refusing.down = False
        recorder.submit(_draft(6))
        recorder.flush()
        assert _stored_ids(store) == [_draft(i).event_id for i in range(7)]


def test_an_event_still_refused_at_shutdown_is_named(store: Store, caplog: pytest.LogCaptureFixture) -> None:
    poison = _draft(0).event_id
    with _recording(_Refusing(store, {poison}), 2):
        pass
    assert _stored_ids(store) == [_draft(1).event_id]
    assert f"audit event {poison} was refused by the store and is lost at shutdown" in caplog.text
