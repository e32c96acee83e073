"""A store URL, master key or setting warden cannot use is a one-line error with exit code 2,
never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from warden.cli.main import main
from warden.store import StoreUnavailable, open_store


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("mysql://db/warden", "unsupported store URL scheme 'mysql'"),
        ("sqlite+aiosqlite:///x.db", "SQLite URLs must use the standard library driver"),
        ("not a url", "Could not parse"),
    ],
)
def test_unsupported_urls_are_refused_by_name(url: str, expected: str) -> None:
    with pytest.raises(StoreUnavailable, match=expected):
        open_store(url)


def test_unreachable_database_is_named_without_its_password() -> None:
    with pytest.raises(StoreUnavailable) as refused:
        open_store("postgresql+psycopg://warden:hunter2@127.0.0.1:1/warden")
    assert "cannot open the store at postgresql+psycopg://warden:***@127.0.0.1:1/warden" in str(refused.value)
    assert "hunter2" not in str(refused.value)


def _refusal(argv: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> str:
    """What `warden ARGV` writes to stderr when it refuses to start (exit code 2, no traceback)."""
    monkeypatch.setattr("sys.argv", ["warden", *argv])
    with pytest.raises(SystemExit) as exited:
        main()
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return err


@pytest.mark.parametrize("command", [["serve"], ["account", "create"], ["audit", "search"]])
def test_commands_answer_a_bad_store_url_with_one_line(
    command: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = [*command, "--data", str(tmp_path), "--database-url", "mysql://db/warden"]
    assert "warden: unsupported store URL scheme 'mysql'" in _refusal(argv, monkeypatch, capsys)


@pytest.mark.parametrize(
    "setting",
    [
        ("WARDEN_AUDIT_SEAL_INTERVAL", "abc", "must be a number of seconds, 0 or more, not 'abc'"),
        ("WARDEN_AUDIT_SEAL_INTERVAL", "-5", "not '-5'"),
        ("WARDEN_DATABASE_POOL_SIZE", "0", "WARDEN_DATABASE_POOL_SIZE must be a whole number, 1 or more, not '0'"),
        ("WARDEN_DATABASE_POOL_SIZE", "lots", "not 'lots'"),
        ("WARDEN_MASTER_KEY", "not base64!", "master key must be 32 bytes encoded in base64"),
    ],
)
def test_unusable_settings_are_one_line(
    setting: tuple[str, str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    variable, value, expected = setting
    monkeypatch.setenv(variable, value)
    assert expected in _refusal(["serve", "--data", str(tmp_path)], monkeypatch, capsys)
