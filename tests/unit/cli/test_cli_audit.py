"""`warden audit search|tail|export|seal|verify` on a data folder, through typer's runner."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import update
from typer.testing import CliRunner

from warden.audit import EventDraft, finish_event
from warden.auth.secretbox import MasterKey
from warden.cli.main import app
from warden.services.caller import Caller, CallerKind
from warden.store import open_store
from warden.store.sqlalchemy import schema as s

runner = CliRunner()
T0 = datetime.now(UTC) - timedelta(hours=1)
ALICE = Caller(CallerKind.USER, "arn:aws:iam::111122223333:user/alice", "111122223333", "AIDAALICE", "AKIAALICE", name="alice")


def _folder(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    data.mkdir()
    MasterKey.load(data, {})  # the key file a server creates in its data folder
    store = open_store(f"sqlite:///{data / 'warden.db'}")
    events = []
    for index, (name, error) in enumerate(
        [("CreateUser", None), ("ListRoles", "AccessDenied"), ("GetUser", None), ("DeleteUser", None)]
    ):
        draft = EventDraft(
            event_id=f"00000000-0000-4000-8000-{index:012d}",
            request_id=f"req-{index}",
            event_time=T0 + timedelta(minutes=index),
            service="iam",
            region="us-east-1",
            source_ip="10.0.0.1",
            user_agent="cli-test",
            event_name=name,
            caller=ALICE,
            params={"UserName": "bob"} if "User" in name else None,
        )
        if error:
            draft.fail(error, "User: alice is not authorized")
        events.append(finish_event(draft))
    with store.transaction() as tx:
        tx.append_audit_events(events)
    store.close()
    return data


def test_search_filters_and_prints_lines_or_json(tmp_path: Path) -> None:
    data = _folder(tmp_path)
    result = runner.invoke(app, ["audit", "search", "--data", str(data), "--resource-name", "bob", "--writes"])
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert [line.split()[2] for line in lines] == ["DeleteUser", "CreateUser"]
    result = runner.invoke(app, ["audit", "search", "--data", str(data), "--errors", "--json"])
    records = [json.loads(line) for line in result.output.strip().splitlines()]
    assert [(r["eventName"], r["errorCode"]) for r in records] == [("ListRoles", "AccessDenied")]


def test_tail_shows_the_latest_oldest_first(tmp_path: Path) -> None:
    data = _folder(tmp_path)
    result = runner.invoke(app, ["audit", "tail", "--data", str(data), "-n", "2", "--no-follow"])
    assert result.exit_code == 0, result.output
    assert [line.split()[2] for line in result.output.strip().splitlines()] == ["GetUser", "DeleteUser"]


def test_export_writes_one_jsonl_file_per_day(tmp_path: Path) -> None:
    data = _folder(tmp_path)
    out = tmp_path / "export"
    result = runner.invoke(app, ["audit", "export", "--data", str(data), "--out", str(out)])
    assert result.exit_code == 0, result.output
    files = sorted(out.glob("warden-audit-*.jsonl"))
    lines = [json.loads(line) for path in files for line in path.read_text().splitlines()]
    assert sorted(r["eventName"] for r in lines) == ["CreateUser", "DeleteUser", "GetUser", "ListRoles"]


def test_seal_then_verify_then_catch_an_edit(tmp_path: Path) -> None:
    data = _folder(tmp_path)
    assert "sealed 4 events" in runner.invoke(app, ["audit", "seal", "--data", str(data)]).output
    verified = runner.invoke(app, ["audit", "verify", "--data", str(data)])
    assert verified.exit_code == 0, verified.output
    assert verified.output.startswith("OK: 1 digests and 4 sealed events verified")
    store = open_store(f"sqlite:///{data / 'warden.db'}")
    with store._engine.begin() as conn:  # type: ignore[attr-defined]
        conn.execute(
            update(s.audit_events)
            .where(s.audit_events.c.event_id == "00000000-0000-4000-8000-000000000001")
            .values(record='{"eventName":"ListRoles"}')
        )
    store.close()
    failed = runner.invoke(app, ["audit", "verify", "--data", str(data)])
    assert failed.exit_code == 1
    assert "00000000-0000-4000-8000-000000000001" in failed.output
    assert "event-changed" in failed.output


def test_follow_returns_only_new_matching_events(tmp_path: Path) -> None:
    """`warden audit tail` follows the trail by sequence number: each poll returns the events
    stored since the last one, oldest first, filtered."""
    from warden.audit.search import AuditFilter, follow, latest_seq

    data = _folder(tmp_path)
    store = open_store(f"sqlite:///{data / 'warden.db'}")
    try:
        high = latest_seq(store)
        assert follow(store, AuditFilter(), high) == ([], high)
        draft = EventDraft(
            event_id="00000000-0000-4000-8000-000000000099", request_id="req-99", event_time=T0,
            service="iam", region="us-east-1", source_ip="10.0.0.1", user_agent="cli-test",
            event_name="CreateGroup", caller=ALICE,
        )
        other = EventDraft(
            event_id="00000000-0000-4000-8000-000000000098", request_id="req-98", event_time=T0,
            service="sts", region="us-east-1", source_ip="10.0.0.1", user_agent="cli-test",
            event_name="GetCallerIdentity", caller=ALICE,
        )
        with store.transaction() as tx:
            tx.append_audit_events([finish_event(draft), finish_event(other)])
        found, newer = follow(store, AuditFilter(attributes=(("EventSource", "iam.amazonaws.com"),)), high)
        assert [f.event.event_name for f in found] == ["CreateGroup"] and newer == high + 2
        assert follow(store, AuditFilter(), newer) == ([], newer)
    finally:
        store.close()


def test_verify_refuses_to_make_up_a_master_key(tmp_path: Path) -> None:
    """Without the server's key, verify would fail every digest for the wrong reason."""
    empty = tmp_path / "elsewhere"
    empty.mkdir()
    result = runner.invoke(app, ["audit", "verify", "--data", str(empty), "--database-url",
                                 f"sqlite:///{_folder(tmp_path) / 'warden.db'}"], env={"WARDEN_MASTER_KEY": ""})
    assert result.exit_code == 2
    assert "No master key" in result.output
    assert not (empty / "master.key").exists()
