"""`warden authorize` and `warden policy validate` through typer's runner (output is JSON off a terminal)."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from warden.cli.main import app

runner = CliRunner()
ALLOW = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}],
}
REQUEST = {
    "id": "r1",
    "principal": "arn:aws:iam::111122223333:user/alice",
    "action": "s3:GetObject",
    "resource": "arn:aws:s3:::reports/q3.csv",
    "policies": {"identity": [ALLOW]},
}


def test_authorize_one_request_from_a_file(tmp_path: Path) -> None:
    path = tmp_path / "request.json"
    path.write_text(json.dumps(REQUEST))
    result = runner.invoke(app, ["authorize", str(path)])
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    assert answer["id"] == "r1" and answer["decision"] == "allowed"
    assert answer["matched_statements"] == [
        {"policy_type": "identity", "policy_index": 0, "statement_index": 0, "sid": None, "effect": "Allow"}
    ]


def test_authorize_jsonl_keeps_going_after_a_bad_line() -> None:
    bad_policy = {**REQUEST, "id": "r2", "policies": {"identity": [{"Statement": "nope"}]}}
    lines = [json.dumps(REQUEST), "{not json", json.dumps(bad_policy), json.dumps({**REQUEST, "id": "r3"})]
    result = runner.invoke(app, ["authorize", "--jsonl", "-"], input="\n".join(lines) + "\n")
    assert result.exit_code == 1
    answers = [json.loads(line) for line in result.stdout.splitlines()]
    assert [a.get("decision") for a in answers] == ["allowed", None, None, "allowed"]
    assert answers[1]["error"]["field"] == "request"
    assert answers[2]["id"] == "r2" and answers[2]["error"]["field"] == "policies.identity[0]"


def test_authorize_malformed_request_exits_non_zero() -> None:
    result = runner.invoke(app, ["authorize", "-"], input=json.dumps({**REQUEST, "principal": "bob"}))
    assert result.exit_code == 1
    assert json.loads(result.stdout)["error"]["field"] == "principal"


def test_authorize_a_line_nested_past_the_parser_is_an_error_object() -> None:
    lines = ["[" * 100_000 + "]" * 100_000, json.dumps({**REQUEST, "id": "r2"})]
    result = runner.invoke(app, ["authorize", "--jsonl", "-"], input="\n".join(lines) + "\n")
    assert result.exit_code == 1
    answers = [json.loads(line) for line in result.stdout.splitlines()]
    assert answers[0]["error"] == {"field": "request", "message": "is nested too deeply to read"}
    assert answers[1]["decision"] == "allowed"


def test_policy_validate_reports_errors_with_positions(tmp_path: Path) -> None:
    good = tmp_path / "good.json"
    good.write_text(json.dumps(ALLOW))
    assert runner.invoke(app, ["policy", "validate", str(good)]).exit_code == 0
    bad = tmp_path / "bad.json"
    bad.write_text('{"Version": "2012-10-17",\n "Statement": [{"Effect": "Allow", "Resource": "*"}]}')
    result = runner.invoke(app, ["policy", "validate", str(bad), "--kind", "identity"])
    assert result.exit_code == 1
    findings = json.loads(result.stdout)
    assert findings[0]["severity"] == "error" and findings[0]["line"] is not None
