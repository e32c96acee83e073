"""Alert rules and their targets, as values; JSON in and out for the rules file.

A rule is EventBridge-shaped: a name, a description, an event pattern, up to five targets and an
enabled flag. Shipped rules may add a predicate (a check plain patterns cannot express) or a burst
(a count over a sliding window).
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from .burst import BurstSpec
from .patterns import EventPattern, compile_pattern

__all__ = [
    "MAX_TARGETS",
    "AlertRule",
    "CommandTarget",
    "LogTarget",
    "RuleError",
    "Target",
    "WebhookTarget",
    "check_rule_name",
    "target_from_json",
    "target_to_json",
]

# EventBridge PutRule: Name is 1-64 characters of [.\-_A-Za-z0-9]; Description at most 512;
# PutTargets: at most 5 targets per rule.
_NAME = re.compile(r"[.\-_A-Za-z0-9]{1,64}")
MAX_DESCRIPTION = 512
MAX_TARGETS = 5


class RuleError(ValueError):
    """A rule, target or rules file that cannot be used; the message names the field and value."""


def check_rule_name(name: str) -> str:
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise RuleError(f"Rule name {name!r} is not valid: use 1 to 64 letters, digits, '.', '-' or '_'.")
    return name


@dataclass(frozen=True, slots=True)
class WebhookTarget:
    """POST the event JSON to `url`; any 2xx answer counts as delivered."""

    url: str
    timeout: float = 5.0

    def __post_init__(self) -> None:
        parts = urlsplit(self.url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise RuleError(f"Webhook URL {self.describe()!r} is not valid: it must be http(s)://host/...")
        if not 0 < self.timeout <= 60:
            raise RuleError(f"Webhook timeout {self.timeout} is not valid: use 0 to 60 seconds.")

    def describe(self) -> str:
        """The URL without credentials, path or query: webhook URLs often carry a secret token."""
        parts = urlsplit(self.url)
        host = parts.hostname or "?"
        if ":" in host:
            host = f"[{host}]"
        port = f":{parts.port}" if parts.port else ""
        return f"{parts.scheme}://{host}{port}/..."


@dataclass(frozen=True, slots=True)
class CommandTarget:
    """Run `command` (split like a shell would, but never through a shell) with the event on stdin."""

    command: str
    timeout: float = 10.0

    def __post_init__(self) -> None:
        try:
            argv = shlex.split(self.command)
        except ValueError as exc:
            raise RuleError(f"Command {self.command!r} is not valid: {exc}.") from exc
        if not argv:
            raise RuleError("Command must not be empty.")
        if not 0 < self.timeout <= 300:
            raise RuleError(f"Command timeout {self.timeout} is not valid: use 0 to 300 seconds.")

    @property
    def argv(self) -> list[str]:
        return shlex.split(self.command)

    def describe(self) -> str:
        return f"command {self.argv[0]}"


@dataclass(frozen=True, slots=True)
class LogTarget:
    """Write the alert as one JSON line on the `warden.alerts` logger (the default destination)."""

    def describe(self) -> str:
        return "log warden.alerts"


Target = WebhookTarget | CommandTarget | LogTarget
Predicate = Callable[[Mapping[str, Any]], bool]


def target_to_json(target: Target) -> dict[str, Any]:
    if isinstance(target, WebhookTarget):
        return {"type": "webhook", "url": target.url, "timeout": target.timeout}
    if isinstance(target, CommandTarget):
        return {"type": "command", "command": target.command, "timeout": target.timeout}
    return {"type": "log"}


def _timeout(data: Mapping[str, Any], default: float) -> float:
    value = data.get("timeout", default)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise RuleError(f"Target timeout {value!r} is not valid: it must be a number of seconds.")
    return float(value)


def target_from_json(data: Any) -> Target:
    if not isinstance(data, Mapping):
        raise RuleError(f"Target {data!r} is not valid: it must be an object.")
    kind = data.get("type")
    if kind == "webhook" and isinstance(data.get("url"), str):
        return WebhookTarget(data["url"], _timeout(data, 5.0))
    if kind == "command" and isinstance(data.get("command"), str):
        return CommandTarget(data["command"], _timeout(data, 10.0))
    if kind == "log":
        return LogTarget()
    raise RuleError(f"Target type {kind!r} is not valid: use webhook (url), command (command) or log.")


@dataclass(frozen=True, slots=True)
class AlertRule:
    """One alert rule. `builtin` rules ship with warden: they can be disabled but not removed."""

    name: str
    pattern: EventPattern
    targets: tuple[Target, ...]
    description: str = ""
    enabled: bool = True
    builtin: bool = False
    predicate: Predicate | None = field(default=None, compare=False)
    burst: BurstSpec | None = None

    def __post_init__(self) -> None:
        check_rule_name(self.name)
        if len(self.description) > MAX_DESCRIPTION:
            raise RuleError(f"Description of rule {self.name} is longer than {MAX_DESCRIPTION} characters.")
        if len(self.targets) > MAX_TARGETS:
            raise RuleError(
                f"Rule {self.name} has {len(self.targets)} targets; at most {MAX_TARGETS} are allowed."
            )

    def selects(self, record: Mapping[str, Any]) -> bool:
        """Pattern and predicate (not the burst count, which has state and lives in the engine)."""
        if not self.pattern.matches(record):
            return False
        return self.predicate is None or self.predicate(record)

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "description": self.description,
            "pattern": dict(self.pattern.source),
            "targets": [target_to_json(t) for t in self.targets],
            "enabled": self.enabled,
        }

    @classmethod
    def from_json(cls, data: Any) -> AlertRule:
        """A user rule from the rules file (predicates and bursts are for shipped rules only)."""
        if not isinstance(data, Mapping):
            raise RuleError(f"Rule {data!r} is not valid: it must be an object.")
        name = check_rule_name(data.get("name"))  # type: ignore[arg-type]
        description = data.get("description", "")
        enabled = data.get("enabled", True)
        targets = data.get("targets", [])
        if not isinstance(description, str) or not isinstance(enabled, bool) or not isinstance(targets, list):
            raise RuleError(f"Rule {name} is not valid: description, enabled or targets has the wrong type.")
        if not targets:
            raise RuleError(f"Rule {name} has no target: give a webhook or a command.")
        return cls(
            name=name,
            pattern=compile_pattern(data.get("pattern")),  # type: ignore[arg-type]
            targets=tuple(target_from_json(t) for t in targets),
            description=description,
            enabled=enabled,
        )
