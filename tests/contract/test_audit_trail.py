"""The audit trail's storage and integrity on SQLite and PostgreSQL: events append and page,
digests seal them, and verification names the first event or digest that was changed, removed,
inserted or reordered.

https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-log-file-validation-intro.html
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete, select, update

from warden.audit import DigestSigner, EventDraft, finish_event, seal_pending, verify_trail
from warden.auth.secretbox import MasterKey
from warden.model import AuditQuery
from warden.services.caller import Caller, CallerKind
from warden.store import Store, open_store
from warden.store.sqlalchemy import schema as s

from .conftest import UrlFactory

T0 = datetime(2026, 12, 1, 6, 0, tzinfo=UTC)
ROOT = Caller(CallerKind.ROOT, "arn:aws:iam::111122223333:root", "111122223333", "111122223333", "AKIAROOT")


@pytest.fixture
def trail(urls: UrlFactory) -> Iterator[Store]:
    opened = open_store(urls.new())
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def signer() -> DigestSigner:
    return DigestSigner(MasterKey.generate())


def _event(index: int, name: str = "CreateUser", error: str | None = None):  # type: ignore[no-untyped-def]
    draft = EventDraft(
        event_id=f"00000000-0000-4000-8000-{index:012d}",
        request_id=f"req-{index}",
        event_time=T0 + timedelta(seconds=index),
        service="iam",
        region="us-east-1",
        source_ip="127.0.0.1",
        user_agent="test",
        event_name=name,
        caller=ROOT,
        params={"UserName": f"user{index}"},
    )
    if error:
        draft.fail(error, "denied")
    return finish_event(draft)


def _fill(store: Store, count: int, start: int = 0) -> None:
    with store.transaction() as tx:
        tx.append_audit_events([_event(i) for i in range(start, start + count)])


def _engine(store: Store):  # type: ignore[no-untyped-def]
    return store._engine  # type: ignore[attr-defined]


def _seqs(store: Store) -> list[int]:
    with _engine(store).connect() as conn:
        return [row[0] for row in conn.execute(select(s.audit_events.c.seq).order_by(s.audit_events.c.seq))]


def test_sealed_trail_verifies(trail: Store, signer: DigestSigner) -> None:
    _fill(trail, 5)
    assert seal_pending(trail, signer, T0) == 5
    _fill(trail, 3, start=5)
    assert seal_pending(trail, signer, T0, batch=2) == 3  # digests of 2 and 1
    _fill(trail, 2, start=8)  # left unsealed
    result = verify_trail(trail, signer)
    assert result.ok, result.findings
    assert (result.digests, result.events, result.unsealed) == (3, 8, 2)
    assert seal_pending(trail, signer, T0) == 2
    assert seal_pending(trail, signer, T0) == 0


def test_an_edited_event_is_named(trail: Store, signer: DigestSigner) -> None:
    _fill(trail, 6)
    seal_pending(trail, signer, T0)
    target = _seqs(trail)[3]
    with _engine(trail).begin() as conn:
        record = conn.execute(select(s.audit_events.c.record).where(s.audit_events.c.seq == target)).scalar_one()
        forged = record.replace('"CreateUser"', '"GetUser"')
        # A careful forger updates the stored hash too; the signed digest still knows better.
        from warden.audit.events import record_hash

        conn.execute(
            update(s.audit_events)
            .where(s.audit_events.c.seq == target)
            .values(record=forged, record_hash=record_hash(forged))
        )
    result = verify_trail(trail, signer)
    assert not result.ok
    assert result.first is not None
    assert (result.first.kind, result.first.event_seq) == ("event-changed", target)


def test_a_deleted_event_is_named(trail: Store, signer: DigestSigner) -> None:
    _fill(trail, 4)
    seal_pending(trail, signer, T0)
    target = _seqs(trail)[1]
    with _engine(trail).begin() as conn:
        conn.execute(delete(s.audit_events).where(s.audit_events.c.seq == target))
    result = verify_trail(trail, signer)
    assert result.first is not None
    assert (result.first.kind, result.first.event_seq) == ("event-removed", target)
    assert result.first.event_id == "00000000-0000-4000-8000-000000000001"


def test_reordered_events_are_named(trail: Store, signer: DigestSigner) -> None:
    _fill(trail, 4)
    seal_pending(trail, signer, T0)
    first, second = _seqs(trail)[1:3]
    with _engine(trail).begin() as conn:
        rows = {
            seq: (record, digest)
            for seq, record, digest in conn.execute(
                select(s.audit_events.c.seq, s.audit_events.c.record, s.audit_events.c.record_hash).where(
                    s.audit_events.c.seq.in_([first, second])
                )
            )
        }
        for seq, other in ((first, second), (second, first)):
            conn.execute(
                update(s.audit_events)
                .where(s.audit_events.c.seq == seq)
                .values(record=rows[other][0], record_hash=rows[other][1], event_id=f"swap-{seq}")
            )
    result = verify_trail(trail, signer)
    assert result.first is not None
    assert (result.first.kind, result.first.event_seq) == ("event-reordered", first)


def test_an_inserted_event_is_named(trail: Store, signer: DigestSigner) -> None:
    _fill(trail, 3)
    seal_pending(trail, signer, T0)
    _fill(trail, 1, start=3)
    extra = _seqs(trail)[-1]
    with _engine(trail).begin() as conn:
        conn.execute(update(s.audit_events).where(s.audit_events.c.seq == extra).values(digest_seq=1))
    result = verify_trail(trail, signer)
    assert result.first is not None
    assert (result.first.kind, result.first.event_seq) == ("event-inserted", extra)


def test_changed_and_removed_digests_are_named(trail: Store, signer: DigestSigner) -> None:
    for start in (0, 2, 4):
        _fill(trail, 2, start=start)
        seal_pending(trail, signer, T0)
    with _engine(trail).begin() as conn:
        body = conn.execute(select(s.audit_digests.c.body).where(s.audit_digests.c.digest_seq == 2)).scalar_one()
        document = json.loads(body)
        document["events"] = document["events"][:1]
        conn.execute(update(s.audit_digests).where(s.audit_digests.c.digest_seq == 2).values(body=json.dumps(document)))
    result = verify_trail(trail, signer)
    assert result.first is not None
    assert (result.first.kind, result.first.digest_seq) == ("digest-changed", 2)
    with _engine(trail).begin() as conn:
        conn.execute(delete(s.audit_digests).where(s.audit_digests.c.digest_seq == 2))
    kinds = {(f.kind, f.digest_seq) for f in verify_trail(trail, signer).findings}
    assert ("digest-removed", 2) in kinds


def test_a_digest_signed_with_another_key_is_refused(trail: Store, signer: DigestSigner) -> None:
    _fill(trail, 2)
    seal_pending(trail, DigestSigner(MasterKey.generate()), T0)
    result = verify_trail(trail, signer)
    assert result.first is not None and result.first.kind == "digest-changed"


def test_an_unsealed_edit_is_named(trail: Store, signer: DigestSigner) -> None:
    _fill(trail, 2)
    target = _seqs(trail)[0]
    with _engine(trail).begin() as conn:
        conn.execute(update(s.audit_events).where(s.audit_events.c.seq == target).values(record="{}"))
    result = verify_trail(trail, signer)
    assert result.first is not None
    assert (result.first.kind, result.first.event_seq) == ("event-changed", target)


def test_an_event_rolls_back_with_its_transaction(trail: Store) -> None:
    with pytest.raises(RuntimeError), trail.transaction() as tx:
        tx.append_audit_events([_event(1)])
        raise RuntimeError("the change failed")
    assert _seqs(trail) == []


def test_lookup_filters_and_pages_newest_first(trail: Store) -> None:
    with trail.transaction() as tx:
        tx.append_audit_events([_event(i, "DeleteUser" if i % 2 else "CreateUser") for i in range(9)])
        tx.append_audit_events([_event(100, "ListUsers", error="AccessDenied")])
    with trail.transaction(readonly=True) as tx:
        deletes = tx.lookup_audit_events(AuditQuery(attribute="EventName", value="DeleteUser"), 3)
        assert [e.event.event_id[-2:] for e in deletes] == ["07", "05", "03"]
        last = deletes[-1]
        more = tx.lookup_audit_events(
            AuditQuery(attribute="EventName", value="DeleteUser"), 3, (last.event.event_time.isoformat(), last.seq)
        )
        assert [e.event.event_id[-2:] for e in more] == ["01"]
        by_resource = tx.lookup_audit_events(AuditQuery(attribute="ResourceName", value="user4"), 10)
        assert [e.event.resources for e in by_resource] == [(("AWS::IAM::User", "user4"),)]
        reads = tx.lookup_audit_events(AuditQuery(attribute="ReadOnly", value="true"), 10)
        assert [e.event.error_code for e in reads] == ["AccessDenied"]
        ranged = tx.lookup_audit_events(
            AuditQuery(start=T0 + timedelta(seconds=2), end=T0 + timedelta(seconds=4)), 10
        )
        assert len(ranged) == 3
        assert tx.lookup_audit_events(AuditQuery(account_id="999999999999"), 10) == []


def test_a_batch_keeps_its_order_and_each_events_resources(trail: Store) -> None:
    """A batch is stored in the order given, and resources stay with the event that named them
    even when events without resources sit between them."""
    batch = [_event(0), _event(1, "GetCallerIdentity"), _event(2), _event(3, "GetCallerIdentity"), _event(4)]
    batch[1] = replace(batch[1], resources=())
    batch[3] = replace(batch[3], resources=())
    with trail.transaction() as tx:
        tx.append_audit_events(batch)
    with trail.transaction(readonly=True) as tx:
        stored = tx.lookup_audit_events(AuditQuery(), 10)
    by_id = {e.event.event_id: e for e in stored}
    assert [by_id[e.event_id].seq for e in batch] == sorted(by_id[e.event_id].seq for e in batch)
    assert [by_id[e.event_id].event.resources for e in batch] == [
        (("AWS::IAM::User", "user0"),),
        (),
        (("AWS::IAM::User", "user2"),),
        (),
        (("AWS::IAM::User", "user4"),),
    ]
