"""The audit trail's storage and integrity on SQLite and PostgreSQL: events append and page,
digests seal them, and verification names the first event or digest that was changed, removed,
inserted or reordered.

https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-log-file-validation-intro.html
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import delete, select, update
from sqlalchemy.dialects.postgresql import psycopg
from sqlalchemy.dialects.sqlite import pysqlite as sqlite
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import IntegrityError, StatementError

from warden.audit import DigestSigner, EventDraft, finish_event, seal_pending, verify_trail
from warden.auth.secretbox import MasterKey
from warden.model import AuditEvent, AuditQuery
from warden.services.caller import Caller, CallerKind
from warden.store import Store, open_store
from warden.store.sqlalchemy import schema as s
from warden.store.sqlalchemy.audit import _event_insert

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


def _stored_by_id(store: Store) -> dict[str, AuditEvent]:
    with store.transaction(readonly=True) as tx:
        return {e.event.event_id: e.event for e in tx.lookup_audit_events(AuditQuery(), 100)}


def _exact(index: int, moment: datetime, read_only: bool, **columns: str | None) -> AuditEvent:
    """An event with every column set directly: a non-UTC time with microseconds, non-ASCII text."""
    return AuditEvent(
        event_id=f"00000000-0000-4000-9000-{index:012d}",
        account_id="111122223333",
        event_time=moment,
        event_source="iam.amazonaws.com",
        event_name="CreateUser",
        read_only=read_only,
        username=columns.get("username"),
        access_key_id=columns.get("access_key_id"),
        identity_type=columns.get("identity_type"),
        principal_arn=columns.get("principal_arn"),
        error_code=columns.get("error_code"),
        record='{"userName":"Zoë ✓"}',
        record_hash="0" * 64,
    )


@pytest.mark.parametrize("size", [1, 3], ids=["single", "batch"])
def test_events_read_back_column_for_column(trail: Store, size: int) -> None:
    """The single-event and batch inserts bind every column as the column types do: times come
    back as the same instant in UTC (to the microsecond), booleans and NULLs as given."""
    paris = timezone(timedelta(hours=2))
    events = [
        _exact(0, datetime(2026, 12, 1, 8, 0, 0, 123456, tzinfo=paris), True, username="Zoë"),
        _exact(1, datetime(2026, 12, 1, 6, 0, 1, tzinfo=UTC), False, error_code="AccessDenied",
               access_key_id="AKIAEXAMPLE", identity_type="IAMUser", principal_arn="arn:aws:iam::111122223333:user/z"),
        _exact(2, datetime(2026, 12, 1, 6, 0, 2, 999999, tzinfo=UTC), True),
    ][:size]
    with trail.transaction() as tx:
        tx.append_audit_events(events)
    stored = _stored_by_id(trail)
    for event in events:
        back = stored[event.event_id]
        assert back == replace(event, event_time=event.event_time.astimezone(UTC))
        assert back.event_time.tzinfo is not None and back.event_time.utcoffset() == timedelta(0)


def test_time_ranges_compare_to_the_microsecond(trail: Store) -> None:
    """Stored times compare with query times bound by SQLAlchemy (on SQLite both are text)."""
    moments = [T0 + timedelta(microseconds=m) for m in (0, 1, 500_000, 999_999)]
    with trail.transaction() as tx:
        tx.append_audit_events([_exact(i, m, True) for i, m in enumerate(moments)])
    with trail.transaction(readonly=True) as tx:
        found = tx.lookup_audit_events(
            AuditQuery(start=T0 + timedelta(microseconds=1), end=T0 + timedelta(microseconds=999_998)), 10
        )
    assert sorted(e.event.event_time for e in found) == moments[1:3]


def test_a_naive_event_time_is_refused(trail: Store) -> None:
    """As UtcDateTime refuses it (SQLAlchemy Core wraps that ValueError in a StatementError)."""
    naive = _exact(0, datetime(2026, 12, 1, 6, 0), True)
    for batch in ([naive], [naive, _exact(1, T0, True)]):
        with pytest.raises((ValueError, StatementError), match="naive datetime"), trail.transaction() as tx:
            tx.append_audit_events(batch)
    assert _seqs(trail) == []


def test_a_repeated_event_id_fails_the_whole_batch(trail: Store) -> None:
    with pytest.raises(IntegrityError), trail.transaction() as tx:
        tx.append_audit_events([_exact(0, T0, True), _exact(1, T0, True), _exact(0, T0, True)])
    assert _seqs(trail) == []


@given(
    moment=st.datetimes(
        min_value=datetime(1970, 1, 2), max_value=datetime(9999, 12, 30), timezones=st.timezones()
    )
)
@pytest.mark.parametrize("dialect", [sqlite.dialect(), psycopg.dialect()], ids=["sqlite", "postgresql"])
def test_driver_bound_times_are_what_the_column_type_binds(dialect: Dialect, moment: datetime) -> None:
    """Events are inserted through the driver; their time must be bound exactly as UtcDateTime
    binds it for queries (SQLite compares the stored text)."""
    column_binds = s.audit_events.c.event_time.type.dialect_impl(dialect).bind_processor(dialect)
    assert column_binds is not None
    ours, theirs = _event_insert(dialect).bind_time(moment), column_binds(moment)
    assert type(ours) is type(theirs)
    assert ours == theirs
    if isinstance(ours, datetime):
        assert ours.utcoffset() == theirs.utcoffset() == timedelta(0)


def test_values_longer_than_their_columns_are_stored_cut_and_kept_whole_in_the_record(trail: Store) -> None:
    """A malformed request's values (here an access key id of 300 characters and a service of
    200, read from its Authorization header) fit the lookup columns (PostgreSQL enforces their
    widths) and stay whole in the record, whose hash covers them."""
    key_id = "AKIA" + "X" * 296
    draft = EventDraft(
        event_id="00000000-0000-4000-8000-00000000cafe", request_id="req-long", event_time=T0,
        service="s" * 200, region="us-east-1", source_ip="127.0.0.1", user_agent="test",
        claimed_access_key_id=key_id,
    )
    draft.fail("InvalidClientTokenId", "The security token included in the request is invalid.")
    event = finish_event(draft)
    with trail.transaction() as tx:
        tx.append_audit_events([event])
    with trail.transaction(readonly=True) as tx:
        (found,) = tx.lookup_audit_events(AuditQuery(), 10)
    assert found.event.access_key_id == key_id[:32]
    assert found.event.event_source == ("s" * 200)[:64]
    record = json.loads(found.event.record)
    assert record["userIdentity"]["accessKeyId"] == key_id
    assert record["eventSource"] == "s" * 200 + ".amazonaws.com"


def test_a_lookup_value_holding_a_nul_finds_nothing(trail: Store) -> None:
    """No lookup column holds a NUL (events are fitted to them), and PostgreSQL would refuse
    the query, so such a LookupEvents value simply matches no event."""
    with trail.transaction() as tx:
        tx.append_audit_events([_event(0)])
    with trail.transaction(readonly=True) as tx:
        assert tx.lookup_audit_events(AuditQuery(attribute="EventName", value="Get\x00User"), 10) == []


def test_a_parameter_longer_than_any_resource_name_is_not_indexed(trail: Store) -> None:
    """CreateVirtualMFADevice's name has no maximum in the model: a 200,000-character one (which
    the call refuses) must not keep its failure's event out of the trail on PostgreSQL."""
    draft = EventDraft(
        event_id="00000000-0000-4000-8000-0000000000a1", request_id="req-mfa", event_time=T0,
        service="iam", region="us-east-1", source_ip="127.0.0.1", user_agent="test", caller=ROOT,
        event_name="CreateVirtualMFADevice", params={"VirtualMFADeviceName": "a" * 200_000},
    )
    draft.fail("InvalidInput", "The serial number would be longer than 256 characters.")
    with trail.transaction() as tx:
        tx.append_audit_events([finish_event(draft)])
    with trail.transaction(readonly=True) as tx:
        (found,) = tx.lookup_audit_events(AuditQuery(), 10)
    assert found.event.event_id == draft.event_id
    assert found.event.resources == ()
