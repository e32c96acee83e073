"""Rules and the rules file (DATA_DIR/alerts.json): validation, round trip, atomic 0600 writes.

Rule name and target limits follow EventBridge PutRule/PutTargets:
https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutRule.html
https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutTargets.html
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from warden.audit.alerts.patterns import compile_pattern
from warden.audit.alerts.rules import AlertRule, CommandTarget, LogTarget, RuleError, WebhookTarget
from warden.audit.alerts.store import RuleBook, RulesFile, WatchedRulesFile

PATTERN = compile_pattern({"eventName": ["CreateUser"]})


def custom(name: str = "new-users", **kw: object) -> AlertRule:
    targets = kw.pop("targets", (WebhookTarget("https://hooks.example.com/T000/secret-token"),))
    return AlertRule(name=name, pattern=PATTERN, targets=targets, description="New users", **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize("name", ["", "a" * 65, "has space", "slash/no", "ünïcode"])
def test_rule_names_follow_eventbridge(name: str) -> None:
    with pytest.raises(RuleError, match="Rule name"):
        custom(name)


def test_rule_limits() -> None:
    assert custom("a" * 64).name == "a" * 64
    with pytest.raises(RuleError, match="at most 5"):
        custom(targets=tuple(LogTarget() for _ in range(6)))
    with pytest.raises(RuleError, match="512"):
        AlertRule(name="x", pattern=PATTERN, targets=(LogTarget(),), description="d" * 513)


@pytest.mark.parametrize("url", ["ftp://example.com/x", "file:///etc/passwd", "https://", "not a url"])
def test_webhook_urls_must_be_http(url: str) -> None:
    with pytest.raises(RuleError, match="Webhook URL"):
        WebhookTarget(url)


def test_webhook_description_hides_the_secret_path() -> None:
    target = WebhookTarget("https://user:pw@hooks.example.com:8443/services/T000/secret?token=abc")
    assert target.describe() == "https://hooks.example.com:8443/..."
    assert "secret" not in target.describe() and "pw" not in target.describe()


def test_command_targets_are_split_without_a_shell() -> None:
    assert CommandTarget("notify --to 'ops team'").argv == ["notify", "--to", "ops team"]
    with pytest.raises(RuleError):
        CommandTarget("   ")
    with pytest.raises(RuleError):
        CommandTarget("unterminated 'quote")


def test_book_folds_in_shipped_rules_and_guards_them() -> None:
    book = RuleBook()
    names = [r.name for r in book.rules()]
    assert "root-user-activity" in names and all(r.builtin for r in book.rules())
    with pytest.raises(RuleError, match="shipped"):
        book.add(custom("mfa-deactivated"))
    with pytest.raises(RuleError, match="disable it"):
        book.remove("mfa-deactivated")
    book.set_enabled("mfa-deactivated", False)
    assert not book.get("mfa-deactivated").enabled
    book.add(custom())
    with pytest.raises(RuleError, match="already exists"):
        book.add(custom())
    book.set_enabled("new-users", False)
    assert not book.get("new-users").enabled
    book.remove("new-users")
    with pytest.raises(KeyError):
        book.remove("new-users")
    with pytest.raises(KeyError):
        book.set_enabled("nope", True)


def test_file_round_trip_is_atomic_and_private(tmp_path: Path) -> None:
    file = RulesFile.in_data_dir(tmp_path / "data")
    assert file.load().custom == {}  # missing file: no custom rules
    book = RuleBook()
    book.add(
        custom(
            targets=(
                WebhookTarget("https://hooks.example.com/x", timeout=2.5),
                CommandTarget("logger -t warden"),
            )
        )
    )
    book.set_enabled("root-user-activity", False)
    file.save(book)
    assert stat.S_IMODE(os.stat(file.path).st_mode) == 0o600
    assert [p.name for p in file.path.parent.iterdir()] == ["alerts.json"]  # no temporary left behind
    saved = json.loads(file.path.read_text())
    assert saved["version"] == 1 and saved["builtin"] == {"root-user-activity": {"enabled": False}}
    assert saved["rules"][0]["targets"] == [
        {"type": "webhook", "url": "https://hooks.example.com/x", "timeout": 2.5},
        {"type": "command", "command": "logger -t warden", "timeout": 10.0},
    ]
    again = file.load()
    assert again.custom["new-users"] == book.custom["new-users"]
    assert not again.get("root-user-activity").enabled


def test_save_keeps_0600_when_the_file_was_wider(tmp_path: Path) -> None:
    file = RulesFile.in_data_dir(tmp_path)
    file.path.write_text("{}")
    os.chmod(file.path, 0o644)
    file.save(RuleBook())
    assert stat.S_IMODE(os.stat(file.path).st_mode) == 0o600


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not valid JSON"),
        ('{"version": 2}', "version"),
        ('{"version": 1, "rules": {}}', "must be a list"),
        (
            '{"version": 1, "rules": [{"name": "x", "pattern": {"a": "b"}, "targets": [{"type": "log"}]}]}',
            "Event pattern is not valid",
        ),
        ('{"version": 1, "rules": [{"name": "x", "pattern": {"a": ["b"]}, "targets": []}]}', "no target"),
        (
            '{"version": 1, "rules": [{"name": "x", "pattern": {"a": ["b"]}, "targets": [{"type": "smtp"}]}]}',
            "Target type",
        ),
        ('{"version": 1, "builtin": {"nope": {"enabled": false}}}', "builtin entry"),
    ],
)
def test_bad_files_are_refused_with_a_reason(tmp_path: Path, content: str, message: str) -> None:
    file = RulesFile.in_data_dir(tmp_path)
    file.path.write_text(content)
    with pytest.raises(RuleError, match=message):
        file.load()


def test_watched_file_reloads_on_change_and_keeps_last_good_rules(tmp_path: Path) -> None:
    file = RulesFile.in_data_dir(tmp_path)
    now = [0.0]
    watched = WatchedRulesFile(file, interval=1.0, monotonic=lambda: now[0])
    assert "new-users" not in [r.name for r in watched.current()]
    book = RuleBook()
    book.add(custom())
    file.save(book)
    assert "new-users" not in [r.name for r in watched.current()]  # checked less than 1 s ago
    now[0] = 1.5
    assert "new-users" in [r.name for r in watched.current()]
    file.path.write_text("{broken")
    now[0] = 3.0
    assert "new-users" in [r.name for r in watched.current()]  # broken file: previous rules stay


def test_shipped_rules_keep_their_log_and_gain_extra_targets(tmp_path: Path) -> None:
    file = RulesFile.in_data_dir(tmp_path)
    book = RuleBook()
    hook = WebhookTarget("https://hooks.example.com/x")
    book.set_targets("mfa-deactivated", (hook,))
    file.save(book)
    saved = json.loads(file.path.read_text())["builtin"]
    assert saved == {
        "mfa-deactivated": {
            "enabled": True,
            "targets": [{"type": "webhook", "url": hook.url, "timeout": 5.0}],
        }
    }
    again = file.load()
    assert again.get("mfa-deactivated").targets == (LogTarget(), hook)
    with pytest.raises(RuleError, match="at most 4"):
        again.set_targets("mfa-deactivated", tuple(CommandTarget(f"c{i}") for i in range(5)))
    again.set_targets("mfa-deactivated", ())
    assert again.get("mfa-deactivated").targets == (LogTarget(),)


def test_rules_off_by_default_stay_off_until_the_file_turns_them_on(tmp_path: Path) -> None:
    """A server can start with a shipped rule off (mock mode: root-user-activity); the rules
    file still decides when it names the rule."""
    quiet = frozenset({"root-user-activity"})

    def enabled(book: RuleBook) -> dict[str, bool]:
        return {rule.name: rule.enabled for rule in book.rules(quiet)}

    assert enabled(RuleBook())["root-user-activity"] is False
    assert enabled(RuleBook())["mfa-deactivated"] is True
    file = RulesFile.in_data_dir(tmp_path)
    now = [0.0]
    watched = WatchedRulesFile(file, monotonic=lambda: now[0], off_by_default=quiet)
    assert {r.name: r.enabled for r in watched.current()}["root-user-activity"] is False
    book = RuleBook()
    book.set_enabled("root-user-activity", True)
    file.save(book)
    now[0] = 2.0
    assert {r.name: r.enabled for r in watched.current()}["root-user-activity"] is True
