"""A record spliced from its shape's template is the record built in full, byte for byte: the
same text, hash, columns and resources, and the same dict for listeners (never one they share)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from warden.audit import events
from warden.audit.events import EventDraft, build_event, finish_event, is_read_only_event
from warden.audit.templates import shape_of
from warden.audit.wire import trail_time
from warden.model import AuditEvent
from warden.model.audit import new_audit_event
from warden.protocol import load_service
from warden.services.caller import Caller, CallerKind

ACCOUNT = "111122223333"
T0 = datetime(2026, 12, 1, 6, 7, 8, 9, tzinfo=UTC)
_IAM, _STS = load_service("iam"), load_service("sts")

_text = st.text(max_size=12)  # any characters: quotes, NUL, U+2028, non-ASCII
_times = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC))


@st.composite
def _callers(draw: st.DrawFn) -> Caller | None:
    kind = draw(st.sampled_from([None, *CallerKind]))
    if kind is None:
        return None
    name = draw(_text)
    session = kind in (CallerKind.ASSUMED_ROLE, CallerKind.FEDERATED_USER)
    return Caller(
        kind,
        f"arn:aws:iam::{ACCOUNT}:user/{name}",
        ACCOUNT,
        draw(st.sampled_from(["AIDAEXAMPLE", "AROAEXAMPLE:s"])),
        draw(st.none() | _text),
        name=name or None,
        role_arn=f"arn:aws:iam::{ACCOUNT}:role/r" if kind is CallerKind.ASSUMED_ROLE else None,
        role_name="r" if kind is CallerKind.ASSUMED_ROLE else None,
        session_name=draw(st.none() | _text) if session else None,
        mfa_authenticated=draw(st.booleans()),
        token_issued_at=draw(_times) if session else None,
        source_identity=draw(st.none() | _text),
    )


_values = st.recursive(
    st.none() | st.booleans() | st.integers() | _text | _times,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_text, inner, max_size=3),
    max_leaves=6,
)
_params = st.none() | st.dictionaries(
    st.sampled_from(["UserName", "RoleArn", "PolicyArn", "PathPrefix", "Password", "Marker"]) | _text,
    _text | _values,
    max_size=3,
)
_results = st.none() | st.fixed_dictionaries(
    {}, optional={"User": st.fixed_dictionaries({"UserName": _text}), "Account": _text, "Credentials": _values}
)


@st.composite
def _drafts(draw: st.DrawFn) -> EventDraft:
    service, name = draw(
        st.sampled_from(
            [
                ("sts", "GetCallerIdentity"),
                ("sts", "AssumeRole"),
                ("iam", "GetUser"),
                ("iam", "ListUsers"),
                ("iam", "CreateUser"),
                ("iam", "DeleteUser"),
                ("iam", "Unknown"),
            ]
        )
    )
    draft = EventDraft(draw(_text), draw(_text), draw(_times), service, draw(_text), draw(_text), draw(_text))
    draft.name_from_request(name)
    draft.caller = draw(_callers())
    draft.claimed_access_key_id = draw(st.none() | _text)
    draft.claimed_account_id = draw(st.none() | _text)
    if name != "Unknown":
        draft.operation = (_STS if service == "sts" else _IAM).find_operation(name)
    draft.params, draft.result = draw(_params), draw(_results)
    if draw(st.booleans()):
        draft.fail(draw(_text), draw(_text))
    return draft


def _full(draft: EventDraft) -> tuple[AuditEvent, dict[str, Any]]:
    return events._full(draft, is_read_only_event(draft.event_name))


def _again(draft: EventDraft, event_id: str, request_id: str, moment: datetime) -> EventDraft:
    """The same request shape, later: only the three varying values differ."""
    later = EventDraft(event_id, request_id, moment, draft.service, draft.region, draft.source_ip, draft.user_agent)
    for name in ("event_name", "caller", "claimed_access_key_id", "claimed_account_id", "operation", "params",
                 "result", "error_code", "error_message"):
        setattr(later, name, getattr(draft, name))
    return later


@settings(suppress_health_check=[HealthCheck.too_slow], max_examples=300)
@given(_drafts(), _text, _text, _times)
def test_a_templated_record_is_the_record_built_in_full(
    draft: EventDraft, event_id: str, request_id: str, moment: datetime
) -> None:
    build_event(draft), build_event(draft)  # seen twice: its shape now has a template, if it can
    later = _again(draft, event_id, request_id, moment)
    expected_event, expected_document = _full(later)
    event, document = build_event(later)
    assert event == expected_event
    assert document == expected_document and list(document) == list(expected_document)
    assert finish_event(later) == expected_event
    assert json.loads(event.record) == json.loads(expected_event.record)


_SESSION = Caller(CallerKind.ASSUMED_ROLE, f"arn:aws:sts::{ACCOUNT}:assumed-role/deploy/ci", ACCOUNT, "AROAROLE:ci",
                  "ASIASESSION", role_arn=f"arn:aws:iam::{ACCOUNT}:role/deploy", role_name="deploy",
                  session_name="ci", token_issued_at=T0 - timedelta(hours=1))


def _plain_draft(event_id: str, moment: datetime) -> EventDraft:
    draft = EventDraft(event_id, f"req-{event_id}", moment, "iam", "us-east-1", "10.0.0.1", "aws-cli/2 ✓")
    draft.event_name, draft.caller, draft.operation = "GetUser", _SESSION, _IAM.find_operation("GetUser")
    draft.params = {"UserName": "zoë"}
    draft.result = {"User": {"UserName": "zoë", "Arn": f"arn:aws:iam::{ACCOUNT}:user/zoë", "CreateDate": T0}}
    return draft


def test_a_repeated_read_is_spliced_from_its_template() -> None:
    first = _plain_draft("e-1", T0)
    build_event(first), build_event(first)
    key = shape_of(first, keeps_response=False)
    assert key is not None
    template = events._TEMPLATES[key]
    assert template is not None
    later = _plain_draft("e-2", T0 + timedelta(seconds=3))
    built = template.build(later, with_document=True)
    assert built is not None and built == _full(later)
    assert built[0].resources == (("AWS::IAM::User", "zoë"),)


def test_calls_whose_response_is_recorded_or_parameters_are_not_strings_have_no_template() -> None:
    draft = _plain_draft("e-1", T0)
    assert shape_of(draft, keeps_response=True) is None  # a change, or a credential-issuing read
    draft.params = {"UserName": "zoë", "MaxItems": 1}
    assert shape_of(draft, keeps_response=False) is None


def test_records_from_one_template_share_no_dict() -> None:
    first = _plain_draft("e-1", T0)
    build_event(first), build_event(first)
    one = build_event(_plain_draft("e-2", T0))[1]
    one["userIdentity"]["sessionContext"]["attributes"]["mfaAuthenticated"] = "changed"
    one["requestParameters"]["userName"] = "changed"
    assert build_event(_plain_draft("e-3", T0))[1] == _full(_plain_draft("e-3", T0))[1]


def test_a_different_caller_behind_the_same_key_gets_its_own_record() -> None:
    first = _plain_draft("e-1", T0)
    build_event(first), build_event(first)
    other = _plain_draft("e-2", T0)
    assert other.caller is not None
    other.caller = Caller(**{**{n: getattr(other.caller, n) for n in Caller.__dataclass_fields__}, "mfa_authenticated": True})
    assert build_event(other) == _full(other)


@given(
    st.datetimes(min_value=datetime(1000, 1, 1), timezones=st.just(UTC) | st.just(timezone(timedelta(hours=-5)))),
    st.integers(0, 2_000_000),
)
def test_trail_time_reuses_a_second_only_for_times_inside_it(moment: datetime, step: int) -> None:
    trail_time(moment)
    try:
        later = moment + timedelta(microseconds=step)
    except OverflowError:
        return
    assert trail_time(later) == later.strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.mark.parametrize("resources", [(), (("AWS::IAM::User", "x"),)])
def test_the_fast_constructor_is_the_dataclass(resources: tuple[tuple[str, str], ...]) -> None:
    fields = {name: f"v-{name}" for name in AuditEvent.__dataclass_fields__}
    fields.update(event_time=T0, read_only=True, resources=resources)
    made = new_audit_event(**fields)
    assert made == AuditEvent(**fields) and hash(made) == hash(AuditEvent(**fields))
