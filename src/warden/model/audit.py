"""Audit-trail values: one stored CloudTrail-shaped event and one signed digest."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

__all__ = ["COLUMN_WIDTHS", "AuditDigest", "AuditEvent", "AuditQuery", "StoredAuditEvent", "new_audit_event"]

# The most characters each text field of an AuditEvent besides `record` may hold: the store's
# column widths. Only a malformed request carries a longer value (an access key id of 300
# characters, an Action of 10,000), and the builder cuts it to fit; the record keeps it whole.
COLUMN_WIDTHS = {
    "event_id": 36,
    "account_id": 12,
    "event_source": 64,
    "event_name": 128,
    "username": 256,
    "access_key_id": 32,
    "identity_type": 32,
    "principal_arn": 2048,
    "error_code": 128,
}
# The longest resource name an event is indexed by (an ARN's limit); a longer one names nothing.
RESOURCE_NAME_WIDTH = 2048


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


# The slots' own setters: what the frozen dataclass's __init__ reaches through one
# object.__setattr__ call per field, which made it cost as much as hashing the record.
_new = object.__new__
_event_id = AuditEvent.__dict__["event_id"].__set__
_account_id = AuditEvent.__dict__["account_id"].__set__
_event_time = AuditEvent.__dict__["event_time"].__set__
_event_source = AuditEvent.__dict__["event_source"].__set__
_event_name = AuditEvent.__dict__["event_name"].__set__
_read_only = AuditEvent.__dict__["read_only"].__set__
_username = AuditEvent.__dict__["username"].__set__
_access_key_id = AuditEvent.__dict__["access_key_id"].__set__
_identity_type = AuditEvent.__dict__["identity_type"].__set__
_principal_arn = AuditEvent.__dict__["principal_arn"].__set__
_error_code = AuditEvent.__dict__["error_code"].__set__
_record = AuditEvent.__dict__["record"].__set__
_record_hash = AuditEvent.__dict__["record_hash"].__set__
_resources = AuditEvent.__dict__["resources"].__set__


def new_audit_event(
    event_id: str,
    account_id: str,
    event_time: datetime,
    event_source: str,
    event_name: str,
    read_only: bool,
    username: str | None,
    access_key_id: str | None,
    identity_type: str | None,
    principal_arn: str | None,
    error_code: str | None,
    record: str,
    record_hash: str,
    resources: tuple[tuple[str, str], ...],
) -> AuditEvent:
    """`AuditEvent(...)` in half the time, for the audit writer, which builds one per request.
    Every field is required, so a field added to AuditEvent and not here fails its test."""
    event: AuditEvent = _new(AuditEvent)
    _event_id(event, event_id)
    _account_id(event, account_id)
    _event_time(event, event_time)
    _event_source(event, event_source)
    _event_name(event, event_name)
    _read_only(event, read_only)
    _username(event, username)
    _access_key_id(event, access_key_id)
    _identity_type(event, identity_type)
    _principal_arn(event, principal_arn)
    _error_code(event, error_code)
    _record(event, record)
    _record_hash(event, record_hash)
    _resources(event, resources)
    return event


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
