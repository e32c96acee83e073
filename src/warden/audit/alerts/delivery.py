"""Sending one alert to one target, with a timeout on each attempt and exponential backoff between.

Failures are logged on `warden.alerts` with the rule name, a redacted description of the target
(a webhook's scheme and host only: its path or query often is the secret) and the error class;
never the event body and never the full URL.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from warden.audit.record_json import ascii_record_bytes

from .rules import CommandTarget, LogTarget, Target, WebhookTarget

__all__ = ["Alert", "Deliverer", "DeliveryError", "DeliveryResult", "alert_for"]

log = logging.getLogger("warden.alerts")


@dataclass(frozen=True, slots=True)
class Alert:
    """A rule fired on an event. `body` is the event's JSON, frozen when the alert was raised."""

    rule: str
    description: str
    body: bytes
    targets: tuple[Target, ...]
    detail: Mapping[str, Any] | None = field(default=None)

    def event(self) -> Any:
        return json.loads(self.body)


def alert_for(
    rule_name: str,
    description: str,
    record: Mapping[str, Any],
    targets: tuple[Target, ...],
    detail: Mapping[str, Any] | None = None,
) -> Alert:
    """Serialize the record now, so later changes to the caller's dict cannot reach the target."""
    body = ascii_record_bytes(record)
    return Alert(rule_name, description, body, targets, detail)


class DeliveryError(Exception):
    """One attempt failed; the message is safe to log (no URL, no event)."""


@dataclass(frozen=True, slots=True)
class DeliveryResult:
    target: str
    ok: bool
    attempts: int
    error: str | None = None


class Deliverer:
    """Delivers alerts; `sleep` is a parameter so tests (and shutdown) need not wait."""

    def __init__(
        self,
        *,
        attempts: int = 3,
        backoff: float = 0.5,
        sleep: Callable[[float], None] = time.sleep,
        logger: logging.Logger = log,
    ) -> None:
        if attempts < 1:
            raise ValueError("attempts must be at least 1")
        self.attempts = attempts
        self.backoff = backoff
        self._sleep = sleep
        self._log = logger

    def deliver(self, alert: Alert, target: Target) -> DeliveryResult:
        error = ""
        for attempt in range(1, self.attempts + 1):
            try:
                self._once(alert, target)
            except DeliveryError as exc:
                error = str(exc)
                if attempt < self.attempts:
                    self._sleep(self.backoff * 2 ** (attempt - 1))
                continue
            return DeliveryResult(target.describe(), True, attempt)
        self._log.error(
            json.dumps(
                {
                    "message": "alert delivery failed",
                    "rule": alert.rule,
                    "target": target.describe(),
                    "attempts": self.attempts,
                    "error": error,
                }
            )
        )
        return DeliveryResult(target.describe(), False, self.attempts, error)

    def _once(self, alert: Alert, target: Target) -> None:
        if isinstance(target, WebhookTarget):
            _post(alert, target)
        elif isinstance(target, CommandTarget):
            _run(alert, target)
        elif isinstance(target, LogTarget):
            self._log.warning(
                json.dumps(
                    {
                        "alert": alert.rule,
                        "description": alert.description,
                        "detail": alert.detail,
                        "event": alert.event(),
                    },
                    default=str,
                )
            )
        else:  # pragma: no cover - the Target union is closed
            raise DeliveryError(f"unknown target {target!r}")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A webhook that redirects is misconfigured; following it could send the event elsewhere."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def _post(alert: Alert, target: WebhookTarget) -> None:
    request = urllib.request.Request(
        target.url,
        data=alert.body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": "warden-alerts",
            "X-Warden-Alert-Rule": alert.rule,
        },
    )
    try:
        with _opener.open(request, timeout=target.timeout) as response:
            status = response.status
            response.read(65536)
    except urllib.error.HTTPError as exc:
        raise DeliveryError(f"HTTP {exc.code}") from None
    except urllib.error.URLError as exc:
        raise DeliveryError(f"connection failed: {type(exc.reason).__name__}") from None
    except TimeoutError:
        raise DeliveryError(f"no answer within {target.timeout} s") from None
    except OSError as exc:
        raise DeliveryError(f"connection failed: {type(exc).__name__}") from None
    if not 200 <= status < 300:
        raise DeliveryError(f"HTTP {status}")


def _run(alert: Alert, target: CommandTarget) -> None:
    env = dict(os.environ)
    env["WARDEN_ALERT_RULE"] = alert.rule
    if alert.detail is not None:
        env["WARDEN_ALERT_DETAIL"] = json.dumps(alert.detail, default=str)
    try:
        finished = subprocess.run(  # argv from the operator's own rules file; no shell
            target.argv,
            input=alert.body,
            capture_output=True,
            timeout=target.timeout,
            env=env,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise DeliveryError(f"command did not finish within {target.timeout} s") from None
    except OSError as exc:
        raise DeliveryError(f"command could not start: {type(exc).__name__}") from None
    if finished.returncode != 0:
        raise DeliveryError(f"command exited with status {finished.returncode}")
