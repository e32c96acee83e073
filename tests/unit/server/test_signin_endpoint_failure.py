"""POST /signin answers a store failure with a JSON InternalFailure (HTTP 500), not a bare error
page, and never echoes the password."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import anyio
import pytest

from warden.config import Settings
from warden.server.runtime import Runtime
from warden.server.signin_http import SigninEndpoint


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
