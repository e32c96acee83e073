"""Alerts on audit events: EventBridge-style patterns, rules with targets, asynchronous delivery.

The recorder calls `AlertEngine.offer(record)` with each (already redacted) CloudTrail-shaped
record; rules come from `DATA_DIR/alerts.json` plus the shipped defaults (`defaults.py`).
"""

from __future__ import annotations

from .burst import BurstSpec, BurstWindow
from .defaults import DEFAULT_RULES, allows_everything
from .delivery import Alert, Deliverer, DeliveryResult
from .engine import AlertEngine
from .patterns import EventPattern, PatternError, compile_pattern
from .rules import AlertRule, CommandTarget, LogTarget, RuleError, Target, WebhookTarget
from .store import RuleBook, RulesFile, RulesSource, StaticRules, WatchedRulesFile

__all__ = [
    "DEFAULT_RULES",
    "Alert",
    "AlertEngine",
    "AlertRule",
    "BurstSpec",
    "BurstWindow",
    "CommandTarget",
    "Deliverer",
    "DeliveryResult",
    "EventPattern",
    "LogTarget",
    "PatternError",
    "RuleBook",
    "RuleError",
    "RulesFile",
    "RulesSource",
    "StaticRules",
    "Target",
    "WatchedRulesFile",
    "WebhookTarget",
    "allows_everything",
    "compile_pattern",
]
