"""A store too busy for a key's "last used" write does not fail the call that used the key: the
use goes unrecorded and the call is answered."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest
from fuzz_client import FuzzServer, Keys, running_server  # type: ignore[import-not-found]

from warden.store import StoreBusy

FORM = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}


@pytest.fixture
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[FuzzServer, Keys]]:
    with running_server(tmp_path_factory.mktemp("busy")) as running:
        yield running


def test_a_busy_store_skips_the_last_use_and_answers_the_call(server: tuple[FuzzServer, Keys], monkeypatch: pytest.MonkeyPatch) -> None:
    fuzz, root = server
    attempts: list[str] = []

    def busy(access_key_id: str, service: str, region: str, now: datetime) -> None:
        attempts.append(access_key_id)
        raise StoreBusy("database is locked")

    monkeypatch.setattr(fuzz.runtime.key_usage, "record", busy)
    answer = fuzz.signed(root, "sts", b"Action=GetCallerIdentity&Version=2011-06-15", FORM)
    assert attempts == [root.access_key_id]  # the first use in its minute was due
    assert fuzz.check(answer, json_wire=False) is None  # 200, with its audit event
    assert b"<Arn>arn:aws:iam::" in answer.body
