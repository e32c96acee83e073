"""Records of a repeated shape, spliced from cached text instead of built.

A server answers the same call from the same caller again and again (an SDK's GetCallerIdentity,
a dashboard's GetUser). Those records differ only in eventTime, requestID and eventID, so the
record text of such a shape is kept as the four pieces around those three values, and each later
record is the pieces joined around its own three values, each written by the serializer that
writes whole records. The text is therefore the text a full build writes, byte for byte (the
property tests hold the two paths to that), and it is hashed from exactly those bytes.

Only shapes whose inputs compare exactly are templated: parameters that are all strings, and no
responseElements (a read, or a call with no result). Anything else, and any record orjson does
not write, is built in full every time.
"""

from __future__ import annotations

import hashlib
from collections.abc import Hashable
from typing import TYPE_CHECKING, Any

import orjson

from warden.audit.record_json import member_text
from warden.audit.resources import named_by, with_created
from warden.audit.wire import trail_time
from warden.model import AuditEvent
from warden.model.audit import new_audit_event
from warden.services.caller import Caller

if TYPE_CHECKING:
    from warden.audit.events import EventDraft

__all__ = ["RecordTemplate", "ShapeKey", "shape_of"]

ShapeKey = tuple[Hashable, ...]

# Stand-ins for the three values that vary, written into the template's text once and then cut
# out. NUL is written escaped, so their text cannot come from any other value of the record; a
# text in which one is not found exactly once is simply not templated.
_SLOTS = ("\x00warden-eventTime\x00", "\x00warden-requestID\x00", "\x00warden-eventID\x00")
_SLOT_MEMBERS = ("eventTime", "requestID", "eventID")


def shape_of(draft: EventDraft, keeps_response: bool) -> ShapeKey | None:
    """What a record's text depends on besides its three varying values, as a dict key; None for
    a draft that is not templated. The caller is compared in full by the template (hashing it
    costs more than its ARN and key do), so here only its ARN and key id are part of the key."""
    if keeps_response and draft.result:
        return None
    params = draft.params
    if params:
        if type(params) is not dict:
            return None
        for name, value in params.items():
            if type(name) is not str or type(value) is not str:
                return None
        items: tuple[tuple[str, str], ...] = tuple(params.items())
    else:
        items = ()
    caller: Caller | None = draft.caller
    return (
        draft.event_name,
        draft.service,
        draft.region,
        draft.source_ip,
        draft.user_agent,
        caller.arn if caller is not None else None,
        caller.access_key_id if caller is not None else None,
        draft.claimed_access_key_id,
        draft.claimed_account_id,
        draft.operation,
        items,
        draft.error_code,
        draft.error_message,
    )


def _copied(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _copied(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_copied(item) for item in value]
    return value


# Where a template's record nests objects: (member, its own plan, or None for a list), so that
# each record's copy is a few dict() calls rather than a walk over every value.
_CopyPlan = tuple[tuple[str, "_CopyPlan | None"], ...]


def _plan(value: dict[str, Any]) -> _CopyPlan:
    return tuple(
        (key, _plan(item) if isinstance(item, dict) else None)
        for key, item in value.items()
        if isinstance(item, dict | list)
    )


def _copy(value: dict[str, Any], plan: _CopyPlan) -> dict[str, Any]:
    copy = dict(value)
    for key, inner in plan:
        copy[key] = _copied(copy[key]) if inner is None else _copy(copy[key], inner)
    return copy


class RecordTemplate:
    """One shape's record text cut at its three varying values, and the event's fixed columns."""

    __slots__ = ("_caller", "_document", "_event_fields", "_head_hash", "_named", "_pieces", "_plan")

    def __init__(self, draft: EventDraft, pieces: tuple[bytes, ...], document: dict[str, Any], event: AuditEvent) -> None:
        self._caller = draft.caller
        self._pieces = pieces
        # The hash of the text before eventTime, taken once and continued for each record.
        self._head_hash = hashlib.sha256(pieces[0])
        # A copy: the record built in full goes to listeners, which may change it.
        self._document: dict[str, Any] = _copied(document)
        self._plan = _plan(self._document)
        self._named = named_by(draft.params)
        self._event_fields = (
            event.account_id,
            event.event_source,
            event.event_name,
            event.read_only,
            event.username,
            event.access_key_id,
            event.identity_type,
            event.principal_arn,
            event.error_code,
        )

    @classmethod
    def of(cls, draft: EventDraft, document: dict[str, Any], event: AuditEvent) -> RecordTemplate | None:
        """The template of a record just built in full, or None if its text cannot be cut."""
        stand_in = dict(document)
        for member, slot in zip(_SLOT_MEMBERS, _SLOTS, strict=True):
            stand_in[member] = slot
        try:
            text = member_text(stand_in)
        except orjson.JSONEncodeError:
            return None
        slots = [member_text(slot) for slot in _SLOTS]
        if any(text.count(slot) != 1 for slot in slots):
            return None
        pieces: list[bytes] = []
        for slot in slots:  # in the record's member order
            before, found, text = text.partition(slot)
            if not found:
                return None
            pieces.append(before)
        pieces.append(text)
        return cls(draft, tuple(pieces), document, event)

    def build(self, draft: EventDraft, with_document: bool) -> tuple[AuditEvent, dict[str, Any] | None] | None:
        """The event of `draft`, which has this template's shape; None if the caller is not the
        template's or a varying value is one orjson does not write."""
        caller = draft.caller
        if caller is not self._caller and caller != self._caller:
            return None
        event_time = trail_time(draft.event_time)
        try:
            values = (member_text(event_time), member_text(draft.request_id), member_text(draft.event_id))
        except orjson.JSONEncodeError:
            return None
        _, after_time, after_request, tail = self._pieces
        rest = b"".join((values[0], after_time, values[1], after_request, values[2], tail))
        digest = self._head_hash.copy()
        digest.update(rest)
        fields = self._event_fields
        event = new_audit_event(
            draft.event_id,
            fields[0],
            draft.event_time,
            fields[1],
            fields[2],
            fields[3],
            fields[4],
            fields[5],
            fields[6],
            fields[7],
            fields[8],
            (self._pieces[0] + rest).decode("utf-8"),
            digest.hexdigest(),
            with_created(self._named, draft.result),
        )
        if not with_document:
            return event, None
        document = _copy(self._document, self._plan)
        document["eventTime"] = event_time
        document["requestID"] = draft.request_id
        document["eventID"] = draft.event_id
        return event, document

