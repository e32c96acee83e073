"""Delivering alerts: webhooks on a local HTTP receiver, commands, retries with backoff, safe logs."""

from __future__ import annotations

import json
import logging
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from warden.audit.alerts.delivery import Deliverer, alert_for
from warden.audit.alerts.rules import CommandTarget, LogTarget, WebhookTarget

RECORD = {"eventName": "DeactivateMFADevice", "eventID": "ev-9", "requestParameters": {"userName": "alice"}}


class Receiver:
    """A local webhook that answers with the queued statuses, then 204; records what it got."""

    def __init__(self) -> None:
        self.statuses: list[int] = []
        self.received: list[tuple[dict[str, str], bytes]] = []
        self.delay = 0.0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append((dict(self.headers), body))
                if receiver.delay:
                    threading.Event().wait(receiver.delay)
                status = receiver.statuses.pop(0) if receiver.statuses else 204
                self.send_response(status)
                if 300 <= status < 400:
                    self.send_header("Location", "http://127.0.0.1:9/elsewhere")
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hooks/T000/secret-token?sig=abc"


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    r.thread.start()
    yield r
    r.server.shutdown()
    r.server.server_close()


def deliverer(sleeps: list[float]) -> Deliverer:
    return Deliverer(attempts=3, backoff=0.5, sleep=sleeps.append)


def test_webhook_gets_the_event_json(receiver: Receiver) -> None:
    sleeps: list[float] = []
    result = deliverer(sleeps).deliver(alert_for("mfa-off", "d", RECORD, ()), WebhookTarget(receiver.url))
    assert result.ok and result.attempts == 1 and sleeps == []
    headers, body = receiver.received[0]
    assert json.loads(body) == RECORD
    assert headers["Content-Type"] == "application/json" and headers["X-Warden-Alert-Rule"] == "mfa-off"


def test_webhook_failing_then_succeeding_is_retried_with_backoff(receiver: Receiver) -> None:
    receiver.statuses = [500, 503]
    sleeps: list[float] = []
    result = deliverer(sleeps).deliver(alert_for("r", "d", RECORD, ()), WebhookTarget(receiver.url))
    assert result.ok and result.attempts == 3
    assert sleeps == [0.5, 1.0]  # exponential backoff between the three attempts
    assert len(receiver.received) == 3


def test_webhook_failing_every_time_is_logged_without_secrets(
    receiver: Receiver, caplog: pytest.LogCaptureFixture
) -> None:
    receiver.statuses = [500, 500, 500]
    sleeps: list[float] = []
    with caplog.at_level(logging.ERROR, logger="warden.alerts"):
        result = deliverer(sleeps).deliver(alert_for("r", "d", RECORD, ()), WebhookTarget(receiver.url))
    assert not result.ok and result.attempts == 3 and result.error == "HTTP 500"
    logged = json.loads(caplog.records[-1].getMessage())
    assert logged["message"] == "alert delivery failed" and logged["rule"] == "r" and logged["attempts"] == 3
    text = caplog.text
    assert "secret-token" not in text and "sig=abc" not in text and "alice" not in text


def test_redirects_are_not_followed(receiver: Receiver) -> None:
    receiver.statuses = [307, 307, 307]
    result = deliverer([]).deliver(alert_for("r", "d", RECORD, ()), WebhookTarget(receiver.url))
    assert not result.ok and result.error == "HTTP 307"


def test_webhook_timeout_counts_as_a_failure(receiver: Receiver) -> None:
    receiver.delay = 1.0
    result = Deliverer(attempts=1).deliver(
        alert_for("r", "d", RECORD, ()), WebhookTarget(receiver.url, timeout=0.2)
    )
    assert not result.ok and result.error is not None


def test_unreachable_webhook_fails_cleanly() -> None:
    result = deliverer([]).deliver(
        alert_for("r", "d", RECORD, ()), WebhookTarget("http://127.0.0.1:9/x", timeout=1)
    )
    assert not result.ok and result.error is not None and result.error.startswith("connection failed")


def test_command_gets_the_event_on_stdin(tmp_path: Path) -> None:
    out = tmp_path / "got.json"
    script = f"import os,sys,pathlib; pathlib.Path({str(out)!r}).write_text(os.environ['WARDEN_ALERT_RULE'] + sys.stdin.read())"
    target = CommandTarget(f"{sys.executable} -c {json.dumps(script)}")
    result = deliverer([]).deliver(alert_for("mfa-off", "d", RECORD, ()), target)
    assert result.ok
    text = out.read_text()
    assert text.startswith("mfa-off") and json.loads(text[len("mfa-off") :]) == RECORD


def test_command_failure_and_missing_program(tmp_path: Path) -> None:
    sleeps: list[float] = []
    failing = CommandTarget(f"{sys.executable} -c 'import sys; sys.exit(3)'")
    result = deliverer(sleeps).deliver(alert_for("r", "d", RECORD, ()), failing)
    assert not result.ok and result.error == "command exited with status 3" and sleeps == [0.5, 1.0]
    missing = CommandTarget(str(tmp_path / "no-such-program"))
    assert deliverer([]).deliver(alert_for("r", "d", RECORD, ()), missing).error == (
        "command could not start: FileNotFoundError"
    )


def test_command_timeout() -> None:
    slow = CommandTarget(f"{sys.executable} -c 'import time; time.sleep(5)'", timeout=0.3)
    result = Deliverer(attempts=1).deliver(alert_for("r", "d", RECORD, ()), slow)
    assert not result.ok and result.error == "command did not finish within 0.3 s"


def test_log_target_writes_one_json_line(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="warden.alerts"):
        result = deliverer([]).deliver(alert_for("burst", "many", RECORD, (), {"count": 5}), LogTarget())
    assert result.ok
    line = json.loads(caplog.records[-1].getMessage())
    assert line == {"alert": "burst", "description": "many", "detail": {"count": 5}, "event": RECORD}


def test_alert_body_is_frozen_when_raised() -> None:
    record = {"eventName": "X", "requestParameters": {"userName": "a"}}
    alert = alert_for("r", "d", record, ())
    record["requestParameters"]["userName"] = "changed"
    assert alert.event()["requestParameters"]["userName"] == "a"
