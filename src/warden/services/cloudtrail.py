"""AWS CloudTrail (2013-11-01, JSON 1.1): LookupEvents over warden's own audit trail.

https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_LookupEvents.html
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from warden.errors import AwsError
from warden.model import AuditQuery, StoredAuditEvent
from warden.services.call import Call
from warden.services.dispatch import Handler

__all__ = ["HANDLERS", "LOOKUP_RETENTION"]

LOOKUP_RETENTION = timedelta(days=90)
"""LookupEvents covers the last 90 days, as CloudTrail's event history does."""

_DEFAULT_RESULTS = 50
_ATTRIBUTE_KEYS = frozenset(
    {"EventId", "EventName", "ReadOnly", "Username", "ResourceType", "ResourceName", "EventSource", "AccessKeyId"}
)


class _CloudTrailError(AwsError):
    http_status = 400
    sender_fault = True


class InvalidLookupAttributesException(_CloudTrailError):
    code = "InvalidLookupAttributesException"


class InvalidTimeRangeException(_CloudTrailError):
    code = "InvalidTimeRangeException"


class InvalidMaxResultsException(_CloudTrailError):
    code = "InvalidMaxResultsException"


class InvalidNextTokenException(_CloudTrailError):
    code = "InvalidNextTokenException"


class InvalidEventCategoryException(_CloudTrailError):
    code = "InvalidEventCategoryException"


def _query(call: Call, params: Mapping[str, Any]) -> AuditQuery:
    attributes = params.get("LookupAttributes") or []
    if len(attributes) > 1:
        raise InvalidLookupAttributesException("You can only specify one lookup attribute.")
    attribute = value = None
    if attributes:
        attribute, value = attributes[0].get("AttributeKey"), attributes[0].get("AttributeValue")
        if attribute not in _ATTRIBUTE_KEYS:
            raise InvalidLookupAttributesException(f"The attribute key {attribute} is not valid.")
        if attribute == "ReadOnly" and str(value).lower() not in ("true", "false"):
            raise InvalidLookupAttributesException("The ReadOnly attribute value must be true or false.")
    end: datetime = params.get("EndTime") or call.now
    start: datetime = params.get("StartTime") or (end - LOOKUP_RETENTION)
    if start > end:
        raise InvalidTimeRangeException("Start time must be less than or equal to end time.")
    return AuditQuery(account_id=call.account_id, attribute=attribute, value=value, start=start, end=end)


def _fingerprint(query: AuditQuery, params: Mapping[str, Any]) -> str:
    """What a NextToken is bound to: AWS refuses a token reused with other parameters."""
    basis = [query.attribute, query.value, str(params.get("StartTime")), str(params.get("EndTime"))]
    return hashlib.sha256(json.dumps(basis).encode()).hexdigest()[:24]


def _encode_token(event: StoredAuditEvent, fingerprint: str) -> str:
    document = {"t": event.event.event_time.isoformat(), "s": event.seq, "f": fingerprint}
    return base64.urlsafe_b64encode(json.dumps(document, separators=(",", ":")).encode()).decode()


def _decode_token(token: str, fingerprint: str) -> tuple[str, int]:
    try:
        document = json.loads(base64.urlsafe_b64decode(token.encode()))
        moment, seq, bound = str(document["t"]), int(document["s"]), document["f"]
        datetime.fromisoformat(moment)
    except (binascii.Error, ValueError, KeyError, TypeError, UnicodeDecodeError, RecursionError):
        raise InvalidNextTokenException("Invalid NextToken.") from None
    if bound != fingerprint:
        raise InvalidNextTokenException("The NextToken was used with different request parameters.")
    return moment, seq


def _wire(stored: StoredAuditEvent) -> dict[str, Any]:
    event = stored.event
    item: dict[str, Any] = {
        "EventId": event.event_id,
        "EventName": event.event_name,
        "ReadOnly": "true" if event.read_only else "false",
        "EventTime": event.event_time,
        "EventSource": event.event_source,
        "Resources": [{"ResourceType": kind, "ResourceName": name} for kind, name in event.resources],
        "CloudTrailEvent": event.record,
    }
    if event.access_key_id:
        item["AccessKeyId"] = event.access_key_id
    if event.username:
        item["Username"] = event.username
    return item


def lookup_events(call: Call, params: dict[str, Any]) -> Mapping[str, Any]:
    call.authorize("cloudtrail:LookupEvents", "*")
    if params.get("EventCategory") not in (None, "insight"):
        raise InvalidEventCategoryException("The event category is not valid.")
    if params.get("EventCategory") == "insight":
        return {"Events": []}  # warden produces no Insights events
    limit = params.get("MaxResults", _DEFAULT_RESULTS)
    if not 1 <= limit <= 50:
        raise InvalidMaxResultsException("MaxResults must be between 1 and 50.")
    query = _query(call, params)
    fingerprint = _fingerprint(query, params)
    after = _decode_token(params["NextToken"], fingerprint) if params.get("NextToken") else None
    found = call.tx.lookup_audit_events(query, limit + 1, after)
    result: dict[str, Any] = {"Events": [_wire(item) for item in found[:limit]]}
    if len(found) > limit:
        result["NextToken"] = _encode_token(found[limit - 1], fingerprint)
    return result


HANDLERS: dict[str, Handler] = {"LookupEvents": lookup_events}
