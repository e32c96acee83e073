"""The alert engine: match each audit record on the caller's thread, deliver on a worker thread.

`offer()` is on the request path, so it only matches and enqueues: rules are indexed by the exact
eventName values their pattern requires, so most records are checked against very few rules, and
a record that matches nothing is never serialized. Delivery (webhooks, commands, retries) happens
on one background thread fed by a bounded queue; when the queue is full the alert is dropped and
the drop is logged, the request is never held up.
"""

from __future__ import annotations

import json
import logging
import queue
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Self

from warden.clock import Clock, SystemClock

from .burst import BurstSpec, BurstWindow
from .delivery import Alert, Deliverer, DeliveryResult, alert_for
from .rules import AlertRule
from .store import RulesFile, RulesSource, WatchedRulesFile

__all__ = ["AlertEngine"]

log = logging.getLogger("warden.alerts")
_STOP = object()


class _Index:
    """Enabled rules by required eventName, plus the rules that name no exact eventName."""

    __slots__ = ("by_event", "rules", "unindexed")

    def __init__(self, rules: tuple[AlertRule, ...]) -> None:
        self.rules = rules
        self.by_event: dict[str, list[AlertRule]] = {}
        self.unindexed: list[AlertRule] = []
        for rule in rules:
            if not rule.enabled:
                continue
            names = rule.pattern.event_names
            if names is None:
                self.unindexed.append(rule)
            else:
                for name in names:
                    self.by_event.setdefault(name, []).append(rule)

    def candidates(self, event_name: object) -> list[AlertRule]:
        named = self.by_event.get(event_name, []) if isinstance(event_name, str) else []
        return named + self.unindexed if named else self.unindexed


class AlertEngine:
    """Evaluate alert rules on audit records and deliver the alerts they raise.

    Wire it into the recorder with `engine.offer(record)` after each event is written (records are
    already redacted), and call `engine.close()` on shutdown to flush pending deliveries.
    """

    def __init__(
        self,
        rules: RulesSource,
        *,
        clock: Clock | None = None,
        deliverer: Deliverer | None = None,
        queue_size: int = 1000,
        start: bool = True,
    ) -> None:
        self._rules = rules
        self._clock = clock or SystemClock()
        self._stopping = threading.Event()
        self._deliverer = deliverer or Deliverer(sleep=self._stoppable_sleep)
        self._queue: queue.Queue[object] = queue.Queue(maxsize=queue_size)
        self._index = _Index(())
        self._bursts: dict[str, tuple[BurstSpec, BurstWindow]] = {}
        self._burst_lock = threading.Lock()
        self.dropped = 0
        self._worker: threading.Thread | None = None
        if start:
            self._worker = threading.Thread(target=self._run, name="warden-alerts", daemon=True)
            self._worker.start()

    @classmethod
    def from_data_dir(cls, data_dir: Path, *, off_by_default: frozenset[str] = frozenset(), **options: Any) -> AlertEngine:
        """The engine for a server: rules from DATA_DIR/alerts.json, re-read when it changes;
        the shipped rules named in `off_by_default` stay off unless the file turns them on."""
        return cls(WatchedRulesFile(RulesFile.in_data_dir(data_dir), off_by_default=off_by_default), **options)

    # -- the request path -------------------------------------------------------------------

    def offer(self, record: Mapping[str, Any]) -> None:
        """Check `record` against the rules and queue an alert for each that fires. Never raises."""
        try:
            for alert in self.evaluate(record):
                self._enqueue(alert)
        except Exception:  # an alert bug must never fail the audited request
            log.exception("alert evaluation failed for event %s", record.get("eventID"))

    def evaluate(self, record: Mapping[str, Any]) -> list[Alert]:
        """The alerts `record` raises now (advancing burst windows); delivers nothing."""
        rules = self._rules.current()
        if rules is not self._index.rules:
            self._index = _Index(rules)
        alerts: list[Alert] = []
        for rule in self._index.candidates(record.get("eventName")):
            if not rule.selects(record):
                continue
            detail: dict[str, object] | None = None
            if rule.burst is not None:
                detail = self._window(rule, rule.burst).hit(dict(record))
                if detail is None:
                    continue
            alerts.append(alert_for(rule.name, rule.description, record, rule.targets, detail))
        return alerts

    def _window(self, rule: AlertRule, spec: BurstSpec) -> BurstWindow:
        with self._burst_lock:
            known = self._bursts.get(rule.name)
            if known is None or known[0] != spec:
                known = (spec, BurstWindow(spec, self._clock))
                self._bursts[rule.name] = known
            return known[1]

    def _enqueue(self, alert: Alert) -> None:
        try:
            self._queue.put_nowait(alert)
        except queue.Full:
            self.dropped += 1
            if self.dropped == 1 or self.dropped % 1000 == 0:
                log.error(
                    json.dumps(
                        {
                            "message": "alert queue full; alert dropped",
                            "rule": alert.rule,
                            "dropped": self.dropped,
                        }
                    )
                )

    # -- delivery ----------------------------------------------------------------------------

    def deliver_now(self, alert: Alert) -> list[DeliveryResult]:
        """Deliver synchronously through every target (for `warden alerts test`)."""
        return [self._deliverer.deliver(alert, target) for target in alert.targets]

    def _stoppable_sleep(self, seconds: float) -> None:
        self._stopping.wait(seconds)

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            try:
                if item is _STOP:
                    return
                if isinstance(item, Alert):
                    self.deliver_now(item)
            except Exception:
                log.exception("alert delivery crashed")
            finally:
                self._queue.task_done()

    def join(self) -> None:
        """Wait until everything queued so far has been delivered (or has failed)."""
        self._queue.join()

    def close(self, timeout: float = 10.0) -> None:
        """Deliver what is queued (retries stop waiting between attempts), then stop the worker."""
        if self._worker is None:
            return
        self._stopping.set()
        try:
            self._queue.put(_STOP, timeout=timeout)
        except queue.Full:
            log.error(json.dumps({"message": "alert queue still full at shutdown; pending alerts lost"}))
        self._worker.join(timeout)
        self._worker = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
