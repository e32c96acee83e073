"""One request's audit event: drafted as the pipeline learns about the request, finished into
the CloudTrail record that is stored and hashed.

https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from warden.audit.identity import caller_identity, lookup_username, unknown_identity
from warden.audit.record_json import record_hash, record_text
from warden.audit.resources import resources_of
from warden.audit.templates import RecordTemplate, ShapeKey, shape_of
from warden.audit.wire import request_parameters, response_elements, trail_time
from warden.model import AuditEvent
from warden.model.audit import COLUMN_WIDTHS, new_audit_event
from warden.partitions import IAM_REGIONS, partition_for_region
from warden.protocol import Operation
from warden.services.caller import Caller
from warden.services.dispatch import is_read_only
from warden.text import storable, to_storable

__all__ = ["EVENT_VERSION", "EventDraft", "build_event", "close_record", "finish_event", "is_read_only_event", "record_hash", "stored_event"]

EVENT_VERSION = "1.09"

# CloudTrail's readOnly: the calls that read (named so), and STS calls that only hand out
# credentials (AWS marks AssumeRole and GetSessionToken read-only).
_READ_ONLY_NAMES = frozenset(
    {"AssumeRole", "AssumeRoleWithSAML", "AssumeRoleWithWebIdentity", "GetSessionToken", "GetFederationToken"}
)
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9]{0,127}")

def is_read_only_event(event_name: str) -> bool:
    return event_name in _READ_ONLY_NAMES or is_read_only(event_name)


@dataclass(slots=True)
class EventDraft:
    """What is known about a request so far. The pipeline fills it in step by step; whatever
    step the request fails at, the draft can still be finished into a well-formed event."""

    event_id: str
    request_id: str
    event_time: datetime
    service: str
    region: str
    source_ip: str
    user_agent: str
    event_name: str = "Unknown"
    caller: Caller | None = None
    claimed_access_key_id: str | None = None
    claimed_account_id: str | None = None
    operation: Operation | None = None
    params: Mapping[str, Any] | None = None
    result: Mapping[str, Any] | None = None
    error_code: str | None = None
    error_message: str | None = None

    def name_from_request(self, raw_name: str | None) -> None:
        """The action the request asked for, before (or without) decoding it."""
        if raw_name and _NAME.fullmatch(raw_name):
            self.event_name = raw_name

    def fail(self, code: str, message: str) -> None:
        self.error_code, self.error_message = code, message


def _event_region(draft: EventDraft) -> str:
    """`awsRegion`: the region the request was signed for, but IAM's own region for IAM calls
    (the caller's partition decides which, else the signed region's)."""
    if draft.service != "iam":
        return draft.region
    caller = draft.caller
    partition = caller.arn.split(":", 2)[1] if caller is not None and caller.arn.startswith("arn:") else ""
    return IAM_REGIONS.get(partition) or IAM_REGIONS[partition_for_region(draft.region)]


def _account(draft: EventDraft) -> str:
    """The account whose trail shows the event: the caller's, else the claimed key's."""
    if draft.caller is not None:
        return draft.caller.account_id
    return draft.claimed_account_id or ""


def _record(draft: EventDraft, read_only: bool) -> dict[str, Any]:
    caller = draft.caller
    record: dict[str, Any] = {
        "eventVersion": EVENT_VERSION,
        "userIdentity": caller_identity(caller) if caller else unknown_identity(draft.claimed_access_key_id),
        "eventTime": trail_time(draft.event_time),
        "eventSource": f"{draft.service}.amazonaws.com",
        "eventName": draft.event_name,
        "awsRegion": _event_region(draft),
        "sourceIPAddress": draft.source_ip,
        "userAgent": draft.user_agent,
        "requestParameters": request_parameters(draft.operation, draft.params),
        # Reads answer with data, not with a change: CloudTrail leaves their response out, but
        # keeps what credential-issuing calls returned (with the secrets hidden).
        "responseElements": (
            response_elements(draft.operation, draft.result)
            if not read_only or draft.event_name in _READ_ONLY_NAMES
            else None
        ),
    }
    if draft.error_code is not None:
        record["errorCode"] = draft.error_code
        record["errorMessage"] = draft.error_message or ""
    record["requestID"] = draft.request_id
    resources = _assumed_role(draft) if draft.event_name in _ASSUMING else None
    return close_record(record, draft.event_id, read_only, "AwsApiCall", _account(draft), resources)


# The calls whose record lists the role they assume in `resources`.
_ASSUMING = frozenset({"AssumeRole", "AssumeRoleWithSAML", "AssumeRoleWithWebIdentity"})


def _assumed_role(draft: EventDraft) -> list[dict[str, str]] | None:
    """`resources` of a role-assuming call: the role, its account and type, as CloudTrail lists it
    (https://docs.aws.amazon.com/IAM/latest/UserGuide/cloudtrail-integration.html, the AWS STS
    examples); None when the request named no role ARN."""
    arn = (draft.params or {}).get("RoleArn")
    if not isinstance(arn, str):
        return None
    parts = arn.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn" or parts[2] != "iam":
        return None
    return [{"ARN": arn, "accountId": parts[4], "type": "AWS::IAM::Role"}]


def close_record(
    record: dict[str, Any],
    event_id: str,
    read_only: bool,
    event_type: str,
    account: str,
    resources: list[dict[str, str]] | None = None,
) -> dict[str, Any]:
    """The members that end every management event, in CloudTrail's order."""
    record["eventID"] = event_id
    record["readOnly"] = read_only
    if resources:
        record["resources"] = resources
    record["eventType"] = event_type
    record["managementEvent"] = True
    record["recipientAccountId"] = account
    record["eventCategory"] = "Management"
    return record


def stored_event(
    document: dict[str, Any],
    event_time: datetime,
    *,
    username: str | None,
    access_key_id: str | None,
    identity_type: str,
    principal_arn: str | None,
    error_code: str | None,
    resources: tuple[tuple[str, str], ...] = (),
) -> AuditEvent:
    """The record as stored: its JSON text and hash, with the columns lookups filter on."""
    record, digest = record_text(document)
    # Positional, in AuditEvent's field order: every event built in full is built here. The
    # values a request chooses are fitted to their columns; the record keeps them whole.
    return new_audit_event(
        document["eventID"],
        document["recipientAccountId"],
        event_time,
        _fit(document["eventSource"], _WIDTHS["event_source"]),
        _fit(document["eventName"], _WIDTHS["event_name"]),
        document["readOnly"],
        _fit(username, _WIDTHS["username"]),
        _fit(access_key_id, _WIDTHS["access_key_id"]),
        identity_type,
        _fit(principal_arn, _WIDTHS["principal_arn"]),
        error_code,
        record,
        digest,
        resources,
    )


_WIDTHS = COLUMN_WIDTHS
_Text = TypeVar("_Text", str, str | None)


def _fit(value: _Text, width: int) -> _Text:
    """`value` as its column can hold it: at most `width` characters, and nothing a store cannot
    hold (a presigned URL's `%00`) but as U+FFFD."""
    if value is None:
        return value
    if not storable(value):
        value = to_storable(value)
    return value[:width] if len(value) > width else value


def finish_event(draft: EventDraft) -> AuditEvent:
    """The stored form of the draft: the record's JSON text, its hash, and lookup columns."""
    return _built(draft, with_document=False)[0]


def build_event(draft: EventDraft) -> tuple[AuditEvent, dict[str, Any]]:
    """The stored event and the record as a dict (what listeners get, without re-parsing)."""
    event, document = _built(draft, with_document=True)
    assert document is not None
    return event, document


# Templates by shape; None marks a shape seen once (most one-off calls are never seen again).
_TEMPLATES: dict[ShapeKey, RecordTemplate | None] = {}
_CACHED_SHAPES = 2048


def _built(draft: EventDraft, with_document: bool) -> tuple[AuditEvent, dict[str, Any] | None]:
    read_only = is_read_only_event(draft.event_name)
    key = shape_of(draft, keeps_response=not read_only or draft.event_name in _READ_ONLY_NAMES)
    if key is not None:
        template = _TEMPLATES.get(key)
        if template is not None:
            built = template.build(draft, with_document)
            if built is not None:
                return built
    event, document = _full(draft, read_only)
    if key is not None:
        if len(_TEMPLATES) >= _CACHED_SHAPES:
            _TEMPLATES.clear()
        _TEMPLATES[key] = RecordTemplate.of(draft, document, event) if key in _TEMPLATES else None
    return event, document


def _full(draft: EventDraft, read_only: bool) -> tuple[AuditEvent, dict[str, Any]]:
    """The record built member by member, and its event."""
    document = _record(draft, read_only)
    caller = draft.caller
    event = stored_event(
        document,
        draft.event_time,
        username=lookup_username(caller) if caller else None,
        access_key_id=caller.access_key_id if caller else draft.claimed_access_key_id,
        identity_type=caller.kind.value if caller else "Unknown",
        principal_arn=caller.arn if caller else None,
        error_code=draft.error_code,
        resources=resources_of(draft.params, draft.result),
    )
    return event, document
