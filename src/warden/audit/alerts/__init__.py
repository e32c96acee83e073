"""Alerts on audit events: EventBridge-style patterns, rules with targets, asynchronous delivery.

Wiring (the recorder, after each event is written; records are already redacted):

    engine = AlertEngine.from_data_dir(settings.data_dir)   # once, at start-up
    engine.offer(record)                                    # per CloudTrail-shaped record dict
    engine.close()                                          # at shutdown: flushes pending alerts

`offer` matches on the caller's thread (a few microseconds when nothing matches), never raises and
never waits on a target. Rules are the shipped ones (`defaults.py`) plus DATA_DIR/alerts.json,
which `warden alerts ...` edits and the running engine re-reads when it changes.
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
