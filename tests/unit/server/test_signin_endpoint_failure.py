"""POST /signin answers a store failure with a JSON InternalFailure (HTTP 500), not a bare error
page, a store too busy to take the attempt with Throttling (400, as the IAM endpoint does), and
never echoes the password."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import anyio
import pytest

from warden.config import Settings
from warden.server.runtime import Runtime
from warden.server.signin_http import SigninEndpoint
from warden.store import StoreBusy


def test_a_failing_store_gets_a_clear_answer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    runtime = Runtime.build(Settings(data_dir=tmp_path))
    try:
        endpoint = SigninEndpoint(runtime)

        def broken(*args: Any) -> None:
            raise OSError("database is gone")

        monkeypatch.setattr(endpoint, "_signin", broken)
        body = json.dumps({"account": "111122223333", "username": "bob", "password": "Secret-Pass-1!"}).encode()
        scope = {"type": "http", "headers": [], "client": ("127.0.0.1", 1)}
        status, payload = anyio.run(endpoint.handle, scope, body)
        assert status == 500
        assert json.loads(payload)["error"] == "InternalFailure"
        assert b"Secret-Pass-1!" not in payload
    finally:
        runtime.close()


def test_a_busy_store_is_throttling(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    runtime = Runtime.build(Settings(data_dir=tmp_path))
    try:
        endpoint = SigninEndpoint(runtime)

        def busy(*args: Any) -> None:
            raise StoreBusy("database is locked")

        monkeypatch.setattr(endpoint, "_signin", busy)
        body = json.dumps({"account": "111122223333", "username": "bob", "password": "Secret-Pass-1!"}).encode()
        scope = {"type": "http", "headers": [], "client": ("127.0.0.1", 1)}
        status, payload = anyio.run(endpoint.handle, scope, body)
        assert (status, json.loads(payload)["error"]) == (400, "Throttling")
        assert b"Secret-Pass-1!" not in payload
    finally:
        runtime.close()
