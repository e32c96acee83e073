"""Building an event's record: userIdentity comes from a per-caller cache, eventTime is formatted
by hand; both must give what the uncached, strftime-based code gave, and no two records may
share a dict (listeners receive the record)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from warden.audit.events import EventDraft, build_event
from warden.audit.identity import caller_identity, lookup_username, user_identity
from warden.audit.record_json import record_hash
from warden.audit.wire import response_elements, trail_time
from warden.model import AuditEvent
from warden.protocol import REDACTED, load_service
from warden.services.caller import Caller, CallerKind

ACCOUNT = "111122223333"
T0 = datetime(2026, 12, 1, 6, 7, 8, 9, tzinfo=UTC)
CALLERS = {
    "root": Caller(CallerKind.ROOT, f"arn:aws:iam::{ACCOUNT}:root", ACCOUNT, ACCOUNT, "AKIAROOT"),
    "user": Caller(CallerKind.USER, f"arn:aws:iam::{ACCOUNT}:user/zoë", ACCOUNT, "AIDAUSER", "AKIAUSER", name="zoë"),
    "role-session": Caller(
        CallerKind.ASSUMED_ROLE,
        f"arn:aws:sts::{ACCOUNT}:assumed-role/deploy/ci",
        ACCOUNT,
        "AROAROLE:ci",
        "ASIASESSION",
        role_arn=f"arn:aws:iam::{ACCOUNT}:role/deploy",
        role_name="deploy",
        session_name="ci",
        mfa_authenticated=True,
        token_issued_at=T0 - timedelta(hours=1),
        source_identity="alice",
    ),
    "federated": Caller(
        CallerKind.FEDERATED_USER,
        f"arn:aws:sts::{ACCOUNT}:federated-user/bob",
        ACCOUNT,
        f"{ACCOUNT}:bob",
        "ASIAFEDERATED",
        name="bob",
        token_issued_at=T0,
    ),
}


@pytest.mark.parametrize("caller", CALLERS.values(), ids=CALLERS.keys())
def test_cached_identity_is_the_identity(caller: Caller) -> None:
    expected = user_identity(caller)
    assert caller_identity(caller) == expected
    assert list(caller_identity(caller)) == list(expected)  # member order is part of the text
    twin = Caller(**{name: getattr(caller, name) for name in caller.__dataclass_fields__})
    assert twin is not caller and caller_identity(twin) == expected


def test_records_never_share_an_identity_dict() -> None:
    caller = CALLERS["role-session"]
    first = caller_identity(caller)
    first["type"] = "changed"
    first["sessionContext"]["attributes"]["mfaAuthenticated"] = "changed"
    first["sessionContext"]["sessionIssuer"].clear()
    assert caller_identity(caller) == user_identity(caller)


def test_a_caller_that_cannot_be_hashed_still_gets_its_identity() -> None:
    caller = Caller(CallerKind.USER, f"arn:aws:iam::{ACCOUNT}:user/t", ACCOUNT, "AIDAT", "AKIAT", name="t",
                    tags=[("team", "a")])  # type: ignore[arg-type]
    assert caller_identity(caller) == user_identity(caller)


@given(st.datetimes(min_value=datetime(1000, 1, 1), timezones=st.just(UTC)))
def test_trail_time_is_strftime_to_the_second(moment: datetime) -> None:
    assert trail_time(moment) == moment.strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.mark.parametrize("caller", CALLERS.values(), ids=CALLERS.keys())
def test_the_stored_text_is_the_record_and_its_hash_is_of_that_text(caller: Caller) -> None:
    draft = EventDraft("00000000-0000-4000-8000-000000000001", "req-1", T0, "iam", "us-east-1", "127.0.0.1", "ua ✓")
    draft.event_name, draft.caller, draft.params = "GetUser", caller, {"UserName": "zoë"}
    draft.fail("AccessDenied", "no")
    event, document = build_event(draft)
    assert json.loads(event.record) == document
    assert event.record_hash == record_hash(event.record)
    assert document["userIdentity"] == user_identity(caller)
    assert document["eventTime"] == "2026-12-01T06:07:08Z"
    assert "zoë" in event.record  # non-ASCII stays UTF-8
    assert event == AuditEvent(
        event_id=draft.event_id,
        account_id=ACCOUNT,
        event_time=T0,
        event_source="iam.amazonaws.com",
        event_name="GetUser",
        read_only=True,
        username=lookup_username(caller),
        access_key_id=caller.access_key_id,
        identity_type=caller.kind.value,
        principal_arn=caller.arn,
        error_code="AccessDenied",
        record=event.record,
        record_hash=event.record_hash,
        resources=(("AWS::IAM::User", "zoë"),),
    )


@pytest.mark.parametrize(
    ("service", "signed_region", "arn", "recorded"),
    [
        ("iam", "eu-west-1", f"arn:aws:iam::{ACCOUNT}:root", "us-east-1"),
        ("iam", "us-east-1", f"arn:aws:iam::{ACCOUNT}:root", "us-east-1"),
        ("iam", "cn-northwest-1", f"arn:aws-cn:iam::{ACCOUNT}:root", "cn-north-1"),
        ("iam", "us-gov-east-1", f"arn:aws-us-gov:iam::{ACCOUNT}:root", "us-gov-west-1"),
        ("iam", "cn-northwest-1", None, "cn-north-1"),
        ("iam", "ap-south-1", None, "us-east-1"),
        ("sts", "eu-west-1", f"arn:aws:iam::{ACCOUNT}:root", "eu-west-1"),
        ("sts", "us-east-1", None, "us-east-1"),
    ],
)
def test_iam_events_are_recorded_in_iams_region(service: str, signed_region: str, arn: str | None, recorded: str) -> None:
    """IAM is global: CloudTrail records IAM's events in us-east-1 (the partition's IAM region),
    whatever region the request was signed for; STS's regional endpoints keep their own region.
    https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-create-and-update-a-trail-by-using-the-aws-cli-update-trail.html
    https://docs.aws.amazon.com/IAM/latest/UserGuide/cloudtrail-integration.html"""
    draft = EventDraft("00000000-0000-4000-8000-000000000002", "req-2", T0, service, signed_region, "127.0.0.1", "ua")
    draft.event_name = "GetCallerIdentity" if service == "sts" else "ListUsers"
    if arn is not None:
        draft.caller = Caller(CallerKind.ROOT, arn, ACCOUNT, ACCOUNT, "AKIAROOT")
    for _ in range(3):  # built in full, then from the shape's template
        event, document = build_event(draft)
        assert document["awsRegion"] == recorded
        assert json.loads(event.record)["awsRegion"] == recorded


def test_an_assume_role_record_lists_the_role_in_resources() -> None:
    """CloudTrail's AssumeRole records list the role: its ARN, account and type.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/cloudtrail-integration.html (AWS STS examples)
    https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html"""
    role = "arn:aws:iam::444455556666:role/ops/deploy"
    draft = EventDraft("00000000-0000-4000-8000-000000000003", "req-3", T0, "sts", "us-east-1", "127.0.0.1", "ua")
    draft.event_name, draft.caller = "AssumeRole", CALLERS["user"]
    draft.params = {"RoleArn": role, "RoleSessionName": "s"}
    draft.fail("AccessDenied", "no")
    for _ in range(3):  # built in full, then from the shape's template
        event, document = build_event(draft)
        assert document["resources"] == [{"ARN": role, "accountId": "444455556666", "type": "AWS::IAM::Role"}]
        assert json.loads(event.record) == document
        members = list(document)
        assert members.index("readOnly") < members.index("resources") < members.index("eventType")
    draft.event_name = "GetCallerIdentity"
    assert "resources" not in build_event(draft)[1]
    draft.event_name, draft.params = "AssumeRole", {"RoleArn": "not-an-arn", "RoleSessionName": "s"}
    assert "resources" not in build_event(draft)[1]


@pytest.mark.parametrize("operation", ["AssumeRole", "GetSessionToken", "GetFederationToken"])
def test_temporary_credentials_are_recorded_without_their_secret_key(operation: str) -> None:
    """CloudTrail's records of STS calls list the credentials' accessKeyId, sessionToken and
    expiration; the secret key is not there at all.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/cloudtrail-integration.html (AWS STS examples)"""
    found = load_service("sts").find_operation(operation)
    assert found is not None
    result = {"Credentials": {"AccessKeyId": "ASIAEXAMPLE", "SecretAccessKey": "s3cr3t", "SessionToken": "t0k3n",
                              "Expiration": T0}}
    elements = response_elements(found, result)
    assert elements == {"credentials": {"accessKeyId": "ASIAEXAMPLE", "sessionToken": REDACTED,
                                        "expiration": "Dec 1, 2026, 6:07:08 AM"}}
    assert result["Credentials"]["SecretAccessKey"] == "s3cr3t"  # the result itself is left alone


def test_a_new_access_keys_secret_still_reads_hidden() -> None:
    found = load_service("iam").find_operation("CreateAccessKey")
    assert found is not None
    key = {"UserName": "zoë", "AccessKeyId": "AKIAEXAMPLE", "Status": "Active", "SecretAccessKey": "s3cr3t"}
    assert response_elements(found, {"AccessKey": key})["accessKey"]["secretAccessKey"] == REDACTED  # type: ignore[index]
