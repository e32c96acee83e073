"""Role-use coalescing: one write a minute per role and region, and which callers count.

https://docs.aws.amazon.com/IAM/latest/APIReference/API_RoleLastUsed.html
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any, cast

from warden.services.caller import Caller, CallerKind
from warden.services.role_usage import RoleUsageRecorder, session_role_id
from warden.store import Store

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def test_uses_are_written_once_a_minute_per_role_and_region() -> None:
    recorder = RoleUsageRecorder(cast(Store, cast(Any, None)))
    assert recorder.due("AROA1", "us-east-1", T0)
    assert not recorder.due("AROA1", "us-east-1", T0 + timedelta(seconds=59))
    assert recorder.due("AROA1", "eu-west-1", T0 + timedelta(seconds=59))
    assert recorder.due("AROA2", "us-east-1", T0 + timedelta(seconds=59))
    assert recorder.due("AROA1", "us-east-1", T0 + timedelta(minutes=1))


def test_only_role_sessions_count_as_role_use() -> None:
    session = Caller(
        kind=CallerKind.ASSUMED_ROLE, arn="arn:aws:sts::111122223333:assumed-role/app/job",
        account_id="111122223333", principal_id="AROAEXAMPLEID:job", access_key_id="ASIAX",
        role_arn="arn:aws:iam::111122223333:role/app", role_name="app",
    )
    user = Caller(
        kind=CallerKind.USER, arn="arn:aws:iam::111122223333:user/u", account_id="111122223333",
        principal_id="AIDAEXAMPLE", access_key_id="AKIAX", name="u",
    )
    assert session_role_id(session) == "AROAEXAMPLEID"
    assert session_role_id(user) is None
