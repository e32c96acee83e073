"""The access line: one JSON object per request, with the fields the README promises."""

from __future__ import annotations

import json
import logging

import pytest

from warden.server.access_log import AccessRecord, log_access


def test_one_json_object_per_request(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="warden.access")
    log_access(
        AccessRecord(
            request_id="r-1",
            source_ip="192.0.2.1",
            service="iam",
            action="GetUser",
            principal="arn:aws:iam::111122223333:user/dana",
            access_key_id="AKIAIOSFODNN7EXAMPLE",
            status=403,
            error_code="AccessDenied",
            latency_ms=1.23456,
        )
    )
    (line,) = [r.getMessage() for r in caplog.records if r.name == "warden.access"]
    assert json.loads(line) == {
        "request_id": "r-1",
        "source_ip": "192.0.2.1",
        "service": "iam",
        "action": "GetUser",
        "principal": "arn:aws:iam::111122223333:user/dana",
        "access_key_id": "AKIAIOSFODNN7EXAMPLE",
        "status": 403,
        "error": "AccessDenied",
        "latency_ms": 1.235,
    }


def test_nothing_is_built_when_the_level_is_off(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="warden.access")
    log_access(AccessRecord(request_id="r-2", source_ip="192.0.2.1"))
    assert not [r for r in caplog.records if r.name == "warden.access"]
