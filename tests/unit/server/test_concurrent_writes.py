"""Calls racing on one account get the answers AWS gives one at a time: a quota lets exactly as
many through as it has room for, the rest get LimitExceeded, and none gets a 500. On SQLite the
database's write lock serializes writers anyway; on PostgreSQL (READ COMMITTED) only the
account lock every writing call takes does."""

from __future__ import annotations

import sqlite3
import threading
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode

import pytest
from fuzz_client import BACKENDS, FuzzServer, Keys, running_server, served  # type: ignore[import-not-found]

from warden.store.sqlalchemy import engine as engine_module

FORM = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}
RACERS = 12
DOCUMENT = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}'


@pytest.fixture(scope="module", params=BACKENDS)
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[FuzzServer, Keys]]:
    with served(request, tmp_path_factory) as running:
        yield running


def _call(fuzz: FuzzServer, root: Keys, action: str, **params: str) -> tuple[int, bytes]:
    body = urlencode({"Action": action, "Version": "2010-05-08", **params}).encode()
    answer = fuzz.signed(root, "iam", body, FORM)
    return answer.status, answer.body


def _code(status: int, body: bytes) -> str:
    if status == 200:
        return "OK"
    return body.split(b"<Code>", 1)[1].split(b"</Code>", 1)[0].decode()


def _race(fuzz: FuzzServer, root: Keys, calls: list[tuple[str, dict[str, str]]]) -> Counter[str]:
    """Send `calls` all at once (a barrier releases them together); their error codes counted."""
    barrier = threading.Barrier(len(calls))

    def one(call: tuple[str, dict[str, str]]) -> str:
        barrier.wait()
        return _code(*_call(fuzz, root, call[0], **call[1]))

    with ThreadPoolExecutor(len(calls)) as pool:
        return Counter(pool.map(one, calls))


def _ok(fuzz: FuzzServer, root: Keys, action: str, **params: str) -> bytes:
    status, body = _call(fuzz, root, action, **params)
    assert status == 200, body
    return body


def test_racing_access_keys_stop_at_two(server: tuple[FuzzServer, Keys]) -> None:
    fuzz, root = server
    _ok(fuzz, root, "CreateUser", UserName="keyed")
    answers = _race(fuzz, root, [("CreateAccessKey", {"UserName": "keyed"})] * RACERS)
    assert answers == {"OK": 2, "LimitExceeded": RACERS - 2}
    assert _ok(fuzz, root, "ListAccessKeys", UserName="keyed").count(b"<AccessKeyId>") == 2


def test_racing_attachments_stop_at_the_quota(server: tuple[FuzzServer, Keys]) -> None:
    fuzz, root = server
    _ok(fuzz, root, "CreateUser", UserName="attached")
    arns = []
    for index in range(RACERS):
        body = _ok(fuzz, root, "CreatePolicy", PolicyName=f"racer-{index}", PolicyDocument=DOCUMENT)
        arns.append(body.split(b"<Arn>", 1)[1].split(b"</Arn>", 1)[0].decode())
    answers = _race(fuzz, root, [("AttachUserPolicy", {"UserName": "attached", "PolicyArn": arn}) for arn in arns])
    assert answers == {"OK": 10, "LimitExceeded": RACERS - 10}


def test_racing_policy_versions_stop_at_five(server: tuple[FuzzServer, Keys]) -> None:
    fuzz, root = server
    body = _ok(fuzz, root, "CreatePolicy", PolicyName="versioned", PolicyDocument=DOCUMENT)
    arn = body.split(b"<Arn>", 1)[1].split(b"</Arn>", 1)[0].decode()
    answers = _race(fuzz, root, [("CreatePolicyVersion", {"PolicyArn": arn, "PolicyDocument": DOCUMENT})] * RACERS)
    assert answers == {"OK": 4, "LimitExceeded": RACERS - 4}


def test_attaching_while_the_user_is_deleted_never_loses_the_attachment(server: tuple[FuzzServer, Keys]) -> None:
    fuzz, root = server
    body = _ok(fuzz, root, "CreatePolicy", PolicyName="held", PolicyDocument=DOCUMENT)
    arn = body.split(b"<Arn>", 1)[1].split(b"</Arn>", 1)[0].decode()
    _ok(fuzz, root, "CreateUser", UserName="doomed")
    half = RACERS // 2
    calls = [("AttachUserPolicy", {"UserName": "doomed", "PolicyArn": arn})] * half
    calls += [("DeleteUser", {"UserName": "doomed"})] * half
    answers = _race(fuzz, root, calls)
    assert "InternalFailure" not in answers
    status, _ = _call(fuzz, root, "GetUser", UserName="doomed")
    if status == 200:  # an attachment came first: every delete was refused while it held
        assert answers == {"OK": half, "DeleteConflict": half}
    else:  # the user went first: no attachment was reported made
        assert answers == {"OK": 1, "NoSuchEntity": RACERS - 1}


def test_a_write_kept_waiting_past_the_busy_timeout_is_throttled(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """SQLite: when writers ahead of it hold the database longer than the busy timeout (a
    password hashed inside a transaction takes ~0.1 s of it), a call gets AWS's Throttling,
    which SDKs retry, not a 500; its audit event is stored once the lock is free."""
    monkeypatch.setattr(engine_module, "SQLITE_BUSY_TIMEOUT_MS", 50)
    with running_server(tmp_path) as (fuzz, root):
        _ok(fuzz, root, "ListUsers")  # the root key's "last used" is written: no write is due now
        fuzz._skip_earlier_events()
        monkeypatch.setattr(fuzz, "_skip_earlier_events", lambda: None)  # it reads in a BEGIN IMMEDIATE
        holder = sqlite3.connect(tmp_path / "warden.db", isolation_level=None)
        try:
            holder.execute("BEGIN IMMEDIATE")
            body = urlencode({"Action": "CreateUser", "Version": "2010-05-08", "UserName": "late"}).encode()
            answer = fuzz.signed(root, "iam", body, FORM)
            fuzz.errors.records.clear()  # the audit writer's complaints while the lock was held
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        assert (answer.status, _code(answer.status, answer.body)) == (400, "Throttling")
        assert b"<Message>Rate exceeded</Message>" in answer.body
        assert fuzz.check(answer, json_wire=False) == "Throttling"  # and one audit event
        _ok(fuzz, root, "CreateUser", UserName="late")
