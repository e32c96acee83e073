"""An alert rule added with `warden alerts add` fires a webhook on a local receiver when the live
server records a matching event.

https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any, ClassVar

from live_server import start_server  # type: ignore[import-not-found]
from typer.testing import CliRunner

from warden.cli.main import app


class _Receiver(BaseHTTPRequestHandler):
    received: ClassVar[list[dict[str, Any]]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("content-length", "0")))
        type(self).received.append(json.loads(body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        return


def test_a_rule_fires_its_webhook(tmp_path: Path) -> None:
    receiver = HTTPServer(("127.0.0.1", 0), _Receiver)
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{receiver.server_address[1]}/hook"
    data = tmp_path / "data"
    data.mkdir()
    added = CliRunner().invoke(
        app,
        ["alerts", "add", "user-created", "--data", str(data),
         "--pattern", json.dumps({"eventName": ["CreateUser"], "requestParameters": {"userName": [{"prefix": "watched-"}]}}),
         "--webhook", url],
    )
    assert added.exit_code == 0, added.output
    server = start_server(data)
    try:
        iam = server.client("iam", *server.root_keys())
        iam.create_user(UserName="ignored-user")
        iam.create_user(UserName="watched-user")
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not _Receiver.received:
            time.sleep(0.05)
    finally:
        server.stop()
        receiver.shutdown()
        receiver.server_close()
    names = [event.get("detail", event).get("requestParameters", {}).get("userName") for event in _Receiver.received]
    assert names == ["watched-user"], _Receiver.received
