"""Mock mode starts with the shipped root-user-activity alert off: there every call made without
keys warden issued is the root user's, and an alert for each would bury the server's log."""

from __future__ import annotations

from pathlib import Path

import pytest

from warden.audit.alerts.samples import sample_event
from warden.config import Settings
from warden.server.runtime import Runtime


def _root_alerts(tmp_path: Path, *, mock: bool) -> list[str]:
    runtime = Runtime.build(Settings(data_dir=tmp_path, mock=mock, access_log=False))
    try:
        return [alert.rule for alert in runtime.alerts.evaluate(sample_event("root-user-activity"))]
    finally:
        runtime.close()


@pytest.mark.parametrize(("mock", "expected"), [(False, ["root-user-activity"]), (True, [])])
def test_root_activity_alerts_outside_mock_mode_only(tmp_path: Path, mock: bool, expected: list[str]) -> None:
    assert _root_alerts(tmp_path, mock=mock) == expected


def test_a_rules_file_can_turn_it_on_in_mock_mode(tmp_path: Path) -> None:
    (tmp_path / "alerts.json").write_text('{"version": 1, "rules": [], "builtin": {"root-user-activity": {"enabled": true}}}')
    assert _root_alerts(tmp_path, mock=True) == ["root-user-activity"]
