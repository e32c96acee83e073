"""`warden alerts` through typer's runner (output is JSON off a terminal)."""

from __future__ import annotations

import json
import os
import stat
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from typer.testing import CliRunner

from warden.cli.main import app

runner = CliRunner()


def run(*args: str) -> tuple[int, object]:
    result = runner.invoke(app, ["alerts", *args])
    return result.exit_code, json.loads(result.stdout) if result.stdout.strip() else None


@pytest.fixture
def hook() -> Iterator[tuple[str, list[bytes]]]:
    received: list[bytes] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            received.append(self.rfile.read(int(self.headers["Content-Length"])))
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hook/secret-token", received
    server.shutdown()
    server.server_close()


def test_list_shows_the_shipped_rules_on_an_empty_data_folder(tmp_path: Path) -> None:
    code, rules = run("list", "--data", str(tmp_path))
    assert code == 0 and isinstance(rules, list)
    assert {r["name"] for r in rules} >= {"root-user-activity", "mfa-deactivated", "access-denied-burst"}
    assert all(r["enabled"] and r["builtin"] for r in rules)
    assert not (tmp_path / "alerts.json").exists()  # listing writes nothing


def test_add_list_disable_enable_remove(tmp_path: Path, hook: tuple[str, list[bytes]]) -> None:
    url, _ = hook
    data = str(tmp_path)
    code, added = run(
        "add",
        "new-users",
        "--pattern",
        '{"eventName": ["CreateUser"]}',
        "--webhook",
        url,
        "--command",
        "logger -t warden",
        "--description",
        "Someone created a user",
        "--data",
        data,
    )
    assert code == 0 and isinstance(added, dict)
    assert added["targets"] == [url.split("/hook")[0] + "/...", "command logger"]
    path = tmp_path / "alerts.json"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert json.loads(path.read_text())["rules"][0]["targets"][0]["url"] == url
    code, rules = run("list", "--data", data)
    mine = [r for r in rules if r["name"] == "new-users"]  # type: ignore[union-attr]
    assert mine and not mine[0]["builtin"] and "secret-token" not in json.dumps(rules)
    assert run("disable", "new-users", "--data", data) == (0, {"name": "new-users", "result": "disabled"})
    assert run("disable", "root-user-activity", "--data", data)[0] == 0
    code, rules = run("list", "--data", data)
    off = {r["name"] for r in rules if not r["enabled"]}  # type: ignore[union-attr]
    assert off == {"new-users", "root-user-activity"}
    assert run("enable", "root-user-activity", "--data", data)[0] == 0
    assert run("remove", "new-users", "--data", data) == (0, {"name": "new-users", "result": "removed"})
    code, error = run("remove", "root-user-activity", "--data", data)
    assert code == 1 and "disable it" in error["error"]  # type: ignore[index]
    code, error = run("remove", "new-users", "--data", data)
    assert code == 1 and error == {"error": "Rule new-users does not exist."}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--pattern", '{"eventName": "CreateUser"}', "--command", "true"], "Event pattern is not valid"),
        (["--pattern", "{oops", "--command", "true"], "not valid JSON"),
        (["--pattern", '{"eventName": ["CreateUser"]}'], "at least one --webhook or --command"),
        (["--pattern", '{"eventName": ["CreateUser"]}', "--webhook", "ftp://x/y"], "Webhook URL"),
    ],
)
def test_add_refuses_bad_input(tmp_path: Path, args: list[str], message: str) -> None:
    code, error = run("add", "r1", *args, "--data", str(tmp_path))
    assert code == 1 and message in error["error"]  # type: ignore[index]
    assert not (tmp_path / "alerts.json").exists()


def test_add_refuses_shipped_names_and_bad_names(tmp_path: Path) -> None:
    code, error = run(
        "add", "mfa-deactivated", "--pattern", '{"a": ["b"]}', "--command", "true", "--data", str(tmp_path)
    )
    assert code == 1 and "shipped rule" in error["error"]  # type: ignore[index]
    code, error = run(
        "add", "no spaces", "--pattern", '{"a": ["b"]}', "--command", "true", "--data", str(tmp_path)
    )
    assert code == 1 and "Rule name" in error["error"]  # type: ignore[index]


def test_inputs_nested_past_the_json_parser_are_refused_in_one_line(tmp_path: Path) -> None:
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000)
    code, error = run("add", "r1", "--pattern", f"@{deep}", "--command", "true", "--data", str(tmp_path))
    assert code == 1 and "nested too deeply" in error["error"]  # type: ignore[index]
    code, error = run("test", "root-user-activity", "--event", str(deep), "--data", str(tmp_path))
    assert code == 1 and error == {"error": f"{deep} is nested too deeply to read"}


def test_pattern_from_a_file(tmp_path: Path) -> None:
    pattern = tmp_path / "p.json"
    pattern.write_text('{"userIdentity": {"type": ["Root"]}}')
    code, added = run(
        "add", "root2", "--pattern", f"@{pattern}", "--command", "true", "--data", str(tmp_path)
    )
    assert code == 0 and added["pattern"] == {"userIdentity": {"type": ["Root"]}}  # type: ignore[index]


def test_test_delivers_a_sample_through_a_webhook(tmp_path: Path, hook: tuple[str, list[bytes]]) -> None:
    url, received = hook
    data = str(tmp_path)
    assert (
        run("add", "users", "--pattern", '{"eventName": ["CreateUser"]}', "--webhook", url, "--data", data)[0]
        == 0
    )
    code, report = run("test", "users", "--data", data)
    assert code == 0
    assert report == {
        "rule": "users",
        "matches": True,
        "delivered": True,
        "targets": [{"target": url.split("/hook")[0] + "/...", "ok": True, "attempts": 1, "error": None}],
    }
    assert json.loads(received[0])["eventName"] == "CreateUser"


def test_test_with_an_event_file_and_a_command(tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    script = f"import sys, pathlib; pathlib.Path({str(out)!r}).write_text(sys.stdin.read())"
    data = str(tmp_path)
    code, _ = run(
        "add",
        "cmd",
        "--pattern",
        '{"eventName": ["DeleteUser"]}',
        "--command",
        f"{sys.executable} -c {json.dumps(script)}",
        "--data",
        data,
    )
    assert code == 0
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"eventName": "GetUser", "eventID": "e1"}))
    code, report = run("test", "cmd", "--event", str(event), "--data", data)
    assert code == 0 and report["matches"] is False and report["delivered"] is True  # type: ignore[index]
    assert json.loads(out.read_text()) == {"eventName": "GetUser", "eventID": "e1"}


def test_test_a_shipped_rule_logs_it(tmp_path: Path) -> None:
    code, report = run("test", "mfa-deactivated", "--data", str(tmp_path))
    assert code == 0 and report["matches"] is True and report["targets"][0]["target"] == "log warden.alerts"  # type: ignore[index]


def test_test_reports_a_failing_target_with_exit_1(tmp_path: Path) -> None:
    data = str(tmp_path)
    run(
        "add",
        "fails",
        "--pattern",
        '{"a": ["b"]}',
        "--command",
        f"{sys.executable} -c 'raise SystemExit(2)'",
        "--data",
        data,
    )
    code, report = run("test", "fails", "--data", data)
    assert code == 1 and report["delivered"] is False  # type: ignore[index]
    assert report["targets"][0]["error"] == "command exited with status 2"  # type: ignore[index]


def test_test_unknown_rule_and_bad_event(tmp_path: Path) -> None:
    assert run("test", "nope", "--data", str(tmp_path)) == (1, {"error": "Rule nope does not exist."})
    bad = tmp_path / "bad.json"
    bad.write_text("[1, 2]")
    code, error = run("test", "mfa-deactivated", "--event", str(bad), "--data", str(tmp_path))
    assert code == 1 and "one JSON object" in error["error"]  # type: ignore[index]


def test_a_broken_rules_file_is_reported(tmp_path: Path) -> None:
    (tmp_path / "alerts.json").write_text("{broken")
    code, error = run("list", "--data", str(tmp_path))
    assert code == 1 and "not valid JSON" in error["error"]  # type: ignore[index]


def test_targets_route_a_shipped_rule_to_a_webhook_as_well(
    tmp_path: Path, hook: tuple[str, list[bytes]]
) -> None:
    url, received = hook
    data = str(tmp_path)
    code, summary = run("targets", "mfa-deactivated", "--webhook", url, "--data", data)
    assert code == 0 and summary["targets"] == ["log warden.alerts", url.split("/hook")[0] + "/..."]  # type: ignore[index]
    code, report = run("test", "mfa-deactivated", "--data", data)
    assert code == 0 and [t["ok"] for t in report["targets"]] == [True, True]  # type: ignore[index]
    assert json.loads(received[0])["eventName"] == "DeactivateMFADevice"
    code, summary = run("targets", "mfa-deactivated", "--data", data)  # none: back to the log only
    assert code == 0 and summary["targets"] == ["log warden.alerts"]  # type: ignore[index]


def test_targets_replace_a_custom_rules_targets(tmp_path: Path) -> None:
    data = str(tmp_path)
    run("add", "mine", "--pattern", '{"a": ["b"]}', "--command", "true", "--data", data)
    code, summary = run("targets", "mine", "--command", "false", "--data", data)
    assert code == 0 and summary["targets"] == ["command false"]  # type: ignore[index]
    code, error = run("targets", "mine", "--data", data)
    assert code == 1 and "at least one target" in error["error"]  # type: ignore[index]
    assert run("targets", "ghost", "--command", "true", "--data", data) == (
        1,
        {"error": "Rule ghost does not exist."},
    )
