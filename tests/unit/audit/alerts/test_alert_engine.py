"""The alert engine: matching on the caller's thread, delivery on a worker, never blocking the caller."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from warden.audit.alerts import AlertEngine, AlertRule, Deliverer, StaticRules, compile_pattern
from warden.audit.alerts.delivery import Alert, DeliveryResult
from warden.audit.alerts.rules import LogTarget, Target
from warden.audit.alerts.samples import GENERIC_SAMPLE, sample_event
from warden.audit.alerts.store import RuleBook, RulesFile
from warden.clock import FrozenClock


class RecordingDeliverer(Deliverer):
    """Records deliveries instead of sending them; can be made slow to prove the caller never waits."""

    def __init__(self, *, block: threading.Event | None = None) -> None:
        super().__init__(attempts=1)
        self.delivered: list[tuple[str, Target]] = []
        self.block = block

    def deliver(self, alert: Alert, target: Target) -> DeliveryResult:
        if self.block is not None:
            self.block.wait(5)
        self.delivered.append((alert.rule, target))
        return DeliveryResult(target.describe(), True, 1)


def rule(name: str, pattern: Mapping[str, Any], **kw: Any) -> AlertRule:
    return AlertRule(name=name, pattern=compile_pattern(pattern), targets=(LogTarget(),), **kw)


def test_matching_records_are_delivered_on_the_worker() -> None:
    recorder = RecordingDeliverer()
    rules = StaticRules(
        [rule("users", {"eventName": ["CreateUser"]}), rule("root", {"userIdentity": {"type": ["Root"]}})]
    )
    with AlertEngine(rules, deliverer=recorder) as engine:
        engine.offer(GENERIC_SAMPLE)
        engine.offer(sample_event("root-user-activity"))
        engine.offer({"eventName": "ListUsers"})
        engine.join()
    assert [name for name, _ in recorder.delivered] == ["users", "root"]


def test_disabled_rules_do_not_fire() -> None:
    recorder = RecordingDeliverer()
    rules = StaticRules([rule("users", {"eventName": ["CreateUser"]}, enabled=False)])
    with AlertEngine(rules, deliverer=recorder) as engine:
        engine.offer(GENERIC_SAMPLE)
        engine.join()
    assert recorder.delivered == []


def test_index_checks_only_rules_that_can_match_the_event_name() -> None:
    calls: list[str] = []

    def spy(name: str) -> Any:
        def predicate(record: Mapping[str, Any]) -> bool:
            calls.append(name)
            return True

        return predicate

    rules = StaticRules(
        [
            rule("named", {"eventName": ["CreateUser"]}, predicate=spy("named")),
            rule("other", {"eventName": ["DeleteUser"]}, predicate=spy("other")),
            rule("anything", {"eventSource": ["iam.amazonaws.com"]}, predicate=spy("anything")),
        ]
    )
    engine = AlertEngine(rules, start=False)
    assert [a.rule for a in engine.evaluate(GENERIC_SAMPLE)] == ["named", "anything"]
    assert calls == ["named", "anything"]
    assert engine.evaluate({"eventName": "GetUser"}) == []


def test_offer_never_blocks_on_a_slow_target_and_drops_when_full(caplog: pytest.LogCaptureFixture) -> None:
    gate = threading.Event()
    recorder = RecordingDeliverer(block=gate)
    engine = AlertEngine(
        StaticRules([rule("users", {"eventName": ["CreateUser"]})]), deliverer=recorder, queue_size=2
    )
    started = time.monotonic()
    with caplog.at_level(logging.ERROR, logger="warden.alerts"):
        for _ in range(10):
            engine.offer(GENERIC_SAMPLE)
    assert time.monotonic() - started < 1.0
    assert engine.dropped >= 7  # one in the worker's hands, two queued, the rest dropped
    assert "alert queue full" in caplog.text
    gate.set()
    engine.close()
    assert 1 <= len(recorder.delivered) <= 3


def test_offer_never_raises_even_if_a_rule_breaks(caplog: pytest.LogCaptureFixture) -> None:
    def broken(record: Mapping[str, Any]) -> bool:
        raise RuntimeError("bug")

    engine = AlertEngine(
        StaticRules([rule("bad", {"eventName": ["CreateUser"]}, predicate=broken)]), start=False
    )
    with caplog.at_level(logging.ERROR, logger="warden.alerts"):
        engine.offer(GENERIC_SAMPLE)
    assert "alert evaluation failed" in caplog.text


def test_burst_rule_fires_on_the_fifth_failure_within_a_minute() -> None:
    clock = FrozenClock()
    shipped = RuleBook().get("access-denied-burst")
    engine = AlertEngine(StaticRules([shipped]), clock=clock, start=False)
    denied = sample_event("access-denied-burst")
    fired = []
    for _ in range(5):
        fired.append(engine.evaluate(denied))
        clock.advance(seconds=5)
    assert fired[:4] == [[]] * 4
    (alert,) = fired[4]
    assert alert.rule == "access-denied-burst"
    assert alert.detail == {
        "key": "userIdentity.arn",
        "value": denied["userIdentity"]["arn"],
        "count": 5,
        "windowSeconds": 60,
    }
    clock.advance(seconds=120)
    assert engine.evaluate(denied) == []  # a new window starts


def test_shipped_rules_fire_through_the_log_target(caplog: pytest.LogCaptureFixture) -> None:
    engine = AlertEngine(StaticRules(RuleBook().rules()))
    with caplog.at_level(logging.WARNING, logger="warden.alerts"):
        engine.offer(sample_event("mfa-deactivated"))
        engine.offer(GENERIC_SAMPLE)
        engine.close()
    assert [r.getMessage().startswith('{"alert": "mfa-deactivated"') for r in caplog.records] == [True]


def test_from_data_dir_follows_the_rules_file(tmp_path: Path) -> None:
    recorder = RecordingDeliverer()
    book = RuleBook()
    book.set_enabled("mfa-deactivated", False)
    RulesFile.in_data_dir(tmp_path).save(book)
    engine = AlertEngine.from_data_dir(tmp_path, deliverer=recorder)
    engine.offer(sample_event("mfa-deactivated"))
    engine.offer(sample_event("admin-policy-attached"))
    engine.close()
    assert [name for name, _ in recorder.delivered] == ["admin-policy-attached"]


def test_close_flushes_pending_alerts_and_is_idempotent() -> None:
    recorder = RecordingDeliverer()
    engine = AlertEngine(StaticRules([rule("users", {"eventName": ["CreateUser"]})]), deliverer=recorder)
    for _ in range(20):
        engine.offer(GENERIC_SAMPLE)
    engine.close()
    engine.close()
    assert len(recorder.delivered) == 20


def test_rule_changes_rebuild_the_index() -> None:
    first = rule("users", {"eventName": ["CreateUser"]})

    class Switchable:
        def __init__(self) -> None:
            self.rules: tuple[AlertRule, ...] = (first,)

        def current(self) -> tuple[AlertRule, ...]:
            return self.rules

    source = Switchable()
    engine = AlertEngine(source, start=False)
    assert len(engine.evaluate(GENERIC_SAMPLE)) == 1
    source.rules = (replace(first, enabled=False),)
    assert engine.evaluate(GENERIC_SAMPLE) == []
