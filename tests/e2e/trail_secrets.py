"""Every live server of the suite checks its own audit trail on shutdown: no secret it holds, and
no value of a secret-bearing field, may appear in any event.

Secrets it knows: every access key's secret (opened with the master key) and every MFA seed.
Fields that must always read HIDDEN_DUE_TO_SECURITY_REASONS: passwords, secret keys, session
tokens, MFA seeds, QR codes and one-time codes (CloudTrail hides the same).
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterator
from typing import Any

from sqlalchemy import select

from warden.protocol import REDACTED
from warden.server.runtime import Runtime
from warden.store.sqlalchemy import schema as s

SECRET_FIELDS = frozenset(
    {
        "password",
        "oldPassword",
        "newPassword",
        "secretAccessKey",
        "sessionToken",
        "base32StringSeed",
        "qRCodePNG",
        "authenticationCode1",
        "authenticationCode2",
        "tokenCode",
        "sAMLAssertion",
        "webIdentityToken",
    }
)
# A sealed session token is a long run of URL-safe base64; nothing else in an event is.
_TOKEN_LIKE = re.compile(r"[A-Za-z0-9_\-]{160,}")


def _walk(value: Any, path: str) -> Iterator[tuple[str, str, Any]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield path, key, item
            yield from _walk(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _walk(item, f"{path}[{index}]")


def _known_secrets(runtime: Runtime) -> list[str]:
    engine = runtime.store._engine  # type: ignore[attr-defined]
    found: list[str] = []
    with engine.connect() as conn:
        for key_id, sealed in conn.execute(select(s.access_keys.c.access_key_id, s.access_keys.c.secret_ciphertext)):
            raw = bytes(sealed)
            found.append(runtime.env.secrets.open(raw.decode("ascii"), record=key_id).decode())
        for serial, sealed in conn.execute(select(s.mfa_devices.c.serial_number, s.mfa_devices.c.seed_ciphertext)):
            seed = runtime.env.secrets.open(bytes(sealed).decode("ascii"), record=serial)
            found.append(seed.decode(errors="replace"))
            found.append(base64.b32encode(seed).decode())
    return [secret for secret in found if len(secret) >= 16]


def assert_no_secrets_in_trail(runtime: Runtime) -> int:
    """Raise AssertionError naming the first leak; the number of events checked."""
    runtime.audit.flush()
    secrets = _known_secrets(runtime)
    engine = runtime.store._engine  # type: ignore[attr-defined]
    checked = 0
    with engine.connect() as conn:
        for event_id, record in conn.execute(select(s.audit_events.c.event_id, s.audit_events.c.record)):
            checked += 1
            for secret in secrets:
                assert secret not in record, f"event {event_id} contains a secret the server holds"
            assert not _TOKEN_LIKE.search(record), f"event {event_id} contains something like a session token"
            for path, key, item in _walk(json.loads(record), "$"):
                if key in SECRET_FIELDS and item is not None:
                    assert item == REDACTED, f"event {event_id} shows {path}.{key}"
    return checked
