"""Typed settings, read once at start-up and passed down; nothing else reads the environment."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

__all__ = ["DEFAULT_MOCK_ACCOUNT_ID", "ConfigurationError", "Settings"]

DEFAULT_MOCK_ACCOUNT_ID = "123456789012"


class ConfigurationError(ValueError):
    """A setting's value cannot be used; the message names the setting and the value."""


def _seconds(name: str, text: str) -> float:
    try:
        seconds = float(text)
    except ValueError:
        seconds = -1.0
    if not seconds >= 0:  # also refuses "nan"
        raise ConfigurationError(f"{name} must be a number of seconds, 0 or more, not {text!r}")
    return seconds


def _count(name: str, text: str) -> int:
    if not (text.isascii() and text.isdigit()) or int(text) < 1:
        raise ConfigurationError(f"{name} must be a whole number, 1 or more, not {text!r}")
    return int(text)


@dataclass(frozen=True, slots=True)
class Settings:
    """How one warden server runs.

    `database_url` defaults to an SQLite file inside `data_dir`. `mock` turns off signature and
    permission checks for local development (never the default).
    """

    host: str = "127.0.0.1"
    port: int = 8080
    data_dir: Path = Path(".warden")
    database_url: str | None = None
    # Store connections kept open (WARDEN_DATABASE_POOL_SIZE); None: the store's default.
    database_pool_size: int | None = None
    account_id: str | None = None
    partition: str = "aws"
    region: str = "us-east-1"
    mock: bool = False
    master_key_b64: str | None = None
    # Retired master keys, still accepted for what they sealed (WARDEN_MASTER_KEY_PREVIOUS).
    previous_master_keys_b64: str | None = None
    access_log: bool = True
    # Seconds between seals of the audit trail into signed digests (WARDEN_AUDIT_SEAL_INTERVAL).
    audit_seal_interval: float = 60.0
    # Proxies whose X-Forwarded-For/-Proto are believed (comma-separated addresses or networks,
    # or "*"); None believes no one, so aws:SourceIp is the connecting address.
    forwarded_allow_ips: str | None = None

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'warden.db').resolve()}"

    @property
    def endpoint_url(self) -> str:
        host = "127.0.0.1" if self.host in ("0.0.0.0", "") else self.host
        if ":" in host and not host.startswith("["):
            host = f"[{host}]"
        return f"http://{host}:{self.port}"

    @classmethod
    def from_environment(cls, env: Mapping[str, str] | None = None, **overrides: object) -> Settings:
        """Settings from `WARDEN_*` variables, then explicit overrides (command-line flags) on top."""
        env = os.environ if env is None else env
        values: dict[str, object] = {}
        if "WARDEN_DATABASE_URL" in env:
            values["database_url"] = env["WARDEN_DATABASE_URL"]
        if "WARDEN_DATABASE_POOL_SIZE" in env:
            values["database_pool_size"] = _count("WARDEN_DATABASE_POOL_SIZE", env["WARDEN_DATABASE_POOL_SIZE"])
        if "WARDEN_MASTER_KEY" in env:
            values["master_key_b64"] = env["WARDEN_MASTER_KEY"]
        if "WARDEN_MASTER_KEY_PREVIOUS" in env:
            values["previous_master_keys_b64"] = env["WARDEN_MASTER_KEY_PREVIOUS"]
        if "WARDEN_PARTITION" in env:
            values["partition"] = env["WARDEN_PARTITION"]
        if "WARDEN_REGION" in env:
            values["region"] = env["WARDEN_REGION"]
        if env.get("WARDEN_FORWARDED_ALLOW_IPS"):
            values["forwarded_allow_ips"] = env["WARDEN_FORWARDED_ALLOW_IPS"]
        if "WARDEN_AUDIT_SEAL_INTERVAL" in env:
            values["audit_seal_interval"] = _seconds("WARDEN_AUDIT_SEAL_INTERVAL", env["WARDEN_AUDIT_SEAL_INTERVAL"])
        values.update({k: v for k, v in overrides.items() if v is not None})
        if "data_dir" in values:
            values["data_dir"] = Path(str(values["data_dir"]))
        return cls(**values)  # type: ignore[arg-type]
