"""The grouped "last access by principal" query behind service last accessed reports, on SQLite
and PostgreSQL: latest event per service, operation and principal, with its Region; role sessions
by ARN prefix (LIKE wildcards in names are literal, case kept); the period and excluded errors respected.

https://docs.aws.amazon.com/IAM/latest/APIReference/API_GenerateServiceLastAccessedDetails.html
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from warden.audit import EventDraft, finish_event
from warden.model import AuditEvent
from warden.services.caller import Caller, CallerKind
from warden.store import Store, open_store

from .conftest import UrlFactory

T0 = datetime(2026, 12, 1, 6, 0, tzinfo=UTC)
ACCOUNT = "111122223333"
ALICE = f"arn:aws:iam::{ACCOUNT}:user/alice"
SESSION = f"arn:aws:sts::{ACCOUNT}:assumed-role/a_b/s1"
LOOKALIKE = f"arn:aws:sts::{ACCOUNT}:assumed-role/axb/s1"
OTHER_CASE = f"arn:aws:sts::{ACCOUNT}:assumed-role/A_B/s1"  # an earlier role, named in other case


@pytest.fixture
def trail(urls: UrlFactory) -> Iterator[Store]:
    opened = open_store(urls.new())
    yield opened
    opened.close()


def _event(index: int, arn: str, service: str, name: str, minutes: int, region: str = "us-east-1",
           error: str | None = None) -> AuditEvent:
    kind = CallerKind.ASSUMED_ROLE if ":assumed-role/" in arn else CallerKind.USER
    draft = EventDraft(
        event_id=f"00000000-0000-4000-8000-{index:012d}", request_id=f"req-{index}",
        event_time=T0 + timedelta(minutes=minutes), service=service, region=region, source_ip="127.0.0.1",
        user_agent="test", event_name=name, caller=Caller(kind, arn, ACCOUNT, "AIDAX", "AKIAX"), params={},
    )
    if error:
        draft.fail(error, "failed")
    return finish_event(draft)


def test_latest_use_per_service_operation_and_principal(trail: Store) -> None:
    # Regional STS calls: IAM's events all carry us-east-1, so they could not tell which Region is kept.
    with trail.transaction() as tx:
        tx.append_audit_events([
            _event(1, ALICE, "sts", "DecodeAuthorizationMessage", 1, "eu-west-1"),
            _event(2, ALICE, "sts", "DecodeAuthorizationMessage", 3, "eu-west-2"),
            _event(3, ALICE, "sts", "DecodeAuthorizationMessage", 2, "eu-west-3"),  # written late, older
            _event(4, ALICE, "sts", "GetCallerIdentity", 4, error="AccessDenied"),
            _event(5, ALICE, "sts", "GetSessionToken", 5, error="SignatureDoesNotMatch"),
            _event(6, ALICE, "iam", "GetUser", -60 * 24),  # before the period
            _event(7, SESSION, "sts", "GetAccessKeyInfo", 6, "ap-south-1"),
            _event(8, LOOKALIKE, "sts", "GetAccessKeyInfo", 7),
            _event(9, f"arn:aws:iam::{ACCOUNT}:user/bob", "iam", "ListUsers", 8),
            _event(10, OTHER_CASE, "sts", "GetAccessKeyInfo", 9),
        ])
    with trail.transaction(readonly=True) as tx:
        found = tx.last_access_by_principal(
            ACCOUNT, [ALICE], [f"arn:aws:sts::{ACCOUNT}:assumed-role/a_b/"], T0, ["SignatureDoesNotMatch"]
        )
        assert tx.last_access_by_principal(ACCOUNT, [], [], T0) == []
        assert tx.last_access_by_principal("444455556666", [ALICE], [], T0) == []
    got = {(a.event_source, a.event_name, a.principal_arn): (a.last_time, a.region) for a in found}
    assert got == {
        ("sts.amazonaws.com", "DecodeAuthorizationMessage", ALICE): (T0 + timedelta(minutes=3), "eu-west-2"),
        ("sts.amazonaws.com", "GetCallerIdentity", ALICE): (T0 + timedelta(minutes=4), "us-east-1"),
        ("sts.amazonaws.com", "GetAccessKeyInfo", SESSION): (T0 + timedelta(minutes=6), "ap-south-1"),
    }
