"""The rules file, `DATA_DIR/alerts.json`: user rules plus the on/off state of the shipped ones.

It holds webhook URLs, which often embed a secret token, so it is written with mode 0600 and
replaced atomically (a temporary file in the same folder, fsync, rename): a server reading it
concurrently sees the old rules or the new ones, never half a file.

    {"version": 1,
     "rules": [{"name": ..., "description": ..., "pattern": {...}, "targets": [...], "enabled": true}],
     "builtin": {"root-user-activity": {"enabled": false},
                 "mfa-deactivated": {"enabled": true, "targets": [{"type": "webhook", ...}]}}}
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol

from .defaults import DEFAULT_RULES
from .patterns import PatternError
from .rules import MAX_TARGETS, AlertRule, RuleError, Target, target_from_json, target_to_json

__all__ = ["FILE_NAME", "RuleBook", "RulesFile", "RulesSource", "StaticRules", "WatchedRulesFile"]

FILE_NAME = "alerts.json"
_VERSION = 1
_log = logging.getLogger("warden.alerts")


_SHIPPED = frozenset(rule.name for rule in DEFAULT_RULES)


@dataclass(slots=True)
class RuleBook:
    """Everything the rules file says, with the shipped rules folded in by `rules()`.

    Shipped rules always log on `warden.alerts`; `builtin_targets` adds destinations to them.
    """

    custom: dict[str, AlertRule] = field(default_factory=dict)
    builtin_enabled: dict[str, bool] = field(default_factory=dict)
    builtin_targets: dict[str, tuple[Target, ...]] = field(default_factory=dict)

    def rules(self, off_by_default: frozenset[str] = frozenset()) -> tuple[AlertRule, ...]:
        """Shipped rules are on unless the file turns them off; those in `off_by_default` are off
        unless the file turns them on."""
        shipped = tuple(
            replace(
                rule,
                enabled=self.builtin_enabled.get(rule.name, rule.name not in off_by_default),
                targets=rule.targets + self.builtin_targets.get(rule.name, ()),
            )
            for rule in DEFAULT_RULES
        )
        return shipped + tuple(self.custom.values())

    def get(self, name: str) -> AlertRule:
        for rule in self.rules():
            if rule.name == name:
                return rule
        raise KeyError(name)

    def add(self, rule: AlertRule) -> None:
        if rule.name in _SHIPPED:
            raise RuleError(f"Rule {rule.name} is a shipped rule; choose another name.")
        if rule.name in self.custom:
            raise RuleError(f"Rule {rule.name} already exists.")
        self.custom[rule.name] = rule

    def remove(self, name: str) -> None:
        if name in _SHIPPED:
            raise RuleError(f"Rule {name} is a shipped rule: disable it instead of removing it.")
        if self.custom.pop(name, None) is None:
            raise KeyError(name)

    def set_enabled(self, name: str, enabled: bool) -> None:
        if name in self.custom:
            self.custom[name] = replace(self.custom[name], enabled=enabled)
        elif name in _SHIPPED:
            self.builtin_enabled[name] = enabled
        else:
            raise KeyError(name)

    def set_targets(self, name: str, targets: tuple[Target, ...]) -> None:
        """Replace a custom rule's targets, or the extra targets of a shipped rule (its log stays)."""
        if name in self.custom:
            if not targets:
                raise RuleError(f"Rule {name} needs at least one target.")
            self.custom[name] = replace(self.custom[name], targets=targets)
        elif name in _SHIPPED:
            if len(targets) + 1 > MAX_TARGETS:
                raise RuleError(f"Rule {name} can take at most {MAX_TARGETS - 1} targets besides its log.")
            if targets:
                self.builtin_targets[name] = targets
            else:
                self.builtin_targets.pop(name, None)
        else:
            raise KeyError(name)

    def to_json(self) -> dict[str, Any]:
        builtin: dict[str, dict[str, Any]] = {}
        for name in sorted(set(self.builtin_enabled) | set(self.builtin_targets)):
            entry: dict[str, Any] = {"enabled": self.builtin_enabled.get(name, True)}
            if name in self.builtin_targets:
                entry["targets"] = [target_to_json(t) for t in self.builtin_targets[name]]
            builtin[name] = entry
        return {
            "version": _VERSION,
            "rules": [rule.to_json() for rule in self.custom.values()],
            "builtin": builtin,
        }

    @classmethod
    def from_json(cls, data: Any) -> RuleBook:
        if not isinstance(data, dict) or data.get("version") != _VERSION:
            raise RuleError(f'The rules file must be an object with "version": {_VERSION}.')
        rules = data.get("rules", [])
        builtin = data.get("builtin", {})
        if not isinstance(rules, list) or not isinstance(builtin, dict):
            raise RuleError('The rules file\'s "rules" must be a list and "builtin" an object.')
        book = cls()
        for item in rules:
            try:
                book.add(AlertRule.from_json(item))
            except PatternError as exc:
                name = item.get("name") if isinstance(item, dict) else None
                raise RuleError(f"Rule {name}: {exc}") from exc
        for name, state in builtin.items():
            if (
                name not in _SHIPPED
                or not isinstance(state, dict)
                or not isinstance(state.get("enabled", True), bool)
                or not isinstance(state.get("targets", []), list)
            ):
                raise RuleError(f"The rules file's builtin entry {name!r} is not valid.")
            if "enabled" in state:
                book.builtin_enabled[name] = state["enabled"]
            book.set_targets(name, tuple(target_from_json(t) for t in state.get("targets", [])))
        return book


class RulesFile:
    """Read and atomically rewrite one rules file."""

    __slots__ = ("path",)

    def __init__(self, path: Path) -> None:
        self.path = path

    @classmethod
    def in_data_dir(cls, data_dir: Path) -> RulesFile:
        return cls(data_dir / FILE_NAME)

    def load(self) -> RuleBook:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return RuleBook()
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise RuleError(f"{self.path} is not valid JSON: {exc.msg} at line {exc.lineno}.") from exc
        return RuleBook.from_json(data)

    def save(self, book: RuleBook) -> None:
        folder = self.path.parent
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        temporary = folder / f".{self.path.name}.{secrets.token_hex(6)}.tmp"
        payload = (json.dumps(book.to_json(), indent=2) + "\n").encode("utf-8")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(payload)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(temporary, 0o600)  # in case the umask or filesystem widened it
            os.replace(temporary, self.path)
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise
        try:
            directory = os.open(folder, os.O_RDONLY)
        except OSError:
            return
        try:
            os.fsync(directory)
        except OSError:
            pass
        finally:
            os.close(directory)


class RulesSource(Protocol):
    """Where the engine gets its rules; asked on every offered record, so it must be cheap."""

    def current(self) -> tuple[AlertRule, ...]: ...


class StaticRules:
    """A fixed list of rules (tests, embedding)."""

    __slots__ = ("_rules",)

    def __init__(self, rules: tuple[AlertRule, ...] | list[AlertRule]) -> None:
        self._rules = tuple(rules)

    def current(self) -> tuple[AlertRule, ...]:
        return self._rules


class WatchedRulesFile:
    """The rules file, re-read when its modification time changes (checked at most once a second).

    A running server thus picks up `warden alerts add/disable` without a restart. A file that
    became invalid keeps the last good rules in force and logs the problem once.
    """

    __slots__ = ("_checked_at", "_file", "_interval", "_lock", "_monotonic", "_off_by_default", "_rules", "_stamp")

    def __init__(
        self,
        file: RulesFile,
        *,
        interval: float = 1.0,
        monotonic: Callable[[], float] = time.monotonic,
        off_by_default: frozenset[str] = frozenset(),
    ) -> None:
        self._file = file
        self._off_by_default = off_by_default
        self._interval = interval
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._stamp: tuple[int, int] | None = None
        self._checked_at = float("-inf")
        self._rules: tuple[AlertRule, ...] = RuleBook().rules(off_by_default)
        self._refresh()

    def _refresh(self) -> None:
        try:
            stat = self._file.path.stat()
            stamp: tuple[int, int] | None = (stat.st_mtime_ns, stat.st_size)
        except FileNotFoundError:
            stamp = None
        if stamp == self._stamp:
            return
        self._stamp = stamp
        try:
            self._rules = self._file.load().rules(self._off_by_default)
        except (RuleError, OSError) as exc:
            _log.error(
                json.dumps(
                    {
                        "message": "alert rules file not loaded; keeping the previous rules",
                        "file": str(self._file.path),
                        "error": str(exc),
                    }
                )
            )

    def current(self) -> tuple[AlertRule, ...]:
        now = self._monotonic()
        if now - self._checked_at >= self._interval:
            with self._lock:
                if now - self._checked_at >= self._interval:
                    self._checked_at = now
                    self._refresh()
        return self._rules
