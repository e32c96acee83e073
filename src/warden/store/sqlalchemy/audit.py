"""The audit trail in SQL: events, their resources, and the digests that seal them."""

from __future__ import annotations

import json
import weakref
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, Row, Select, and_, func, insert, or_, select, update
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import IntegrityError

from warden.model import AuditDigest, AuditEvent, AuditQuery, StoredAuditEvent
from warden.store.errors import AlreadyExists
from warden.store.protocols.audit import PrincipalAccess
from warden.store.sqlalchemy import schema as s
from warden.store.sqlalchemy.base import SqlTransactionBase, names_nothing, starts_with

__all__ = ["AuditMixin"]

_e = s.audit_events.c
_r = s.audit_event_resources.c
_d = s.audit_digests.c

# LookupEvents attribute -> the column it filters (ResourceType/Name go through resources).
_ATTRIBUTE_COLUMNS = {
    "EventId": _e.event_id,
    "EventName": _e.event_name,
    "Username": _e.username,
    "EventSource": _e.event_source,
    "AccessKeyId": _e.access_key_id,
}


def _stored(row: Row[Any], resources: dict[int, list[tuple[str, str]]]) -> StoredAuditEvent:
    m = row._mapping
    event = AuditEvent(
        event_id=m["event_id"],
        account_id=m["account_id"],
        event_time=m["event_time"],
        event_source=m["event_source"],
        event_name=m["event_name"],
        read_only=bool(m["read_only"]),
        username=m["username"],
        access_key_id=m["access_key_id"],
        identity_type=m["identity_type"],
        principal_arn=m["principal_arn"],
        error_code=m["error_code"],
        record=m["record"],
        record_hash=m["record_hash"],
        resources=tuple(resources.get(m["seq"], ())),
    )
    return StoredAuditEvent(seq=int(m["seq"]), event=event, digest_seq=m["digest_seq"])


def _digest(row: Row[Any]) -> AuditDigest:
    m = row._mapping
    return AuditDigest(
        digest_seq=int(m["digest_seq"]),
        created=m["created"],
        event_count=int(m["event_count"]),
        body=m["body"],
        digest_hash=m["digest_hash"],
        signature=m["signature"],
    )


def _filtered(statement: Select[Any], query: AuditQuery) -> Select[Any]:
    if query.account_id is not None:
        statement = statement.where(_e.account_id == query.account_id)
    if query.start is not None:
        statement = statement.where(_e.event_time >= query.start)
    if query.end is not None:
        statement = statement.where(_e.event_time <= query.end)
    if query.attribute is None or query.value is None:
        return statement
    if query.attribute == "ReadOnly":
        return statement.where(_e.read_only == (query.value.lower() == "true"))
    if query.attribute in ("ResourceType", "ResourceName"):
        column = _r.resource_type if query.attribute == "ResourceType" else _r.resource_name
        matching = select(_r.seq).where(column == query.value)
        return statement.where(_e.seq.in_(matching))
    return statement.where(_ATTRIBUTE_COLUMNS[query.attribute] == query.value)


def _region(record: str) -> str | None:
    try:
        region = json.loads(record).get("awsRegion")
    except (ValueError, AttributeError):
        return None
    return region if isinstance(region, str) else None


def _principal_filter(arns: Collection[str], prefixes: Collection[str]) -> ColumnElement[bool]:
    clauses: list[ColumnElement[bool]] = []
    if arns:
        clauses.append(_e.principal_arn.in_(sorted(arns)))
    clauses.extend(starts_with(_e.principal_arn, prefix) for prefix in sorted(prefixes))
    return or_(*clauses)


# The columns a stored event fills, in the order of `_EventInsert.rows`.
_EVENT_COLUMNS = (
    "event_id",
    "account_id",
    "event_time",
    "event_source",
    "event_name",
    "read_only",
    "username",
    "access_key_id",
    "identity_type",
    "principal_arn",
    "error_code",
    "record",
    "record_hash",
)


def _utc(moment: datetime) -> datetime:
    """UtcDateTime's rule: a naive datetime is a bug; an aware one is stored as UTC."""
    if moment.tzinfo is UTC:
        return moment
    if moment.tzinfo is None:
        raise ValueError("naive datetime given to the store; use timezone-aware UTC")
    return moment.astimezone(UTC)


def _sqlite_time(moment: datetime) -> str:
    """UtcDateTime on SQLite: the UTC time as SQLAlchemy's SQLite DATETIME text,
    `YYYY-MM-DD HH:MM:SS.ffffff` (the first 26 characters of the ISO form, before `+00:00`)."""
    return _utc(moment).isoformat(" ", "microseconds")[:26]


# How each dialect's driver takes event_time. Booleans bind as they are on both drivers
# (sqlite3 stores 1 and 0, as SQLAlchemy's Boolean does there).
_TIME_BINDINGS: dict[str, Callable[[datetime], object]] = {"sqlite": _sqlite_time, "postgresql": _utc}
_PLACEHOLDERS = {"qmark": "?", "format": "%s", "pyformat": "%s"}


@dataclass(frozen=True, slots=True)
class _EventInsert:
    """The event and resource INSERTs as the driver's own SQL, fed plain tuples.

    Through Core, building each row's bound parameters (a dict per row, processed column by
    column) cost more CPU than SQLite spent inserting the row; the writer thread stores every
    read request's event, so that CPU came straight out of request throughput."""

    sql: str
    sql_returning_seq: str
    bind_time: Callable[[datetime], object]
    resource_sql: str
    # SELECT event_id, seq ... WHERE event_id IN ( -- completed with one placeholder per id.
    seq_sql: str
    placeholder: str

    def rows(self, events: Sequence[AuditEvent]) -> list[tuple[object, ...]]:
        bind_time = self.bind_time
        return [
            (
                e.event_id,
                e.account_id,
                bind_time(e.event_time),
                e.event_source,
                e.event_name,
                e.read_only,
                e.username,
                e.access_key_id,
                e.identity_type,
                e.principal_arn,
                e.error_code,
                e.record,
                e.record_hash,
            )
            for e in events
        ]


def _new_event_insert(dialect: Dialect) -> _EventInsert:
    # Keyed by the two backends create_store_engine admits (pysqlite: qmark; psycopg: format).
    bind_time = _TIME_BINDINGS[dialect.name]
    placeholder = _PLACEHOLDERS[dialect.paramstyle]
    quote = dialect.identifier_preparer.quote
    sql = (
        f"INSERT INTO {quote(s.audit_events.name)} ({', '.join(quote(c) for c in _EVENT_COLUMNS)}) "
        f"VALUES ({', '.join(placeholder for _ in _EVENT_COLUMNS)})"
    )
    resources = s.audit_event_resources
    resource_sql = (
        f"INSERT INTO {quote(resources.name)} ({', '.join(quote(c.name) for c in (_r.seq, _r.resource_type, _r.resource_name))}) "
        f"VALUES ({placeholder}, {placeholder}, {placeholder})"
    )
    seq_sql = (
        f"SELECT {quote(_e.event_id.name)}, {quote(_e.seq.name)} FROM {quote(s.audit_events.name)} "
        f"WHERE {quote(_e.event_id.name)} IN ("
    )
    return _EventInsert(sql, f"{sql} RETURNING {quote(_e.seq.name)}", bind_time, resource_sql, seq_sql, placeholder)


# Event ids looked up per query: well under SQLite's limit on bound parameters.
_IDS_PER_QUERY = 500
_EVENT_INSERTS: weakref.WeakKeyDictionary[Dialect, _EventInsert] = weakref.WeakKeyDictionary()


def _event_insert(dialect: Dialect) -> _EventInsert:
    """Built once per dialect (an engine's dialect lives as long as the engine)."""
    found = _EVENT_INSERTS.get(dialect)
    if found is None:
        found = _EVENT_INSERTS[dialect] = _new_event_insert(dialect)
    return found


class AuditMixin(SqlTransactionBase):
    def append_audit_events(self, events: Sequence[AuditEvent]) -> None:
        if not events:
            return
        statement = _event_insert(self._conn.dialect)
        rows = statement.rows(events)
        named = [e for e in events if e.resources]
        if len(rows) == 1:
            seq = self._conn.exec_driver_sql(statement.sql_returning_seq, rows[0]).scalar_one()
            seq_of = {events[0].event_id: seq}
        else:
            # One executemany, then the seqs of the few events that name resources, by their
            # unique event id: an INSERT ... RETURNING that must keep the parameters' order runs
            # row by row on SQLite, which made storing a batch of events cost one statement each.
            self._conn.exec_driver_sql(statement.sql, rows)
            seq_of = {}
            for start in range(0, len(named), _IDS_PER_QUERY):
                ids = [e.event_id for e in named[start : start + _IDS_PER_QUERY]]
                sql = f"{statement.seq_sql}{', '.join(statement.placeholder for _ in ids)})"
                seq_of.update(self._conn.exec_driver_sql(sql, tuple(ids)).all())
        resources = [(seq_of[event.event_id], kind, name) for event in named for kind, name in event.resources]
        if resources:
            self._conn.exec_driver_sql(statement.resource_sql, resources)

    def _with_resources(self, rows: Sequence[Row[Any]]) -> list[StoredAuditEvent]:
        seqs = [row._mapping["seq"] for row in rows]
        found: dict[int, list[tuple[str, str]]] = {}
        if seqs:
            for seq, kind, name in self._conn.execute(
                select(_r.seq, _r.resource_type, _r.resource_name).where(_r.seq.in_(seqs))
            ):
                found.setdefault(seq, []).append((kind, name))
        return [_stored(row, found) for row in rows]

    def lookup_audit_events(
        self, query: AuditQuery, limit: int, after: tuple[str, int] | None = None
    ) -> list[StoredAuditEvent]:
        if query.value is not None and names_nothing(query.value):
            return []  # no column holds a NUL (events are fitted to them)
        statement = _filtered(select(s.audit_events), query)
        if after is not None:
            moment, seq = datetime.fromisoformat(after[0]), after[1]
            statement = statement.where(
                or_(_e.event_time < moment, and_(_e.event_time == moment, _e.seq < seq))
            )
        statement = statement.order_by(_e.event_time.desc(), _e.seq.desc()).limit(limit)
        return self._with_resources(self._conn.execute(statement).all())

    def audit_events_since(self, seq: int, limit: int) -> list[StoredAuditEvent]:
        statement = select(s.audit_events).where(_e.seq > seq).order_by(_e.seq).limit(limit)
        return self._with_resources(self._conn.execute(statement).all())

    def last_access_by_principal(
        self,
        account_id: str,
        principal_arns: Collection[str],
        principal_prefixes: Collection[str],
        since: datetime,
        excluded_errors: Collection[str] = (),
    ) -> list[PrincipalAccess]:
        if not principal_arns and not principal_prefixes:
            return []
        conditions = [
            _e.account_id == account_id,
            _e.event_time >= since,
            _principal_filter(principal_arns, principal_prefixes),
        ]
        if excluded_errors:
            conditions.append(or_(_e.error_code.is_(None), _e.error_code.not_in(sorted(excluded_errors))))
        latest = (
            select(
                _e.event_source.label("source"),
                _e.event_name.label("name"),
                _e.principal_arn.label("principal"),
                func.max(_e.event_time).label("last_time"),
            )
            .where(*conditions)
            .group_by(_e.event_source, _e.event_name, _e.principal_arn)
            .subquery()
        )
        # One row per group: the latest event itself, for the region its record names.
        statement = (
            select(latest.c.source, latest.c.name, latest.c.principal, latest.c.last_time, _e.record)
            .join(
                s.audit_events,
                and_(
                    _e.account_id == account_id,
                    _e.event_time == latest.c.last_time,
                    _e.event_source == latest.c.source,
                    _e.event_name == latest.c.name,
                    _e.principal_arn == latest.c.principal,
                ),
            )
            .order_by(_e.seq.desc())
        )
        found: dict[tuple[str, str, str], PrincipalAccess] = {}
        for source, name, principal, last_time, record in self._conn.execute(statement):
            key = (source, name, principal)
            if key not in found:
                found[key] = PrincipalAccess(source, name, principal, last_time, _region(record))
        return list(found.values())

    def last_audit_seq(self) -> int:
        return int(self._conn.execute(select(func.max(_e.seq))).scalar() or 0)

    def unsealed_audit_events(self, limit: int) -> list[StoredAuditEvent]:
        statement = select(s.audit_events).where(_e.digest_seq.is_(None)).order_by(_e.seq).limit(limit)
        return [_stored(row, {}) for row in self._conn.execute(statement).all()]

    def last_audit_digest(self) -> AuditDigest | None:
        row = self._conn.execute(select(s.audit_digests).order_by(_d.digest_seq.desc()).limit(1)).first()
        return _digest(row) if row is not None else None

    def seal_audit_events(self, digest: AuditDigest, seqs: Sequence[int]) -> None:
        try:
            with self._conn.begin_nested():
                self._conn.execute(
                    insert(s.audit_digests).values(
                        digest_seq=digest.digest_seq,
                        created=digest.created,
                        event_count=digest.event_count,
                        body=digest.body,
                        digest_hash=digest.digest_hash,
                        signature=digest.signature,
                    )
                )
        except IntegrityError as exc:
            raise AlreadyExists("audit digest", str(digest.digest_seq)) from exc
        for start in range(0, len(seqs), 500):
            chunk = list(seqs[start : start + 500])
            self._conn.execute(
                update(s.audit_events)
                .where(_e.seq.in_(chunk), _e.digest_seq.is_(None))
                .values(digest_seq=digest.digest_seq)
            )

    def audit_digests(self) -> Iterator[AuditDigest]:
        for row in self._conn.execute(select(s.audit_digests).order_by(_d.digest_seq)).all():
            yield _digest(row)

    def audit_events_of_digest(self, digest_seq: int) -> list[StoredAuditEvent]:
        statement = select(s.audit_events).where(_e.digest_seq == digest_seq).order_by(_e.seq)
        return [_stored(row, {}) for row in self._conn.execute(statement).all()]

    def audit_events_with_missing_digest(self) -> list[StoredAuditEvent]:
        known = select(_d.digest_seq)
        statement = (
            select(s.audit_events)
            .where(_e.digest_seq.is_not(None), _e.digest_seq.not_in(known))
            .order_by(_e.seq)
        )
        return [_stored(row, {}) for row in self._conn.execute(statement).all()]
